#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes one hostile snapshot for tests/test_hostile.c.

    make-hostile.py OUTDIR CASE     prints the snapshot's path
    make-hostile.py --list          prints the case names

Every case starts from one small, well-formed snapshot modelled on what a
6.x kernel prints, then breaks one thing (the expected outcome of each case
is in cases.txt, next to this script). Everything is made at test time in
OUTDIR, so that nothing large or dangerous sits in the repository: the
gigabyte archives are concatenated compressed frames of zeros (a few
hundred kB on disk), the million-entry archive is written header by header.
Test-only code: memscope itself never needs Python.
"""

import io
import itertools
import lzma
import os
import shutil
import stat
import subprocess
import sys
import tarfile
import zlib

PAGE = 4096

# ---- the well-formed base ----------------------------------------------------

MEMINFO = """MemTotal:        2013232 kB
MemFree:          512344 kB
MemAvailable:    1203456 kB
Buffers:           40960 kB
Cached:           702112 kB
SwapCached:            0 kB
Active:           801234 kB
Inactive:         456789 kB
SwapTotal:             0 kB
SwapFree:              0 kB
Slab:              98304 kB
SReclaimable:      45056 kB
SUnreclaim:        53248 kB
KernelStack:        6144 kB
PageTables:        12288 kB
Committed_AS:    2345678 kB
HugePages_Total:       0
HugePages_Free:        0
Hugepagesize:       2048 kB
"""

VMSTAT = """nr_free_pages 128086
nr_zone_inactive_anon 14203
nr_zone_active_anon 391
nr_slab_reclaimable 11264
nr_slab_unreclaimable 13312
pgfault 123456789
"""

# (node, zone, free blocks per order)
ZONES = [
    (0, "DMA", [1, 1, 1, 0, 2, 1, 1, 0, 1, 1, 3]),
    (0, "DMA32", [120, 64, 33, 17, 9, 4, 3, 1, 0, 0, 200]),
    (0, "Normal", [331, 805, 698, 456, 161, 64, 38, 15, 20, 1, 36]),
]

MIGRATE = ["Unmovable", "Movable", "Reclaimable", "HighAtomic", "Isolate"]

SLABINFO = """slabinfo - version: 2.1
# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>
ext4_inode_cache   60126  60480   1096   29    8 : tunables    0    0    0 : slabdata   2085   2085      0
dentry            123456 125000    192   21    1 : tunables    0    0    0 : slabdata   5953   5953      0
kmalloc-64         20000  20480     64   64    1 : tunables    0    0    0 : slabdata    320    320      0
"""

META = """format: memscope/1
captured_at: 2026-11-21T10:00:00Z
hostname: hostile-board
kernel: 6.1.0-hostile
machine: aarch64
page_size: 4096
tool: memscope 0.1.0
"""

VERSION = "Linux version 6.1.0-hostile (builder@ci) (gcc 12.2.0) #1 SMP PREEMPT\n"


def buddyinfo(zones):
    return "".join("Node %d, zone %8s %s \n" % (n, z, " ".join("%6d" % c for c in counts))
                   for n, z, counts in zones)


def split_migrate(counts):
    """Per-type counts that add up to the buddy counts: a third unmovable."""
    unmov = [c // 3 for c in counts]
    mov = [c - u for c, u in zip(counts, unmov)]
    zero = [0] * len(counts)
    return {"Unmovable": unmov, "Movable": mov, "Reclaimable": zero, "HighAtomic": zero,
            "Isolate": zero}


def pagetypeinfo(zones):
    norders = len(zones[0][2])
    out = ["Page block order: 9", "Pages per block:  512", "",
           "Free pages count per migrate type at order " +
           " ".join("%6d" % o for o in range(norders)) + " "]
    for n, z, counts in zones:
        per = split_migrate(counts)
        for t in MIGRATE:
            out.append("Node %4d, zone %8s, type %12s %s " %
                       (n, z, t, " ".join("%6d" % c for c in per[t])))
    out.append("")
    out.append("Number of blocks type    " + " ".join("%12s" % t for t in MIGRATE) + " ")
    for n, z, _ in zones:
        out.append("Node %d, zone %8s %s " % (n, z, " ".join("%12d" % b for b in [1, 7, 0, 0, 0])))
    return "\n".join(out) + "\n"


def zoneinfo(zones):
    out = []
    for i, (n, z, counts) in enumerate(zones):
        free = sum(c << o for o, c in enumerate(counts))
        out.append("Node %d, zone %8s" % (n, z))
        if i == 0 or zones[i - 1][0] != n:
            out += ["  per-node stats", "      nr_inactive_anon 14203",
                    "      nr_active_anon 391"]
        out += ["  pages free     %d" % free, "        boost    0",
                "        min      %d" % (33 + i), "        low      %d" % (41 + i),
                "        high     %d" % (49 + i), "        spanned  %d" % (4095 + i * 100000),
                "        present  %d" % (3998 + i * 100000),
                "        managed  %d" % (3977 + i * 100000), "        cma      0",
                "        protection: (0, 1884, 1884, 1884, 1884)",
                "      nr_free_pages %d" % free, "  pagesets", "    cpu: 0",
                "              count: 0", "              high:  0",
                "              batch: 1", "  node_unreclaimable:  0",
                "  start_pfn:           %d" % (1 + i * 4096)]
    return "\n".join(out) + "\n"


def stat_line(pid, comm, ppid, flags, vsize, rss):
    return ("%d (%s) S %d %d %d 0 -1 %d 21718 2040281 156 1264 355 315 6349 2451 20 0 1 0 7 "
            "%d %d 18446744073709551615 1 1 0 0 0 0 671173123 4096 1260 0 0 0 17 3 0 0 0 0 "
            "0 0 0 0 0 0 0 0 0\n" % (pid, comm, ppid, pid, pid, flags, vsize, rss))


def status(name, pid, ppid, uid, vmsize, vmrss):
    return ("Name:\t%s\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t%d\nNgid:\t0\nPid:\t%d\n"
            "PPid:\t%d\nTracerPid:\t0\nUid:\t%d\t%d\t%d\t%d\nGid:\t%d\t%d\t%d\t%d\n"
            "VmPeak:\t%8d kB\nVmSize:\t%8d kB\nVmRSS:\t%8d kB\nRssAnon:\t    2048 kB\n"
            "RssFile:\t    2048 kB\nRssShmem:\t       0 kB\nVmSwap:\t       0 kB\nThreads:\t1\n"
            % (name, pid, pid, ppid, uid, uid, uid, uid, uid, uid, uid, uid,
               vmsize + 100, vmsize, vmrss))


COUNTERS = ["Rss", "Pss", "Pss_Dirty", "Pss_Anon", "Pss_File", "Pss_Shmem", "Shared_Clean",
            "Shared_Dirty", "Private_Clean", "Private_Dirty", "Referenced", "Anonymous",
            "KSM", "LazyFree", "AnonHugePages", "ShmemPmdMapped", "FilePmdMapped",
            "Shared_Hugetlb", "Private_Hugetlb", "Swap", "SwapPss", "Locked"]


def counters(rss, pss, priv_clean, priv_dirty, swap=0):
    v = dict.fromkeys(COUNTERS, 0)
    v.update(Rss=rss, Pss=pss, Pss_Anon=priv_dirty, Pss_File=pss - priv_dirty,
             Shared_Clean=rss - priv_clean - priv_dirty, Private_Clean=priv_clean,
             Private_Dirty=priv_dirty, Referenced=rss, Anonymous=priv_dirty, Swap=swap,
             SwapPss=swap)
    return "".join("%-16s%8d kB\n" % (k + ":", v[k]) for k in COUNTERS)


def vma(header, size, rss, pss, pc, pd):
    return (header + "\nSize:           %8d kB\nKernelPageSize:        4 kB\n"
            "MMUPageSize:           4 kB\n" % size + counters(rss, pss, pc, pd) +
            "THPeligible:           0\nVmFlags: rd mr mw me sd \n")


VMA1 = ("55d4c8a00000-55d4c8a2a000 r--p 00000000 fd:01 1835047"
        "                    /usr/lib/systemd/systemd")
VMA2 = "7ffd1c3a1000-7ffd1c3c2000 rw-p 00000000 00:00 0                          [stack]"


def process(pid, comm, ppid, uid, pss, cmdline):
    """The files of one user process: figures chosen so that sums are easy."""
    return {
        "stat": stat_line(pid, comm, ppid, 4194560, 23396352, 1024),
        "status": status(comm, pid, ppid, uid, 22848, 4096),
        "comm": comm + "\n",
        "cmdline": cmdline,
        "statm": "5712 1024 512 100 0 900 0\n",
        "maps": VMA1 + "\n" + VMA2 + "\n",
        "smaps": vma(VMA1, 168, 168, 84, 0, 0) + vma(VMA2, 132, 24, 24, 0, 24),
        "smaps_rollup": "55d4c8a00000-7ffd1c3c2000 ---p 00000000 00:00 0"
                        "                          [rollup]\n" +
                        counters(4096, pss, 1024, 2048),
    }


def base():
    files = {
        "memscope-snapshot": META, "meminfo": MEMINFO, "vmstat": VMSTAT,
        "buddyinfo": buddyinfo(ZONES), "pagetypeinfo": pagetypeinfo(ZONES),
        "zoneinfo": zoneinfo(ZONES), "slabinfo": SLABINFO, "version": VERSION,
        "cmdline": "console=ttyS2,1500000 root=/dev/mmcblk0p2\n",
        "2/stat": stat_line(2, "kthreadd", 0, 2129984, 0, 0),
        # A kernel thread has no mm: its status prints no Vm* lines.
        "2/status": status("kthreadd", 2, 0, 0, 0, 0).split("VmPeak")[0] + "Threads:\t1\n",
        "2/comm": "kthreadd\n", "2/cmdline": "",
    }
    for pid, comm, ppid, uid, pss, cmd in [
            (1, "systemd", 0, 0, 7402, "/sbin/init\0splash\0"),
            (42, "sshd", 1, 1000, 2048, "sshd: user@pts/0\0")]:
        for name, text in process(pid, comm, ppid, uid, pss, cmd).items():
            files["%d/%s" % (pid, name)] = text
    return {k: v.encode() if isinstance(v, str) else v for k, v in files.items()}


# ---- writers -----------------------------------------------------------------

def write_dir(path, files):
    for rel, data in files.items():
        full = os.path.join(path, rel)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(data)
    return path


def tar_member(name, data=b"", kind=tarfile.REGTYPE, link=""):
    ti = tarfile.TarInfo(name)
    ti.type = kind
    ti.mode = 0o644
    ti.size = len(data) if kind == tarfile.REGTYPE else 0
    ti.linkname = link
    ti.mtime = 1763719200
    return ti, data


def write_tar(path, members, mode="w"):
    """members: (TarInfo, data) in archive order; names are written as
    given, '../' and '/' included (tarfile only cleans them on extraction)."""
    level = {"compresslevel": 1} if mode == "w:gz" else {}
    with tarfile.open(path, mode, format=tarfile.GNU_FORMAT, **level) as t:
        for ti, data in members:
            t.addfile(ti, io.BytesIO(data) if ti.type == tarfile.REGTYPE else None)
    return path


def members_of(files, prefix=""):
    return [tar_member(prefix + rel, data) for rel, data in sorted(files.items())]


# ---- compressed streams of zeros (gigabytes that take kB) --------------------

def compress(codec, data):
    if codec == "gz":
        c = zlib.compressobj(1, zlib.DEFLATED, 31)  # gzip wrapper
        return c.compress(data) + c.flush()
    if codec == "xz":
        return lzma.compress(data, preset=0)
    if codec == "zst":
        return subprocess.run(["zstd", "-q", "-1", "-c"], input=data, check=True,
                              stdout=subprocess.PIPE).stdout
    raise ValueError(codec)


def write_frames(path, codec, pieces):
    """pieces: bytes, or ("zeros", n). Each becomes its own compressed
    frame/member; all three formats decode a concatenation as one stream."""
    mib = 1 << 20
    zero_frame = compress(codec, bytes(mib))
    with open(path, "wb") as f:
        for p in pieces:
            if isinstance(p, bytes):
                f.write(compress(codec, p))
                continue
            n = p[1]
            f.write(zero_frame * (n // mib))
            if n % mib:
                f.write(compress(codec, bytes(n % mib)))
    return path


def tar_header(name, size):
    """One ustar header block for a regular file (tarfile's costs 200 us,
    too slow for a million). Sizes of 8 GiB and more use base-256, as GNU
    tar writes them."""
    h = bytearray(512)
    raw = name.encode()
    h[0:len(raw)] = raw
    h[100:124] = b"0000644\0" b"0000000\0" b"0000000\0"
    if size < 8 << 30:
        h[124:136] = b"%011o\0" % size
    else:
        h[124:136] = b"\x80" + size.to_bytes(11, "big")
    h[136:148] = b"%011o\0" % 1763719200
    h[148:156] = b"        "
    h[156:157] = b"0"
    h[257:265] = b"ustar\x0000"
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h)


def padded(n):
    return (n + 511) // 512 * 512


def raw_members(files):
    """Regular files as tar blocks, without tarfile's per-member cost."""
    for rel, data in sorted(files.items()):
        yield tar_header(rel, len(data))
        yield data
        yield bytes(padded(len(data)) - len(data))


