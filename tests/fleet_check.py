#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Checks `memscope fleet` against the single-snapshot views (suite fleet).

    fleet_check.py BIN PATH...

runs `BIN fleet PATH... -f json` and, for each row that was read, the
views of that row's source: `meminfo`, `procrank`, `buddy` and `slabs`
(-f json), and compares every field of the row with what they say.
Prints one line per mismatch and a last line "rows N read M failed F";
exits 1 on any mismatch. The row set itself is the caller's to check
(it knows which snapshots the paths hold)."""
import json
import subprocess
import sys


def view(binary, name, source):
    """A view's JSON, or None when the view has nothing (exit 1)."""
    p = subprocess.run([binary, name, "-s", source, "-f", "json"],
                       capture_output=True, text=True)
    if p.returncode != 0:
        return None
    return json.loads(p.stdout)


def expected_slab(mi, slabs):
    m = mi["meminfo"] if mi else {}
    if "SReclaimable" in m and "SUnreclaim" in m:
        return m["SReclaimable"] + m["SUnreclaim"], "meminfo SReclaimable+SUnreclaim"
    if "Slab" in m:
        return m["Slab"], "meminfo Slab"
    if slabs and slabs.get("totals", {}).get("size_kb") is not None:
        return slabs["totals"]["size_kb"], "slabinfo"
    return None, None


def expected_processes(pr):
    if pr is None:
        return {"pss_kb": None, "pss_unknown": None, "pss_complete": None,
                "top_name": None, "top_pid": None, "top_pss_kb": None}
    procs = pr["processes"]
    known = [p for p in procs if p["pss_kb"] is not None]
    unknown = len(procs) - len(known)
    # procrank's default order: PSS descending, ties by pid.
    top = min(known, key=lambda p: (-p["pss_kb"], p["pid"])) if known else None
    return {
        "pss_kb": pr["totals"]["pss_kb"],
        "pss_unknown": unknown,
        "pss_complete": unknown == 0,
        "top_name": (top["name"] or None) if top else None,
        "top_pid": top["pid"] if top else None,
        "top_pss_kb": top["pss_kb"] if top else None,
    }


def expected_buddy(bd):
    if bd is None:
        return None, None
    orders = [z["largest_order"] for z in bd["zones"] if z["largest_order"] is not None]
    if not orders:
        return None, 0
    o = max(orders)
    return o, sum(z["free"][o] for z in bd["zones"] if len(z["free"]) > o)


def expect_row(binary, row):
    src = row["source"]
    mi = view(binary, "meminfo", src)
    pr = view(binary, "procrank", src)
    bd = view(binary, "buddy", src)
    slabs = view(binary, "slabs", src)
    info = next((d["source"] for d in (mi, pr, bd, slabs) if d), None)
    want = {}
    if info:
        want.update(host=info["hostname"], kernel=info["kernel"], arch=info["machine"],
                    captured_at=info["captured_at"])
    m = mi["meminfo"] if mi else {}
    want["mem_total_kb"] = m.get("MemTotal")
    want["mem_available_kb"] = m.get("MemAvailable")
    want.update(expected_processes(pr))
    want["slab_kb"], want["slab_origin"] = expected_slab(mi, slabs)
    want["largest_order"], want["largest_order_blocks"] = expected_buddy(bd)
    want["error"] = None
    return want


def main():
    binary, paths = sys.argv[1], sys.argv[2:]
    p = subprocess.run([binary, "fleet", *paths, "-f", "json"], capture_output=True,
                       text=True)
    doc = json.loads(p.stdout)
    rows = doc["snapshots"]
    bad = 0
    failed = 0
    for row in rows:
        if row["error"] is not None:
            failed += 1
            continue
        for key, value in expect_row(binary, row).items():
            if row.get(key) != value:
                bad += 1
                print(f"{row['source']}: {key}: fleet says {row.get(key)!r}, "
                      f"the views say {value!r}")
    if doc["count"] != len(rows) or doc["failed"] != failed:
        bad += 1
        print(f"count {doc['count']} failed {doc['failed']}: rows say {len(rows)}, {failed}")
    if (p.returncode != 0) != (failed > 0):
        bad += 1
        print(f"exit status {p.returncode} with {failed} failed rows")
    print(f"rows {len(rows)} read {len(rows) - failed} failed {failed}")
    for row in rows:
        print("source", row["source"], "error" if row["error"] else "ok")
    sys.exit(1 if bad else 0)


main()
