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
# Issue 12: cgroup files and /proc/PID/cgroup; kernel logs with OOM reports.
mapfile -t files < <(find "$fixtures/cgroup" -type f; find_named cgroup | head -n 20; \
		     [ -d "$corpus" ] && find "$corpus" -path '*sys/fs/cgroup/app/memory.*' -type f)
add cgroup "${files[@]}"
mapfile -t files < <(find "$fixtures/oom" -type f; find_named dmesg kmsg dmesg-raw)
add oom "${files[@]}"
# A kernel log as a source: the same logs.
add kernlog "${files[@]}"
# The slabinfo parser also reads a report's "Unreclaimable slab info:"
# section (the kernel log source serves it as slabinfo): those lines,
# without their log prefixes, seed it.
for f in "$fixtures"/oom/*unreclaimable-slab*; do
	sed -n '/Unreclaimable slab info:/,/Tasks state/p' "$f" | grep -v 'Tasks state' |
		sed 's/^\[[ 0-9.]*\] //' >"$out/slabinfo/oom_$(basename "$f")"
done

# Issue 13: mounts, sysvipc/shm, swaps, zram's files, and smaps for the
# categories target.
for kind in mounts swaps; do
	mapfile -t files < <(find "$fixtures/$kind" -type f; find_named "$kind")
	add "$kind" "${files[@]}"
done
mapfile -t files < <(find "$fixtures/sysvipc_shm" -type f)
add sysvipc "${files[@]}"
mapfile -t files < <(find "$fixtures/zram" -type f; find_named mm_stat comp_algorithm \
		     io_stat bd_stat disksize mem_used_total)
add zram "${files[@]}"
mapfile -t files < <(find_named smaps)
add categories "${files[@]}"

# Issue 10: iomem, vmallocinfo, PSI, memblock, DMA-BUF, CMA, device tree.
corpus_or_none=$([ -d "$corpus" ] && echo "$corpus" || echo "$fixtures/iomem")
mapfile -t files < <(find "$fixtures/iomem" -type f; find_named iomem)
add iomem "${files[@]}"
mapfile -t files < <(find "$fixtures/vmallocinfo" -type f; find_named vmallocinfo;
		     find "$corpus_or_none" -name '*vmallocinfo.txt')
add vmallocinfo "${files[@]}"
mapfile -t files < <(find "$fixtures/pressure" "$corpus_or_none" -type f -path '*pressure*')
add psi "${files[@]}"
mapfile -t files < <(find "$fixtures/memblock" "$corpus_or_none" -type f -path '*memblock*')
add memblock "${files[@]}"
mapfile -t files < <(find "$fixtures/dmabuf" -type f; find_named bufinfo;
		     find "$corpus_or_none" -path '*/fdinfo/*' -type f | head -n 5)
add dmabuf "${files[@]}"
# The CMA target's first byte picks the file its content is read as, in
# the order of cma_files[] in targets_ram.c.
cma_names=(alloc_pages_success alloc_pages_fail release_pages_success total_pages
	   available_pages base_pfn count used maxchunk order_per_bit bitmap)
mkdir -p "$out/cma"
for i in "${!cma_names[@]}"; do
	while IFS= read -r f; do
		{ printf "\\$(printf '%03o' "$i")"; cat "$f"; } \
			>"$out/cma/$(echo "${f#"$fixtures"/}" | tr '/' '_')"
	done < <(find "$fixtures/cma" -type f -name "${cma_names[$i]}")
done
# The device-tree target reads files packed as "path\n", a length byte,
# the content (targets_ram.c): each fixture tree and each corpus tree,
# its memory and reserved-memory files and the cell counts.
mkdir -p "$out/devicetree"
for tree in "$fixtures"/devicetree/*/ "$corpus_or_none"/qemu-arm-6.1/*/proc/device-tree/; do
	[ -d "$tree" ] || continue
	python3 - "$tree" >"$out/devicetree/$(echo "$tree" | tr '/' '_')" <<'PACK'
import os, sys
root = sys.argv[1]
out = sys.stdout.buffer
for d, _, names in sorted(os.walk(root)):
    for n in sorted(names):
        rel = os.path.relpath(os.path.join(d, n), root)
        if not (rel.startswith(('memory', 'reserved-memory')) or rel.endswith('-cells')):
            continue
        data = open(os.path.join(d, n), 'rb').read()[:255]
        out.write(rel.encode() + b'\n' + bytes([len(data)]) + data)
PACK
done

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