def write_zst(path, pieces):
    """Streams bytes through the zstd tool (fast on hundreds of MB)."""
    with open(path, "wb") as f:
        z = subprocess.Popen(["zstd", "-q", "-1", "-T0", "-c"], stdin=subprocess.PIPE, stdout=f)
        for piece in pieces:
            z.stdin.write(piece)
        z.stdin.close()
        if z.wait() != 0:
            raise RuntimeError("zstd failed")
    return path


def zeros_archive(path, codec, entries, lead):
    """A tar of the files in lead, then entries (name, size) of zeros."""
    pieces = [b"".join(raw_members(lead))]
    for name, size in entries:
        pieces.append(tar_header(name, size))
        pieces.append(("zeros", padded(size)))
    pieces.append(bytes(1024))
    return write_frames(path, codec, pieces)


# ---- the cases -----------------------------------------------------------------
# Each builder gets OUTDIR/CASE (a free name) and returns the snapshot path.
# CANARY names a path outside OUTDIR that must never come to exist.

CANARY = "/tmp/memscope-hostile-canary"


def case_tar_dotdot(p):
    m = members_of(base())
    m += [tar_member("../../../../../../.." + CANARY + "-dotdot", b"escaped\n"),
          tar_member("1/../../meminfo", b"MemTotal: 1 kB\n"),
          tar_member("./../slabinfo", b"garbage\n")]
    return write_tar(p + ".tar", m)


