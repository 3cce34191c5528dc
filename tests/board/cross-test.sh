#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# cross-test.sh [arm64|armhf]... - cross-build memscope for each architecture
# (default: both) against a sysroot of Debian packages, and run its whole
# Criterion suite (unit, corpus, CLI) under qemu-user. An architecture whose
# cross compiler or qemu-user is missing is skipped, so CI can always call
# this; the exit status is non-zero if a build or a test failed.
#
# Environment:
#   MEMSCOPE_CROSS_DIR  where sysroots and build trees live
#                       (default /tmp/memscope-cross; reused between runs)
#
# Criterion runs each test in a child it starts by exec'ing its own binary,
# which only works under qemu-user when the kernel knows to hand ARM
# binaries to qemu: binfmt_misc. As root, this script registers qemu-arm /
# qemu-aarch64 for the run (and removes what it added at exit) unless a
# registration such as qemu-user-binfmt's is already there.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
SRCDIR=$(cd "$HERE/../.." && pwd)
DIR=${MEMSCOPE_CROSS_DIR:-/tmp/memscope-cross}
BINFMT=/proc/sys/fs/binfmt_misc
ZERO8=0000000000000000 # e_ident[8..15], as binfmt_misc's status prints it
REGISTERED=""  # binfmt_misc entries this run added
MOUNTED=""     # set when this run mounted binfmt_misc
failed=0
# Tests that measure the emulator rather than memscope, left out of the run:
# - capture/script_*: the capture script's uname is the host's (x86_64), the
#   emulated memscope's is the guest's (aarch64), and the test compares them;
# - groundtruth/*: the workers are qemu processes, so their /proc figures
#   are the emulator's (qemu-arm even maps the guest at an offset, so the
#   workers' own addresses are not those in their smaps);
# - roundtrip/capture_then_read_gives_the_live_table: the same, for the PSS
#   of the helper, which shares qemu's own pages with every memscope run;
# - safety/descriptors_and_memory_stay_flat_*: the RSS it
#   watches is qemu's, whose translated-code cache grows as it runs;
# - source/dir_refuses_links_without_openat2: qemu-user has no seccomp
#   filters (prctl(PR_SET_SECCOMP) fails with EINVAL).
NOT_UNDER_QEMU_USER="capture/script_busybox_tar_gz|capture/script_dash_to_stdout"
NOT_UNDER_QEMU_USER="$NOT_UNDER_QEMU_USER|groundtruth/*"
NOT_UNDER_QEMU_USER="$NOT_UNDER_QEMU_USER|roundtrip/capture_then_read_gives_the_live_table"
NOT_UNDER_QEMU_USER="$NOT_UNDER_QEMU_USER|safety/descriptors_and_memory_stay_flat_*"
NOT_UNDER_QEMU_USER="$NOT_UNDER_QEMU_USER|source/dir_refuses_links_without_openat2"

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	for name in $REGISTERED; do
		echo -1 > "$BINFMT/$name" 2>/dev/null || true
	done
	[ -z "$MOUNTED" ] || umount "$BINFMT" 2>/dev/null || true
}
trap cleanup EXIT

# The binfmt_misc rule for little-endian executables of one machine: the
# ELF header's e_ident (magic, class, data, version; OS ABI masked out),
# e_type 2 (ET_EXEC; the mask lets 3, ET_DYN, through) and e_machine.
binfmt_line() { # NAME ELFCLASS MACHINE QEMU
	zero8='\x00\x00\x00\x00\x00\x00\x00\x00'
	magic='\x7fELF\x'$2'\x01\x01\x00'$zero8'\x02\x00\x'$3'\x00'
	ff7='\xff\xff\xff\xff\xff\xff\xff'
	mask=$ff7'\x00'$ff7'\xff\xfe\xff\xff\xff'
	printf ':%s:M::%s:%s:%s:\n' "$1" "$magic" "$mask" "$4"
}

