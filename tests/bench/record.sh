#!/usr/bin/env bash
# memscope record: what a sample costs, the figures of doc/performance.md
# ("record"). Its peak RSS (target: 3 MB at most), where that memory is
# (the C library's pages, the program's, its heap), its CPU time per
# sample against the kernel's own cost of printing the same files (`cat`
# of every file a sample holds; target: 1.2x at most), and the bytes a
# sample takes in the recording, here and for a board's snapshot.
# Reproduce with:  sudo tests/bench/record.sh [BUILD_DIR]   (a release
# build: meson setup build-rel -Dbuildtype=release). Needs GNU time and
# python3. RUNS (default 5) runs of each peak; ROUNDS (default 9) paired
# rounds of the time, SAMPLES (default 20) samples each.
#
# CPU time is user + system of the command and its children, not wall
# time. Each round times the recorder and the cat back to back, in
# alternating order, over the same files, and the figure is the median
# of the rounds' ratios. The recorder's time is per sample over SAMPLES
# samples at -i 0.1, its start-up included (spread over the samples);
# the cat's is one `cat` of the files per sample, its fork included.
set -euo pipefail
build=${1:-build}
ms="$build/memscope"
runs=${RUNS:-5}
rounds=${ROUNDS:-9}
samples=${SAMPLES:-20}
src_dir=$(cd "$(dirname "$0")/../.." && pwd)
[ -x "$ms" ] || { echo "build first: ninja -C $build" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# median of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# cpu COMMAND...: its user + system seconds.
cpu() {
	local f; f=$(mktemp)
	/usr/bin/time -f '%U %S' -o "$f" "$@" >/dev/null 2>&1 || true
	awk 'END { printf "%.3f\n", $1 + $2 }' "$f"
	rm -f "$f"
}

# record FILE ARGS...: a fresh recording.
record() {
	local out=$1; shift
	rm -f "$out"
	"$ms" record -o "$out" "$@" 2>/dev/null
}

# The header of each whole sample: "OFFSET LENGTH" of its archive.
samples_of() {
	python3 - "$1" <<'EOF'
import sys
data = open(sys.argv[1], "rb").read()
at = 0
while at < len(data):
    nl = data.index(b"\n", at)
    f = data[at:nl].split()
    n = int(f[2])
    print(nl + 1, n)
    at = nl + 1 + n
EOF
}

# The files a sample holds (a gzipped cpio, newc), as this machine's
# paths (what the recorder read), one per line.
files_of_sample() { # RECORDING
	local off len
	read -r off len < <(samples_of "$1" | tail -n1)
	tail -c +$((off + 1)) "$1" | head -c "$len" | gzip -dc | python3 -c '
import sys
raw, at = sys.stdin.buffer.read(), 0
while raw[at:at + 6] == b"070701":
    size, namesize = int(raw[at + 54:at + 62], 16), int(raw[at + 94:at + 102], 16)
    name = raw[at + 110:at + 110 + namesize - 1].decode()
    mode = int(raw[at + 14:at + 22], 16)
    if name == "TRAILER!!!":
        break
    if mode & 0o170000 == 0o100000:
        for top, here in (("sample/proc/", "/proc/"), ("sample/sys/", "/sys/")):
            if name.startswith(top):
                print(here + name[len(top):])
    at = (at + 110 + namesize + 3) & ~3
    at = (at + size + 3) & ~3
'
}

nprocs=$( (find /proc -maxdepth 1 -name "[0-9]*" 2>/dev/null || true) | wc -l)
echo "memscope $("$ms" --version | head -n1), kernel $(uname -r), $(uname -m)," \
	"$nprocs processes, $(id -un)"
echo

# ---- peak RSS ------------------------------------------------------------
# peak: median peak RSS in kB of `record --count SAMPLES -i 0.1`, and at
# that run's peak the split the kernel keeps (status: RssAnon, RssFile).
echo "| command | peak RSS kB (median of $runs) | MB |"
echo "|---|---:|---:|"
peak() {
	local label=$1; shift
	local kbs=() f; f=$(mktemp)
	for _ in $(seq "$runs"); do
		rm -f "$tmp/p.msrec"
		/usr/bin/time -f '%M' -o "$f" "$ms" record -o "$tmp/p.msrec" "$@" >/dev/null 2>&1 || true
		kbs+=("$(tail -n1 "$f")")
	done
	rm -f "$f"
	local m; m=$(printf '%s\n' "${kbs[@]}" | median)
	printf '| %s | %s | %.2f |\n' "$label" "$m" "$(echo "$m/1024" | bc -l)"
}
peak "memscope record -i 0.1 --count $samples (this machine)" -i 0.1 --count "$samples"
peak "memscope record -s data/board-arm64-qemu.tar.gz" -s "$src_dir/data/board-arm64-qemu.tar.gz" \
	-i 0.1 --count "$samples"
/usr/bin/time -f '%M' -o "$tmp/v" "$ms" --version >/dev/null 2>&1
printf '| %s | %s | %.2f |\n' "memscope --version (start-up alone)" "$(tail -n1 "$tmp/v")" \
	"$(echo "$(tail -n1 "$tmp/v")/1024" | bc -l)"

echo
echo "Where the peak is (one run, /proc/PID/smaps polled every 2 ms, kB):"
echo
python3 - "$ms" "$tmp/s.msrec" "$samples" <<'EOF'
import re, subprocess, sys, time
ms, out, n = sys.argv[1:4]
p = subprocess.Popen([ms, "record", "-o", out, "-i", "0.1", "--count", n],
                     stderr=subprocess.DEVNULL)
peak, at = 0, {}
while p.poll() is None:
    try:
        text = open("/proc/%d/smaps" % p.pid).read()
    except OSError:
        break
    cur, name = {}, None
    for line in text.splitlines():
        if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
            f = line.split()
            path = f[5] if len(f) > 5 else ""
            name = ("the C library" if "/libc." in path else
                    "the dynamic loader" if "/ld-linux" in path else
                    "memscope's code and data" if path.endswith("/memscope") else
                    "heap and anonymous maps" if path in ("", "[heap]") else
                    "other (" + path.rsplit("/", 1)[-1] + ")")
        elif line.startswith("Rss:"):
            cur[name] = cur.get(name, 0) + int(line.split()[1])
    if sum(cur.values()) > peak:
        peak, at = sum(cur.values()), cur
    time.sleep(0.002)
print("| part | RSS kB at the peak |")
print("|---|---:|")
for k, v in sorted(at.items(), key=lambda kv: -kv[1]):
    if v:
        print("| %s | %d |" % (k, v))
print("| all | %d |" % peak)
EOF

# ---- CPU per sample against cat -------------------------------------------
record "$tmp/c.msrec" -i 0.1 --count 1
files_of_sample "$tmp/c.msrec" > "$tmp/files"
nfiles=$(wc -l < "$tmp/files")
cat_loop() { # one cat of the sample's files per sample
	for _ in $(seq "$samples"); do xargs cat < "$tmp/files" >/dev/null 2>&1 || true; done
}
export -f cat_loop
export tmp samples
echo
echo "CPU seconds (user + system) per sample, $rounds paired rounds of $samples samples," \
	"$nfiles files a sample; medians:"
echo
echo "| command | cat s/sample | record s/sample | record / cat | range |"
echo "|---|---:|---:|---:|---:|"
cats=() recs=() ratios=()
for r in $(seq "$rounds"); do
	if [ $((r % 2)) -eq 1 ]; then
		c=$(cpu bash -c cat_loop)
		m=$(cpu "$ms" record -o "$tmp/r$r.msrec" -i 0.1 --count "$samples")
	else
		m=$(cpu "$ms" record -o "$tmp/r$r.msrec" -i 0.1 --count "$samples")
		c=$(cpu bash -c cat_loop)
	fi
	rm -f "$tmp/r$r.msrec"
	cats+=("$(echo "$c / $samples" | bc -l)")
	recs+=("$(echo "$m / $samples" | bc -l)")
	ratios+=("$(echo "$m / $c" | bc -l)")
done
printf '| memscope record -i 0.1 | %.4f | %.4f | %.2f | %.2f-%.2f |\n' \
	"$(printf '%s\n' "${cats[@]}" | median)" "$(printf '%s\n' "${recs[@]}" | median)" \
	"$(printf '%s\n' "${ratios[@]}" | median)" \
	"$(printf '%s\n' "${ratios[@]}" | sort -g | head -n1)" \
	"$(printf '%s\n' "${ratios[@]}" | sort -g | tail -n1)"

# ---- bytes per sample -----------------------------------------------------
# bytes SOURCE_LABEL ARGS...: a recording of 10 samples; its bytes per
# sample (header included) and one sample's files unpacked.
echo
echo "Bytes per sample (10 samples; header included):"
echo
echo "| what | processes | bytes/sample | files unpacked | ratio |"
echo "|---|---:|---:|---:|---:|"
bytes() {
	local label=$1 procs=$2; shift 2
	record "$tmp/b.msrec" -i 0.1 --count 10 "$@"
	local total off len raw
	total=$(wc -c < "$tmp/b.msrec")
	read -r off len < <(samples_of "$tmp/b.msrec" | tail -n1)
	raw=$(tail -c +$((off + 1)) "$tmp/b.msrec" | head -c "$len" | gzip -dc | wc -c)
	printf '| %s | %s | %d | %d | %.1fx |\n' "$label" "$procs" $((total / 10)) "$raw" \
		"$(echo "$raw / ($total / 10)" | bc -l)"
}
bytes "this machine" "$nprocs"
board_procs=$(tar tzf "$src_dir/data/board-arm64-qemu.tar.gz" | grep -cE '/[0-9]+/status$')
bytes "data/board-arm64-qemu.tar.gz (-s)" "$board_procs" -s "$src_dir/data/board-arm64-qemu.tar.gz"
bytes "this machine, --smaps $$ (this script)" "$nprocs" --smaps $$
echo
echo "A day at -i 10 (8640 samples) of this machine: about" \
	"$(echo "$(wc -c < "$tmp/b.msrec") / 10 * 8640 / 1048576" | bc) MiB" \
	"(the last row's rate; without --smaps it is the first row's)."