def case_tar_absolute(p):
    m = members_of(base())
    # Later copies would win if they were kept: they must be skipped.
    m += [tar_member(CANARY + "-abs", b"escaped\n"),
          tar_member("/meminfo", b"MemTotal: 1 kB\n"),
          tar_member("//buddyinfo", b"garbage\n")]
    return write_tar(p + ".tar.gz", m, "w:gz")


def case_tar_links(p):
    f = base()
    for rel in ("meminfo", "slabinfo", "buddyinfo", "zoneinfo", "1/smaps"):
        del f[rel]
    m = members_of(f)
    m += [tar_member("meminfo", kind=tarfile.SYMTYPE, link="/etc/passwd"),
          tar_member("slabinfo", kind=tarfile.LNKTYPE, link="/etc/shadow"),
          tar_member("buddyinfo", kind=tarfile.CHRTYPE),
          tar_member("zoneinfo", kind=tarfile.FIFOTYPE),
          tar_member("1/smaps", kind=tarfile.SYMTYPE, link="../../../proc/self/smaps"),
          tar_member("7", kind=tarfile.SYMTYPE, link="/proc/1")]
    return write_tar(p + ".tar", m)


def case_dir_links(p):
    f = base()
    for rel in ("meminfo", "slabinfo", "buddyinfo", "zoneinfo", "1/smaps", "1/maps"):
        del f[rel]
    write_dir(p, f)
    os.symlink("/proc/meminfo", os.path.join(p, "meminfo"))
    os.symlink("/proc/self/smaps", os.path.join(p, "1/smaps"))
    os.symlink("/proc/self/maps", os.path.join(p, "1/maps"))
    os.symlink("/proc/1", os.path.join(p, "7"))
    os.mkfifo(os.path.join(p, "zoneinfo"))
    if os.geteuid() == 0:
        os.mknod(os.path.join(p, "buddyinfo"), 0o644 | stat.S_IFCHR, os.makedev(1, 5))
    else:
        # mknod needs root. A FIFO is the other special file a user can
        # make, refused in the same words (a symbolic link would be refused
        # as a link, and the links are meminfo's and smaps' case).
        os.mkfifo(os.path.join(p, "buddyinfo"))
    os.mkdir(os.path.join(p, "slabinfo"))
    return p


