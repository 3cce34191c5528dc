#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# qemu-board.sh arm64|armv7 MEMSCOPE OUTDIR - a board in a box.
#
# Boots Debian's arm64 (or armv7 LPAE) kernel under qemu-system -M virt with
# 2 GB of RAM and a 64 MB CMA area, on a BusyBox initramfs holding MEMSCOPE
# (a static build for that architecture), data/memscope-capture.sh and
# tests/board/guest-init.sh as /init. The guest runs memscope report, the
# capture script and memscope capture, reads both snapshots with every view,
# and sends it all back on the serial console. OUTDIR receives:
#   board-<arch>-qemu.tar.gz        the snapshot memscope captured
#   board-<arch>-qemu-sh.tar.gz     the snapshot the BusyBox script captured
#   board-<arch>-qemu-report.txt    memscope report on the guest's live /proc
#   views/, run.log, *.err          each view's output in the guest; exit codes
#   tui.txt                         what the explorer drew on the console
#   serial.log, qemu.cmd            the console and the qemu command line
# Then the host's memscope ($HOST_MEMSCOPE, default build/memscope) reads the
# same snapshots, and the script fails if any view prints something else.
#
# Needs: qemu-system-arm (has qemu-system-aarch64 too), cpio, and apt-get
# access to the arm64/armhf package index (the kernel and busybox-static .debs
# are downloaded into $MEMSCOPE_BOARD_CACHE, default /tmp/memscope-board-cache).
set -eu

usage() {
	echo "usage: $0 arm64|armv7 MEMSCOPE-STATIC-BINARY OUTDIR" >&2
	exit 2
}
[ $# -eq 3 ] || usage
BOARD=$1
BINARY=$(realpath "$2")
OUT=$3
HERE=$(cd "$(dirname "$0")" && pwd)
SRCDIR=$(cd "$HERE/../.." && pwd)
CACHE=${MEMSCOPE_BOARD_CACHE:-/tmp/memscope-board-cache}
HOST_MEMSCOPE=${HOST_MEMSCOPE:-$SRCDIR/build/memscope}
NAME=board-$BOARD-qemu
# The views the guest prints of both snapshots, and the host again; plus
# "vma PID" of the guest's awk and of pid 1.
VIEWS="report meminfo procrank slabs buddy zones"

case $BOARD in
arm64)
	DEBARCH=arm64 KFLAVOUR=arm64
	QEMU="qemu-system-aarch64 -M virt -cpu cortex-a57"
	;;
armv7)
	# LPAE kernel: 2 GB of RAM, of which 1.25 GB is HighMem (VMSPLIT_3G).
	DEBARCH=armhf KFLAVOUR=armmp-lpae
	QEMU="qemu-system-arm -M virt -cpu cortex-a15"
	;;
*) usage ;;
esac
file "$BINARY" | grep -q 'statically linked' ||
	{ echo "$0: $BINARY is not a static binary (meson -Dstatic=true)" >&2; exit 1; }

# exists GLOB: true if the glob matched (an unmatched glob stays literal).
exists() { [ -e "$1" ]; }

fetch_debs() {
	# The kernel flavour's metapackage names the current versioned image.
	mkdir -p "$CACHE/$DEBARCH"
	kpkg=$(apt-cache depends "linux-image-$KFLAVOUR:$DEBARCH" |
		sed -n "s/^ *Depends: \(linux-image-[0-9][^:]*-$KFLAVOUR\).*/\1/p" | head -n 1)
	[ -n "$kpkg" ] || { echo "$0: no linux-image-$KFLAVOUR:$DEBARCH in apt's index" \
		"(dpkg --add-architecture $DEBARCH && apt-get update)" >&2; exit 1; }
	if ! exists "$CACHE/$DEBARCH/$kpkg"_*.deb; then
		(cd "$CACHE/$DEBARCH" && apt-get download -q "$kpkg:$DEBARCH" \
			"busybox-static:$DEBARCH" >/dev/null)
	fi
	rm -rf "$WORK/kernel" "$WORK/busybox"
	# The last match of each glob: the newest version in the cache.
	for deb in "$CACHE/$DEBARCH/$kpkg"_*.deb; do :; done
	dpkg-deb -x "$deb" "$WORK/kernel"
	for deb in "$CACHE/$DEBARCH"/busybox-static_*.deb; do :; done
	dpkg-deb -x "$deb" "$WORK/busybox"
	# arm64's vmlinuz is a plain Image, armhf's a zImage: -kernel takes both.
	for KERNEL in "$WORK"/kernel/boot/vmlinuz-*; do :; done
}

