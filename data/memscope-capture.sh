#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# memscope-capture.sh: capture a memscope snapshot on a board that has no
# memscope, with nothing but a POSIX shell (BusyBox ash, dash) and cat,
# uname, date, mkdir, mv, rm, sort, awk and tar. Open the result elsewhere:
#   memscope -s board.tar.gz
# Over ssh, without copying this script to the board, once:
#   ssh board sh -s -- -o - < memscope-capture.sh | memscope -s -
# or kept:
#   ssh board sh -s -- -o - < memscope-capture.sh > board.tar.gz
#
# With --record it appends a sample every -i seconds to a recording, the
# format `memscope record` writes (doc/snapshot.md, "Recordings"):
#   sh memscope-capture.sh --record -i 10 -o board.msrec
#   ssh board sh -s -- --record -i 10 < memscope-capture.sh > board.msrec
#
# The layout is the one `memscope capture` writes (doc/snapshot.md):
# memscope-snapshot, memscope-users and memscope-unread at the top, the
# /proc files under proc/ and the /sys files under sys/. /proc and /sys
# files say st_size 0, so they are read with cat, never cp.

umask 077

PROG=memscope-capture.sh
PROC=/proc
SYS=/sys
trusted=1     # the kernel's own trees: their links are followed
out=
force=0
no_cmdline=0
no_smaps=0
no_maps=0
record=0      # --record: samples appended to a recording
interval=
count=0       # --count: samples to take; 0: until stopped
stage=        # temporary folder and files to remove if we stop half-way
stage_file=
unread_raw=   # what could not be read, one line each, before sorting
errf=         # the last cat's complaint
tab=$(printf '\t')
myuid=$(id -u 2> /dev/null || echo 0)

