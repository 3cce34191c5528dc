#!/usr/bin/env bash
# Benchmark: memscope against the kernel's own cost of reading the same
# files (the "floor") and against peers, on workloads of known shape.
# Reproduce with:  sudo tests/bench/run.sh [BUILD_DIR]   (BUILD_DIR: build)
# Needs root (every process's smaps_rollup), hyperfine, GNU time; smem,
# smemstat and pmap are timed when installed. Prints Markdown tables that
# doc/performance.md quotes. Takes about 3 minutes.
set -euo pipefail
build=${1:-build}
ms="$build/memscope"
helper="$build/tests/workload_helper"
runs=${RUNS:-10}
[ -x "$ms" ] && [ -x "$helper" ] || { echo "build first: ninja -C $build" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }

workload_pid=""
workload_in=""
# The helper holds still until its standard input closes: we hold the
# writing end of a FIFO and close it to stop the workload.
stop_workload() {
	[ -n "$workload_pid" ] || return 0
	exec {workload_in}>&-
	wait "$workload_pid" 2>/dev/null || true
	workload_pid=""
}
trap stop_workload EXIT

# start_workload ARGS...: runs the helper until stop_workload; sets
# first_worker to the pid of one worker.
start_workload() {
	local out fifo
	out=$(mktemp)
	fifo=$(mktemp -u)
	mkfifo "$fifo"
	"$helper" "$@" -T 900 <"$fifo" >"$out" &
	workload_pid=$!
	exec {workload_in}>"$fifo"
	rm -f "$fifo"
	for _ in $(seq 600); do grep -q READY "$out" && break; sleep 0.1; done
	first_worker=$(awk '/READY/ {print $5}' "$out")
	rm -f "$out"
	[ -n "$first_worker" ] || { echo "workload did not start" >&2; exit 1; }
}

