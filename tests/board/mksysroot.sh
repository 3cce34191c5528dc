#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# mksysroot.sh ARCH DIR - unpack the Debian packages memscope builds against
# (and the Criterion test runner with its dependencies) for ARCH (arm64 or
# armhf) into the sysroot DIR, without installing anything for ARCH.
#
# Why a sysroot and not multiarch "apt-get install foo:arm64": libcriterion-dev
# cannot be co-installed with the native one (libnanomsg is not Multi-Arch:
# same), multiarch -dev installs upgrade many host packages to keep versions in
# lock-step, and the armhf bookworm-security index is sometimes served stale,
# which leaves :armhf -dev packages uninstallable. `apt-get download` plus
# `dpkg-deb -x` avoids all three.
#
# Needs: apt-get with ARCH in `dpkg --print-foreign-architectures` (as root,
# this script adds it when missing and runs `apt-get update`).
set -eu

usage() {
	echo "usage: $0 arm64|armhf SYSROOT-DIR" >&2
	exit 2
}

[ $# -eq 2 ] || usage
ARCH=$1
SYSROOT=$2
case $ARCH in
arm64) TRIPLET=aarch64-linux-gnu ;;
armhf) TRIPLET=arm-linux-gnueabihf ;;
*) usage ;;
esac

# What memscope links against (shared, for the test runs under qemu-user).
RUNTIME="libproc2-dev libproc2-0 libncurses-dev libncursesw6 libncurses6 libtinfo6
	libsystemd0 libcap2 libgcrypt20 libgpg-error0 liblzma5 libzstd1 liblz4-1 libbz2-1.0
	zlib1g libarchive-dev libarchive13 libacl1 libnettle8 libxml2 libicu72"
# Static archives of the compressors, for -Dstatic=true (mkstatic.sh builds
# libarchive against them).
STATIC="zlib1g-dev liblzma-dev libzstd-dev liblz4-dev libbz2-dev"
# What Criterion needs, and what its pkg-config file requires (criterion.pc
# names boxfort, libffi, libgit2 and nanomsg; libgit2.pc names its own).
CRITERION_DEPS="libnanomsg-dev libnanomsg5 libnanopb-dev
	libffi-dev libffi8 libgit2-dev libgit2-1.5 libhttp-parser-dev libhttp-parser2.9
	libmbedtls-dev libmbedcrypto7 libmbedtls14 libmbedx509-1 libssh2-1-dev libssh2-1
	libpcre2-dev libpcre2-8-0 libpcre2-16-0 libpcre2-32-0 libpcre2-posix3 libssl-dev libssl3
	libgssapi-krb5-2 libkrb5-3 libk5crypto3 libkrb5support0 libcom-err2 libkeyutils1"
# Debian builds Criterion and BoxFort for amd64, arm64 and i386 only; for armhf
# tests/board/mkcriterion.sh builds them from Debian's source into the sysroot.
case $ARCH in
arm64) CRITERION="libcriterion-dev libcriterion3 libboxfort-dev $CRITERION_DEPS" ;;
*) CRITERION=$CRITERION_DEPS ;;
esac

if ! dpkg --print-foreign-architectures | grep -qx "$ARCH"; then
	if [ "$(id -u)" != 0 ]; then
		echo "$0: run 'dpkg --add-architecture $ARCH && apt-get update' as root first" >&2
		exit 1
	fi
	dpkg --add-architecture "$ARCH"
	# A stale index for one suite (seen with armhf bookworm-security) must
	# not stop us: the packages above all exist in the main suite.
	apt-get update || true
fi

mkdir -p "$SYSROOT/.debs"
SYSROOT=$(realpath "$SYSROOT")
pkgs=""
for p in $RUNTIME $STATIC $CRITERION; do
	pkgs="$pkgs $p:$ARCH"
done
# shellcheck disable=SC2086 # word splitting of the package list is intended
(cd "$SYSROOT/.debs" && apt-get download -q $pkgs)
for deb in "$SYSROOT"/.debs/*.deb; do
	dpkg-deb -x "$deb" "$SYSROOT"
done

# The -dev packages' .so links are absolute (/lib/TRIPLET/libfoo.so.N): make
# them relative so that they resolve inside the sysroot.
find "$SYSROOT" -type l -lname '/*' | while read -r link; do
	target=$(readlink "$link")
	ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$SYSROOT$target")" "$link"
done

# pkg-config files carry absolute paths (criterion.pc names
# /usr/lib/TRIPLET/libprotobuf-nanopb.a): pkg-config's sysroot option
# rewrites -L/-I but not bare paths, which only static links use. Fine here.
echo "$SYSROOT: sysroot for $ARCH ($TRIPLET) ready"
