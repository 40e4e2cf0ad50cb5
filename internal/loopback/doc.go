// Package loopback tells whether a configured host stays on this machine, for the
// settings that are safe only there (HTTP without auth, SMTP without TLS).
package loopback
