// Package signing holds icss's ed25519 signing keys: generating a key pair,
// reading and writing it as PEM (PKCS #8 private, PKIX public, as openssl
// writes them), and signing and verifying detached signatures.
//
// One key pair signs everything icss vouches for after the fact: evidence
// manifests and partner result batches. The public key is what the partner
// agency and auditors are given; its fingerprint (KeyID) names it in
// manifests, so that a rotated key is told apart from a forged one.
package signing
