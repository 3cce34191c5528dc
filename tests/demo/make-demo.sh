#!/bin/sh
# Makes data/demo-x86_64.tar.gz, the snapshot README's first command opens:
# what memscope is for, on a machine of known shape, and nothing else.
#
#   sudo tests/demo/make-demo.sh [BUILD_DIR]     (BUILD_DIR: build)
#
# A capture of the build machine shows whatever runs on it (the project's
# own fuzzers and test binaries, VSS 20.00T, at the top). This one runs a
# board-like workload in a PID namespace with its own /proc, so that the
# capture lists those processes only, and captures it from inside:
#
#   init       sh, PID 1 of the namespace
#   syslogd, klogd, nc (a console listener), sh: BusyBox daemons, small and
#              sharing busybox's pages (PSS well below RSS)
#   httpd      BusyBox's web server, as www-data (another user)
#   mediad     4 workers sharing a 16 MB buffer (tests/workload_helper):
#              RSS counts it 4 times, PSS once
#   gatewayd   a Python service holding 24 MB of heap
#   a zombie   exited, not reaped by its parent
#
# The kernel's side (meminfo, slabs, buddy, zones) is the whole machine's,
# as on any capture. Needs root (unshare), BusyBox and python3.
set -eu
build=${1:-build}
ms=$(realpath "$build/memscope")
helper=$(realpath "$build/tests/workload_helper")
out=$(realpath -m data/demo-x86_64.tar.gz)
work=$(mktemp -d)
chmod 755 "$work" # httpd runs as www-data
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/www"
for applet in syslogd klogd httpd nc; do
	ln -s /bin/busybox "$work/bin/$applet"
done
cp "$helper" "$work/bin/mediad"
printf '<h1>memscope demo</h1>\n' > "$work/www/index.html"
cat > "$work/bin/gatewayd" <<'PY'
#!/usr/bin/python3
import ctypes, time
ctypes.CDLL(None).prctl(15, b"gatewayd", 0, 0, 0)  # PR_SET_NAME
cache = [bytearray(b"x" * (1 << 20)) for _ in range(24)]
time.sleep(3600)
PY
chmod +x "$work/bin/gatewayd"
cat > "$work/init" <<SH
#!/bin/sh
# PID 1 of the namespace: start the board, capture it, stop.
cd "$work"
bin/syslogd -n -O "$work/messages" &
bin/klogd -n &
bin/nc -l -p 2323 &
sh -c 'while :; do sleep 5; done' &
setpriv --reuid=33 --regid=33 --clear-groups bin/httpd -f -p 127.0.0.1:8088 -h "$work/www" &
sleep 3600 | TMPDIR="$work" bin/mediad -n 4 -k 4 -s 4096 -f 8 -p 16 -q 120 -a 16 -t 8 -T 3600 > "$work/mediad.out" 2>&1 &
bin/gatewayd &
sh -c 'sleep 0.1 & exec sleep 3600' &
for i in \$(seq 100); do grep -q READY "$work/mediad.out" 2>/dev/null && break; sleep 0.1; done
sleep 1
"$ms" capture -o "$work/demo-x86_64.tar.gz"
SH
chmod +x "$work/init"
unshare --pid --fork --mount-proc --uts sh -c "hostname demo-board && exec $work/init"
cp "$work/demo-x86_64.tar.gz" "$out"
echo "wrote $out"