def case_inflate(codec):
    def build(p):
        # A slabinfo that decompresses to 1 GiB of zeros: a zip bomb.
        lead = base()
        del lead["slabinfo"]
        return zeros_archive(p + ".tar." + codec, codec, [("slabinfo", 1 << 30)], lead)
    return build


def case_archive_cap(p):
    # Each entry under the per-file cap, together far over the archive cap.
    return zeros_archive(p + ".tar.zst", "zst", [("zero%d" % i, 200 << 20) for i in range(5)],
                         base())


def case_claims_huge(p):
    """A header claiming 1 TiB, then a few bytes and the end of the file."""
    data = b"".join(raw_members(base()))
    data += tar_header("slabinfo", 1 << 40) + b"slabinfo - version: 2.1\n" + bytes(488)
    with open(p + ".tar", "wb") as f:
        f.write(data)
    return p + ".tar"


def name_triples(count):
    """Distinct 3-character names whose bytes add up to the same sum, so
    that renaming them leaves a tar header's checksum unchanged."""
    alnum = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    out = []
    for a in alnum:
        for b in alnum:
            c = 3 * ord("a") - a - b
            if c in alnum:
                out.append(bytes([a, b, c]))
            if len(out) == count:
                return out
    raise ValueError("not enough names")


def case_million(p):
    """1,000,000 empty entries after the base files. One block of 1000
    headers is made, then renamed 1000 times (at C speed: bytes.replace)."""
    block = b"".join(tar_header("j/aaa/%03d" % i, 0) for i in range(1000))
    lead = b"".join(raw_members(base()))
    renamed = (block.replace(b"j/aaa/", b"j/" + t + b"/") for t in name_triples(1000))
    out = write_zst(p + ".tar.zst", itertools.chain([lead], renamed, [bytes(1024)]))
    return out