# time_cmd LABEL COMMAND: median wall ms (hyperfine) and peak RSS MB.
time_cmd() {
	local label=$1 cmd=$2 json; json=$(mktemp)
	hyperfine --style none -i -N --warmup 2 --runs "$runs" --export-json "$json" "$cmd" >/dev/null 2>&1 ||
		hyperfine --style none -i --warmup 2 --runs "$runs" --export-json "$json" "$cmd" >/dev/null 2>&1
	local median user sys
	read -r median user sys < <(python3 -c 'import json,sys,statistics as s
r=json.load(open(sys.argv[1]))["results"][0]
print("%.1f %.1f %.1f" % (s.median(r["times"])*1e3, r["user"]*1e3, r["system"]*1e3))' "$json")
	# GNU time writes the peak RSS in kB to its own file (its last line),
	# whatever the exit status of the command.
	local rss rssfile; rssfile=$(mktemp)
	/usr/bin/time -f '%M' -o "$rssfile" sh -c "$cmd" >/dev/null 2>&1 || true
	rss=$(tail -n1 "$rssfile")
	rm -f "$rssfile"
	printf '| %s | %s | %s | %s | %.1f |\n' "$label" "$median" "$user" "$sys" "$(echo "$rss/1024" | bc -l)"
	rm -f "$json"
}

# tui_cost KEY NAME: CPU per refresh of the explorer on pane KEY, refreshing
# every second for 20 s in a tmux terminal, and its peak RSS.
tui_cost() {
	local sock=memscope-bench secs=20 pid t0 t1 hz
	hz=$(getconf CLK_TCK)
	tmux -L "$sock" new-session -d -x 160 -y 50 "$ms -d 1"
	sleep 3
	pid=$(tmux -L "$sock" list-panes -F '#{pane_pid}')
	tmux -L "$sock" send-keys "$1"
	sleep 2
	t0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
	sleep "$secs"
	t1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
	local hwm; hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
	tmux -L "$sock" send-keys q
	sleep 0.5
	tmux -L "$sock" kill-server 2>/dev/null || true
	printf '| explorer, pane %s (%s): CPU per 1 s refresh | %s | | | %.1f |\n' "$1" "$2" \
		"$(echo "($t1 - $t0) * 1000 / $hz / $secs" | bc -l | xargs printf '%.1f')" \
		"$(echo "$hwm/1024" | bc -l)"
}

header() {
	echo
	echo "#### $1 ($(ls -d /proc/[0-9]* | wc -l) processes)"
	echo
	echo "| command | wall ms (median of $runs) | user ms | sys ms | max RSS MB |"
	echo "|---|---:|---:|---:|---:|"
}

# paired_ratio LABEL FLOOR_CMD CMD: this VM's speed drifts by tens of
# percent within a minute (the host is shared), which skews a ratio of two
# medians taken a minute apart. Here the floor and the command run in
# turns, 15 rounds, and the median of the per-round ratios is printed.
paired_ratio() {
	python3 - "$1" "$2" "$3" <<'PY'
import statistics, subprocess, sys, time
label, floor, cmd = sys.argv[1:4]
def once(c):
    t = time.perf_counter()
    subprocess.run(c, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t
for c in (floor, cmd):
    once(c)
pairs = [(once(floor), once(cmd)) for _ in range(15)]
ratios = sorted(c / f for f, c in pairs)
print("| %s | %.2f | %.2f-%.2f | %.1f / %.1f |" % (label, statistics.median(ratios),
      ratios[3], ratios[-4], statistics.median(f for f, _ in pairs) * 1e3,
      statistics.median(c for _, c in pairs) * 1e3))
PY
}

echo "memscope $("$ms" --version | head -n1), kernel $(uname -r), $(nproc) CPUs, $(date -u +%F)"

# n400: 400 workers x 200 mappings (shared anon group of 4, 50 shared file
# mappings, 149 private), as ../shared/reference/baseline-peers.md.
start_workload -n 400 -k 4 -s 256 -f 50 -p 4 -q 149 -a 16 -t 8
header "n400: 400 processes x 200 mappings"
time_cmd "floor: cat /proc/[0-9]*/smaps_rollup" "sh -c 'cat /proc/[0-9]*/smaps_rollup > /dev/null 2>&1'"
time_cmd "memscope procrank -f json" "$ms procrank -f json"
time_cmd "memscope procrank (text)" "$ms procrank"
command -v smem >/dev/null && time_cmd "smem -t" "smem -t"
command -v smemstat >/dev/null && time_cmd "smemstat -q -o /dev/null" "smemstat -q -o /dev/null"
time_cmd "memscope slabs" "$ms slabs"
time_cmd "memscope buddy" "$ms buddy"
time_cmd "memscope report -f json" "$ms report -f json"
tui_cost 1 procrank
tui_cost 2 slabs
tui_cost 3 buddy/zones
echo
echo "Paired with the floor (cat smaps_rollup), 15 alternating rounds:"
echo
echo "| command | median ratio to the floor | middle half of the ratios | median ms, floor / command |"
echo "|---|---:|---:|---:|"
paired_ratio "memscope procrank" "sh -c 'cat /proc/[0-9]*/smaps_rollup > /dev/null 2>&1'" "$ms procrank"
paired_ratio "memscope procrank -f json" "sh -c 'cat /proc/[0-9]*/smaps_rollup > /dev/null 2>&1'" \
	"$ms procrank -f json"
stop_workload

# vma60k: one process with 60,000 mappings.
start_workload -n 1 -k 1 -s 256 -f 2000 -p 4 -q 57999 -a 4 -t 2
header "vma60k: one process with $(wc -l < /proc/$first_worker/maps) mappings"
time_cmd "floor: cat /proc/PID/smaps" "cat /proc/$first_worker/smaps"
time_cmd "memscope vma PID -f json" "$ms vma $first_worker -f json"
time_cmd "memscope vma PID (text)" "$ms vma $first_worker"
time_cmd "memscope vma PID -f csv" "$ms vma $first_worker -f csv"
command -v pmap >/dev/null && time_cmd "pmap -X PID" "pmap -X $first_worker"
echo
echo "Paired with the floor (cat smaps), 15 alternating rounds:"
echo
echo "| command | median ratio to the floor | middle half of the ratios | median ms, floor / command |"
echo "|---|---:|---:|---:|"
for args in "-f json" "" "-f csv"; do
	paired_ratio "memscope vma PID ${args:-(text)}" "cat /proc/$first_worker/smaps" \
		"$ms vma $first_worker $args"
done
stop_workload

# Peak RSS of the vma view per format (doc/performance.md, "vma: memory").
"$(dirname "$0")/vma-rss.sh" "$build"
