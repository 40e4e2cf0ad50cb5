#!/usr/bin/env bash
# make demo: the main job end to end, on embedded defaults, in .demo/.
# Each step prints what it did; the exit status is 0 when every step behaved as expected.
set -euo pipefail
cd "$(dirname "$0")/.."
icss=bin/icss
demo=.demo
rm -rf "$demo"; mkdir -p "$demo/inbox" "$demo/acks"

step() { printf '\n== %s\n' "$*"; }

step "1. Carrier files arrive: a generated 20,000-bill 309 manifest and five hand-made interchanges (testdata/demo)"
$icss edi generate --bills 20000 --bills-per-set 1000 --seed 7 --control 900 > "$demo/inbox/maeu-309-large.x12"
cp testdata/demo/*.x12 "$demo/inbox/"
ls -l "$demo/inbox"

step "2. Inspect: envelopes and 309 structure validated; every error with its position and code"
status=0
$icss edi inspect "$demo/inbox"/*.x12 > "$demo/inspect.txt" || status=$?
# The large manifest's accepted sets are many: show the rest.
grep -v '^      set 309 .*accepted$' "$demo/inspect.txt"
echo "(exit status $status: 1 means some input is invalid, as three of them are)"
[ "$status" = 1 ]

step "3. Acknowledge: TA1 where requested or where the envelope is broken, 997/999 per group"
status=0
$icss edi ack --out "$demo/acks" --state "$demo/state.db" --newline "$demo/inbox"/*.x12 || status=$?
[ "$status" = 1 ]

step "4. Every acknowledgment is itself a valid interchange"
$icss edi inspect "$demo/acks"/*.x12 | grep -E '^[^ ]|^  interchange'
echo
echo "One of them, as sent back to the carrier:"
cat "$demo"/acks/997_000000103_*

step "4b. EDIFACT: two CUSCAR interchanges in one file (the second has a wrong UNT count) get one CONTRL each"
mkdir -p "$demo/edifact"
cat edi/edifact/testdata/conformance/01_valid_cuscar_d95b.edi edi/edifact/testdata/conformance/03_unt_count.edi > "$demo/edifact/cuscar.edi"
status=0
$icss edi inspect "$demo/edifact/cuscar.edi" | grep -E '^[^ ]|^  interchange|^        error' || status=$?
$icss edi ack --out "$demo/edifact" --newline "$demo/edifact/cuscar.edi" || status=$?
[ "$status" = 1 ]
cat "$demo"/edifact/CONTRL_IC03_*.edi

step "4c. SFTP: the same files from a carrier's drop box on a local OpenSSH sshd, pulled exactly once; an acknowledgment pushed back"
scripts/demo-sftp.sh "$icss" "$demo" testdata/demo/*.x12

step "5. Normalize: X12 and CUSCAR alike, one harmonized record per bill version (JSON lines, schema transforms/harmonized/schema.json)"
$icss normalize --unmapped --out "$demo/records.jsonl" "$demo/inbox"/*.x12 "$demo/edifact/cuscar.edi" 2> "$demo/normalize.txt"
grep -v '^unmapped:' "$demo/normalize.txt"
echo "unmapped segments/elements: $(grep -c '^unmapped:' "$demo/normalize.txt" || true)"
echo "First record, abridged:"
head -1 "$demo/records.jsonl" | cut -c1-400; echo ...

step "6. The carrier template: icss template writes it (and its mapping); a filled copy normalizes like EDI"
$icss template --write-mapping "$demo/template.yaml" "$demo/template.xlsx"
ls -l "$demo/template.xlsx" "$demo/template.yaml"

step "7. Risk: the rule set's own examples run as tests, then every record scored and explained (a partner referral, an exam budget of 10 per port and day)"
$icss risk test
first=$(head -1 "$demo/records.jsonl" | grep -o '"key":"[^"]*"' | head -1 | cut -d'"' -f4)
printf 'source,bill,container,reason,referrer\npartner,%s,,NTC-R7,CBP-NTC\n' "$first" > "$demo/referrals.csv"
$icss risk score --referrals "$demo/referrals.csv" --capacity 10 --out "$demo/assessments.jsonl" "$demo/records.jsonl"
echo "Selected, abridged (score, path, reasons):"
grep -m5 '"selected":true' "$demo/assessments.jsonl" | cut -c1-320
if [ -d ../shared/data/kcs ]; then
  step "7b. Learning from exam outcomes: KCS declarations, history learned from train, evaluated on valid"
  $icss risk backtest --mapping testdata/kcs/mapping.yaml --bootstrap 200 \
    --history ../shared/data/kcs/df_syn_train_eng.csv --eval ../shared/data/kcs/df_syn_valid_eng.csv
fi

step "8. The corridor by itself: icss run --once on embedded defaults, an officer's return, the partner's check"
scripts/demo-corridor.sh "$icss" "$demo"
