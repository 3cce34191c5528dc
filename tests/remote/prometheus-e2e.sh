#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A real Prometheus scrapes `memscope metrics --listen` on loopback; its
# HTTP API must then give the MemTotal of `memscope meminfo -f json` and,
# for processes that hold still (tests/workload_helper's workers, linked
# statically), the PSS of `memscope procrank -f json`.
#   prometheus-e2e.sh MEMSCOPE WORKLOAD_HELPER
# Exit 0 passed, 1 failed (why on stdout), 77 skipped (why on stdout).
# Everything it starts is on 127.0.0.1, stopped by pid, within ~60 s.
set -u
ms=$1
helper=$2
command -v prometheus > /dev/null || { echo "prometheus not installed (Debian package prometheus)"; exit 77; }
command -v python3 > /dev/null || { echo "python3 not installed"; exit 77; }
dir=$(mktemp -d /tmp/memscope-prom.XXXXXX)
pids=
cleanup() {
	for p in $pids; do kill "$p" 2> /dev/null; done
	for p in $pids; do wait "$p" 2> /dev/null; done
	rm -rf "$dir"
}
trap cleanup EXIT
fail() { echo "$*"; exit 1; }

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Processes that hold still: two workers with private and shared pages.
mkfifo "$dir/hold"
"$helper" -n 2 -k 2 -s 16 -q 2 -a 32 -t 16 -T 90 < "$dir/hold" > "$dir/ready" 2>&1 &
pids="$pids $!"
exec 3> "$dir/hold"
i=0
while ! grep -q READY "$dir/ready" 2> /dev/null; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "workload_helper did not start: $(cat "$dir/ready")"
	sleep 0.1
done
workers=$(sed -n 's/^READY [^ ]* [^ ]* [^ ]* //p' "$dir/ready")

"$ms" metrics --listen 127.0.0.1:0 --top 100000 2> "$dir/ms.err" &
mspid=$!
pids="$pids $mspid"
i=0
while ! grep -q 'port [1-9]' "$dir/ms.err" 2> /dev/null; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "memscope metrics --listen did not start: $(cat "$dir/ms.err")"
	sleep 0.1
done
msport=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$dir/ms.err")

promport=$(free_port)
cat > "$dir/prometheus.yml" << CONF
global:
  scrape_interval: 1s
  scrape_timeout: 900ms
scrape_configs:
  - job_name: memscope
    static_configs:
      - targets: ['127.0.0.1:$msport']
CONF
prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
	--web.listen-address="127.0.0.1:$promport" > "$dir/prom.log" 2>&1 &
pids="$pids $!"

# The API's answer for a query, as "value" or "" (python reads the JSON).
query() {
	python3 - "$promport" "$1" << 'PY'
import json, sys, urllib.parse, urllib.request
port, q = sys.argv[1], sys.argv[2]
try:
    url = "http://127.0.0.1:%s/api/v1/query?%s" % (port, urllib.parse.urlencode({"query": q}))
    r = json.load(urllib.request.urlopen(url, timeout=5))
    res = r["data"]["result"]
    print(res[0]["value"][1] if len(res) == 1 else "")
except Exception:
    print("")
PY
}

# Wait until Prometheus has scraped (up == 1) and holds the figures.
i=0
while [ "$(query 'up{job="memscope"}')" != 1 ] || [ -z "$(query node_memory_MemTotal_bytes)" ]; do
	i=$((i + 1)); [ $i -lt 60 ] || fail "Prometheus never scraped memscope: $(tail -n 3 "$dir/prom.log")"
	sleep 0.5
done
# A bad request between scrapes never stops the server.
python3 -c "
import socket; s=socket.create_connection(('127.0.0.1',$msport)); s.sendall(b'GARBAGE /\x01\x02 HTTP/9\r\n\r\n'); s.recv(100); s.close()" 2> /dev/null
kill -0 "$mspid" 2> /dev/null || fail "memscope died on a bad request"

mem_json=$("$ms" meminfo -f json) || fail "meminfo -f json failed"
memtotal=$(printf '%s' "$mem_json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["meminfo"]["MemTotal"]*1024)')
got=$(query node_memory_MemTotal_bytes)
[ "$got" = "$memtotal" ] || fail "MemTotal: Prometheus has $got, meminfo -f json $memtotal"

# A newer scrape than our procrank must not matter: the workers hold still.
sleep 1.5
pr_json=$("$ms" procrank -f json) || fail "procrank -f json failed"
for pid in $workers; do
	want=$(printf '%s' "$pr_json" | python3 -c "
import json,sys
for p in json.load(sys.stdin)['processes']:
    if p['pid'] == $pid: print(p['pss_kb']*1024)")
	got=$(query "memscope_process_pss_bytes{pid=\"$pid\"}")
	[ -n "$want" ] || fail "procrank -f json has no worker $pid"
	[ "$got" = "$want" ] || fail "PSS of $pid: Prometheus has '$got', procrank -f json $want"
	echo "pid $pid: PSS $got bytes in both"
done
echo "MemTotal $memtotal bytes in both; scraped on 127.0.0.1:$msport by Prometheus on :$promport"
exit 0
