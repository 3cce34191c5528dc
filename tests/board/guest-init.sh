#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# PID 1 of the board-in-a-box guest (tests/board/qemu-board.sh puts it in the
# initramfs as /init). BusyBox only, plus /bin/memscope (static) and
# /bin/memscope-capture.sh. It starts a few processes so that /proc/<pid> has
# something to show, then:
#   1. memscope report on the live /proc           -> NAME-report.txt
#   2. the BusyBox capture script                  -> NAME-sh.tar.gz
#   3. memscope capture                            -> NAME.tar.gz
#   4. every view of both snapshots, text and JSON -> views/ (the host reads
#      the same snapshots and must print the same)
#   5. the explorer for 4 s on the serial console with TERM=linux: the guest
#      has no terminfo database, so ncurses' built-in description must do
#      (the host finds the screen between markers in the serial log)
# and sends /out as a base64 tar.gz between markers on the serial console,
# then powers off. NAME and VIEWS come from /etc/board.conf.

/bin/busybox --install -s /bin
export PATH=/bin
mkdir -p /proc /sys /dev /tmp /out
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
# Kernel messages would interleave with the base64 block on the console.
dmesg -n 1
# shellcheck source=/dev/null # written by qemu-board.sh
. /etc/board.conf
hostname "$NAME"

# --- a workload ------------------------------------------------------------
sleep 100000 &
# An anonymous-memory process: awk keeps a 16 MB string alive. Started as
# /bin/busybox awk, not awk, so that it is a process of its own with its
# argv (ash would run a bare applet in a forked shell).
/bin/busybox awk 'BEGIN { s = sprintf("%16000000s", "x"); while (1) system("sleep 5") }' &
AWK_PID=$!
# A tmpfs file kept open (shmem) and a shell loop.
dd if=/dev/urandom of=/tmp/blob bs=1M count=8 2>/dev/null
sh -c 'exec 3</tmp/blob; exec sleep 100000' &
setsid sh -c 'while :; do cat /proc/loadavg >/dev/null; sleep 2; done' &
sleep 2

# --- the runs --------------------------------------------------------------
cd /out || exit 1
run() {
	# run LABEL CMD...: the command's exit status goes to the run log.
	label=$1
	shift
	"$@"
	echo "$label exit=$?" >> run.log
}
uptime_s() { cut -d' ' -f1 /proc/uptime; }

echo "uname: $(uname -a)" > run.log
echo "awk_pid=$AWK_PID" >> run.log
echo "t_start=$(uptime_s)" >> run.log
run report memscope report > "$NAME-report.txt" 2> report.err
run capture-sh sh /bin/memscope-capture.sh -o "$NAME-sh.tar.gz" 2> capture-sh.err
run capture memscope capture -o "$NAME.tar.gz" 2> capture.err
echo "t_captured=$(uptime_s)" >> run.log

mkdir views
for snap in "$NAME.tar.gz" "$NAME-sh.tar.gz"; do
	for view in $VIEWS "vma $AWK_PID" "vma 1"; do
		file=views/$snap.$(echo "$view" | tr ' ' -)
		# shellcheck disable=SC2086 # "vma PID" is two words
		run "$snap $view text" memscope $view -s "$snap" > "$file.txt" 2> "$file.err"
		# shellcheck disable=SC2086
		run "$snap $view json" memscope $view -s "$snap" -f json \
			> "$file.json" 2>> "$file.err"
	done
done
echo "t_done=$(uptime_s)" >> run.log

echo "@@BEGIN_TUI"
TERM=linux timeout 4 memscope -d 1 2> tui.err
# Ended by timeout: its status is not a verdict (check_tui is).
echo "tui status=$?" >> run.log
echo "@@END_TUI"

# --- the way out: base64 of a tar.gz between markers on the console --------
tar czf /tmp/out.tar.gz -C /out .
echo "@@BEGIN_OUT_B64"
base64 /tmp/out.tar.gz
echo "@@END_OUT_B64"
sync
poweroff -f