make_initramfs() {
	root=$WORK/root
	mkdir -p "$root/bin" "$root/etc" "$root/proc" "$root/sys" "$root/dev" \
		"$root/tmp" "$root/out" "$root/root"
	cp "$WORK/busybox/bin/busybox" "$root/bin/busybox"
	ln -s busybox "$root/bin/sh"
	cp "$BINARY" "$root/bin/memscope"
	cp "$SRCDIR/data/memscope-capture.sh" "$root/bin/memscope-capture.sh"
	cp "$HERE/guest-init.sh" "$root/init"
	chmod 755 "$root/init" "$root/bin/memscope" "$root/bin/memscope-capture.sh"
	printf 'NAME=%s\nVIEWS="%s"\n' "$NAME" "$VIEWS" > "$root/etc/board.conf"
	# User names for the procrank "user" column.
	echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"
	echo "root:x:0:" > "$root/etc/group"
	(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -9 > "$WORK/initrd.cpio.gz"
}

boot() {
	# panic=-1 with -no-reboot: a guest panic ends qemu too.
	# shellcheck disable=SC2086 # $QEMU is the program and its machine options
	set -- $QEMU -m 2048 -smp 2 -nographic -no-reboot -nic none \
		-kernel "$KERNEL" -initrd "$WORK/initrd.cpio.gz" \
		-append "console=ttyAMA0 cma=64M panic=-1"
	echo "$*" | sed "s|$WORK/kernel/boot/||; s|$WORK/||" > "$OUT/qemu.cmd"
	start=$(date +%s)
	timeout 600 "$@" < /dev/null > "$OUT/serial.log" 2>&1 ||
		{ echo "$0: qemu failed or timed out; see $OUT/serial.log" >&2; exit 1; }
	echo "$NAME: qemu ran $(($(date +%s) - start)) s"
}

# The explorer drew on the console with TERM=linux and no terminfo database:
# its tab bar must be there.
check_tui() {
	tr -d '\r' < "$OUT/serial.log" | sed -n '/^@@BEGIN_TUI$/,/^@@END_TUI$/p' > "$OUT/tui.txt"
	if grep -q 'procrank' "$OUT/tui.txt"; then
		echo "$NAME: the explorer drew on the guest's console (TERM=linux, no terminfo)"
	else
		echo "$NAME: no explorer screen on the guest's console; see tui.txt, tui.err"
		return 1
	fi
}

unpack_serial() {
	tr -d '\r' < "$OUT/serial.log" |
		sed -n '/^@@BEGIN_OUT_B64$/,/^@@END_OUT_B64$/p' | sed '1d;$d' |
		base64 -d | tar xzf - -C "$OUT" ||
		{ echo "$0: no output block in $OUT/serial.log" >&2; exit 1; }
}

# The same views of the same snapshots, on this host: the outputs must match
# byte for byte (paths are given relative to OUTDIR in both places).
compare_views() {
	[ -x "$HOST_MEMSCOPE" ] || { echo "$0: no host memscope at $HOST_MEMSCOPE;" \
		"set HOST_MEMSCOPE to compare" >&2; return 1; }
	awk_pid=$(sed -n 's/^awk_pid=//p' "$OUT/run.log")
	same=0 differ=0
	mkdir -p "$OUT/host-views"
	for snap in "$NAME.tar.gz" "$NAME-sh.tar.gz"; do
		for view in $VIEWS "vma $awk_pid" "vma 1"; do
			base=$snap.$(echo "$view" | tr ' ' -)
			for fmt in txt json; do
				set -- -s "$snap"
				[ $fmt = json ] && set -- "$@" -f json
				# shellcheck disable=SC2086 # "vma PID" is two words
				(cd "$OUT" && "$HOST_MEMSCOPE" $view "$@" \
					> "host-views/$base.$fmt" 2>/dev/null) || true
				if cmp -s "$OUT/views/$base.$fmt" "$OUT/host-views/$base.$fmt"; then
					same=$((same + 1))
				else
					differ=$((differ + 1))
					echo "differs: $base.$fmt"
				fi
			done
		done
	done
	echo "$NAME: host vs guest views: $same same, $differ different"
	# Equal outputs of two failed runs prove nothing: every guest run must
	# have succeeded.
	failed=$(grep -c 'exit=[1-9]' "$OUT/run.log" || true)
	[ "$failed" -eq 0 ] || echo "$NAME: $failed runs failed in the guest (run.log)"
	[ $differ -eq 0 ] && [ "$failed" -eq 0 ]
}

mkdir -p "$OUT"
OUT=$(realpath "$OUT")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/qemu-board.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
fetch_debs
make_initramfs
boot
unpack_serial
echo "$NAME: guest runs:"
sed 's/^/  /' "$OUT/run.log"
status=0
check_tui || status=1
compare_views || status=1
exit $status
