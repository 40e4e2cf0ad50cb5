// Package redact holds credentials that must never be printed: a resolved
// password or token prints as **redacted** through fmt, slog and encoders, so a
// logged or dumped configuration does not leak it.
package redact