usage() {
	cat <<EOF
Usage: $PROG -o OUT [-f] [--no-cmdline] [--no-smaps]
       $PROG --record -i SECONDS [-o FILE] [--count N] [--no-cmdline]
Capture /proc and /sys memory files into a memscope snapshot, or with
--record a sample every SECONDS into a recording (memscope -s FILE).

  -o, --output OUT  a directory; an archive: FILE.tar.gz (.tgz), .tar.xz,
                    .tar.zst, .tar.bz2 or .tar; or - for a tar.gz on
                    stdout (ssh board sh -s -- -o - < $PROG | memscope -s -)
  -f, --force       replace OUT if it exists
      --no-cmdline  leave process command lines out (they can hold secrets)
      --no-smaps    leave per-mapping smaps out (smaller; rollups stay)
      --record      append samples (rollups, no maps or smaps) to FILE, a
                    new file, or with -o - (the default) to stdout, until
                    --count N samples or SIGINT/SIGTERM (the sample being
                    taken is finished first)
  -i, --interval SECONDS  between samples, whole seconds (--record)
      --count N     stop after N samples (--record)
      --proc-root DIR  read DIR (DIR/proc and DIR/sys, or a /proc-like
                    tree) instead of /proc and /sys (for tests)
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
	if [ -n "$unread_raw" ]; then rm -f "$unread_raw" "$errf"; fi
	stage=
	stage_file=
	unread_raw=
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
	--record) record=1 ;;
	-i | --interval | --count)
		[ $# -ge 2 ] || usage_error "$1 needs a number"
		case $2 in '' | *[!0-9]* | 0*) usage_error "$1 $2: not a whole number above 0" ;; esac
		if [ "$1" = --count ]; then count=$2; else interval=$2; fi
		shift
		;;
	--proc-root)
		[ $# -ge 2 ] || usage_error "$1 needs a directory"
		PROC=$2
		trusted=0
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
if [ $record -eq 1 ]; then
	[ -n "$interval" ] || usage_error "--record needs -i SECONDS"
	[ -n "$out" ] || out=-
	[ $force -eq 0 ] || usage_error "--record appends to a new file; -f does not apply"
	no_smaps=1
	no_maps=1
elif [ -n "$interval" ] || [ "$count" -ne 0 ]; then
	usage_error "-i and --count go with --record"
fi
[ -n "$out" ] || usage_error "no output given (-o PATH)"
[ -d "$PROC" ] || die "$PROC: not a directory"

# Only the archive goes to stdout: whatever else a command says goes to
# stderr, so that `... | memscope -s -` reads nothing but the archive.
if [ "$out" = - ]; then
	exec 3>&1 1>&2
fi

# A test tree laid out like a snapshot has DIR/proc beside DIR/sys; a flat
# one is a /proc itself and has no /sys.
if [ $trusted -eq 0 ]; then
	SYS=
	if [ ! -f "$PROC/meminfo" ] && [ -d "$PROC/proc" ] && [ ! -L "$PROC/proc" ]; then
		if [ -d "$PROC/sys" ] && [ ! -L "$PROC/sys" ]; then SYS=$PROC/sys; fi
		PROC=$PROC/proc
	fi
fi

# ---- paths -----------------------------------------------------------------

# resolve REL: where a path of the snapshot's namespace ("meminfo",
# "123/smaps", "sys/block") is read from (SRC) and written to (DST).
resolve() {
	case $1 in
	sys/*)
		[ -n "$SYS" ] || return 1
		SRC=$SYS/${1#sys/}
		DST=sys/${1#sys/}
		;;
	*)
		SRC=$PROC/$1
		DST=proc/$1
		;;
	esac
}

# A file or folder we may read: the kernel's trees are followed through
# their links; a test tree never is.
is_file() {
	[ -f "$1" ] && { [ $trusted -eq 1 ] || [ ! -L "$1" ]; }
}

is_dir() {
	[ -d "$1" ] && { [ $trusted -eq 1 ] || [ ! -L "$1" ]; }
}

# A folder above PATH that exists but that we may not enter (debugfs is
# root's): PATH is then there, for all we know, but not readable.
blocked() {
	b=${1%/*}
	while [ -n "$b" ] && [ "$b" != "$1" ]; do
		if [ -d "$b" ] && [ ! -x "$b" ]; then return 0; fi
		[ "${b%/*}" = "$b" ] && break
		b=${b%/*}
	done
	return 1
}

# Folders are made with their first file, and removed again when it could
# not be read, so that the layout is the one memscope capture writes.
ensure_dir() {
	[ -d "$1" ] || mkdir -p "$1"
}

prune() { # DIR: remove it and the folders above it while empty, up to $dest
	p=$1
	while [ "$p" != "$dest" ] && [ "${p#"$dest"/}" != "$p" ] && rmdir "$p" 2> /dev/null; do
		p=${p%/*}
	done
}

# ---- what could not be read -------------------------------------------------

reason() { # the cat's complaint -> a few words, as memscope capture says them
	msg=
	read -r msg < "$errf" 2> /dev/null
	case $msg in
	*"ermission denied"* | *"ot permitted"*)
		if [ "$myuid" -eq 0 ]; then echo "permission denied"; else echo "needs root"; fi
		;;
	*"o such process"* | *"o such file"*) echo gone ;;
	*) echo "read error" ;;
	esac
}

log_unread() { # PATH REASON [PID]
	if [ $# -ge 3 ]; then
		printf '*/%s\t%s\t%s\n' "$1" "$2" "$3" >> "$unread_raw"
	else
		printf '%s\t%s\n' "$1" "$2" >> "$unread_raw"
	fi
}

# ---- copying ------------------------------------------------------------------

# fetch SRC DST: the bytes of SRC into DST. The small text files of a
# process are read by the shell itself: a process costs a few forks, not a
# dozen (a fork takes milliseconds on a small board). They are lines of
# text, each ended by a newline, and never empty; an empty result means
# the process went away meanwhile.
fetch() {
	case ${1##*/} in
	stat | statm | status | comm | oom_score | oom_score_adj | cgroup)
		{
			while IFS= read -r line; do
				printf '%s\n' "$line"
			done < "$1" > "$2"
		} || return 1
		[ -s "$2" ] || { echo "$1: No such process" >&2; return 1; }
		;;
	*) cat "$1" > "$2" ;;
	esac
}

denied() { # what "not allowed" means for us
	if [ "$myuid" -eq 0 ]; then echo "permission denied"; else echo "needs root"; fi
}