def case_many_pids(p):
    """10,000 processes, the largest count memscope is asked to handle."""
    f = base()
    for pid in range(1000, 11000):
        f["%d/stat" % pid] = stat_line(pid, "worker", 1, 4194560, 4096000, 100).encode()
        f["%d/status" % pid] = status("worker", pid, 1, 1000, 4000, 400).encode()
        f["%d/smaps_rollup" % pid] = ("00400000-7fff0000 ---p 00000000 00:00 0 [rollup]\n" +
                                      counters(400, 100 + pid % 97, 0, 100)).encode()
    return write_zst(p + ".tar.zst", itertools.chain(raw_members(f), [bytes(1024)]))


def case_long_line(p):
    f = base()
    line = b"A" * (100 << 20)
    f["meminfo"] = b"MemTotal:        2013232 kB\n" + line + b"\nMemFree: 1 kB\n"
    f["1/smaps"] = (VMA1.encode() + b" " + line + b"\n" + f["1/smaps"])
    f["1/comm"] = line
    f["1/status"] = f["1/status"].replace(b"Name:\tsystemd", b"Name:\t" + line)
    f["slabinfo"] = SLABINFO.encode() + b"x" + line
    return write_zst(p + ".tar.zst", itertools.chain(raw_members(f), [bytes(1024)]))