# Makes sure the kernel runs ARM binaries through qemu; false if it cannot.
ensure_binfmt() { # ELFCLASS MACHINE QEMU
	interpreter=$(command -v "$3")
	[ -d "$BINFMT" ] || return 1
	if [ ! -f "$BINFMT/register" ]; then
		mount -t binfmt_misc binfmt_misc "$BINFMT" 2>/dev/null || return 1
		MOUNTED=yes
	fi
	magic=7f454c46${1}010100${ZERO8}0200${2}00
	for f in "$BINFMT"/*; do
		if grep -q "^magic $magic" "$f" 2>/dev/null && grep -qx enabled "$f"; then
			return 0
		fi
	done
	name=memscope-$3
	# The kernel wants the whole line in one write().
	line=$(binfmt_line "$name" "$1" "$2" "$interpreter")
	printf '%s\n' "$line" > "$BINFMT/register" 2>/dev/null || return 1
	REGISTERED="$REGISTERED $name"
}

test_arch() { # ARCH
	case $1 in
	arm64) cross=aarch64 triplet=aarch64-linux-gnu qemu=qemu-aarch64 class=02 machine=b7 ;;
	armhf) cross=armhf triplet=arm-linux-gnueabihf qemu=qemu-arm class=01 machine=28 ;;
	*) echo "cross-test: unknown architecture '$1'" >&2; return 1 ;;
	esac
	if ! command -v "$triplet-gcc" >/dev/null || ! command -v "$qemu" >/dev/null; then
		echo "cross-test: $1: skipped ($triplet-gcc or $qemu not installed)"
		return 0
	fi
	sysroot=$DIR/sysroot-$1
	build=$DIR/build-$1
	# (This function runs in an || list, where set -e does not apply.)
	if [ ! -f "$sysroot/usr/lib/$triplet/pkgconfig/libproc2.pc" ]; then
		"$HERE/mksysroot.sh" "$1" "$sysroot" || return 1
	fi
	if [ "$1" = armhf ]; then
		"$HERE/mkcriterion.sh" "$sysroot" || return 1
	fi
	"$HERE/sysroot-ini.sh" "$1" "$sysroot" > "$DIR/$1-sysroot.ini" || return 1
	if [ ! -f "$build/build.ninja" ]; then
		meson setup "$build" "$SRCDIR" --cross-file "$SRCDIR/data/cross/$cross.ini" \
			--cross-file "$DIR/$1-sysroot.ini" > "$DIR/$1-setup.log" ||
			{ tail -20 "$DIR/$1-setup.log"; return 1; }
	fi
	ninja -C "$build" > "$DIR/$1-build.log" ||
		{ grep -B2 -A10 FAILED "$DIR/$1-build.log"; return 1; }
	file "$build/memscope" | sed "s|^$build/|cross-test: $1: |"

	if ! ensure_binfmt "$class" "$machine" "$qemu"; then
		echo "cross-test: $1: cannot register $qemu with binfmt_misc (needs root)" >&2
		return 1
	fi
	# qemu reads QEMU_LD_PREFIX and QEMU_SET_ENV in every ARM process the
	# kernel hands it, Criterion's workers and the memscope runs included.
	lib=$sysroot/lib/$triplet:$sysroot/usr/lib/$triplet
	echo "cross-test: $1: running memscope-tests under $qemu"
	env QEMU_LD_PREFIX="/usr/$triplet" QEMU_SET_ENV="LD_LIBRARY_PATH=$lib" \
		MEMSCOPE_BIN="$build/memscope" MEMSCOPE_SRCDIR="$SRCDIR" \
		MEMSCOPE_BUILDDIR="$build" "$build/tests/memscope-tests" --jobs=2 \
		--filter="!($NOT_UNDER_QEMU_USER)"
}

mkdir -p "$DIR"
[ $# -gt 0 ] || set -- arm64 armhf
for arch in "$@"; do
	test_arch "$arch" || { echo "cross-test: $arch: FAILED"; failed=1; }
done
exit $failed
