#!/usr/bin/env bash
# Peak RSS of `memscope vma PID` in every format at 60,000 mappings, with
# the kernel's own cost (cat of the smaps) and pmap -X beside it: the
# figures of doc/performance.md ("vma: memory"). Needs root and GNU time;
# no hyperfine. Reproduce with:  sudo tests/bench/vma-rss.sh [BUILD_DIR]
# (a release build: meson setup build-rel -Dbuildtype=release). Prints a
# Markdown table: the median of RUNS runs (default 5) per row.
set -euo pipefail
build=${1:-build}
ms="$build/memscope"
helper="$build/tests/workload_helper"
runs=${RUNS:-5}
[ -x "$ms" ] && [ -x "$helper" ] || { echo "build first: ninja -C $build" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }

fifo=$(mktemp -u)
out=$(mktemp)
mkfifo "$fifo"
# 60,000 mappings of one page each, none written: the size of the smaps
# (45 MB of text) is what costs, not the pages.
"$helper" -n 1 -k 1 -s 16 -f 8 -p 1 -q 59990 -a 1 -t 0 -T 900 <"$fifo" >"$out" &
helper_pid=$!
exec {hold}>"$fifo"
rm -f "$fifo"
trap 'exec {hold}>&-; wait "$helper_pid" 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 600); do grep -q READY "$out" && break; sleep 0.1; done
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

echo "memscope $("$ms" --version | head -n1), kernel $(uname -r), $(wc -l < /proc/$pid/maps) mappings"
echo
echo "| command | peak RSS kB (median of $runs) | MB |"
echo "|---|---:|---:|"
peak "floor: cat /proc/PID/smaps" cat "/proc/$pid/smaps"
peak "memscope vma PID (text)" "$ms" vma "$pid"
peak "memscope vma PID -k" "$ms" vma "$pid" -k
peak "memscope vma PID -f csv" "$ms" vma "$pid" -f csv
peak "memscope vma PID -f json" "$ms" vma "$pid" -f json
peak "memscope vma PID --limit 10 -f json" "$ms" vma "$pid" --limit 10 -f json
peak "memscope vma PID --sort rss (reads all first)" "$ms" vma "$pid" --sort rss
command -v pmap >/dev/null && peak "pmap -X PID" pmap -X "$pid"