# copy WHAT REL [PID NAME]: cat one file into the snapshot. What is missing
# or gone (the process exited) is simply left out; what is there but will
# not read is written down: for the system (WHAT "sys"), whatever the
# reason; for a process ("pid"), only "not allowed" (its other files say it
# was there); never for a file inside a tree ("tree": a write-only knob).
copy() {
	resolve "$2" || return 1
	if ! is_file "$SRC"; then
		if [ "$1" = sys ] && [ ! -e "$SRC" ] && blocked "$SRC"; then
			log_unread "$2" "$(denied)"
		fi
		return 1
	fi
	ensure_dir "$dest/${DST%/*}"
	if fetch "$SRC" "$dest/$DST" 2> "$errf"; then return 0; fi
	rm -f "$dest/$DST"
	prune "$dest/${DST%/*}"
	why=$(reason)
	case $1:$why in
	pid:"needs root" | pid:"permission denied") log_unread "$4" "$why" "$3" ;;
	sys:gone) ;;
	sys:*) log_unread "$2" "$why" ;;
	esac
	return 1
}

# Which entries of a tree are taken (FILTER NAME IS_DIR DEPTH).
# shellcheck disable=SC2317 # called through copy_tree's FILTER
keep_all() { return 0; }

# shellcheck disable=SC2317
keep_cma_debug() { # cma/<area>/alloc and free are write-only knobs
	[ "$3" -eq 0 ] || { [ "$1" != alloc ] && [ "$1" != free ]; }
}

# shellcheck disable=SC2317
keep_dmabuf() { # buffers/<inode>/exporter_name and size, not the attachments
	if [ "$3" -eq 0 ]; then
		[ "$2" = 1 ]
		return
	fi
	[ "$2" = 0 ] && { [ "$1" = exporter_name ] || [ "$1" = size ]; }
}

# shellcheck disable=SC2317
keep_zram() { # /sys/block/zram*/ and their figures
	if [ "$3" -eq 0 ]; then
		[ "$2" = 1 ] && case $1 in zram*) true ;; *) false ;; esac
		return
	fi
	# orig_data_size, compr_data_size, mem_used_total: kernels before 4.1 (no mm_stat)
	[ "$2" = 0 ] && case $1 in
		mm_stat | disksize | comp_algorithm | io_stat) true ;;
		orig_data_size | compr_data_size | mem_used_total) true ;;
		*) false ;;
	esac
}

# shellcheck disable=SC2317
keep_cgroup() { # the memory cgroup trees: src/model/catalogue.c cgroup_file
	if [ "$2" = 1 ]; then
		# at the top, not the other v1 controllers' hierarchies
		[ "$3" -gt 0 ] && return 0
		case $1 in
		*,* | blkio | cpu | cpuacct | cpuset | devices | freezer | hugetlb | misc) false ;;
		net_cls | net_prio | perf_event | pids | rdma | systemd | elogind | debug) false ;;
		*) true ;;
		esac
		return
	fi
	# the memory files memscope reads (ms_memcg_files), PSI, the v2 controllers
	case $1 in
	memory.current | memory.peak | memory.max | memory.high | memory.low | memory.min) true ;;
	memory.swap.current | memory.swap.peak | memory.swap.max | memory.swap.high) true ;;
	memory.zswap.current | memory.zswap.max | memory.oom.group | memory.events) true ;;
	memory.events.local | memory.swap.events | memory.stat | memory.pressure) true ;;
	memory.usage_in_bytes | memory.max_usage_in_bytes | memory.limit_in_bytes) true ;;
	memory.soft_limit_in_bytes | memory.failcnt | memory.swappiness) true ;;
	memory.memsw.usage_in_bytes | memory.memsw.max_usage_in_bytes) true ;;
	memory.memsw.limit_in_bytes | memory.memsw.failcnt | memory.use_hierarchy) true ;;
	memory.kmem.usage_in_bytes | memory.kmem.max_usage_in_bytes) true ;;
	memory.kmem.limit_in_bytes | memory.kmem.failcnt | memory.oom_control) true ;;
	cgroup.controllers) true ;;
	*) false ;;
	esac
}

