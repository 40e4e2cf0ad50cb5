#!/usr/bin/env bash
# The SFTP part of make demo: a local OpenSSH sshd (key-only, host key pinned) serves a
# carrier drop box; icss pull takes its files exactly once, a second pull takes nothing,
# and icss push delivers an acknowledgment back.
#   scripts/demo-sftp.sh ICSS DEMO_DIR FILE...
set -euo pipefail
icss=$1; demo=$2; shift 2
if [ ! -x /usr/sbin/sshd ]; then
	echo "sshd is not installed (scripts/test-deps.sh sshd, as root): the SFTP demo cannot run" >&2
	exit 1
fi
d="$demo/sftp"
rm -rf "$d"; mkdir -p "$d/drop/inbox" "$d/drop/outbox"
d=$(cd "$d" && pwd)
sshd_pid=
trap '[ -n "$sshd_pid" ] && kill "$sshd_pid" 2>/dev/null; true' EXIT
. "$(dirname "$0")/lib-sshd.sh"
start_sshd "$d" "$d/drop"

cat > "$d/icss.yaml" <<YAML
data_dir: data
endpoints:
  - name: carrier
    addr: "127.0.0.1:$port"
    user: "$(id -un)"
    key_file: client_ed25519
    known_hosts_file: known_hosts
    inbox: inbox
    outbox: outbox
    stable_for: 1s
YAML
cp "$@" "$d/drop/inbox/"
touch "$d/drop/inbox/upload-in-progress.x12.part"
echo "Drop box inbox (served by sshd on 127.0.0.1:$port):"; ls "$d/drop/inbox"
echo
echo "\$ icss pull --config icss.yaml"
"$icss" pull --config "$d/icss.yaml" | sed 's/sha256 \([0-9a-f]\{12\}\)[0-9a-f]*/sha256 \1…/'
echo
echo "\$ icss pull --config icss.yaml   # again: nothing is taken twice"
"$icss" pull --config "$d/icss.yaml"
echo
echo "Left in the inbox (an upload in progress is never taken):"; ls "$d/drop/inbox" | grep -v '^archive$'
echo "Archived on the server:"; ls "$d/drop/inbox/archive"
echo "Raw store (content-addressed):"; find "$d/data/blobs/raw/sha256" -type f | sed "s|$d/||" | head -3; echo ...
echo
ack=$(ls "$demo"/acks/997_* | head -1)
echo "\$ icss push --config icss.yaml --endpoint carrier $(basename "$ack")"
"$icss" push --config "$d/icss.yaml" --endpoint carrier "$ack" | sed 's/sha256 \([0-9a-f]\{12\}\)[0-9a-f]*/sha256 \1…/'
echo "Carrier outbox:"; ls "$d/drop/outbox"
