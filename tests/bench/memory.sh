#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark of `memscope memory -f json` (issue 10): against `cat` of the
# files it reads (the floor: what the kernel costs to print them), live and
# on a snapshot, and its peak RSS. Targets: at most 1.2x the cat, at most
# 3 MB. Prints Markdown tables that doc/performance.md quotes.
# Reproduce with:  sudo tests/bench/memory.sh [BUILD_DIR] [SNAPSHOT_DIR]
# (root: vmallocinfo is root's only; SNAPSHOT_DIR defaults to the arm64
# capture of ../shared/corpus/qemu-arm-6.1). Needs GNU time. About 1 minute.
set -euo pipefail
build=${1:-build}
snap=${2:-../shared/corpus/qemu-arm-6.1/arm64-6.1-cma64-psi}
ms="$build/memscope"
[ -x "$ms" ] || { echo "build first: ninja -C $build" >&2; exit 1; }

# The files the accounting reads (doc/accounting.md), those that exist here.
live_files() {
	local f
	for f in /proc/meminfo /proc/iomem /proc/vmallocinfo; do
		[ -r "$f" ] && echo "$f"
	done
	for f in /proc/device-tree/#address-cells /proc/device-tree/#size-cells \
		/proc/device-tree/memory*/reg /proc/device-tree/reserved-memory/*/* \
		/sys/kernel/mm/cma/*/* /sys/kernel/debug/cma/*/* \
		/sys/kernel/dmabuf/buffers/*/size /sys/kernel/debug/dma_buf/bufinfo; do
		[ -f "$f" ] && [ -r "$f" ] && echo "$f"
	done
	return 0
}

snap_files() {
	local f
	for f in "$1"/proc/meminfo "$1"/proc/iomem "$1"/proc/vmallocinfo \
		"$1"/proc/device-tree/#address-cells "$1"/proc/device-tree/#size-cells \
		"$1"/proc/device-tree/memory*/reg "$1"/proc/device-tree/reserved-memory/*/* \
		"$1"/sys/kernel/mm/cma/*/* "$1"/sys/kernel/debug/cma/*/* \
		"$1"/sys/kernel/dmabuf/buffers/*/size "$1"/sys/kernel/debug/dma_buf/bufinfo; do
		[ -f "$f" ] && echo "$f"
	done
	return 0
}

# paired_ratio LABEL FLOOR_CMD CMD: the host's speed drifts (shared VM), so
# the floor and the command run in turns, 25 rounds, and the median of the
# per-round ratios is printed with its interquartile range and the medians.
paired_ratio() {
	python3 - "$1" "$2" "$3" <<'PY'
import statistics, subprocess, sys, time
label, floor, cmd = sys.argv[1:4]
def once(c):
    t = time.perf_counter()
    subprocess.run(c, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t
for c in (floor, cmd):
    once(c)
pairs = [(once(floor), once(cmd)) for _ in range(25)]
ratios = sorted(c / f for f, c in pairs)
print("| %s | %.2f | %.2f-%.2f | %.1f / %.1f |" % (label, statistics.median(ratios),
      ratios[6], ratios[-7], statistics.median(f for f, _ in pairs) * 1e3,
      statistics.median(c for _, c in pairs) * 1e3))
PY
}

peak_rss_kb() {
	local out; out=$(mktemp)
	/usr/bin/time -f '%M' -o "$out" "$@" >/dev/null 2>&1 || true
	tail -n1 "$out"
	rm -f "$out"
}

echo "memscope $("$ms" --version | head -n1), kernel $(uname -r), $(nproc) CPUs, $(date -u +%F)"
echo
echo "| run | ratio (median) | middle half | cat / memscope ms |"
echo "|---|---:|---:|---:|"
mapfile -t lf < <(live_files)
paired_ratio "live: memory -f json vs cat of ${#lf[@]} files" \
	"cat $(printf "'%s' " "${lf[@]}")" "$ms memory -f json"
if [ -d "$snap" ]; then
	mapfile -t sf < <(snap_files "$snap")
	paired_ratio "snapshot $(basename "$snap"): vs cat of ${#sf[@]} files" \
		"cat $(printf "'%s' " "${sf[@]}")" "$ms memory -f json -s '$snap'"
fi
echo
echo "| run | peak RSS kB |"
echo "|---|---:|"
for f in json text csv; do
	echo "| live, -f $f | $(peak_rss_kb "$ms" memory -f "$f") |"
done
[ -d "$snap" ] && echo "| snapshot, -f json | $(peak_rss_kb "$ms" memory -f json -s "$snap") |"
echo "| cat of the live files | $(peak_rss_kb cat "${lf[@]}") |"