# copy_tree REL DEPTH MAXDEPTH FILTER: a folder, files only, no deeper than
# MAXDEPTH folders below it. Only the folder itself is written down when it
# cannot be read: a file inside that will not read is a write-only knob.
# POSIX sh has no local variables but a function's own arguments: the
# entries are kept there, after the four, and taken off one by one.
copy_tree() {
	resolve "$1" || return 0
	if ! is_dir "$SRC"; then
		if [ "$2" -eq 0 ] && [ ! -e "$SRC" ] && blocked "$SRC"; then
			log_unread "$1" "$(denied)"
		fi
		return 0
	fi
	if [ ! -r "$SRC" ] || [ ! -x "$SRC" ]; then
		[ "$2" -eq 0 ] && log_unread "$1" "$(denied)"
		return 0
	fi
	set -- "$1" "$2" "$3" "$4" "$SRC"/*
	while [ $# -gt 4 ]; do
		name=${5##*/}
		if [ "$name" = "*" ] && [ ! -e "$5" ]; then
			: # an empty folder
		elif is_dir "$5"; then
			if $4 "$name" 1 "$2" && [ "$2" -lt "$3" ]; then
				copy_tree "$1/$name" $(($2 + 1)) "$3" "$4"
			fi
		elif is_file "$5" && $4 "$name" 0 "$2"; then
			copy tree "$1/$name" || true
		fi
		t1=$1 t2=$2 t3=$3 t4=$4
		shift 5
		set -- "$t1" "$t2" "$t3" "$t4" "$@"
	done
	return 0
}

# Kernel threads have PF_KTHREAD (0x00200000) in field 9 of stat; the name
# in field 2 may hold spaces and parentheses, so fields are counted after
# the last ") ".
is_kernel_thread() {
	stat_line=
	{ IFS= read -r stat_line < "$1"; } 2> /dev/null || return 1
	fields=${stat_line##*") "}
	# shellcheck disable=SC2086 # split into fields on purpose
	set -- $fields
	[ $# -ge 7 ] || return 1
	case $7 in '' | *[!0-9]*) return 1 ;; esac
	[ $(($7 / 2097152 % 2)) -eq 1 ]
}

# An open DMA-BUF: its fdinfo names the exporter. Read with the shell's
# own read, as there may be thousands of descriptors.
is_dmabuf_fdinfo() {
	{
		while read -r key _; do
			[ "$key" = exp_name: ] && return 0
		done < "$1"
	} 2> /dev/null
	return 1
}

copy_fdinfo() { # PID
	resolve "$1/fdinfo"
	dir=$SRC
	is_dir "$dir" || return 0
	if [ ! -r "$dir" ] || [ ! -x "$dir" ]; then
		log_unread fdinfo "$(denied)" "$1"
		return 0
	fi
	for f in "$dir"/*; do
		if [ "$f" = "$dir/*" ] && ! ls "$dir" > /dev/null 2>&1; then
			log_unread fdinfo "$(denied)" "$1" # listed as root's, yet refused
		fi
		is_file "$f" && is_dmabuf_fdinfo "$f" && copy pid "$1/fdinfo/${f##*/}" "$1" fdinfo
	done
	return 0
}

capture_pid() { # PID
	pid=$1
	for f in stat status comm; do
		copy pid "$pid/$f" "$pid" "$f"
	done
	if is_kernel_thread "$dest/proc/$pid/stat"; then
		return 0
	fi
	[ $no_cmdline -eq 1 ] || copy pid "$pid/cmdline" "$pid" cmdline
	copy pid "$pid/statm" "$pid" statm
	[ $no_maps -eq 1 ] || copy pid "$pid/maps" "$pid" maps
	copy pid "$pid/smaps_rollup" "$pid" smaps_rollup
	[ $no_smaps -eq 1 ] || copy pid "$pid/smaps" "$pid" smaps
	for f in oom_score_adj oom_score cgroup; do
		copy pid "$pid/$f" "$pid" "$f"
	done
	copy_fdinfo "$pid"
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
		meta_line format memscope/2
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
	uids=$(sed -n 's/^Uid:[[:space:]]*\([0-9]*\).*/\1/p' "$1"/proc/[0-9]*/status 2> /dev/null |
		sort -u | tr '\n' ' ')
	[ -n "$uids" ] && [ -r /etc/passwd ] || return 0
	awk -F: -v uids=" $uids" 'index(uids, " " $3 " ") && $1 !~ /[ \t]/ { print $3, $1 }' \
		/etc/passwd | sort -n > "$1/memscope-users"
	[ -s "$1/memscope-users" ] || rm -f "$1/memscope-users"
}

