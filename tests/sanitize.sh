#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Memory-safety runs (issue 5, part 2), from the source tree:
#
#   tests/sanitize.sh [asan] [views] [tui]     (default: all three)
#
#   asan   builds with AddressSanitizer + UBSan and runs the whole test suite
#   views  valgrind memcheck of `memscope capture`, then of every batch view
#          in every format, on the live /proc and on that capture
#   tui    valgrind memcheck of scripted interactive sessions (tmux): every
#          pane, help, sort, filter, the VMA pane, a resize, quit; live and
#          on the capture
#
# Passes when the suite passes and every valgrind run reports 0 errors and
# 0 bytes definitely lost. Work goes to $SANITIZE_DIR (default
# /tmp/memscope-sanitize): build-asan/, build-valgrind/, logs/.
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
work=${SANITIZE_DIR:-/tmp/memscope-sanitize}
steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(asan views tui)
logs="$work/logs"
failures=0
runs=0
mkdir -p "$logs"

note() { printf '%s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*"; failures=$((failures + 1)); }
# build DIR: ninja, showing its output only when it fails.
build() { ninja -C "$1" >"$logs/build.log" 2>&1 || { cat "$logs/build.log"; exit 1; }; }
want() { [[ " ${steps[*]} " == *" $1 "* ]]; }

# ---- ASan + UBSan: the whole suite --------------------------------------

run_asan() {
	local b="$work/build-asan"
	[ -d "$b" ] || meson setup "$b" "$src" -Db_sanitize=address,undefined \
		-Db_lundef=false >/dev/null
	build "$b"
	# Criterion's runner leaks blocks of its own (48 bytes per skipped
	# test; Snaipe/Criterion#515): suppressed by library, so that a leak of
	# memscope, whose frames are ours, still fails the run.
	printf 'leak:libcriterion.so\n' >"$work/lsan.supp"
	# halt_on_error: a UBSan report fails its test instead of scrolling by.
	if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	   LSAN_OPTIONS=suppressions="$work/lsan.supp":print_suppressions=0 \
	   UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	   meson test -C "$b" --print-errorlogs >"$logs/asan.log" 2>&1; then
		note "asan+ubsan: $(grep -ao 'Synthesis:.*' "$b/meson-logs/testlog.txt" | tail -n1)"
	else
		grep -a 'Synthesis:\|FAIL\|ERROR: AddressSanitizer\|runtime error' \
			"$logs/asan.log" | head -n 40
		fail "asan+ubsan test run ($logs/asan.log)"
	fi
}

# ---- valgrind -------------------------------------------------------------

vg_build() {
	local b="$work/build-valgrind"
	[ -d "$b" ] || meson setup "$b" "$src" --buildtype=debug >/dev/null
	build "$b"
	bin="$b/memscope"
}

vg_args() {
	echo --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite \
		--num-callers=30 --log-file="$1"
}

# A run is clean when valgrind counted no error and nothing was
# definitely lost (still-reachable blocks of ncurses and libc are fine).
vg_check() {
	local log=$1 what=$2
	runs=$((runs + 1))
	if ! grep -q 'ERROR SUMMARY: 0 errors' "$log"; then
		fail "$what: $(grep -o 'ERROR SUMMARY: [0-9]* errors' "$log") ($log)"
	elif grep -q 'definitely lost: [1-9]' "$log"; then
		fail "$what: $(grep -o 'definitely lost: .*' "$log") ($log)"
	fi
}

# memscope ARGS... under valgrind; its own exit status is not judged here
# (a view may say "needs root"), only memory.
vg_run() {
	local name=$1
	shift
	valgrind $(vg_args "$logs/vg-$name.log") "$bin" "$@" >"$logs/vg-$name.out" 2>&1 || true
	vg_check "$logs/vg-$name.log" "memscope $*"
}

run_views() {
	local views=(procrank slabs buddy zones meminfo report) v f
	snap="$work/capture.tar.gz"
	rm -f "$snap"
	vg_run capture capture -o "$snap"
	[ -s "$snap" ] || { fail "capture wrote nothing"; return; }
	for f in text csv json; do
		for v in "${views[@]}"; do
			vg_run "live-$v-$f" "$v" -f "$f"
			vg_run "snap-$v-$f" "$v" -f "$f" -s "$snap"
		done
		vg_run "live-vma-$f" vma "$helper" -f "$f"
		vg_run "snap-vma-$f" vma "$helper" -f "$f" -s "$snap"
	done
	note "valgrind views: $runs runs"
}

# ---- the interactive program in tmux ----------------------------------------

tmux_cmd() { tmux -L memscope-sanitize "$@"; }

# Keeps what the screen shows, to see afterwards what the session did.
screen() { tmux_cmd capture-pane -p -t tui >>"$logs/tui-$1.screens" 2>/dev/null || true; }

# send KEY...: one key at a time, slowly (valgrind makes every frame slow).
send() {
	local k
	for k in "$@"; do
		tmux_cmd send-keys -t tui "$k" 2>/dev/null || true
		sleep 0.7
	done
}

tui_session() {
	local name=$1 log="$logs/vg-tui-$1.log" i
	shift
	rm -f "$log" "$logs/tui-$name.screens"
	tmux_cmd new-session -d -s tui -x 132 -y 43 \
		"valgrind $(vg_args "$log") $bin -d 1 $*"
	sleep 5
	send 2 3 4 1 Tab BTab '?' Down
	screen "$name"
	send x '>' '>' r '<' F6 End Home PgDn PgUp
	send / s h Enter
	screen "$name"
	send / Enter
	send Down Enter Down PgDn
	screen "$name"
	send Escape 1 p
	send $(echo "$helper" | sed 's/./& /g') Enter
	screen "$name"
	send 3 Down '?' x + - Space Space
	tmux_cmd resize-window -t tui -x 60 -y 15 2>/dev/null || true
	sleep 1
	send 1 2 3 4
	tmux_cmd resize-window -t tui -x 200 -y 60 2>/dev/null || true
	sleep 1
	send 1
	screen "$name"
	send q
	for i in $(seq 60); do
		grep -q 'ERROR SUMMARY' "$log" 2>/dev/null && break
		sleep 1
	done
	tmux_cmd kill-server 2>/dev/null || true
	[ -f "$log" ] || { fail "tui $name: valgrind did not start"; return; }
	grep -q 'ERROR SUMMARY' "$log" || { fail "tui $name: did not quit on q ($log)"; return; }
	vg_check "$log" "tui $name"
}

run_tui() {
	command -v tmux >/dev/null || { fail "tmux not installed"; return; }
	snap="$work/capture.tar.gz"
	[ -s "$snap" ] || "$bin" capture -o "$snap" --force >/dev/null
	tui_session live
	tui_session snapshot -s "$snap"
	note "valgrind tui: live and snapshot sessions"
}

# A process of ours that lives through the capture, for the vma view.
sleep 600 &
helper=$!
trap 'kill "$helper" 2>/dev/null || true' EXIT

want asan && run_asan
if want views || want tui; then
	command -v valgrind >/dev/null || { echo "valgrind not installed" >&2; exit 1; }
	vg_build
	want views && run_views
	want tui && run_tui
fi

if [ "$failures" -eq 0 ]; then
	if [ "$runs" -gt 0 ]; then
		note "sanitize: clean ($runs valgrind runs: 0 errors, 0 bytes definitely lost)"
	else
		note "sanitize: clean"
	fi
else
	note "sanitize: $failures failure(s)"
	exit 1
fi
