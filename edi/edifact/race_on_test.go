//go:build race

package edifact_test

// raceEnabled: the race detector's shadow memory would count in a resident-set bound.
const raceEnabled = true
