#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The explorer over ssh, in tmux at 80x24 with TERM=vt100: it refreshes
# (a process started on the board after the first screen shows up, one
# that ended goes), a board that goes away (its sshd and every link to it
# killed) is said on the status line while the last sample stays on
# screen, and once the board is back the explorer reconnects by itself.
#   ssh-explorer.sh MEMSCOPE
# A throw-away sshd on loopback (sshd-lib.sh) runs the capture script
# under BusyBox. Exit 0 passed, 1 failed (why on stdout), 77 skipped.
# Every wait is bounded; everything started is stopped by pid or socket.
set -u
ms=$1
here=$(dirname "$0")
command -v tmux > /dev/null || { echo "tmux not installed"; exit 77; }
command -v python3 > /dev/null || { echo "python3 not installed"; exit 77; }
. "$here/sshd-lib.sh"
work=$(mktemp -d /tmp/memscope-sshtui.XXXXXX)
sock=memscope-sshtui-$$
pids=
cleanup() {
	tmux -L "$sock" kill-server 2> /dev/null
	for p in $pids; do kill "$p" 2> /dev/null; done
	for p in $pids; do wait "$p" 2> /dev/null; done
	sshd_stop
	rm -rf "$work"
}
sshd_start
trap cleanup EXIT
fail() {
	echo "$*"
	echo "--- the screen:"
	cat "$work/screen"
	exit 1
}

screen() { tmux -L "$sock" capture-pane -p > "$work/screen" 2> /dev/null; }
# wait_for TEXT [SECONDS]: until the screen shows TEXT.
wait_for() {
	n=$((${2:-15} * 10))
	while [ $n -gt 0 ]; do
		screen
		grep -qF -- "$1" "$work/screen" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}
# wait_gone TEXT [SECONDS]: until the screen no longer shows TEXT.
wait_gone() {
	n=$((${2:-15} * 10))
	while [ $n -gt 0 ]; do
		screen
		grep -qF -- "$1" "$work/screen" || return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}
# marker NAME: a process with a name of our own on the "board" (this
# machine); its pid in $marked.
marker() {
	cp "$(command -v sleep)" "$work/$1"
	"$work/$1" 120 > /dev/null 2>&1 &
	marked=$!
	pids="$pids $marked"
}

url=ssh://127.0.0.1:$sshd_port
marker msr-one
one=$marked
tmux -L "$sock" -f /dev/null new-session -d -x 80 -y 24 \
	"env TERM=vt100 MEMSCOPE_SSH='$MEMSCOPE_SSH' '$ms' -s '$url' -d 1; echo \$? > '$work/exit'; sleep 60"
wait_for "sort: PSS desc" 60 || fail "no process table over ssh"
grep -qF "live $url" "$work/screen" || fail "the header does not name $url"
# Only our markers in the table: their rows are then on the screen.
tmux -L "$sock" send-keys / msr- Enter
wait_for msr-one 40 || fail "msr-one (pid $one) not listed"

# Refreshing: the next sample has the new marker and not the ended one.
kill "$one"
marker msr-two
two=$marked
wait_for msr-two 40 || fail "no refresh showed msr-two (pid $two)"
wait_gone msr-one 40 || fail "msr-one still listed after it ended"
echo "refreshed: msr-two (pid $two) came, msr-one went"

# The board goes away: a clear message, the last sample stays.
sshd_down
marker msr-three
three=$marked
wait_for "refresh failed: " 40 || fail "no message once the link was killed"
grep -q "Connection refused\|closed\|reset\|connection was lost" "$work/screen" || fail "the message gives no reason"
grep -qF msr-two "$work/screen" || fail "the last sample left the screen"
grep -qF "sort: PSS desc" "$work/screen" || fail "the table left the screen"
grep -qF msr-three "$work/screen" && fail "msr-three listed while the board was away"
echo "link killed: $(grep -o 'refresh failed: .*' "$work/screen" | sed 's/ *$//')"

# The board is back on the same port: the explorer reconnects by itself.
sshd_launch 1
wait_for msr-three 40 || fail "no reconnection: msr-three (pid $three) never listed"
wait_for "refreshed again" 5 || fail "the failure message stayed after the reconnection"
echo "reconnected: msr-three (pid $three) listed"

tmux -L "$sock" send-keys q
n=50
while [ ! -s "$work/exit" ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
[ "$(cat "$work/exit" 2> /dev/null)" = 0 ] || fail "q did not exit 0: $(cat "$work/exit" 2> /dev/null)"
exit 0
