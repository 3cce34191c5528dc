#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# memscope-capture.sh: capture a memscope snapshot on a board that has no
# memscope, with nothing but a POSIX shell (BusyBox ash, dash) and cat,
# uname, date, mkdir, mv, rm and tar. Open the result elsewhere with
#   memscope -s board.tar.gz
# Over ssh, without copying this script to the board:
#   ssh board sh -s -- -o - < memscope-capture.sh > board.tar.gz
#
# The layout is the one `memscope capture` writes (see DESIGN.md): the
# /proc memory files, <pid>/ folders and a `memscope-snapshot` metadata file.
# /proc files say st_size 0, so they are read with cat, never cp.

umask 077

PROG=memscope-capture.sh
PROC=/proc
out=
force=0
no_cmdline=0
no_smaps=0
stage=        # temporary folder and file to remove if we stop half-way
stage_file=

usage() {
	cat <<EOF
Usage: $PROG -o OUT [-f] [--no-cmdline] [--no-smaps]
Capture /proc memory files into a memscope snapshot.

  -o, --output OUT  a directory, FILE.tar.gz (or .tgz), or - for a tar.gz
                    on stdout (ssh board sh -s -- -o - < $PROG > b.tar.gz)
  -f, --force       replace OUT if it exists
      --no-cmdline  leave process command lines out (they can hold secrets)
      --no-smaps    leave per-mapping smaps out (smaller; rollups stay)
      --proc-root DIR  read DIR instead of /proc (for tests)
  -h, --help        this text
EOF
}

die() {
	echo "$PROG: $*" >&2
	exit 1
}

usage_error() {
	echo "$PROG: $*" >&2
	usage >&2
	exit 2
}

# shellcheck disable=SC2317 # run by the trap
cleanup() {
	if [ -n "$stage" ]; then rm -rf "$stage"; fi
	if [ -n "$stage_file" ]; then rm -f "$stage_file"; fi
	stage=
	stage_file=
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

while [ $# -gt 0 ]; do
	case $1 in
	-o | --output)
		[ $# -ge 2 ] || usage_error "$1 needs a path"
		out=$2
		shift
		;;
	-o*) out=${1#-o} ;;
	--output=*) out=${1#--output=} ;;
	-f | --force) force=1 ;;
	--no-cmdline) no_cmdline=1 ;;
	--no-smaps) no_smaps=1 ;;
	--proc-root)
		[ $# -ge 2 ] || usage_error "$1 needs a directory"
		PROC=$2
		shift
		;;
	-h | --help)
		usage
		exit 0
		;;
	*) usage_error "unknown argument: $1" ;;
	esac
	shift
done
[ -n "$out" ] || usage_error "no output given (-o PATH)"
[ -d "$PROC" ] || die "$PROC: not a directory"

# A regular file of the proc tree, never through a symlink.
is_plain_file() {
	[ -f "$1" ] && [ ! -L "$1" ]
}

# copy REL DESTDIR: cat the file; one that is missing, unreadable or gone
# (the process exited) is simply left out, as in any snapshot.
copy() {
	if ! is_plain_file "$PROC/$1"; then return 1; fi
	if ! cat "$PROC/$1" > "$2/$1" 2> /dev/null; then
		rm -f "$2/$1"
		return 1
	fi
}