def case_long_names(p):
    """A 60,000-byte member name (pax), pids too long for an int, and one
    under a folder too deep to matter: none of them is a process."""
    m = members_of(base())
    m += [tar_member("x" * 60000, b"long\n"),
          tar_member("d/" * 2000 + "meminfo", b"MemTotal: 1 kB\n"),
          tar_member("99999999999999999999/status", status("big", 1, 0, 0, 1, 1).encode()),
          tar_member("2147483648/status", status("wrap", 1, 0, 0, 1, 1).encode())]
    with tarfile.open(p + ".tar", "w", format=tarfile.PAX_FORMAT) as t:
        for ti, data in m:
            t.addfile(ti, io.BytesIO(data))
    return p + ".tar"


def case_nul_bytes(p):
    f = base()
    f["meminfo"] = MEMINFO.replace("MemFree:          512344", "MemFree:          51\0344")
    f["meminfo"] = f["meminfo"].encode()
    f["slabinfo"] = SLABINFO.replace("dentry  ", "den\0try ").encode()
    f["buddyinfo"] = f["buddyinfo"].replace(b"Normal", b"Nor\0al")
    f["1/comm"] = b"sys\0temd\n"
    f["1/status"] = f["1/status"].replace(b"Name:\tsystemd", b"Name:\tsys\0temd")
    f["1/smaps_rollup"] = f["1/smaps_rollup"].replace(b"Pss:    ", b"Pss:\0   ")
    f["42/cmdline"] = b"sshd:\0\0\0\0\0\0user\0"
    return write_dir(p, f)


def case_bad_utf8(p):
    f = base()
    esc = b"\x1b]0;pwned\x07\x1b[31m"
    bad = b"\xff\xfe\xc3\x28\xed\xa0\x80\xf8\x88\x80\x80\x80"
    f["42/comm"] = b"ss" + bad + esc + b"\n"
    f["42/status"] = f["42/status"].replace(b"Name:\tsshd", b"Name:\tss" + bad + b"\\033")
    f["42/stat"] = f["42/stat"].replace(b"(sshd)", b"(ss" + bad + esc + b")")
    f["42/cmdline"] = b"sshd" + esc + b"\0-D\n" + bad + b"\0"
    # Slab names come from the kernel: a control byte in one refuses the
    # file (nul-bytes); invalid UTF-8 is only shown escaped.
    f["slabinfo"] = f["slabinfo"].replace(b"kmalloc-64", b"km" + bad)
    evil = VMA1.replace("/usr/lib/systemd/systemd", "/tmp/").encode() + bad + esc
    f["1/smaps"] = f["1/smaps"].replace(VMA1.encode(), evil)
    f["1/maps"] = f["1/maps"].replace(VMA1.encode(), evil)
    return write_dir(p, f)


def case_overflow(p):
    f = base()
    f["meminfo"] = MEMINFO.replace("2013232", "99999999999999999999999").encode()
    f["slabinfo"] = SLABINFO.replace("123456", "18446744073709551616").encode()
    rows = [(0, "DMA", [1, 18446744073709551616, 1, 0, 2, 1, 1, 0, 1, 1, 3])] + ZONES[1:]
    f["buddyinfo"] = buddyinfo(rows).encode()
    f["zoneinfo"] = zoneinfo(ZONES).replace("spanned  4095",
                                            "spanned  9223372036854775808").encode()
    f["1/smaps_rollup"] = f["1/smaps_rollup"].replace(b"    7402 kB",
                                                      b"9223372036854775808 kB")
    return write_dir(p, f)


