// Package sftp moves files between icss and its partners' SFTP servers: carriers' drop
// boxes that icss pulls from, and the inboxes it pushes results to.
//
// # Connections
//
// A Client (New, Dial) holds one SSH connection per endpoint, authenticated by key
// (ed25519 or RSA; encrypted keys with Config.KeyPassphrase), to a server whose host key
// must be pinned in Config.KnownHostsFile: ClientConfig.HostKeyAlgorithms is taken from
// the pinned keys (github.com/skeema/knownhosts), and an unknown or changed key is a
// *HostKeyError naming the SHA256 fingerprints, never a prompt and never retried.
// Keepalives (keepalive@openssh.com) detect dead links; an operation that loses its
// connection is retried on a new one with exponential backoff (Config.Retries,
// RetryBackoff, RetryBackoffMax). At most Config.MaxConcurrent transfers run at once.
//
// # Pull
//
// Puller.Run takes every ready file of the inbox exactly once: stable (size and mtime
// unchanged over Config.StableFor) or announced by a done marker, not matching the
// ignore globs, with a valid name (ValidateName) and within Config.MaxFileSize. Each is
// downloaded while hashed, checked for size and for changes during the download, stored
// in the blob store under its SHA-256 (create-only), recorded in the state ledger, and
// only then archived (PosixRename into Config.Archive, never replacing a file there) or
// deleted on the server. See Puller for why a crash at any point is harmless; the test
// TestPullSurvivesKill9 kills pull processes with SIGKILL to prove it.
//
// # Push
//
// Client.Push uploads under a hidden temporary name, fsyncs (fsync@openssh.com) where
// offered, verifies the size, and publishes atomically without ever replacing a
// different file of the same name (hardlink@openssh.com, or Stat + posix-rename).
//
// # Performance
//
// BenchmarkDownload, 1 GiB from OpenSSH 9.2 sshd on loopback, 2 cores, to a local file
// (icss also computing SHA-256):
//
//	icss, max_packet 32768 (default)     202 MB/s
//	icss, max_packet 261120              410 MB/s
//	OpenSSH sftp client (get)            204 MB/s
//
// 261120 is OpenSSH's largest read; use it for OpenSSH servers (max_packet in the
// endpoint's configuration). The default stays at the 32 KiB every server must accept.
// Memory does not grow with file size: downloads stream through a spool file.
//
// BenchmarkPullSmallFiles (200 files of 4 KiB per run, everything a real pull does per
// file, on the same machine shared with other builds): 120-240 files/s, bound by the
// fsyncs of the local store and the SQLite ledger (three transactions per file).
//
// # Testing
//
// Tests run against a real OpenSSH sshd (internal/testkit/sshdtest); faults that a real
// server produces only by accident — a connection dropped mid-transfer, permission
// denied, a failing rename, a file growing between listings — are injected with an
// in-process pkg/sftp RequestServer (internal/testkit/sftpfault).
package sftp
