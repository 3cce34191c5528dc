#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The cost of issue 15's remote paths at n400 (400 workers x ~200
# mappings), the figures of doc/performance.md ("remote"):
#  1. the board's CPU per refresh of the ssh source (`-s ssh://`), that is
#     what sshd runs for it (the session, `sh -s`, the capture script and
#     its children, under BusyBox), against the capture script run alone
#     the same way (`busybox sh memscope-capture.sh -o - --no-smaps`);
#  2. a scrape of `metrics --listen` (the server's CPU per scrape) and a
#     one-shot `memscope metrics`, against the procrank floor (`cat
#     /proc/[0-9]*/smaps_rollup`) and against `memscope procrank`.
# Needs root (every process's smaps_rollup), sshd, ssh, busybox, curl and
# GNU time. Reproduce with:  sudo tests/bench/remote.sh [BUILD_DIR]  (a
# release build: meson setup build-rel -Dbuildtype=release). ROUNDS
# (default 7) paired rounds of each; REFRESHES (default 3) ssh refreshes
# and SCRAPES (default 10) scrapes and runs of each command per round;
# PARTS (default "1 2") which of the two to run.
#
# Times are CPU time (user + system, with the children), not wall time: on
# a shared machine the wall clock measures the neighbours. Each round runs
# the two sides back to back, in alternating order, and the figure is the
# median of the rounds' ratios (as tests/bench/libs.sh).
set -euo pipefail
build=${1:-build}
ms="$build/memscope"
helper="$build/tests/workload_helper"
here=$(cd "$(dirname "$0")" && pwd)
script="$here/../../data/memscope-capture.sh"
rounds=${ROUNDS:-7}
refreshes=${REFRESHES:-3}
scrapes=${SCRAPES:-10}
parts=${PARTS:-1 2}
[ -x "$ms" ] && [ -x "$helper" ] || { echo "build first: ninja -C $build" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
command -v curl > /dev/null || { echo "needs curl" >&2; exit 1; }
hz=$(getconf CLK_TCK)

fifo=$(mktemp -u)
out=$(mktemp)
work=$(mktemp -d)
mkfifo "$fifo"
"$helper" -n 400 -k 4 -s 4 -f 20 -p 1 -q 170 -a 1 -t 1 -T 900 < "$fifo" > "$out" &
helper_pid=$!
exec {hold}> "$fifo"
rm -f "$fifo"
ms_pid=
cleanup() {
	[ -z "$ms_pid" ] || { kill "$ms_pid" 2> /dev/null; wait "$ms_pid" 2> /dev/null || true; }
	exec {hold}>&-
	wait "$helper_pid" 2> /dev/null || true
	sshd_stop
	rm -rf "$out" "$work"
}
# shellcheck source=../remote/sshd-lib.sh
. "$here/../remote/sshd-lib.sh"
trap cleanup EXIT
sshd_start || { echo "sshd did not start" >&2; exit 1; }
for _ in $(seq 1200); do grep -q READY "$out" && break; sleep 0.1; done
grep -q READY "$out" || { echo "workload did not start" >&2; exit 1; }

# CPU seconds (user + system, children included) of one command.
cpu() {
	local f; f=$(mktemp)
	/usr/bin/time -f '%U %S' -o "$f" "$@" > /dev/null 2>&1 || true
	awk 'END { printf "%.3f\n", $1 + $2 }' "$f"
	rm -f "$f"
}

# CPU clock ticks of the processes below pid (itself left out), with
# what their reaped children used.
ticks_below() {
	local total=0 kids k
	kids=$(ps -o pid= --ppid "$1" || true)
	for k in $kids; do
		total=$((total + $(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$k/stat" 2> /dev/null || echo 0)))
		total=$((total + $(ticks_below "$k")))
	done
	echo "$total"
}
ticks_of() { awk '{ print $14 + $15 + $16 + $17 }' "/proc/$1/stat"; }

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
range() { sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.2f-%.2f", lo, hi }'; }

# scrape N PORT: N scrapes of /metrics, each a fresh sample.
scrape() {
	for _ in $(seq "$1"); do curl -sf -o /dev/null "http://127.0.0.1:$2/metrics"; done
}

# start_listen ARGS...: `metrics --listen` on a free port, sets ms_pid
# and ms_port.
start_listen() {
	"$ms" metrics "$@" --listen 127.0.0.1:0 2> "$work/listen.err" &
	ms_pid=$!
	for _ in $(seq 600); do grep -q 'port [1-9]' "$work/listen.err" 2> /dev/null && break; sleep 0.1; done
	ms_port=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$work/listen.err")
	[ -n "$ms_port" ] || { echo "metrics --listen did not start: $(cat "$work/listen.err")" >&2; exit 1; }
	scrape 1 "$ms_port" # the first sample and the link
}
stop_listen() { kill "$ms_pid"; wait "$ms_pid" 2> /dev/null || true; ms_pid=; }

nprocs=$( (find /proc -maxdepth 1 -name "[0-9]*" 2> /dev/null || true) | wc -l)
echo "memscope $("$ms" --version | head -n1), kernel $(uname -r), $nprocs processes, $(nproc) CPUs"

# ---- 1. the board's CPU per ssh refresh -------------------------------------
board_side() {
# The script alone, as the board's login runs it: BusyBox's shell and
# applets only.
alone() {
	cpu sh -c 'exec env PATH="$1" "$2" sh -s -- -o - --no-smaps < "$3"' sh \
		"$sshd_dir/bin" "$bb" "$script"
}
start_listen -s "ssh://127.0.0.1:$sshd_port"
board=() solo=() ratios=()
for r in $(seq "$rounds"); do
	s=0
	if [ $((r % 2)) -eq 0 ]; then
		for _ in $(seq "$refreshes"); do s=$(echo "$s + $(alone)" | bc -l); done
	fi
	t0=$(ticks_below "$sshd_pid")
	scrape "$refreshes" "$ms_port"
	t1=$(ticks_below "$sshd_pid")
	if [ $((r % 2)) -eq 1 ]; then
		for _ in $(seq "$refreshes"); do s=$(echo "$s + $(alone)" | bc -l); done
	fi
	b=$(echo "($t1 - $t0) / $hz / $refreshes" | bc -l)
	a=$(echo "$s / $refreshes" | bc -l)
	board+=("$b") solo+=("$a") ratios+=("$(echo "$b / $a" | bc -l)")
done
stop_listen
echo
echo "The board's CPU seconds per refresh, $rounds paired rounds of $refreshes, medians:"
echo
echo "| capture script alone s | ssh refresh on the board s | ssh / alone | range |"
echo "|---:|---:|---:|---:|"
printf '| %.3f | %.3f | %.2f | %s |\n' "$(printf '%s\n' "${solo[@]}" | median)" \
	"$(printf '%s\n' "${board[@]}" | median)" "$(printf '%s\n' "${ratios[@]}" | median)" \
	"$(printf '%s\n' "${ratios[@]}" | range)"
}

# ---- 2. a scrape at n400 against the procrank floor ----------------------------
# each "CMD": CPU seconds per run of CMD (a shell line), over $scrapes runs.
each() {
	local t; t=$(cpu sh -c "for i in \$(seq $scrapes); do $1 > /dev/null; done")
	echo "$t / $scrapes" | bc -l
}
floor() { each 'cat /proc/[0-9]*/smaps_rollup'; }
# walltime "CMD": wall seconds per run of CMD over $scrapes runs (the
# measure of the procrank target in tests/bench/run.sh: the answer's wait).
walltime() {
	local t0 t1
	t0=$(date +%s.%N)
	sh -c "for i in \$(seq $scrapes); do $1 > /dev/null 2>&1; done"
	t1=$(date +%s.%N)
	echo "($t1 - $t0) / $scrapes" | bc -l
}
# The kernel's own cost of every file a scrape reads (strace of `memscope
# metrics`): each process's status and smaps_rollup, and the system's
# memory files.
reads() {
	each 'cat /proc/[0-9]*/smaps_rollup /proc/[0-9]*/status /proc/meminfo /proc/buddyinfo /proc/pagetypeinfo /proc/zoneinfo /proc/slabinfo /proc/pressure/memory 2>/dev/null'
}
scrape_side() {
start_listen
declare -A got
for r in $(seq "$rounds"); do
	f1=$(floor)
	if [ $((r % 2)) -eq 1 ]; then
		t0=$(ticks_of "$ms_pid"); scrape "$scrapes" "$ms_port"; t1=$(ticks_of "$ms_pid")
		one=$(each "'$ms' metrics"); pr=$(each "'$ms' procrank")
	else
		pr=$(each "'$ms' procrank"); one=$(each "'$ms' metrics")
		t0=$(ticks_of "$ms_pid"); scrape "$scrapes" "$ms_port"; t1=$(ticks_of "$ms_pid")
	fi
	f2=$(floor)
	got[pagetypeinfo]+="$(each 'cat /proc/pagetypeinfo') "
	rd=$(reads)
	wf=$(walltime 'cat /proc/[0-9]*/smaps_rollup')
	ws=$(walltime "curl -sf http://127.0.0.1:$ms_port/metrics")
	wp=$(walltime "'$ms' procrank")
	got[w_floor]+="$wf "; got[w_scrape]+="$ws "; got[w_procrank]+="$wp "
	got[rw_scrape]+="$(echo "$ws / $wf" | bc -l) "; got[rw_procrank]+="$(echo "$wp / $wf" | bc -l) "
	f=$(echo "($f1 + $f2) / 2" | bc -l)
	s=$(echo "($t1 - $t0) / $hz / $scrapes" | bc -l)
	got[floor]+="$f "; got[scrape]+="$s "; got[one]+="$one "; got[procrank]+="$pr "
	got[r_scrape]+="$(echo "$s / $f" | bc -l) "; got[r_one]+="$(echo "$one / $f" | bc -l) "
	got[r_procrank]+="$(echo "$pr / $f" | bc -l) "
	got[reads]+="$rd "; got[r_reads]+="$(echo "$s / $rd" | bc -l) "
done
stop_listen
m() { printf '%s\n' ${got[$1]} | median; }
rg() { printf '%s\n' ${got[$1]} | range; }
echo
echo "CPU seconds at n400, $rounds paired rounds (each the mean of $scrapes runs; a scrape: the server's CPU), medians:"
echo
echo "| command | floor s | command s | command / floor | range |"
echo "|---|---:|---:|---:|---:|"
printf '| a scrape of `metrics --listen` | %.3f | %.3f | %.2f | %s |\n' "$(m floor)" "$(m scrape)" "$(m r_scrape)" "$(rg r_scrape)"
printf '| `memscope metrics` | %.3f | %.3f | %.2f | %s |\n' "$(m floor)" "$(m one)" "$(m r_one)" "$(rg r_one)"
printf '| `memscope procrank` | %.3f | %.3f | %.2f | %s |\n' "$(m floor)" "$(m procrank)" "$(m r_procrank)" "$(rg r_procrank)"
printf '| a scrape, against the files it reads | %.3f | %.3f | %.2f | %s |\n' "$(m reads)" "$(m scrape)" "$(m r_reads)" "$(rg r_reads)"
echo
echo "Wall time, the same rounds (a scrape: curl's whole run, its own start-up included):"
echo
echo "| command | floor ms | command ms | command / floor | range |"
echo "|---|---:|---:|---:|---:|"
printf '| a scrape of `metrics --listen` | %.1f | %.1f | %.2f | %s |\n' "$(m w_floor | awk '{print $1*1000}')" "$(m w_scrape | awk '{print $1*1000}')" "$(m rw_scrape)" "$(rg rw_scrape)"
printf '| `memscope procrank` | %.1f | %.1f | %.2f | %s |\n' "$(m w_floor | awk '{print $1*1000}')" "$(m w_procrank | awk '{print $1*1000}')" "$(m rw_procrank)" "$(rg rw_procrank)"
echo
printf "metrics reads /proc/pagetypeinfo (migrate types), which procrank does not: %.3f s a cat\n" "$(m pagetypeinfo)"
}

for part in $parts; do
	case $part in
	1) board_side ;;
	2) scrape_side ;;
	esac
done