# memscope-statvfs: how full each RAM-backed mount is (tmpfs, ramfs...),
# which no /proc file says: "DIR BSIZE BLOCKS BFREE BAVAIL FILES FFREE" as
# stat -f prints statvfs (doc/snapshot.md). Only of the running system's
# own /proc: the mount points of another tree are not here to ask.
write_statvfs() { # DEST
	[ "$PROC" = /proc ] && [ -r /proc/mounts ] || return 0
	while read -r _dev dir type _rest; do
		case $type in tmpfs | ramfs | devtmpfs | shm) ;; *) continue ;; esac
		case $dir in *\\*) continue ;; esac # an escaped name: left out, not misread
		fig=$(stat -f -c '%S %b %f %a %c %d' "$dir" 2> /dev/null) || continue
		printf '%s %s\n' "$dir" "$fig"
	done < /proc/mounts > "$1/memscope-statvfs"
}

# memscope-unread: "PATH<TAB>REASON" for the system's files, and one
# "*/NAME<TAB>REASON<TAB>COUNT<TAB>PID PID..." line per process file name,
# sorted as memscope capture sorts them.
write_unread() { # DEST
	[ -s "$unread_raw" ] || return 0
	sort -t "$tab" -k3,3n "$unread_raw" | awk -F "$tab" '
		NF < 3 { print; next }
		{
			key = $1 FS $2
			if (!(key in n)) { order[++k] = key }
			pids[key] = pids[key] (n[key]++ ? " " : "") $3
		}
		END { for (i = 1; i <= k; i++) print order[i] FS n[order[i]] FS pids[order[i]] }' |
		LC_ALL=C sort > "$1/memscope-unread"
}

# One line on stderr: what is not in the snapshot, and why.
say_unread() { # DEST
	[ -s "$1/memscope-unread" ] || return 0
	awk -F "$tab" -v prog="$PROG" '
		!($2 in seen) { seen[$2] = 1; reasons[++r] = $2 }
		NF < 3 { sys[$2] = sys[$2] (sys[$2] == "" ? "" : ", ") $1; next }
		{
			per[$2] = per[$2] (per[$2] == "" ? "" : ", ") substr($1, 3)
			split($4, ids, " ")
			for (i in ids) if (!((($2) SUBSEP ids[i]) in got)) { got[$2, ids[i]] = 1; np[$2]++ }
		}
		END {
			line = ""
			for (i = 1; i <= r; i++) {
				x = reasons[i]
				part = "not readable (" x "): " sys[x]
				if (np[x]) part = part (sys[x] == "" ? "" : "; ") per[x] " of " np[x] \
					(np[x] == 1 ? " process" : " processes")
				line = line (line == "" ? "" : "; ") part
			}
			print prog ": " line
		}' "$1/memscope-unread" >&2
}

# The metadata comes last: it is what says "a whole snapshot", so a capture
# cut short never claims to be one.
capture_into() { # DEST (an empty directory)
	dest=$1
	unread_raw=$(mktemp "${TMPDIR:-/tmp}/memscope-unread.XXXXXX") ||
		die "cannot make a temporary file"
	errf=$(mktemp "${TMPDIR:-/tmp}/memscope-err.XXXXXX") || die "cannot make a temporary file"
	for f in meminfo vmstat buddyinfo pagetypeinfo zoneinfo slabinfo iomem \
		vmallocinfo swaps version cmdline pressure/memory mounts sysvipc/shm; do
		copy sys "$f"
	done
	copy_tree device-tree 0 16 keep_all
	copy_tree sys/kernel/mm/cma 0 1 keep_all
	copy_tree sys/kernel/debug/cma 0 1 keep_cma_debug
	for f in dma_buf/bufinfo memblock/memory memblock/reserved; do
		copy sys "sys/kernel/debug/$f"
	done
	copy_tree sys/kernel/dmabuf/buffers 0 1 keep_dmabuf
	copy_tree sys/block 0 1 keep_zram
	copy_tree sys/fs/cgroup 0 33 keep_cgroup # MS_CGROUPS_MAX_DEPTH + 1
	for d in "$PROC"/[0-9]*; do
		is_dir "$d" || continue
		pid=${d##*/}
		case $pid in *[!0-9]*) continue ;; esac
		capture_pid "$pid"
	done
	write_users "$dest"
	write_statvfs "$dest"
	write_unread "$dest"
	write_metadata "$dest" || die "$dest: cannot write"
	say_unread "$dest"
}

