#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# procrank over ssh equals procrank here, for processes that hold still;
# a link that drops is said and retried; an unreachable board is exit 1
# with ssh's reason.
#   ssh-procrank.sh MEMSCOPE WORKLOAD_HELPER
# A throw-away sshd on loopback (sshd-lib.sh) runs the capture script
# under BusyBox. Exit 0 passed, 1 failed (why on stdout), 77 skipped.
set -u
ms=$1
helper=$2
here=$(dirname "$0")
command -v python3 > /dev/null || { echo "python3 not installed"; exit 77; }
. "$here/sshd-lib.sh"
pids=
cleanup() {
	for p in $pids; do kill "$p" 2> /dev/null; done
	for p in $pids; do wait "$p" 2> /dev/null; done
	sshd_stop
	rm -rf "$work"
}
work=$(mktemp -d /tmp/memscope-sshtest.XXXXXX)
sshd_start
trap cleanup EXIT
fail() { echo "$*"; exit 1; }
url=ssh://127.0.0.1:$sshd_port

mkfifo "$work/hold"
"$helper" -n 3 -k 2 -s 16 -q 2 -a 32 -t 16 -T 300 < "$work/hold" > "$work/ready" 2>&1 &
pids="$pids $!"
exec 3> "$work/hold"
i=0
while ! grep -q READY "$work/ready" 2> /dev/null; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "workload_helper did not start"
	sleep 0.1
done
workers=$(sed -n 's/^READY [^ ]* [^ ]* [^ ]* //p' "$work/ready")

# The same rows, but for the figures of processes that come and go.
"$ms" procrank -s "$url" -f json > "$work/remote.json" 2> "$work/remote.err" ||
	fail "procrank -s $url: $(cat "$work/remote.err")"
"$ms" procrank -f json > "$work/local.json" || fail "local procrank failed"
python3 - "$work/remote.json" "$work/local.json" $workers << 'PY' || exit 1
import json, sys
remote, local = (json.load(open(f)) for f in sys.argv[1:3])
workers = [int(p) for p in sys.argv[3:]]
keys = ("pid", "user", "name", "cmdline", "vss_kb", "rss_kb", "pss_kb", "uss_kb", "swap_kb", "swap_pss_kb")
for pid in workers:
    r = [p for p in remote["processes"] if p["pid"] == pid]
    l = [p for p in local["processes"] if p["pid"] == pid]
    if len(r) != 1 or len(l) != 1:
        print("worker %d: %d rows over ssh, %d here" % (pid, len(r), len(l))); sys.exit(1)
    a, b = ({k: p[k] for k in keys} for p in (r[0], l[0]))
    if a != b:
        print("worker %d: over ssh %s, here %s" % (pid, a, b)); sys.exit(1)
    print("worker %d: the same row over ssh and here (PSS %d kB)" % (pid, a["pss_kb"]))
if remote["source"]["kernel"] != local["source"]["kernel"]:
    print("kernel: %r over ssh" % remote["source"]["kernel"]); sys.exit(1)
PY

# One process's mappings, fetched on demand: the same as here.
w=${workers%% *}
"$ms" vma "$w" -s "$url" -f json > "$work/vma-remote.json" 2> "$work/vma.err" || fail "vma over ssh: $(cat "$work/vma.err")"
"$ms" vma "$w" -f json > "$work/vma-local.json" || fail "local vma failed"
python3 - "$work/vma-remote.json" "$work/vma-local.json" << 'PY' || exit 1
import json, sys
r, l = (json.load(open(f)) for f in sys.argv[1:3])
if r.get("vmas") != l.get("vmas") or not r.get("vmas"):
    print("vma over ssh differs from here"); sys.exit(1)
print("vma: %d mappings equal" % len(r["vmas"]))
PY

# A long run over ssh (metrics --listen) sees its link killed: the scrape
# after says so with ssh's reason, and a later one reconnects.
"$ms" metrics -s "$url" --listen 127.0.0.1:0 2> "$work/listen.err" &
mspid=$!
pids="$pids $mspid"
i=0
while ! grep -q 'port [1-9]' "$work/listen.err" 2> /dev/null; do
	i=$((i + 1)); [ $i -lt 600 ] || fail "metrics --listen over ssh did not start: $(cat "$work/listen.err")"
	sleep 0.1
done
port=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$work/listen.err")
scrape() {
	python3 - "$port" << 'PY'
import sys, urllib.request, urllib.error
try:
    r = urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1], timeout=30)
    print(r.status, len(r.read()))
except urllib.error.HTTPError as e:
    print(e.code, e.read().decode().strip())
PY
}
first=$(scrape)
case $first in 200*) ;; *) fail "first scrape over ssh: $first" ;; esac
sshd_kill_sessions
sleep 0.5
dropped=$(scrape)
retried=$(scrape)
case $dropped in
500*) echo "after the kill: $dropped" ;;
200*) echo "after the kill the master was already restarted: $dropped" ;;
*) fail "scrape after the kill: $dropped" ;;
esac
case $retried in 200*) echo "retried: $retried" ;; *) fail "no reconnection after the drop: $retried" ;; esac

# SIGTERM stops it, and its ssh with it, at once: `metrics --listen`
# blocks SIGTERM for its sigwait, and an ssh that inherited the mask once
# made it wait for ever on its master.
kill "$mspid"
i=0
while kill -0 "$mspid" 2> /dev/null; do
	i=$((i + 1)); [ $i -lt 50 ] || fail "metrics --listen over ssh still runs 5 s after SIGTERM"
	sleep 0.1
done
wait "$mspid" 2> /dev/null
[ -z "$(ps -o pid= --ppid "$sshd_pid")" ] || sleep 1
[ -z "$(ps -o pid= --ppid "$sshd_pid")" ] || fail "the link outlived metrics --listen"
echo "SIGTERM: metrics --listen and its link stopped"

# SIGKILL leaves memscope no say: its master's own session reads a pipe
# only memscope held (`cat` on the board), so the link ends with it.
"$ms" metrics -s "$url" --listen 127.0.0.1:0 2> "$work/listen2.err" &
mspid=$!
pids="$pids $mspid"
i=0
while ! grep -q 'port [1-9]' "$work/listen2.err" 2> /dev/null; do
	i=$((i + 1)); [ $i -lt 600 ] || fail "metrics --listen over ssh did not start again"
	sleep 0.1
done
port=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$work/listen2.err")
case $(scrape) in 200*) ;; *) fail "scrape before the SIGKILL failed" ;; esac
[ -n "$(ps -o pid= --ppid "$sshd_pid")" ] || fail "no link to the board before the SIGKILL"
kill -KILL "$mspid"
wait "$mspid" 2> /dev/null
i=0
while [ -n "$(ps -o pid= --ppid "$sshd_pid")" ]; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "the link outlived a SIGKILL of memscope by 10 s"
	sleep 0.1
done
echo "SIGKILL: the link ended with memscope ($((i / 10)).$((i % 10)) s)"

# A board that cannot be reached: exit 1 and ssh's own reason.
kill "$sshd_pid"
wait "$sshd_pid" 2> /dev/null
sshd_pid=
"$ms" procrank -s "$url" > /dev/null 2> "$work/down.err"
rc=$?
[ $rc = 1 ] || fail "procrank against a stopped sshd: exit $rc"
grep -q "Connection refused" "$work/down.err" || fail "no ssh reason: $(cat "$work/down.err")"
echo "unreachable: exit 1, $(cat "$work/down.err")"
exit 0
