#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Builds the seed corpora of the fuzz targets from the hand-written
# fixtures in tests/fixtures (and, when present, from the shared corpus of
# real /proc files, read in place), one folder per target:
#
#   tests/fuzz/seed.sh [OUTDIR]     (default: /tmp/memscope-fuzz-corpus)
#
# Seeds are generated, never committed: the corpora libFuzzer grows from
# them are large and change at every run. Files over 128 KiB are left out
# (a big seed slows every execution; libFuzzer grows inputs itself).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
fixtures="$here/../fixtures"
corpus="${MEMSCOPE_CORPUS:-$here/../../../shared/corpus}"
out="${1:-/tmp/memscope-fuzz-corpus}"
max_seed=131072

# add TARGET FILE...: copies each file, named after its path so that the
# same name from two places does not collide.
add() {
	local target=$1 f name
	shift
	mkdir -p "$out/$target"
	for f in "$@"; do
		[ -f "$f" ] && [ "$(stat -c %s "$f")" -le "$max_seed" ] || continue
		name=$(realpath --relative-to="$here/../.." "$f" | sed 's,^\(\.\./\)*,,')
		cat "$f" >"$out/$target/$(echo "$name" | tr '/' '_')"
	done
}

# find_named NAME...: fixture and corpus files with one of these names
# (exactly, or as a suffix after a dot: x86_64-6.8.smaps).
find_named() {
	local args=() n
	for n in "$@"; do
		args+=(-o -name "$n" -o -name "*.$n")
	done
	find "$fixtures" "$([ -d "$corpus" ] && echo "$corpus" || echo "$fixtures")" \
		-type f \( -false "${args[@]}" \) 2>/dev/null | sort -u
}

for kind in meminfo vmstat buddyinfo pagetypeinfo zoneinfo slabinfo; do
	mapfile -t files < <(find "$fixtures/$kind" -type f; find_named "$kind")
	add "$kind" "${files[@]}"
done
mapfile -t files < <(find_named smaps)
add smaps "${files[@]}"
mapfile -t files < <(find_named maps)
add maps "${files[@]}"
mapfile -t files < <(find_named smaps_rollup)
add rollup "${files[@]}"
mapfile -t files < <(find "$fixtures/status" "$fixtures/stat" -type f; \
		     find_named stat statm cmdline | head -n 40; \
		     find_named status | head -n 40)
add pid "${files[@]}"
mapfile -t files < <(find_named memscope-snapshot version)
add meta "${files[@]}"

# The snapshot target reads archives: one full memscope snapshot made of
# the fixtures (every view has something to render), each fixture snapshot
# as it is, in plain tar (whose file contents mutate freely: the header
# checksums do not cover them), gzip, and cpio (no checksum at all).
full=$(mktemp -d)
trap 'rm -rf "$full"' EXIT
cp -r "$fixtures/cli-proc/." "$full/"
rm -f "$full/README.md"
cp "$fixtures/snapshots/mem16k/memscope-snapshot" "$full/"
cp "$fixtures/vmstat/linux-6.18-x86_64" "$full/vmstat"
cp "$fixtures/buddyinfo/linux-6.18-x86_64" "$full/buddyinfo"
cp "$fixtures/pagetypeinfo/linux-6.18-x86_64" "$full/pagetypeinfo"
cp "$fixtures/zoneinfo/arm64-2node-6.1" "$full/zoneinfo"
cp "$fixtures/slabinfo/slub-2.1-arm64-colon-names" "$full/slabinfo"

mkdir -p "$out/tar"
tar_opts=(--format=ustar --owner=0 --group=0 --numeric-owner --mtime=@0 --sort=name)
tar -C "$full" "${tar_opts[@]}" -cf "$out/tar/full.tar" .
tar -C "$full" "${tar_opts[@]}" -czf "$out/tar/full.tar.gz" .
(cd "$full" && find . | sort | cpio --quiet -o -H newc) >"$out/tar/full.cpio"
# The same with text that must never act on a terminal: escape sequences
# and C1 controls in a process name and command line, a slab name and a
# mapped path.
esc=$'\e' csi=$'\xc2\x9b'
sed -i "s/^Name:.*/Name:\t${esc}]0;owned${esc}\\\\/" "$full/200/status"
printf '%s' "${esc}[2J${csi}31m" >"$full/200/comm"
printf '%s\0%s\0' "${esc}[1;1H${esc}[31mhttpd" "-f${esc}P" >"$full/200/cmdline"
sed -i "s/^ext4_allocation_context /ext4_${esc}[5mallocation /" "$full/slabinfo"
sed -i "s,/usr/bin/logd,/usr/bin/lo${esc}[Kgd," "$full/400/smaps" "$full/400/maps"
tar -C "$full" "${tar_opts[@]}" -cf "$out/tar/hostile-text.tar" .

# The layout of new captures: the metadata above proc/ and sys/, with what
# could not be read; and memscope-unread alone for its own parser.
mkdir -p "$out/unread" "$full.new/board/sys/kernel/mm/cma/reserved" "$full.new/board/sys/block/zram0"
cp -r "$full" "$full.new/board/proc"
mv "$full.new/board/proc/memscope-snapshot" "$full.new/board/"
printf '*/smaps\tneeds root\t2\t200 400\nslabinfo\tneeds root\nsys/kernel/debug\tneeds root\n' \
	>"$full.new/board/memscope-unread"
cp "$full.new/board/memscope-unread" "$out/unread/capture-as-user"
printf '# comment\r\npressure/memory\tread error\r\n*/fdinfo\tpermission denied\t1\t1\n' \
	>"$out/unread/crlf"
echo 3 >"$full.new/board/sys/kernel/mm/cma/reserved/alloc_pages_success"
echo '4096 74 12288 0 12288 0 0 0 0' >"$full.new/board/sys/block/zram0/mm_stat"
tar -C "$full.new" "${tar_opts[@]}" -cf "$out/tar/new-layout.tar" board
rm -rf "$full.new"

for snap in "$fixtures"/snapshots/*/; do
	tar -C "$snap" "${tar_opts[@]}" -cf "$out/tar/$(basename "$snap").tar" .
done

for d in "$out"/*/; do
	printf '%-14s %3d seeds\n' "$(basename "$d")" "$(find "$d" -type f | wc -l)"
done