# ---- recording ------------------------------------------------------------

# Seconds since the epoch, with nanoseconds where date knows %N (BusyBox
# often does not: whole seconds are what the format then holds).
now_stamp() {
	t=$(date +%s.%N 2> /dev/null)
	case $t in *[!0-9.]* | *. | .* | '') t=$(date +%s) ;; esac
	echo "$t"
}

# One sample: a snapshot as a tar.gz behind the header memscope reads,
# "memscope-sample 1 BYTES SECONDS", appended in one go. A shell cannot
# write a length in place after the archive is on disk (as memscope record
# does), so the header goes first with the archive's real length: a sample
# cut short (the script killed, the disk full) is shorter than its header
# says, which the reader reports as a torn tail.
record_sample() { # the sample number, from 1
	stage=$(mktemp -d "${TMPDIR:-/tmp}/memscope-record.XXXXXX") ||
		die "cannot make a temporary folder"
	mkdir "$stage/sample" || die "$stage: cannot write"
	t=$(now_stamp)
	if [ "$1" -eq 1 ]; then
		capture_into "$stage/sample"
	else
		capture_into "$stage/sample" 2> /dev/null # said once, with the first
	fi
	rm -f "$unread_raw" "$errf"
	unread_raw=
	tar -C "$stage" -czf "$stage/sample.tar.gz" sample || die "tar failed"
	len=$(wc -c < "$stage/sample.tar.gz")
	len=$((len + 0))
	if [ "$out" = - ]; then
		{ printf 'memscope-sample 1 %s %s\n' "$len" "$t" && cat "$stage/sample.tar.gz"; } >&3 ||
			die "cannot write the recording"
	else
		{ printf 'memscope-sample 1 %s %s\n' "$len" "$t" && cat "$stage/sample.tar.gz"; } \
			>> "$out" || die "$out: cannot write"
	fi
	rm -rf "$stage"
	stage=
}

