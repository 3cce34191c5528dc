#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# mkstatic.sh arm64|armhf|native SYSROOT - build the two static libraries that
# memscope -Dstatic=true cannot take from Debian as they are, from Debian's
# own sources, and install them into SYSROOT under $PREFIX (below):
#
# - ncursesw 6.4 with built-in terminal descriptions (--with-fallbacks). A
#   static memscope copied to a board must draw on boards that have no
#   terminfo database (BusyBox/Buildroot images often have none). A database
#   entry, where there is one, still wins; Debian's libncursesw.a has none.
# - libarchive 3.6.2 without libxml2, OpenSSL/nettle and ACL support. Debian's
#   libarchive.a names all writers in one table (archive_write_set_format.o),
#   so even a plain tar writer pulls in the xar writer, libxml2 and through
#   it ICU's 30 MB data library. memscope reads and writes tar (+ gzip, xz,
#   zstd, bzip2, lz4), none of which needs them.
#
# For "native", give / as SYSROOT (the libraries land in /opt/memscope-static),
# then: PKG_CONFIG_PATH=/opt/memscope-static/lib/pkgconfig meson setup B -Dstatic=true
set -eu

# Descriptions compiled in: the consoles and terminal emulators people run
# a board's serial or ssh session in.
FALLBACKS=linux,vt100,vt102,vt220,xterm,xterm-color,xterm-256color
FALLBACKS=$FALLBACKS,screen,screen-256color,tmux,tmux-256color,ansi,dumb
PREFIX=/opt/memscope-static

[ $# -eq 2 ] || { echo "usage: $0 arm64|armhf|native SYSROOT" >&2; exit 2; }
case $1 in
arm64) HOST=--host=aarch64-linux-gnu TRIPLET=aarch64-linux-gnu ;;
armhf) HOST=--host=arm-linux-gnueabihf TRIPLET=arm-linux-gnueabihf ;;
native) HOST='' TRIPLET=$(gcc -dumpmachine) ;;
*) echo "$0: unknown architecture '$1'" >&2; exit 2 ;;
esac
mkdir -p "$2"
SYSROOT=$(realpath "$2")
PCDIR=$SYSROOT$PREFIX/lib/pkgconfig
if [ -f "$PCDIR/ncursesw.pc" ] && [ -f "$PCDIR/libarchive.pc" ]; then
	echo "$SYSROOT$PREFIX: static ncursesw and libarchive already there"
	exit 0
fi
# The fallback entries are generated with the host's tic/infocmp and
# terminfo database (ncurses-bin, ncurses-base).
for t in $(echo "$FALLBACKS" | tr , ' '); do
	infocmp "$t" >/dev/null 2>&1 || { echo "$0: host has no terminfo for $t" >&2; exit 1; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/mkstatic.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# Debian's sources through a private apt state directory: /etc/apt untouched.
fetch_sources() {
	apt="-o Dir::Etc::SourceList=$WORK/apt/sources.list -o Dir::Etc::SourceParts=$WORK/apt/none
		-o Dir::State::Lists=$WORK/apt/lists -o Dir::Cache=$WORK/apt/cache"
	mkdir -p "$WORK/apt/lists/partial" "$WORK/apt/cache/archives/partial" "$WORK/apt/none"
	key=/usr/share/keyrings/debian-archive-keyring.gpg
	cat > "$WORK/apt/sources.list" <<-EOF
	deb-src [signed-by=$key] http://deb.debian.org/debian bookworm main
	deb-src [signed-by=$key] http://deb.debian.org/debian-security bookworm-security main
	EOF
	# shellcheck disable=SC2086 # $apt is a list of options
	apt-get -q $apt update >/dev/null
	# shellcheck disable=SC2086
	(cd "$WORK" && apt-get -q $apt source --download-only "$@") >/dev/null 2>&1 || true
}

# run LOG CMD...: quiet unless it fails.
run() {
	log=$WORK/$1
	shift
	"$@" >>"$log" 2>&1 || { tail -20 "$log" >&2; exit 1; }
}

build_ncurses() {
	tar xzf "$WORK/ncurses_6.4.orig.tar.gz" -C "$WORK"
	mkdir "$WORK/ncurses-build"
	cd "$WORK/ncurses-build"
	# Same terminfo search path as Debian's ncurses, so a board's own
	# database (if any) is found where Debian, Buildroot and Yocto put it.
	# shellcheck disable=SC2086 # $HOST is empty for native
	run ncurses.log "$WORK/ncurses-6.4/configure" $HOST --prefix=$PREFIX \
		--enable-widec --with-termlib --without-shared --with-normal --without-debug \
		--without-cxx --without-cxx-binding --without-ada --without-progs --without-tests \
		--without-manpages --disable-db-install --disable-stripping \
		--with-fallbacks=$FALLBACKS \
		--with-terminfo-dirs=/etc/terminfo:/lib/terminfo:/usr/share/terminfo \
		--with-default-terminfo-dir=/usr/share/terminfo \
		--enable-pc-files --with-pkg-config-libdir=$PREFIX/lib/pkgconfig
	run ncurses.log make -j"$(nproc)" libs
	run ncurses.log make DESTDIR="$SYSROOT" install.libs install.includes
}

build_libarchive() {
	tar xJf "$WORK/libarchive_3.6.2.orig.tar.xz" -C "$WORK"
	mkdir "$WORK/libarchive-build"
	cd "$WORK/libarchive-build"
	# The compressors' headers and static archives come from the sysroot
	# (mksysroot.sh's STATIC list; the host's -dev packages for native).
	if [ -n "$HOST" ]; then
		set -- "CPPFLAGS=-I$SYSROOT/usr/include" \
			"LDFLAGS=-L$SYSROOT/usr/lib/$TRIPLET -L$SYSROOT/lib/$TRIPLET"
	else
		set --
	fi
	# shellcheck disable=SC2086
	run libarchive.log "$WORK/libarchive-3.6.2/configure" $HOST --prefix=$PREFIX "$@" \
		--disable-shared --enable-static --disable-bsdtar --disable-bsdcpio \
		--disable-bsdcat --disable-bsdunzip --disable-acl --disable-xattr \
		--without-xml2 --without-expat --without-openssl --without-nettle \
		--without-mbedtls --without-cng --without-libb2 --without-lzo2 \
		--with-zlib --with-bz2lib --with-lzma --with-zstd --with-lz4
	run libarchive.log make -j"$(nproc)"
	run libarchive.log make DESTDIR="$SYSROOT" install-libLTLIBRARIES \
		install-includeHEADERS install-pkgconfigDATA
	# configure names "iconv" as a pkg-config package when it finds
	# iconv(3), but glibc's iconv has no .pc file (and needs no flags).
	sed -i '/^Requires.private: *iconv *$/d' "$PCDIR/libarchive.pc"
}

fetch_sources ncurses libarchive
for t in ncurses_6.4.orig.tar.gz libarchive_3.6.2.orig.tar.xz; do
	[ -f "$WORK/$t" ] || { echo "$0: could not fetch $t" >&2; exit 1; }
done
[ -f "$PCDIR/ncursesw.pc" ] || build_ncurses
[ -f "$PCDIR/libarchive.pc" ] || build_libarchive
echo "$SYSROOT$PREFIX: static ncursesw (fallbacks: $FALLBACKS) and libarchive (tar," \
	"cpio, zip...; gzip, xz, zstd, bzip2, lz4)"
