#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# mkcriterion.sh SYSROOT - cross-build Criterion 2.4.1 and BoxFort 0.1.2 for
# armhf from Debian's source packages and install them into SYSROOT (made by
# mksysroot.sh armhf). Debian builds both for amd64, arm64 and i386 only.
#
# What it works around, all in a scratch directory (nothing is installed on
# the host, /etc/apt is not touched):
# - the sources come from a private deb-src list (apt-get -o Dir::...);
# - Debian's orig tarballs lack Criterion's git submodules: debugbreak.h comes
#   from the `debugbreak` package, khash.h from `libhts-dev` (htslib's copy of
#   klib's khash), and kvec.h, of which Criterion uses six macros, is written
#   here;
# - Criterion 2.4.1 uses BXF_DBG_* macros that Debian adds to boxfort.h by a
#   patch: the header is taken from the native libboxfort-dev package;
# - criterion.pb.c is shipped pre-generated (nanopb 0.4.5, same protocol
#   header version 40 as the sysroot's nanopb 0.4.7), so meson is told not to
#   regenerate it, which would need protoc.
set -eu

[ $# -eq 1 ] || { echo "usage: $0 SYSROOT" >&2; exit 2; }
SYSROOT=$(realpath "$1")
TRIPLET=arm-linux-gnueabihf
HERE=$(cd "$(dirname "$0")" && pwd)
SRCDIR=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mkcriterion.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

if [ -f "$SYSROOT/usr/lib/$TRIPLET/pkgconfig/criterion.pc" ]; then
	echo "$SYSROOT: Criterion already there"
	exit 0
fi

# Debian's sources, through a private apt state directory.
APT="-o Dir::Etc::SourceList=$WORK/apt/sources.list -o Dir::Etc::SourceParts=$WORK/apt/none
	-o Dir::State::Lists=$WORK/apt/lists -o Dir::Cache=$WORK/apt/cache"
mkdir -p "$WORK/apt/lists/partial" "$WORK/apt/cache/archives/partial" "$WORK/apt/none"
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]" \
	"http://deb.debian.org/debian bookworm main" > "$WORK/apt/sources.list"
# shellcheck disable=SC2086 # $APT is a list of options
apt-get -q $APT update >/dev/null
# The .debian.tar.xz may be missing on a partial mirror; only the orig
# tarballs are used, so a failed fetch of the rest is not fatal.
# shellcheck disable=SC2086
(cd "$WORK" && apt-get -q $APT source --download-only boxfort=0.1.2-2 criterion=2.4.1-2) \
	>/dev/null 2>&1 || true
for t in boxfort_0.1.2.orig.tar.gz criterion_2.4.1.orig.tar.gz; do
	[ -f "$WORK/$t" ] || { echo "$0: could not fetch $t" >&2; exit 1; }
	tar xzf "$WORK/$t" -C "$WORK"
done

# Headers of the missing submodules, from native packages (they are plain C).
(cd "$WORK" && apt-get download -q debugbreak libhts-dev libboxfort-dev >/dev/null)
for deb in "$WORK"/*.deb; do
	dpkg-deb -x "$deb" "$WORK/hdr"
done
cat > "$WORK/hdr/usr/include/kvec.h" <<'EOF'
/* The part of klib's kvec.h API that Criterion 2.4.1 uses (src/io/output.c). */
#ifndef KVEC_H
#define KVEC_H
#include <stdlib.h>
#define kvec_t(type) struct { size_t n, m; type *a; }
#define kv_init(v) ((v).n = (v).m = 0, (v).a = 0)
#define kv_destroy(v) free((v).a)
#define kv_size(v) ((v).n)
#define kv_A(v, i) ((v).a[(i)])
#define kv_push(type, v, x) do { \
		if ((v).n == (v).m) { \
			(v).m = (v).m ? (v).m << 1 : 2; \
			(v).a = (type *)realloc((v).a, sizeof(type) * (v).m); \
		} \
		(v).a[(v).n++] = (x); \
	} while (0)
#endif
EOF

"$HERE/sysroot-ini.sh" armhf "$SYSROOT" > "$WORK/sysroot.ini"
# Criterion finds nanopb through CMake only.
printf "[binaries]\ncmake = 'cmake'\n[properties]\ncmake_prefix_path = ['%s/usr']\n" \
	"$SYSROOT" > "$WORK/cmake.ini"
CROSS="--cross-file $SRCDIR/data/cross/armhf.ini --cross-file $WORK/sysroot.ini"
INSTALL="--prefix=/usr --libdir=lib/$TRIPLET"

# shellcheck disable=SC2086
meson setup "$WORK/bxf" "$WORK/BoxFort-0.1.2" $CROSS $INSTALL \
	-Ddefault_library=static -Dsamples=false -Dtests=false >/dev/null
ninja -C "$WORK/bxf" >/dev/null
DESTDIR=$SYSROOT meson install --quiet -C "$WORK/bxf" --no-rebuild
cp "$WORK/hdr/usr/include/boxfort.h" "$SYSROOT/usr/include/boxfort.h"

sed -i 's/^must_regenerate_pb = nanopb.found()/must_regenerate_pb = false/' \
	"$WORK/Criterion-2.4.1/meson.build"
INC="-I$WORK/hdr/usr/include -I$WORK/hdr/usr/include/htslib -I$SYSROOT/usr/include/$TRIPLET"
# shellcheck disable=SC2086
meson setup "$WORK/crit" "$WORK/Criterion-2.4.1" $CROSS --cross-file "$WORK/cmake.ini" \
	$INSTALL -Dtests=false -Dsamples=false -Di18n=disabled -Dcxx-support=disabled \
	"-Dc_args=$INC" >/dev/null
ninja -C "$WORK/crit" >/dev/null
DESTDIR=$SYSROOT meson install --quiet -C "$WORK/crit" --no-rebuild
echo "$SYSROOT: Criterion 2.4.1 for armhf installed"
