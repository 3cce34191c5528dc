#!/usr/bin/env bash
# libs (librank) at 400 processes x 200 mappings: its peak RSS in every
# format, and its time against the kernel's own cost of printing the same
# files (`cat /proc/[0-9]*/smaps`), the figures of doc/performance.md
# ("libs"). Needs root (every process's smaps), GNU time and hyperfine.
# Reproduce with:  sudo tests/bench/libs.sh [BUILD_DIR]   (a release build:
# meson setup build-rel -Dbuildtype=release). RUNS (default 5) runs each.
set -euo pipefail
build=${1:-build}
ms="$build/memscope"
helper="$build/tests/workload_helper"
runs=${RUNS:-5}
[ -x "$ms" ] && [ -x "$helper" ] || { echo "build first: ninja -C $build" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }

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
echo
hyperfine -N -i --warmup 1 --runs "$runs" --export-markdown /dev/stdout --style none \
	"sh -c 'cat /proc/[0-9]*/smaps >/dev/null 2>&1'" "$ms libs" "$ms libs -f json" \
	2>/dev/null | grep '^|'