# Samples on whole-second ticks until --count or a signal. A signal ends
# the wait at once but never a sample half-way (the shell runs the trap
# once the command at hand is done); a sample that took longer than the
# interval skips ticks rather than bunching samples.
record_samples() {
	stop=0
	trap 'stop=1' HUP INT TERM
	n=0
	next=$(date +%s)
	while [ $stop -eq 0 ]; do
		n=$((n + 1))
		record_sample $n
		[ "$count" -ne 0 ] && [ $n -ge "$count" ] && break
		next=$((next + interval))
		now=$(date +%s)
		while [ "$next" -lt "$now" ]; do next=$((next + interval)); done
		[ $stop -eq 0 ] || break
		sleep $((next - now)) &
		wait $! 2> /dev/null || true
	done
	trap 'exit 1' HUP INT TERM
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

# The kind of output by the name's ending, in any case: every archive
# memscope reads, or a folder. Other archive endings are refused rather
# than made into a folder of that name.
kind=dir
compress=
if [ "$out" != - ] && [ $record -eq 0 ]; then
	base=${out%/}
	base=${base##*/}
	top=
	case $base in
	*.[Tt][Aa][Rr].[Gg][Zz]) top=${base%.???.??} compress=gzip ;;
	*.[Tt][Gg][Zz]) top=${base%.???} compress=gzip ;;
	*.[Tt][Aa][Rr].[Xx][Zz]) top=${base%.???.??} compress=xz ;;
	*.[Tt][Xx][Zz]) top=${base%.???} compress=xz ;;
	*.[Tt][Aa][Rr].[Zz][Ss][Tt]) top=${base%.???.???} compress=zstd ;;
	*.[Tt][Zz][Ss][Tt]) top=${base%.????} compress=zstd ;;
	*.[Tt][Aa][Rr].[Bb][Zz]2) top=${base%.???.???} compress=bzip2 ;;
	*.[Tt][Bb][Zz]2) top=${base%.????} compress=bzip2 ;;
	*.[Tt][Bb][Zz]) top=${base%.???} compress=bzip2 ;;
	*.[Tt][Aa][Rr]) top=${base%.???} compress=cat ;;
	*.[Gg][Zz] | *.[Xx][Zz] | *.[Zz][Ss][Tt] | *.[Zz][Ss][Tt][Dd] | *.[Bb][Zz]2 | \
		*.[Ll][Zz]4 | *.[Ll][Zz] | *.[Ll][Zz][Mm][Aa] | *.[Ll][Zz][Oo] | *.[Zz] | \
		*.[Zz][Ii][Pp] | *.7[Zz] | *.[Rr][Aa][Rr] | *.[Cc][Pp][Ii][Oo] | *.[Tt][Ll][Zz] | \
		*.[Jj][Aa][Rr] | *.[Ii][Ss][Oo] | *.[Dd][Ee][Bb] | *.[Rr][Pp][Mm])
		usage_error "$out: not an archive memscope writes; name it .tar.gz, .tar.xz," \
			".tar.zst, .tar.bz2 or .tar, or give a folder"
		;;
	esac
	if [ -n "$compress" ]; then
		kind=archive
		[ -n "$top" ] || die "$out: not a name for a new snapshot"
	fi
	if [ -n "$compress" ] && [ "$compress" != cat ]; then
		command -v "$compress" > /dev/null 2>&1 ||
			die "$out: $compress is not on this machine; name it .tar.gz or .tar"
	fi
fi

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
	if [ $record -eq 1 ]; then
		# memscope record continues a recording (cutting off a torn
		# tail); a shell cannot find where the last whole sample ends
		# without reading every header, so the script starts new ones.
		if [ -e "$out" ] && [ -s "$out" ]; then
			die "$out: exists; the script starts a new recording" \
				"(memscope record -o $out continues one)"
		fi
	else
		check_existing
	fi
	;;
esac

if [ $record -eq 1 ]; then
	if [ "$out" = - ]; then
		[ -t 3 ] && die "not writing a recording to a terminal; redirect it (> board.msrec)"
	fi
	record_samples
elif [ "$out" = - ]; then
	[ -t 3 ] && die "not writing an archive to a terminal; redirect it (> board.tar.gz)"
	stage=$(mktemp -d "${TMPDIR:-/tmp}/memscope-capture.XXXXXX") ||
		die "cannot make a temporary folder"
	mkdir "$stage/snapshot" || die "$stage: cannot write"
	capture_into "$stage/snapshot"
	tar -C "$stage" -czf - snapshot >&3 || die "tar failed"
elif [ $kind = archive ]; then
	stage="$parent/.$base.tmp.$$"
	stage_file="$stage.file"
	mkdir "$stage" "$stage/$top" || die "$stage: cannot create"
	capture_into "$stage/$top"
	if [ $compress = gzip ]; then
		tar -C "$stage" -czf "$stage_file" "$top" || die "$out: tar failed"
	else
		tar -C "$stage" -cf "$stage.tar" "$top" || die "$out: tar failed"
		if [ $compress = cat ]; then
			mv "$stage.tar" "$stage_file" || die "$out: cannot write"
		else
			$compress -c < "$stage.tar" > "$stage_file" || die "$out: $compress failed"
			rm -f "$stage.tar"
		fi
	fi
	move_into_place "$stage_file"
	stage_file=
else
	stage="$parent/.$base.tmp.$$"
	mkdir "$stage" || die "$stage: cannot create"
	capture_into "$stage"
	move_into_place "$stage"
	stage=
fi
exit 0
