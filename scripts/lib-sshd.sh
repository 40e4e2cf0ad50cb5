# Sourced by the demo scripts: start_sshd DIR DROP starts a local OpenSSH sshd (key-only,
# internal-sftp forced into DROP) with keys in DIR, sets $port and $sshd_pid, and writes
# DIR/known_hosts pinning its host key and DIR/client_ed25519 for the client.
start_sshd() {
	local d=$1 drop=$2 pid=
	ssh-keygen -q -t ed25519 -N '' -C '' -f "$d/host_ed25519"
	ssh-keygen -q -t ed25519 -N '' -C '' -f "$d/client_ed25519"
	cp "$d/client_ed25519.pub" "$d/authorized_keys"
	if [ "$(id -u)" = 0 ]; then mkdir -p -m 0755 /run/sshd; fi
	for try in 1 2 3 4 5; do
		port=$((20000 + RANDOM % 40000))
		/usr/sbin/sshd -D -e -f /dev/null -o ListenAddress=127.0.0.1:$port -o HostKey="$d/host_ed25519" \
			-o PidFile=none -o AuthorizedKeysFile="$d/authorized_keys" -o PasswordAuthentication=no \
			-o KbdInteractiveAuthentication=no -o PermitRootLogin=prohibit-password -o StrictModes=no \
			-o UsePAM=no -o "Subsystem=sftp internal-sftp" -o "ForceCommand=internal-sftp -d $drop" \
			-o AllowTcpForwarding=no -o X11Forwarding=no >"$d/sshd.log" 2>&1 &
		pid=$!
		for _ in $(seq 100); do
			grep -q 'Server listening' "$d/sshd.log" && break 2
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		kill "$pid" 2>/dev/null || true; pid=
	done
	[ -n "$pid" ] || { echo "sshd did not start:"; cat "$d/sshd.log"; return 1; }
	sshd_pid=$pid
	echo "[127.0.0.1]:$port $(cat "$d/host_ed25519.pub")" > "$d/known_hosts"
}
