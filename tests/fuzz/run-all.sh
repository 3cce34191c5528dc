#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Runs every fuzz target for a while and prints, per target, executions,
# final coverage (libFuzzer's cov: edges and ft: features) and findings.
#
#   tests/fuzz/run-all.sh [-t SECONDS] [-j JOBS] [-o WORKDIR] [BUILD_DIR] [TARGET...]
#
#   -t  seconds per target (default 30: the CI smoke run)
#   -j  targets run at once (default 2)
#   -k  keep going after a finding (libFuzzer's fork mode), to collect
#       every finding of a long run instead of stopping at the first
#   -o  where corpora, logs and crash reproducers go
#       (default /tmp/memscope-fuzz; corpora are seeded by seed.sh once
#       and grow from run to run)
#   BUILD_DIR  a build made with: CC=clang meson setup BUILD_DIR -Dfuzz=true
#
# Exit status 1 when any target found a crash, leak, hang or broken check;
# the reproducers are WORKDIR/artifacts/<target>-*, to be minimised
# (fuzz-<target> -minimize_crash=1 FILE) and kept in tests/fuzz/regressions/.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
seconds=30
jobs=2
keep_going=()
work=/tmp/memscope-fuzz
while getopts "t:j:ko:" opt; do
	case $opt in
	t) seconds=$OPTARG ;;
	j) jobs=$OPTARG ;;
	k) keep_going=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1) ;;
	o) work=$OPTARG ;;
	*) sed -n '4,20p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
build=${1:-build-fuzz}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(meminfo vmstat buddyinfo pagetypeinfo zoneinfo slabinfo
					 smaps maps rollup pid meta tar unread
					 mounts sysvipc swaps zram categories cgroup oom
					 iomem vmallocinfo devicetree cma dmabuf psi memblock)

[ -d "$work/corpus" ] || "$here/seed.sh" "$work/corpus" >/dev/null
mkdir -p "$work/logs" "$work/artifacts"

run_one() {
	local t=$1 bin="$build/tests/fuzz/fuzz-$1"
	[ -x "$bin" ] || { echo "$bin: not built" >"$work/logs/$t.log"; return; }
	local malloc_limit=1536
	mkdir -p "$work/corpus/$t"
	# libarchive allocates what a cpio or pax header claims (up to 4 GiB)
	# before it finds the archive cut short: address space, not memory,
	# and refused cleanly where it cannot be had (doc/fuzzing.md). Our
	# own code gets the strict limit in every other target.
	[ "$t" = tar ] && malloc_limit=8192
	# -timeout: an input that takes 10 s is a hang; -rss_limit_mb: two
	# targets at once must fit a small machine.
	"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1536 \
		-malloc_limit_mb="$malloc_limit" \
		-print_final_stats=1 -artifact_prefix="$work/artifacts/$t-" \
		${keep_going[@]+"${keep_going[@]}"} "$work/corpus/$t" \
		>"$work/logs/$t.log" 2>&1 || true
}

running=0
for t in "${targets[@]}"; do
	run_one "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait -n || true
		running=$((running - 1))
	fi
done
wait

status=0
printf '%-13s %10s %7s %7s %6s  %s\n' target execs cov ft corpus findings
for t in "${targets[@]}"; do
	log="$work/logs/$t.log"
	# Plain mode ends with stat:: lines; fork mode prints "#N: cov: ...".
	execs=$(grep -ao 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' ||
		grep -aoE '^#[0-9]+: cov:' "$log" | tail -n1 | tr -dc 0-9 || true)
	last=$(grep -aoE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log" | tail -n1 || true)
	cov=$(echo "$last" | awk '{print $2}')
	ft=$(echo "$last" | awk '{print $4}')
	corp=$(echo "$last" | awk '{print $6}')
	findings=$(find "$work/artifacts" -name "$t-*" | wc -l)
	[ "$findings" -eq 0 ] || status=1
	grep -aq 'ERROR: libFuzzer\|SUMMARY: \|fuzz check failed' "$log" && status=1
	printf '%-13s %10s %7s %7s %6s  %s\n' "$t" "${execs:--}" "${cov:--}" "${ft:--}" \
		"${corp:--}" "$findings"
done
exit "$status"