def case_overflow_product(p):
    """Each figure fits 64 bits; their products and sums do not."""
    f = base()
    big = 9223372036854775807
    rows = [(0, "DMA", [big, 0, 0, 0, 0, 0, 0, 0, 0, 0, big])] + ZONES[1:]
    f["buddyinfo"] = buddyinfo(rows).encode()
    f["pagetypeinfo"] = pagetypeinfo(rows).encode()
    f["slabinfo"] = SLABINFO.replace("   5953   5953", " %d %d" % (big, big)).encode()
    for pid in (1, 42):
        f["%d/smaps_rollup" % pid] = f["%d/smaps_rollup" % pid].replace(
            b"Pss:                7402 kB", b"Pss:  %d kB" % big).replace(
            b"Pss:                2048 kB", b"Pss:  %d kB" % big)
    return write_dir(p, f)


def case_negative(p):
    f = base()
    f["meminfo"] = MEMINFO.replace("Committed_AS:    2345678", "Committed_AS:   -2345678").encode()
    rows = [(0, "DMA", [1, -5, 1, 0, 2, 1, 1, 0, 1, 1, 3])] + ZONES[1:]
    f["buddyinfo"] = buddyinfo(rows).encode()
    f["slabinfo"] = SLABINFO.replace("20000  20480", "20000 -20480").encode()
    f["42/smaps_rollup"] = f["42/smaps_rollup"].replace(b"Pss:                2048 kB",
                                                        b"Pss:               -2048 kB")
    return write_dir(p, f)


def orders_zones(norders):
    counts = [(o * 7 + 3) % 11 for o in range(norders)]
    return [(0, "DMA32", counts), (0, "Normal", counts[::-1])]


def case_orders(norders):
    def build(p):
        f = base()
        zones = orders_zones(norders)
        f["buddyinfo"] = buddyinfo(zones).encode()
        f["pagetypeinfo"] = pagetypeinfo(zones).encode()
        f["zoneinfo"] = zoneinfo(zones).encode()
        return write_dir(p, f)
    return build


def case_orders_mixed(p):
    f = base()
    f["buddyinfo"] = buddyinfo([(0, "DMA", [1] * 9), (0, "Normal", [2] * 11)]).encode()
    return write_dir(p, f)


ODD_ZONES = [
    (1, "Normal", [7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43]),
    (0, "Normal", [331, 805, 698, 456, 161, 64, 38, 15, 20, 1, 36]),
    (0, "DMA", [1, 1, 1, 0, 2, 1, 1, 0, 1, 1, 3]),
    (1, "Movable", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5]),
    (0, "DMA32", [120, 64, 33, 17, 9, 4, 3, 1, 0, 0, 200]),
]


def case_odd_zone_order(p):
    f = base()
    f["buddyinfo"] = buddyinfo(ODD_ZONES).encode()
    # pagetypeinfo and zoneinfo list the zones in yet other orders
    f["pagetypeinfo"] = pagetypeinfo(sorted(ODD_ZONES, key=lambda z: (z[0], z[1]))).encode()
    f["zoneinfo"] = zoneinfo(list(reversed(ODD_ZONES))).encode()
    return write_dir(p, f)


def case_dup_pids(p):
    f = base()
    m = members_of(f)
    # The same process three times over: "./1/", "1/" again later, "01/".
    m += [tar_member("./1/comm", b"first\n"),
          tar_member("1/status", f["1/status"].replace(b"systemd", b"second")),
          tar_member("01/status", status("zero-one", 1, 0, 0, 100, 100).encode()),
          tar_member("42/stat", f["42/stat"])]
    return write_tar(p + ".tar", m)


def case_empty_files(p):
    return write_dir(p, {rel: b"" for rel in base()})


