# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the ssh tests: a throw-away OpenSSH server on a loopback port,
# its host key and the user's key made here, the user's commands run by
# BusyBox alone (its applets first on PATH, `busybox sh` for the shell),
# as on a board with nothing else. Sets $sshd_dir, $sshd_port, $sshd_pid
# and MEMSCOPE_SSH (ssh with this folder's configuration). Exits 77 with
# a reason when something it needs is missing.
#   sshd_start; ...; sshd_kill_sessions; ...; sshd_stop
sshd_start() {
	sshd_bin=/usr/sbin/sshd
	[ -x "$sshd_bin" ] || { echo "sshd not installed (Debian package openssh-server)"; exit 77; }
	command -v ssh > /dev/null || { echo "ssh not installed (Debian package openssh-client)"; exit 77; }
	command -v ssh-keygen > /dev/null || { echo "ssh-keygen not installed"; exit 77; }
	bb=$(command -v busybox) || { echo "busybox not installed"; exit 77; }
	sshd_dir=$(mktemp -d /tmp/memscope-sshd.XXXXXX)
	chmod 700 "$sshd_dir"
	ssh-keygen -q -t ed25519 -N '' -f "$sshd_dir/host_key" || exit 1
	ssh-keygen -q -t ed25519 -N '' -f "$sshd_dir/user_key" || exit 1
	mkdir "$sshd_dir/bin"
	"$bb" --install -s "$sshd_dir/bin"
	# The board's login: BusyBox's shell, BusyBox's tools.
	cat > "$sshd_dir/board" << WRAP
#!$bb sh
PATH=$sshd_dir/bin
export PATH
exec $bb sh -c "\$SSH_ORIGINAL_COMMAND"
WRAP
	chmod 755 "$sshd_dir/board"
	printf 'command="%s",no-pty,no-port-forwarding %s\n' "$sshd_dir/board" \
		"$(cat "$sshd_dir/user_key.pub")" > "$sshd_dir/authorized_keys"
	sshd_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	cat > "$sshd_dir/sshd_config" << CONF
ListenAddress 127.0.0.1:$sshd_port
HostKey $sshd_dir/host_key
AuthorizedKeysFile $sshd_dir/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
PidFile $sshd_dir/sshd.pid
LogLevel ERROR
CONF
	printf '[127.0.0.1]:%s %s\n' "$sshd_port" "$(cut -d' ' -f1,2 "$sshd_dir/host_key.pub")" \
		> "$sshd_dir/known_hosts"
	cat > "$sshd_dir/ssh_config" << CONF
Host *
  User $(id -un)
  IdentityFile $sshd_dir/user_key
  IdentitiesOnly yes
  UserKnownHostsFile $sshd_dir/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  LogLevel ERROR
CONF
	# As root, sshd wants its privilege separation folder.
	[ "$(id -u)" != 0 ] || mkdir -p /run/sshd
	MEMSCOPE_SSH="ssh -F $sshd_dir/ssh_config"
	export MEMSCOPE_SSH
	sshd_launch
}

# Starts the listener (again, after sshd_down: the board back from a
# reboot, same port and keys) and waits until it takes a login; exits
# STATUS (77, skipped, unless told) when it does not.
sshd_launch() {
	launch_fail=${1:-77}
	"$sshd_bin" -D -e -f "$sshd_dir/sshd_config" 2>> "$sshd_dir/sshd.log" &
	sshd_pid=$!
	i=0
	until ssh -F "$sshd_dir/ssh_config" -p "$sshd_port" -o BatchMode=yes 127.0.0.1 true 2> "$sshd_dir/probe.err"; do
		i=$((i + 1))
		if [ $i -ge 50 ] || ! kill -0 "$sshd_pid" 2> /dev/null; then
			echo "sshd did not start: $(cat "$sshd_dir/sshd.log" "$sshd_dir/probe.err")"
			sshd_stop
			exit "$launch_fail"
		fi
		sleep 0.2
	done
}

# Kills the server's per-connection processes (its children), by pid:
# every link to it drops; the listener stays.
sshd_kill_sessions() {
	for child in $(ps -o pid= --ppid "$sshd_pid"); do
		kill -9 "$child" 2> /dev/null
	done
}

# The board goes away: every link drops and no new one is taken (a
# connection is refused) until sshd_launch.
sshd_down() {
	sshd_kill_sessions
	kill "$sshd_pid" 2> /dev/null
	wait "$sshd_pid" 2> /dev/null
}

sshd_stop() {
	[ -z "${sshd_pid:-}" ] || { sshd_kill_sessions; kill "$sshd_pid" 2> /dev/null; wait "$sshd_pid" 2> /dev/null; }
	sshd_pid=
	[ -z "${sshd_dir:-}" ] || rm -rf "$sshd_dir"
	sshd_dir=
}