# Kernel threads have PF_KTHREAD (0x00200000) in field 9 of stat; the name
# in field 2 may hold spaces and parentheses, so fields are counted after
# the last ") ".
is_kernel_thread() {
	stat_line=$(cat "$1" 2> /dev/null) || return 1
	fields=${stat_line##*") "}
	# shellcheck disable=SC2086 # split into fields on purpose
	set -- $fields
	[ $# -ge 7 ] || return 1
	case $7 in '' | *[!0-9]*) return 1 ;; esac
	[ $(($7 / 2097152 % 2)) -eq 1 ]
}

capture_pid() { # PID DEST
	pid=$1
	dest=$2
	mkdir "$dest/$pid" || return 0
	for f in stat status comm; do
		copy "$pid/$f" "$dest"
	done
	if is_kernel_thread "$dest/$pid/stat"; then
		return 0
	fi
	[ $no_cmdline -eq 1 ] || copy "$pid/cmdline" "$dest"
	for f in statm maps smaps_rollup; do
		copy "$pid/$f" "$dest"
	done
	[ $no_smaps -eq 1 ] || copy "$pid/smaps" "$dest"
	copy "$pid/oom_score_adj" "$dest"
	# A process that exited before we came leaves no empty folder.
	rmdir "$dest/$pid" 2> /dev/null
	return 0
}

# Bytes per page of this machine: getconf where there is one, else what
# the kernel says of our own mappings (BusyBox often has no getconf).
page_size() {
	getconf PAGESIZE 2> /dev/null && return 0
	while read -r key value unit; do
		if [ "$key" = KernelPageSize: ] && [ "$unit" = kB ]; then
			echo $((value * 1024))
			return 0
		fi
	done < /proc/self/smaps
	return 1
}

# One line per value, whatever a hostname holds.
meta_line() {
	printf '%s: %s\n' "$1" "$(printf '%s' "$2" | tr -d '\n\r')"
}

write_metadata() { # DEST
	{
		meta_line format memscope/1
		meta_line captured_at "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
		meta_line hostname "$(uname -n)"
		meta_line kernel "$(uname -r)"
		meta_line machine "$(uname -m)"
		ps=$(page_size) && meta_line page_size "$ps"
		meta_line tool "$PROG"
	} > "$1/memscope-snapshot"
}

# The owners of the captured processes, as this machine names them, so a
# snapshot shows user names on another machine. One "UID NAME" line each.
write_users() { # DEST
	uids=$(sed -n 's/^Uid:[[:space:]]*\([0-9]*\).*/\1/p' "$1"/[0-9]*/status 2> /dev/null |
		sort -u | tr '\n' ' ')
	[ -n "$uids" ] && [ -r /etc/passwd ] || return 0
	awk -F: -v uids=" $uids" 'index(uids, " " $3 " ") && $1 !~ /[ \t]/ { print $3, $1 }' \
		/etc/passwd | sort -n > "$1/memscope-users"
	[ -s "$1/memscope-users" ] || rm -f "$1/memscope-users"
}

# The metadata comes last: it is what says "a whole snapshot", so a capture
# cut short never claims to be one.
capture_into() { # DEST (an empty directory)
	for f in meminfo vmstat buddyinfo pagetypeinfo zoneinfo slabinfo iomem \
		vmallocinfo swaps version cmdline; do
		copy "$f" "$1"
	done
	for d in "$PROC"/[0-9]*; do
		if [ ! -d "$d" ] || [ -L "$d" ]; then continue; fi
		pid=${d##*/}
		case $pid in *[!0-9]*) continue ;; esac
		capture_pid "$pid" "$1"
	done
	write_users "$1"
	write_metadata "$1" || die "$1: cannot write"
}

# An existing output stays unless forced; even then a directory is only
# replaced when it is a snapshot, never whatever folder a typo names.
check_existing() {
	[ -e "$out" ] || [ -L "$out" ] || return 0
	[ $force -eq 1 ] || die "$out: already exists (-f replaces it)"
	if [ -d "$out" ] && [ ! -L "$out" ] && [ ! -f "$out/memscope-snapshot" ]; then
		die "$out: exists and is not a memscope snapshot; not replacing it"
	fi
	return 0
}

# mv onto an existing directory would move INTO it: the old one goes aside.
move_into_place() { # TMP
	if [ -e "$out" ] || [ -L "$out" ]; then
		old="$parent/.$base.old.$$"
		mv "$out" "$old" || die "$out: cannot replace"
		if ! mv "$1" "$out"; then
			mv "$old" "$out"
			die "$out: cannot rename into place"
		fi
		rm -rf "$old"
	else
		mv "$1" "$out" || die "$out: cannot rename into place"
	fi
}

case $out in
-) ;;
*)
	trimmed=$out
	while [ "${trimmed%/}" != "$trimmed" ] && [ "$trimmed" != / ]; do
		trimmed=${trimmed%/}
	done
	out=$trimmed
	base=${out##*/}
	case $out in
	*/*) parent=${out%/*} ;;
	*) parent=. ;;
	esac
	[ -n "$parent" ] || parent=/
	case $base in '' | . | ..) die "$out: not a name for a new snapshot" ;; esac
	[ -d "$parent" ] || die "$parent: no such directory"
	check_existing
	;;
esac

case $out in
-)
	[ -t 1 ] && die "not writing an archive to a terminal; redirect it (> board.tar.gz)"
	stage=$(mktemp -d "${TMPDIR:-/tmp}/memscope-capture.XXXXXX") ||
		die "cannot make a temporary folder"
	mkdir "$stage/snapshot" || die "$stage: cannot write"
	capture_into "$stage/snapshot"
	tar -C "$stage" -czf - snapshot || die "tar failed"
	;;
*.tar.gz | *.tgz)
	top=${base%.tar.gz}
	top=${top%.tgz}
	stage="$parent/.$base.tmp.$$"
	stage_file="$stage.tar"
	mkdir "$stage" "$stage/$top" || die "$stage: cannot create"
	capture_into "$stage/$top"
	tar -C "$stage" -czf "$stage_file" "$top" || die "$out: tar failed"
	move_into_place "$stage_file"
	stage_file=
	;;
*)
	stage="$parent/.$base.tmp.$$"
	mkdir "$stage" || die "$stage: cannot create"
	capture_into "$stage"
	move_into_place "$stage"
	stage=
	;;
esac
exit 0