def case_truncated(p):
    f = base()

    def cut(data, marker, keep):
        i = data.index(marker)
        return data[:i + keep]
    f["meminfo"] = cut(f["meminfo"], b"Active:", 4)              # "Acti"
    f["slabinfo"] = cut(f["slabinfo"], b"kmalloc-64", 20)        # mid-row
    f["buddyinfo"] = cut(f["buddyinfo"], b"Node 0, zone   Normal", 40)
    f["pagetypeinfo"] = cut(f["pagetypeinfo"], b"Number of blocks", 30)
    f["zoneinfo"] = cut(f["zoneinfo"], b"Node 0, zone   Normal", 60)
    f["1/smaps"] = cut(f["1/smaps"], b"7ffd1c3a1000", 30)
    f["1/smaps_rollup"] = cut(f["1/smaps_rollup"], b"Private_Clean", 9)
    f["42/stat"] = cut(f["42/stat"], b"(sshd)", 3)
    f["42/status"] = cut(f["42/status"], b"Uid:", 6)
    f["memscope-snapshot"] = cut(f["memscope-snapshot"], b"page_size", 11)
    return write_dir(p, f)


def case_bad_meta(p):
    f = base()
    f["memscope-snapshot"] = META.replace("page_size: 4096", "page_size: 0").encode()
    return write_dir(p, f)


def case_meta_huge_page(p):
    f = base()
    f["memscope-snapshot"] = META.replace("page_size: 4096",
                                          "page_size: 9223372036854775807").encode()
    return write_dir(p, f)


def case_not_archive(p):
    with open(p + ".tar.gz", "wb") as f:
        f.write(bytes(range(256)) * 64)
    return p + ".tar.gz"


def case_empty_archive(p):
    """What `tar cf x.tar -T /dev/null` writes: end blocks, no member."""
    with open(p + ".tar", "wb") as f:
        f.write(bytes(10240))
    return p + ".tar"


def case_zero_bytes(p):
    open(p + ".tar.gz", "wb").close()
    return p + ".tar.gz"


def case_cut_archive(p):
    path = write_tar(p + ".tar.gz", members_of(base()), "w:gz")
    size = os.path.getsize(path)
    with open(path, "r+b") as f:
        f.truncate(size // 2)
    return path


CASES = {
    "tar-dotdot": case_tar_dotdot,
    "tar-absolute": case_tar_absolute,
    "tar-links": case_tar_links,
    "dir-links": case_dir_links,
    "inflate-gz": case_inflate("gz"),
    "inflate-xz": case_inflate("xz"),
    "inflate-zst": case_inflate("zst"),
    "archive-cap": case_archive_cap,
    "claims-huge": case_claims_huge,
    "million-entries": case_million,
    "many-pids": case_many_pids,
    "long-line": case_long_line,
    "long-names": case_long_names,
    "nul-bytes": case_nul_bytes,
    "bad-utf8": case_bad_utf8,
    "overflow": case_overflow,
    "overflow-product": case_overflow_product,
    "negative": case_negative,
    "orders-9": case_orders(9),
    "orders-14": case_orders(14),
    "orders-16": case_orders(16),
    "orders-21": case_orders(21),
    "orders-mixed": case_orders_mixed,
    "odd-zone-order": case_odd_zone_order,
    "dup-pids": case_dup_pids,
    "empty-files": case_empty_files,
    "truncated": case_truncated,
    "meta-page-zero": case_bad_meta,
    "meta-page-huge": case_meta_huge_page,
    "not-archive": case_not_archive,
    "empty-archive": case_empty_archive,
    "zero-bytes": case_zero_bytes,
    "cut-archive": case_cut_archive,
}


# Written with the zstd tool: hundreds of MB go through it in a second.
ZSTD_CASES = ("inflate-zst", "archive-cap", "million-entries", "many-pids", "long-line")


def main(argv):
    if len(argv) == 2 and argv[1] == "--list":
        print("\n".join(CASES))
        return 0
    if len(argv) != 3 or argv[2] not in CASES:
        sys.stderr.write("usage: make-hostile.py OUTDIR CASE | --list\n")
        return 2
    if argv[2] in ZSTD_CASES:
        if not shutil.which("zstd"):
            print("SKIP: zstd not installed")
            return 0
    path = CASES[argv[2]](os.path.join(argv[1], argv[2]))
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
