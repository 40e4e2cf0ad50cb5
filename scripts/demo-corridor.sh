#!/usr/bin/env bash
# The corridor part of make demo: icss run --once on embedded defaults (SQLite ledger
# and job queue, local blob store) against carrier, port and partner drop boxes on a
# local OpenSSH sshd and an SMTP sink; an officer fills the exam list in; a second
# run imports it, sends the partner its signed result batch and the carrier its
# notices; the partner checks an examined container.
#   scripts/demo-corridor.sh ICSS DEMO_DIR
# BILLS and FILES (default 5000 in 1) size the generated manifests; make bench-corridor
# runs it with 100,000 bills and prints each run's wall time and peak RSS.
set -euo pipefail
icss=$1; demo=$2
bills=${BILLS:-5000}; files=${FILES:-1}
run() { # label: icss run --once, timed (wall time and peak RSS)
	local label=$1; shift
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f "$label: wall %e s, peak RSS %M KiB" "$icss" run --once --config "$d/icss.yaml" 2> >(tee "$d/$label.log" | grep -v '^{' >&2)
	else
		local t0=$(date +%s.%N)
		"$icss" run --once --config "$d/icss.yaml" 2> "$d/$label.log"
		echo "$label: wall $(echo "$(date +%s.%N) - $t0" | bc) s"
	fi
}
if [ ! -x /usr/sbin/sshd ]; then
	echo "sshd is not installed (scripts/test-deps.sh sshd, as root): the corridor demo cannot run" >&2
	exit 1
fi
d="$demo/corridor"
rm -rf "$d"; mkdir -p "$d/drop/carrier/inbox" "$d/drop/carrier/outbox" "$d/drop/port/lists" "$d/drop/port/returns" "$d/drop/partner/inbox" "$d/mail"
d=$(cd "$d" && pwd)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; true' EXIT
. "$(dirname "$0")/lib-sshd.sh"
start_sshd "$d" "$d/drop"
pids+=("$sshd_pid")
sink=$(command -v smtp-sink || ls /usr/sbin/smtp-sink 2>/dev/null || true)
if [ -z "$sink" ]; then
	echo "smtp-sink is not installed (scripts/test-deps.sh smtp, as root): the exam lists cannot be mailed" >&2
	exit 1
fi
smtp=$((20000 + RANDOM % 40000))
(cd "$d/mail" && exec "$sink" -u "$(id -un)" -d "%M." 127.0.0.1:$smtp 16) >"$d/smtp.log" 2>&1 &
pids+=("$!")
"$icss" keys generate --out "$d/keys" >/dev/null

ep() { # name role dirs...
	printf '  - {name: %s, role: %s, addr: "127.0.0.1:%s", user: "%s", key_file: client_ed25519, known_hosts_file: known_hosts, stable_for: 1s, %s}\n' \
		"$1" "$2" "$port" "$(id -un)" "$3"
}
{
	echo "# written by make demo: embedded defaults (SQLite, local blob store in data/)"
	echo "data_dir: data"
	echo "node: demo"
	echo "endpoints:"
	ep carrier carrier "inbox: carrier/inbox, outbox: carrier/outbox"
	ep prr-staff port "inbox: port/returns, outbox: port/lists"
	ep partner partner "outbox: partner/inbox"
	echo "ports:"
	echo '  - {code: CAPRR, name: Prince Rupert, endpoint: prr-staff, cutoffs: "CRON_TZ=America/Vancouver 0 6,14 * * *", email: [exam-lists@prr.example]}'
	echo "smtp: {host: 127.0.0.1, port: $smtp, from: \"icss <icss@cbsa.example>\", tls: none}"
	echo "schedules:"
	echo '  - {name: pull, spec: "CRON_TZ=UTC */5 * * * *", stage: pull}'
	echo '  - {name: learn, spec: "CRON_TZ=America/Vancouver 0 2 * * *", stage: learn}'
	echo "risk: {capacity: 40}"
	echo "results: {batch_dir: data/results, sftp_endpoint: partner}"
	echo "http: {addr: \"127.0.0.1:0\"}"
	echo "signing_key: {file: keys/icss-signing.key}"
} > "$d/icss.yaml"
echo "\$ icss config check icss.yaml"
"$icss" config check "$d/icss.yaml"

echo
echo "Carrier files dropped in the carrier's inbox: $files generated 309 manifest(s), $bills bills in all, and the five hand-made interchanges"
for i in $(seq "$files"); do
	"$icss" edi generate --bills $((bills / files)) --bills-per-set 500 --seed $((10 + i)) --control $((950 + i)) > "$d/drop/carrier/inbox/maeu-309-gen-$i.x12"
done
cp testdata/demo/*.x12 "$d/drop/carrier/inbox/"
touch -d '1 minute ago' "$d"/drop/carrier/inbox/*
ls "$d/drop/carrier/inbox"

echo
echo "\$ icss run --once --config icss.yaml      # pull, acknowledge, normalize, score, hold notices, exam list"
run run1
echo "(log: $(wc -l < "$d/run1.log") JSON lines in $d/run1.log; one of them:)"
grep -m1 '"msg":"scored"' "$d/run1.log" | cut -c1-300
echo
echo "Acknowledgments and hold notices in the carrier's outbox:"; ls "$d/drop/carrier/outbox"
echo "Exam list in the port's outbox:"; ls "$d/drop/port/lists"
echo "E-mails received by the SMTP sink:"; ls "$d/mail"

list=$(ls "$d"/drop/port/lists/*.xlsx | head -1)
echo
echo "The officers fill the list in (internal/cmd/officer) and send it back with photos:"
go run ./internal/cmd/officer --photos "$d/drop/port/returns" --out "$d/drop/port/returns/returned-$(basename "$list")" "$list"
touch -d '1 minute ago' "$d"/drop/port/returns/*

echo
echo "\$ icss run --once --config icss.yaml      # import the return as evidence, result batch, release notices"
run run2
echo "Partner inbox (signed result batch):"; ls "$d/drop/partner/inbox"
echo "Release notices in the carrier's outbox:"; ls "$d/drop/carrier/outbox" | grep '^350_'

echo
echo "The partner verifies and indexes the batch, then checks an examined container at the border:"
"$icss" partner pull --dir "$d/drop/partner/inbox" --pubkey "$d/keys/icss-signing.pub" --state "$d/partner.db"
container=$(grep -o '"container":"[^"]*"' "$d"/drop/partner/inbox/results-*.jsonl | head -1 | cut -d'"' -f4)
echo "\$ icss partner check --state partner.db $container"
"$icss" partner check --state "$d/partner.db" "$container" || true

echo
echo "\$ icss status --config icss.yaml"
"$icss" status --config "$d/icss.yaml" || true

echo
echo "Where every output lies (under $d):"
cat <<TXT
  icss.yaml                      the configuration this demo wrote
  data/ledger.db                 the ledger (files, record versions, scores, exam lists, deliveries, runs)
  data/ledger-jobs.db            the job queue (River)
  data/blobs/raw/                carrier files and returns as received, by SHA-256
  data/blobs/records/            batches of harmonized records, assessments, acknowledgments, notices
  data/blobs/exam-lists/         exam list workbooks
  data/blobs/evidence/           photos, returned workbooks, signed manifests
  data/blobs/results/            the results bucket the partner polls
  data/results/                  signed result batches
  drop/carrier/outbox/           acknowledgments and notices, as the carrier sees them
  drop/port/lists/               exam lists, as port staff see them
  drop/partner/inbox/            result batches, as the partner sees them
  mail/                          e-mails the SMTP sink received
  run1.log, run2.log             the daemon's JSON log lines
TXT
