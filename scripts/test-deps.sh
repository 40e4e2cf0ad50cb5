#!/usr/bin/env bash
# Installs what `make test` needs on a fresh machine, and nothing when it is already there.
#   scripts/test-deps.sh            everything
#   scripts/test-deps.sh NAME...    only these (sshd versitygw staticcheck postgres benchstat
#                                   libreoffice chromium smtp jsonschema)
# Versions are pinned here and nowhere else.
set -euo pipefail

STATICCHECK_VERSION=v0.8.2
VERSITYGW_VERSION=v1.8.0
BENCHSTAT_VERSION=v0.0.0-20260908200009-22c9c6c9d4da

GOBIN="${GOBIN:-$(go env GOPATH)/bin}"
export GOBIN
export DEBIAN_FRONTEND=noninteractive

can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }
apt_updated=
apt_install() {
	if ! can_apt; then
		echo "test-deps: $* missing and this is not a root Debian shell; install it, or the tests that need it skip (they fail under CI=true)" >&2
		return 0
	fi
	if [ -z "$apt_updated" ]; then apt-get update -qq; apt_updated=1; fi
	apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

go_install() { # module@version binary
	local bin="$GOBIN/$2"
	# Installed already when the binary's package path and module version are the ones asked for.
	if [ -x "$bin" ] && [ "$(go version -m "$bin" 2>/dev/null | awk '$1 == "path" {p = $2} $1 == "mod" {v = $3} END {print p "@" v}')" = "$1" ]; then
		return 0
	fi
	echo "test-deps: go install $1"
	go install "$1"
}

targets=("$@")
has() { [ ${#targets[@]} -eq 0 ] && return 0; local t; for t in "${targets[@]}"; do [ "$t" = "$1" ] && return 0; done; return 1; }

if has sshd; then
	[ -x /usr/sbin/sshd ] || { echo "test-deps: apt-get install openssh-server"; apt_install openssh-server; }
	if [ "$(id -u)" = 0 ]; then mkdir -p -m 0755 /run/sshd; fi
fi
if has postgres; then
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { echo "test-deps: apt-get install postgresql"; apt_install postgresql; }
fi
if has libreoffice; then
	# LibreOffice Calc, headless: proves an exam-list workbook opens without a repair prompt.
	command -v soffice >/dev/null || { echo "test-deps: apt-get install libreoffice-calc-nogui"; apt_install libreoffice-calc-nogui; }
fi
if has chromium; then
	# Headless Chromium loads the daemon's status page in its test.
	command -v chromium >/dev/null || { echo "test-deps: apt-get install chromium"; apt_install chromium; }
fi
if has smtp; then
	# Postfix's smtp-sink is a real SMTP server for tests; no mail daemon is configured or started.
	if ! command -v smtp-sink >/dev/null && [ ! -x /usr/sbin/smtp-sink ]; then
		echo "test-deps: apt-get install postfix (for smtp-sink)"
		if can_apt; then echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections; fi
		apt_install postfix
	fi
fi
if has jsonschema; then
	# Python's jsonschema validates result batches against their JSON Schemas in a test.
	python3 -c 'import jsonschema' 2>/dev/null || { echo "test-deps: apt-get install python3-jsonschema"; apt_install python3-jsonschema; }
fi
if has versitygw; then go_install "github.com/versity/versitygw/cmd/versitygw@${VERSITYGW_VERSION}" versitygw; fi
if has staticcheck; then go_install "honnef.co/go/tools/cmd/staticcheck@${STATICCHECK_VERSION}" staticcheck; fi
if has benchstat; then go_install "golang.org/x/perf/cmd/benchstat@${BENCHSTAT_VERSION}" benchstat; fi
