#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A stand-in for ssh whose "board" is a /proc-like test tree, so that the
# ssh source's own logic runs without a server (no keys, no network):
#   MEMSCOPE_SSH="sh fake-ssh.sh TREE" memscope procrank -s ssh://board
# It takes ssh's words as the ssh source gives them (-S SOCKET, -o ..., -p
# PORT, -M -N for the control master, --, the target, the command). The
# master is a process that holds a Unix socket at SOCKET until it is
# killed; any other run is the command, with the board's /proc read from
# TREE: the capture script gets --proc-root TREE, and `cat /proc/...`
# reads TREE/... .
set -u
tree=$1
shift
sock= master=0 remote=
while [ $# -gt 0 ]; do
	case $1 in
	-S) sock=$2; shift ;;
	-o | -p) shift ;;
	-M) master=1 ;;
	--) remote=${3:-}; break ;;
	esac
	shift
done
if [ $master = 1 ]; then
	# As ssh's master with its own session (`cat >/dev/null` on the
	# board): it ends when its standard input does.
	exec python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(1)
sys.stdin.buffer.read()' "$sock"
fi
case $remote in
"sh -s -- "*)
	set -f # the command's words, split as the remote shell would
	# shellcheck disable=SC2086
	exec sh -s -- ${remote#sh -s -- } --proc-root "$tree"
	;;
"cat /proc/"*) exec cat "$tree/${remote#cat /proc/}" ;;
*) echo "fake-ssh: $remote: not a command of the ssh source" >&2; exit 127 ;;
esac
