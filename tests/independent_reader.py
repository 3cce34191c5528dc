#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""An independent reader of a snapshot directory, for the tests only.

It parses the raw files (meminfo, buddyinfo, pagetypeinfo, zoneinfo,
slabinfo) with its own few lines of Python, sharing no code with memscope,
and says what memscope's JSON (doc/json.md) must hold for them:

    independent_reader.py DIR VIEW            print the expected figures
    independent_reader.py DIR VIEW JSONFILE   compare memscope's JSON with
                                              them; exit 1 listing mismatches

VIEW: meminfo, buddy, zones, slabs, procrank (every listed process: figures
from smaps_rollup, else summed over smaps, else unknown), vma:PID. Standard library only; users of
memscope never need Python.
"""
import json
import os
import sys


def proc_dir(root):
    """The snapshot root, or its proc/ folder (as `tar czf x /proc/...`)."""
    markers = ("meminfo", "memscope-snapshot", "buddyinfo", "zoneinfo", "slabinfo")
    if not any(os.path.exists(os.path.join(root, m)) for m in markers):
        sub = os.path.join(root, "proc")
        if os.path.isdir(sub):
            return sub
    return root


def read(root, name):
    try:
        with open(os.path.join(root, name), "rb") as f:
            return f.read().decode("utf-8", "replace")
    except FileNotFoundError:
        return None


def page_size(root):
    """As DESIGN.md says: the metadata file, else an smaps KernelPageSize,
    else 4096."""
    meta = read(root, "memscope-snapshot") or ""
    for line in meta.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "page_size" and value.strip().isdigit():
            return int(value.strip())
    for pid in sorted((d for d in os.listdir(root) if d.isdigit()), key=int):
        for name in ("smaps_rollup", "smaps"):
            text = read(root, os.path.join(pid, name)) or ""
            for line in text.splitlines():
                if line.startswith("KernelPageSize:"):
                    return int(line.split()[1]) * 1024
    return 4096


def meminfo(root):
    text = read(root, "meminfo")
    if text is None:
        return None
    out = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        key, _, rest = line.partition(":")
        out.setdefault(key.strip(), int(rest.split()[0]))
    return out


def zone_name(words, at):
    """'Node 0, zone   Normal' -> (0, 'Normal'); words split on spaces."""
    return int(words[at + 1].rstrip(",")), words[at + 3].rstrip(",")


def buddy(root, psize):
    text = read(root, "buddyinfo")
    if text is None:
        return None
    zones = []
    for line in text.splitlines():
        words = line.split()
        if len(words) < 4 or words[0] != "Node":
            continue
        node, zone = zone_name(words, 0)
        free = [int(w) for w in words[4:]]
        pages = sum(count << order for order, count in enumerate(free))
        zones.append({"node": node, "zone": zone, "free": free,
                      "free_kb": pages * psize // 1024,
                      "migrate": migrate(root, node, zone)})
    return zones


def migrate(root, node, zone):
    text = read(root, "pagetypeinfo")
    if text is None:
        return None
    out = {}
    for line in text.splitlines():
        words = line.replace(",", " , ").split()
        # Node 0 , zone Normal , type Movable 1 2 ...
        if len(words) < 8 or words[0] != "Node" or words[5:7] != [",", "type"]:
            continue
        if int(words[1]) != node or words[4] != zone:
            continue
        out[words[7]] = [int(w.lstrip(">")) for w in words[8:]]
    return out


ZONE_FIELDS = ("min", "low", "high", "spanned", "present", "managed")


def zones(root):
    text = read(root, "zoneinfo")
    if text is None:
        return None
    out = []
    for line in text.splitlines():
        words = line.split()
        if words[:1] == ["Node"] and len(words) >= 4 and words[2] == "zone":
            node, zone = zone_name(words, 0)
            out.append(dict({"node": node, "zone": zone, "free_pages": None},
                            **{f: None for f in ZONE_FIELDS}))
        elif out and words[:2] == ["pages", "free"]:
            out[-1]["free_pages"] = int(words[2])
        elif out and len(words) >= 2 and words[0] in ZONE_FIELDS:
            # "scanned 0 (a: 0 i: 0)" and "high:  6" of pagesets don't match
            if out[-1][words[0]] is None:
                out[-1][words[0]] = int(words[1])
    return out


SLAB_FIELDS = ("active_objs", "num_objs", "objsize", "objperslab", "pagesperslab")


def slabs(root, psize):
    text = read(root, "slabinfo")
    if text is None:
        return None
    caches = []
    for line in text.splitlines():
        if line.startswith(("slabinfo", "#")) or not line.strip():
            continue
        # The name is everything before the five figures; it may hold
        # ':' ("kmalloc-rcl:64" style), so split on " : " only.
        head, _, rest = line.partition(" : ")
        words = head.split()
        name = " ".join(words[:-5])
        c = dict(zip(SLAB_FIELDS, (int(w) for w in words[-5:])))
        slabdata = rest.split("slabdata")[1].split()
        c["name"] = name
        c["active_slabs"], c["num_slabs"] = int(slabdata[0]), int(slabdata[1])
        c["size_kb"] = c["num_slabs"] * c["pagesperslab"] * psize // 1024
        c["used_kb"] = c["active_objs"] * c["objsize"] // 1024
        caches.append(c)
    return caches


SMAPS_KEYS = {"Size": "size_kb", "Rss": "rss_kb", "Pss": "pss_kb", "Swap": "swap_kb",
              "Private_Clean": "uss_kb", "Private_Dirty": "uss_kb"}


def smaps_vmas(root, pid):
    """Per mapping: start, end and the kB figures, from <pid>/smaps."""
    text = read(root, os.path.join(str(pid), "smaps"))
    if text is None:
        return None
    vmas = []
    for line in text.splitlines():
        words = line.split()
        if words and "-" in words[0] and not words[0].endswith(":"):
            start, _, end = words[0].partition("-")
            vmas.append({"start": start, "end": end, "size_kb": 0, "rss_kb": 0,
                         "pss_kb": 0, "uss_kb": 0, "swap_kb": 0})
        elif vmas and words and words[0].rstrip(":") in SMAPS_KEYS:
            vmas[-1][SMAPS_KEYS[words[0].rstrip(":")]] += int(words[1])
    return vmas


def sum_vmas(vmas, keys=("size_kb", "rss_kb", "pss_kb", "uss_kb", "swap_kb")):
    return {k: sum(v[k] for v in vmas) for k in keys}


def kb_lines(text):
    """'Key:   N kB' lines into a dict of ints."""
    out = {}
    for line in (text or "").splitlines():
        words = line.split()
        if len(words) >= 2 and words[0].endswith(":") and words[1].lstrip("-").isdigit():
            out.setdefault(words[0][:-1], int(words[1]))
    return out


def listed(root, pid):
    """None for a process memscope leaves out (a kernel thread, a zombie,
    or nothing left to identify it); else its VmSize, VmRSS and VmSwap
    from status (or None)."""
    status = read(root, os.path.join(pid, "status"))
    if status is not None:
        fields = kb_lines(status)
        words = {l.split(":")[0]: l.split(":")[1].strip()
                 for l in status.splitlines() if ":" in l}
        kthread = words.get("Kthread")
        cmdline = (read(root, os.path.join(pid, "cmdline")) or "").strip("\0")
        if words.get("State", " ")[:1] in ("Z", "X", "x"):
            return None
        if kthread == "1" or ("VmSize" not in fields and kthread != "0" and not cmdline):
            return None
        return {"vss": fields.get("VmSize"), "rss": fields.get("VmRSS"),
                "swap": fields.get("VmSwap")}
    stat = read(root, os.path.join(pid, "stat"))
    if stat is None:
        return None
    flags = int(stat[stat.rindex(")") + 2:].split()[6])
    if flags & 0x200000 or stat[stat.rindex(")") + 2:].split()[0] in ("Z", "X", "x"):
        return None
    return {"vss": int(stat[stat.rindex(")") + 2:].split()[20]) // 1024, "rss": None,
            "swap": None}


def procrank(root):
    """Every process memscope lists: figures from smaps_rollup, else summed
    over smaps, else unknown (None)."""
    out = []
    for pid in sorted((d for d in os.listdir(root) if d.isdigit()), key=int):
        ident = listed(root, pid)
        if ident is None:
            continue
        row = {"pid": int(pid)}
        rollup = read(root, os.path.join(pid, "smaps_rollup"))
        vmas = smaps_vmas(root, int(pid)) if rollup is None else None
        keys = ("rss_kb", "pss_kb", "uss_kb", "swap_kb")
        if rollup and kb_lines(rollup):
            k = kb_lines(rollup)
            row.update({"rss_kb": k["Rss"], "pss_kb": k["Pss"],
                        "uss_kb": k["Private_Clean"] + k["Private_Dirty"],
                        "swap_kb": k.get("Swap"), "swap_pss_kb": k.get("SwapPss")})
        elif vmas:
            row.update(sum_vmas(vmas, keys))
            if ident["vss"] is None or read(root, os.path.join(pid, "status")) is None:
                ident["vss"] = sum(v["size_kb"] for v in vmas)
        else:
            # No smaps at all: RSS and swap from status, as every user may
            # read them; PSS and USS unknown.
            row.update({k: None for k in keys})
            row.update({"rss_kb": ident["rss"], "swap_kb": ident["swap"]})
        row["vss_kb"] = ident["vss"]
        out.append(row)
    return out


def expected(root, view):
    root = proc_dir(root)
    psize = page_size(root)
    if view == "meminfo":
        return {"meminfo": meminfo(root)}
    if view == "buddy":
        return {"page_size": psize, "zones": buddy(root, psize)}
    if view == "zones":
        return {"zones": zones(root)}
    if view == "slabs":
        c = slabs(root, psize)
        if c is None:
            return {"caches": None}
        return {"caches": c, "totals": {"size_kb": sum(x["size_kb"] for x in c),
                                        "used_kb": sum(x["used_kb"] for x in c),
                                        "count": len(c)}}
    if view == "procrank":
        return {"processes": procrank(root)}
    if view.startswith("vma:"):
        vmas = smaps_vmas(root, int(view[4:]))
        if vmas is None:
            return {"vmas": None}
        totals = sum_vmas(vmas)
        totals["count"] = len(vmas)
        return {"pid": int(view[4:]), "vmas": vmas, "totals": totals}
    raise SystemExit("unknown view " + view)


def compare(want, got, path, errors):
    """Every key the reader knows must be in memscope's JSON with the same
    value; memscope may add keys (the schema only grows)."""
    if isinstance(want, dict):
        if not isinstance(got, dict):
            errors.append("%s: want an object, got %r" % (path, got))
            return
        for key, value in want.items():
            if key not in got:
                errors.append("%s.%s: missing" % (path, key))
            else:
                compare(value, got[key], "%s.%s" % (path, key), errors)
    elif isinstance(want, list):
        if not isinstance(got, list):
            errors.append("%s: want a list, got %r" % (path, got))
            return
        # Table rows (sorted by memscope) are matched by their key; the
        # reader may know only some of them (procrank: the smaps ones).
        key = next((k for k in ("pid", "name") if want and isinstance(want[0], dict)
                    and k in want[0]), None)
        if key:
            by_key = {g.get(key): g for g in got if isinstance(g, dict)}
            for w in want:
                compare(w, by_key.get(w[key]), "%s[%s]" % (path, w[key]), errors)
            return
        if len(got) != len(want):
            errors.append("%s: want %d items, got %d" % (path, len(want), len(got)))
            return
        for i, (w, g) in enumerate(zip(want, got)):
            compare(w, g, "%s[%d]" % (path, i), errors)
    elif want != got:
        errors.append("%s: want %r, got %r" % (path, want, got))


def main(argv):
    if len(argv) not in (3, 4):
        raise SystemExit(__doc__)
    want = expected(argv[1], argv[2])
    if len(argv) == 3:
        json.dump(want, sys.stdout, indent=1, sort_keys=True)
        print()
        return 0
    with open(argv[3]) as f:
        got = json.load(f)
    errors = []
    compare(want, got, argv[2], errors)
    for e in errors[:20]:
        print(e)
    if len(errors) > 20:
        print("... %d more" % (len(errors) - 20))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
