#!/usr/bin/env bash
# libs (librank) at 400 processes x 200 mappings: its peak RSS in every
# format, and its CPU time against the kernel's own cost of printing the
# same files (`cat /proc/[0-9]*/smaps`), the figures of doc/performance.md
# ("libs"). Needs root (every process's smaps) and GNU time.
# Reproduce with:  sudo tests/bench/libs.sh [BUILD_DIR]   (a release build:
# meson setup build-rel -Dbuildtype=release). RUNS (default 5) runs of each
# peak; ROUNDS (default 9) rounds of the time.
#
# The time is CPU time (user + system, of the command and its children),
# not wall time: on a shared machine the wall clock measures the
# neighbours. Each round times cat and libs back to back, in alternating
# order, over the same processes, and the figure is the median of the
# rounds' ratios: a pair sees the same page cache, the same load and the
# same smaps, so the ratio moves far less than either time.
set -euo pipefail
build=${1:-build}
ms="$build/memscope"
helper="$build/tests/workload_helper"
runs=${RUNS:-5}
rounds=${ROUNDS:-9}
[ -x "$ms" ] && [ -x "$helper" ] || { echo "build first: ninja -C $build" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }

fifo=$(mktemp -u)
out=$(mktemp)
mkfifo "$fifo"
# 400 workers, each with 20 shared file mappings, 170 private anonymous
# ones, one shared anonymous region (groups of 4) and the helper's own
# mappings: about 200 mappings each.
"$helper" -n 400 -k 4 -s 4 -f 20 -p 1 -q 170 -a 1 -t 1 -T 900 <"$fifo" >"$out" &
helper_pid=$!
exec {hold}>"$fifo"
rm -f "$fifo"
trap 'exec {hold}>&-; wait "$helper_pid" 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 1200); do grep -q READY "$out" && break; sleep 0.1; done
pid=$(awk '/READY/ {print $5}' "$out")
[ -n "$pid" ] || { echo "workload did not start" >&2; exit 1; }

# peak LABEL COMMAND...: median peak RSS in kB over the runs.
peak() {
	local label=$1; shift
	local kbs=() f; f=$(mktemp)
	for _ in $(seq "$runs"); do
		/usr/bin/time -f '%M' -o "$f" "$@" >/dev/null 2>&1 || true
		kbs+=("$(tail -n1 "$f")")
	done
	rm -f "$f"
	local median; median=$(printf '%s\n' "${kbs[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
	printf '| %s | %s | %.1f |\n' "$label" "$median" "$(echo "$median/1024" | bc -l)"
}

nprocs=$( (find /proc -maxdepth 1 -name "[0-9]*" 2>/dev/null || true) | wc -l)
echo "memscope $("$ms" --version | head -n1), kernel $(uname -r), $nprocs processes," \
	"$(wc -l < /proc/$pid/maps) mappings in a worker," \
	"$( (cat /proc/[0-9]*/maps 2>/dev/null || true) | wc -l) in all"
echo
echo "| command | peak RSS kB (median of $runs) | MB |"
echo "|---|---:|---:|"
peak "memscope libs (text)" "$ms" libs
peak "memscope libs -f csv" "$ms" libs -f csv
peak "memscope libs -f json" "$ms" libs -f json
peak "memscope libs --path /usr/lib -f json" "$ms" libs --path /usr/lib -f json

# cpu COMMAND...: its user + system seconds, and its wall seconds.
cpu() {
	local f; f=$(mktemp)
	/usr/bin/time -f '%U %S %e' -o "$f" "$@" >/dev/null 2>&1 || true
	awk 'END { printf "%.2f %.2f\n", $1 + $2, $3 }' "$f"
	rm -f "$f"
}

# median of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

time_rounds() {
	local label=$1; shift
	local cats=() libs=() ratios=() walls=() c l
	for r in $(seq "$rounds"); do
		if [ $((r % 2)) -eq 1 ]; then
			c=$(cpu sh -c 'cat /proc/[0-9]*/smaps'); l=$(cpu "$@")
		else
			l=$(cpu "$@"); c=$(cpu sh -c 'cat /proc/[0-9]*/smaps')
		fi
		cats+=("${c% *}"); libs+=("${l% *}"); walls+=("$(echo "${l#* } / ${c#* }" | bc -l)")
		ratios+=("$(echo "${l% *} / ${c% *}" | bc -l)")
	done
	printf '| %s | %s | %s | %.2f | %.2f-%.2f | %.2f |\n' "$label" \
		"$(printf '%s\n' "${cats[@]}" | median)" "$(printf '%s\n' "${libs[@]}" | median)" \
		"$(printf '%s\n' "${ratios[@]}" | median)" \
		"$(printf '%s\n' "${ratios[@]}" | sort -g | head -n1)" \
		"$(printf '%s\n' "${ratios[@]}" | sort -g | tail -n1)" \
		"$(printf '%s\n' "${walls[@]}" | median)"
}

echo
echo "CPU seconds (user + system), $rounds paired rounds, medians:"
echo
echo "| command | cat smaps s | libs s | libs / cat | range | wall libs / cat |"
echo "|---|---:|---:|---:|---:|---:|"
time_rounds "memscope libs (text)" "$ms" libs
time_rounds "memscope libs -f json" "$ms" libs -f json
