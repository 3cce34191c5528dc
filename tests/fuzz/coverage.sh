#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Source coverage of the corpora that run-all.sh grew: which lines and
# branches of each parser the fuzzers reached (libFuzzer's cov:/ft: count
# edges and features, not lines). Builds the targets once more with
# clang's profile instrumentation, replays each corpus (no fuzzing) and
# prints llvm-cov's report for the files each target is about.
#
#   tests/fuzz/coverage.sh [-o WORKDIR] [TARGET...]   (WORKDIR as run-all.sh)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
work=/tmp/memscope-fuzz
while getopts "o:" opt; do
	case $opt in
	o) work=$OPTARG ;;
	*) sed -n '4,10p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(meminfo vmstat buddyinfo pagetypeinfo zoneinfo slabinfo
					 smaps maps rollup pid meta tar
					 iomem vmallocinfo devicetree cma dmabuf psi memblock)
build="$work/build-coverage"
prof="$work/profiles"
# Instrumented programs run while building (meson's compiler checks)
# would leave default.profraw in the current folder.
export LLVM_PROFILE_FILE="$prof/build-%p.profraw"

# The files a target is about (its report leaves out the harness and util).
files_of() {
	case $1 in
	meminfo | vmstat) echo src/parse/kv.c ;;
	buddyinfo) echo src/parse/buddyinfo.c src/model/derived.c ;;
	pagetypeinfo) echo src/parse/pagetypeinfo.c ;;
	zoneinfo) echo src/parse/zoneinfo.c ;;
	slabinfo) echo src/parse/slabinfo.c ;;
	smaps | maps | rollup) echo src/parse/smaps.c ;;
	pid) echo src/parse/pid.c ;;
	meta) echo src/parse/meta.c ;;
	tar) echo src/source/tar.c src/source/source.c src/model/sample.c src/model/procs.c \
		src/batch/*.c ;;
	iomem | vmallocinfo | devicetree | cma | psi | memblock) echo "src/parse/$1.c" ;;
	dmabuf) echo src/parse/dmabuf.c src/parse/dmabuf_table.c ;;
	esac
}

if [ ! -d "$build" ]; then
	CC=clang CFLAGS="-fprofile-instr-generate -fcoverage-mapping" \
	LDFLAGS="-fprofile-instr-generate" \
		meson setup "$build" "$src" -Dfuzz=true >/dev/null
fi
ninja -C "$build" >"$work/coverage-build.log" 2>&1 || { cat "$work/coverage-build.log"; exit 1; }
mkdir -p "$prof"

for t in "${targets[@]}"; do
	bin="$build/tests/fuzz/fuzz-$t"
	rm -f "$prof/$t".*
	LLVM_PROFILE_FILE="$prof/$t.profraw" "$bin" -runs=0 "$work/corpus/$t" \
		>"$prof/$t.log" 2>&1 || true
	llvm-profdata merge -sparse "$prof/$t.profraw" -o "$prof/$t.profdata"
	printf '%-14s %-26s %8s %8s %8s\n' "fuzz-$t" "($(find "$work/corpus/$t" -type f |
		wc -l) inputs)" lines branches regions
	llvm-cov report "$bin" -instr-profile="$prof/$t.profdata" >"$prof/$t.report"
	for f in $(files_of "$t"); do
		# Filename Regions Missed Cover Functions Missed Executed Lines
		# Missed Cover Branches Missed Cover
		awk -v f="$f" 'index($1, f) && substr($1, length($1) - length(f) + 1) == f {
			printf "  %-38s %8s %8s %8s\n", f, $10, $13, $4 }' "$prof/$t.report"
	done
done
