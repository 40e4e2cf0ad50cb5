//go:build !race

package edifact_test

const raceEnabled = false
