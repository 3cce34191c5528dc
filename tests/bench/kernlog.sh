#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark of a kernel log read as a source (`memscope -s LOG`, issue 12):
# a log of SIZE_MB (default 1024) made of the corpus' armv7 global-OOM
# dmesg (two reports) repeated with 2,000 lines of other kernel text
# between copies, so that reports are spread through it. Measures the
# floor (`cat LOG`), `oom LOG -f json` (the parser alone, streaming),
# `meminfo -s LOG` (index pass + the first report) and `meminfo -s LOG@last`
# (index pass + a report read again at the end): wall time and peak RSS.
# The target: peak RSS independent of the log's size (a few MB), never the
# log held whole. Prints a Markdown table that doc/performance.md quotes.
# Reproduce with:  tests/bench/kernlog.sh [BUILD_DIR] [SIZE_MB]
# Needs GNU time; about a minute per GB on this VM.
set -euo pipefail
build=${1:-build}
size_mb=${2:-${SIZE_MB:-1024}}
ms="$build/memscope"
src=${CORPUS:-../shared/corpus}/qemu-arm-6.1/armv7lpae-6.1-256m-nocma-globaloom/meta/dmesg
[ -x "$ms" ] || { echo "build first: ninja -C $build" >&2; exit 1; }
[ -r "$src" ] || { echo "needs $src (../shared/corpus)" >&2; exit 1; }

log=$(mktemp --suffix=.log)
trap 'rm -f "$log"' EXIT
python3 - "$src" "$log" "$size_mb" <<'PY'
import sys
src, out, mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
report = open(src, "rb").read()
filler = b"".join(b"[ %6d.%06d] usb 1-1: reset high-speed USB device number %d using ehci\n"
                  % (i, i, i % 128) for i in range(2000))
unit = filler + report
with open(out, "wb") as f:
    n = 0
    while n < mb << 20:
        f.write(unit)
        n += len(unit)
PY
bytes=$(stat -c %s "$log")
reports=$("$ms" oom "$log" -f csv | tail -n +2 | wc -l)

# run LABEL CMD: wall seconds (median of 3) and peak RSS in MB.
run() {
	local label=$1; shift
	local best="" rssf; rssf=$(mktemp)
	local times=()
	for _ in 1 2 3; do
		/usr/bin/time -f '%e %M' -o "$rssf" "$@" >/dev/null 2>&1 || true
		times+=("$(tail -n1 "$rssf")")
	done
	rm -f "$rssf"
	printf '%s\n' "${times[@]}" | sort -n | sed -n 2p | {
		read -r wall rss
		printf '| %s | %.2f | %.1f |\n' "$label" "$wall" "$(echo "$rss/1024" | bc -l)"
	}
}

echo "log: $((bytes >> 20)) MB, $reports OOM reports"
echo
echo "| command | wall s | max RSS MB |"
echo "|---|---:|---:|"
run 'floor: `cat LOG`' cat "$log"
run '`memscope oom LOG -f json`' "$ms" oom "$log" -f json
run '`memscope meminfo -s LOG`' "$ms" meminfo -s "$log"
run '`memscope meminfo -s LOG@last`' "$ms" meminfo -s "$log@last"
run '`memscope procrank -s LOG@last -f json`' "$ms" procrank -s "$log@last" -f json
