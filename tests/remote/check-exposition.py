#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Checks `memscope metrics -s SNAPSHOT` against the same snapshot's own
views, read independently of memscope's writer.

    check-exposition.py MEMSCOPE SNAPSHOT [TOP]

It parses the OpenMetrics text itself (families, HELP/TYPE before samples,
label escapes, # EOF last) and compares: node_memory_*_bytes with
`meminfo -f json` x 1024; each process series with `procrank -f json`
(PSS, USS, RSS, swap in bytes), the "other" series with the sum of the
rest; slab caches with `slabs -f json`. Prints one line per checked
figure family and exits 1 on the first difference. Test-only code.
"""
import json
import re
import subprocess
import sys

ms, snap = sys.argv[1], sys.argv[2]
top = int(sys.argv[3]) if len(sys.argv) > 3 else 5


def run(*args):
    r = subprocess.run([ms, *args], capture_output=True, check=False)
    return r.returncode, r.stdout.decode("utf-8", "strict"), r.stderr.decode()


def fail(msg):
    print(msg)
    sys.exit(1)


NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = re.compile(r'(%s)="((?:[^"\\\n]|\\[\\"n])*)"' % r"[a-zA-Z_][a-zA-Z0-9_]*")


def unescape(v):
    return re.sub(r'\\([\\"n])', lambda m: {"\\": "\\", '"': '"', "n": "\n"}[m.group(1)], v)


def parse(text):
    """{family: {"type":..., "samples": [(labels dict, value, ts)]}}"""
    if not text.endswith("# EOF\n"):
        fail("the exposition does not end with # EOF")
    fams, cur, seen_done = {}, None, set()
    for line in text.splitlines()[:-1]:
        if line.startswith("# "):
            kind, name, rest = (line[2:].split(" ", 2) + [""])[:3]
            if kind not in ("HELP", "TYPE", "UNIT"):
                fail("unknown comment: " + line)
            if name != cur:
                if name in seen_done or name in fams:
                    fail("family %s appears twice" % name)
                if cur:
                    seen_done.add(cur)
                cur = name
                fams[name] = {"samples": []}
            fams[name][kind] = rest
            continue
        m = re.match(r"(%s)(?:\{(.*)\})? (\S+)(?: (\S+))?$" % NAME, line)
        if not m:
            fail("not a sample line: %r" % line)
        name, labels, value, ts = m.groups()
        fam = name[:-6] if fams.get(cur, {}).get("TYPE") == "counter" else name
        if fam != cur:
            fail("sample %s outside its family (in %s)" % (name, cur))
        lab = {}
        if labels:
            pos = 0
            for lm in LABEL.finditer(labels):
                if lm.start() != pos:
                    fail("bad labels: %r" % labels)
                lab[lm.group(1)] = unescape(lm.group(2))
                pos = lm.end() + 1
            if pos != len(labels) + 1:
                fail("bad labels: %r" % labels)
        fams[cur]["samples"].append((lab, value, ts))
    for name, f in fams.items():
        if "HELP" not in f or "TYPE" not in f:
            fail("family %s without HELP or TYPE" % name)
        if f.get("UNIT") == "bytes" and not name.endswith("_bytes"):
            fail("family %s: unit bytes, name without _bytes" % name)
    return fams


rc, text, err = run("metrics", "-s", snap, "--top", str(top))
if rc != 0:
    fail("metrics -s %s: exit %d: %s" % (snap, rc, err))
fams = parse(text)
_, mj, _ = run("meminfo", "-s", snap, "-f", "json")
meminfo = json.loads(mj)["meminfo"] if mj else {}
src = json.loads(mj)["source"] if mj else {}
# the host label: the snapshot's host name, else its own file or folder name
host = src.get("hostname") or snap.rstrip("/").rsplit("/", 1)[-1]
stamped = src.get("captured_at") is not None

# meminfo, node_exporter's names
n = 0
for key, kb in meminfo.items():
    name = "node_memory_" + re.sub(r"\((.*)\)", r"_\1", key)
    cands = [name + "_bytes", name]
    fam = next((fams[c] for c in cands if c in fams), None)
    if kb is None:
        if fam:
            fail("%s: unknown in meminfo, present in metrics" % key)
        continue
    if not fam:
        fail("%s: missing from metrics" % key)
    (lab, value, ts), = fam["samples"]
    want = kb * 1024 if name + "_bytes" in fams else kb
    if int(value) != want or lab != {"host": host} or bool(ts) != stamped:
        fail("%s: metrics %s %s, meminfo says %s for host %r" % (key, value, lab, want, host))
    n += 1
print("meminfo: %d fields equal" % n)


def series(fam):
    return {s[0].get("pid") or s[0].get("cache"): int(s[1]) for s in fams.get(fam, {"samples": []})["samples"]}


# processes: the top N by PSS, and other = the sum of the rest
_, pj, _ = run("procrank", "-s", snap, "-f", "json")
procs = json.loads(pj)["processes"] if pj else []
ranked = sorted(enumerate(procs), key=lambda ip: (-(ip[1]["pss_kb"] if ip[1]["pss_kb"] is not None else (ip[1]["rss_kb"] if ip[1]["rss_kb"] is not None else -2**62)), ip[0]))
for fig in ("pss", "uss", "rss", "swap"):
    got = series("memscope_process_%s_bytes" % fig)
    shown = [p for _, p in ranked[:top]]
    rest = [p for _, p in ranked[top:]]
    for p in shown:
        v = p[fig + "_kb"]
        if v is None:
            if str(p["pid"]) in got:
                fail("%s of %d: unknown, yet in metrics" % (fig, p["pid"]))
        elif got.get(str(p["pid"])) != v * 1024:
            fail("%s of %d: metrics %s, procrank %d kB" % (fig, p["pid"], got.get(str(p["pid"])), v))
    known = [p[fig + "_kb"] for p in rest if p[fig + "_kb"] is not None]
    if rest and known and got.get("other") != sum(known) * 1024:
        fail("%s of other: metrics %s, procrank's rest %d kB" % (fig, got.get("other"), sum(known)))
    if len(got) != len([p for p in shown if p[fig + "_kb"] is not None]) + (1 if rest and known else 0):
        fail("%s: %d series, expected top %d and other" % (fig, len(got), top))
for s in fams.get("memscope_process_pss_bytes", {"samples": []})["samples"]:
    p = next((p for p in procs if str(p["pid"]) == s[0]["pid"]), None)
    if p and re.fullmatch(r"[ -~]*", p["name"]) and s[0]["comm"] != p["name"]:
        fail("comm of %s: %r, procrank %r" % (p["pid"], s[0]["comm"], p["name"]))
    if re.search(r"[\x00-\x1f\x7f]", s[0]["comm"]):
        fail("a control character reached a label: %r" % s[0]["comm"])
print("processes: top %d and other equal in PSS, USS, RSS, swap (%d processes)" % (top, len(procs)))

# slab caches
rc, sj, _ = run("slabs", "-s", snap, "-f", "json")
if rc == 0:
    page = json.loads(sj)["source"]["page_size"]
    caches = json.loads(sj)["caches"]
    size = lambda c: c["num_slabs"] * c["pagesperslab"] * page
    ranked = sorted(enumerate(caches), key=lambda ic: (-size(ic[1]), ic[0]))
    got = series("memscope_slab_size_bytes")
    for _, c in ranked[:top]:
        if got.get(c["name"]) != size(c):
            fail("slab %s: metrics %s, slabs %d" % (c["name"], got.get(c["name"]), size(c)))
    if len(ranked) > top and got.get("other") != sum(size(c) for _, c in ranked[top:]):
        fail("slab other: metrics %s" % got.get("other"))
    print("slabs: top %d and other equal (%d caches)" % (top, len(caches)))
