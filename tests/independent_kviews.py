#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Checks a kernel view's JSON (memscope iomem|vmalloc|cma|dmabuf -f json)
against the kernel's own files, read here with a few lines of Python that
share no code with memscope (tests/test_kviews.c runs it).

    independent_kviews.py VIEW PROC_DIR SYS_DIR PAGE_SIZE JSON_FILE

VIEW is iomem, vmalloc, cma, dmabuf, or procrank (its dmabuf_kb column).

Prints each disagreement on a line of its own and exits 1, or prints
"ok" and exits 0. A file that is not there must show in the JSON as a
null figure with a reason naming it, never as 0.
"""
import json
import os
import re
import sys

problems = []


def expect(what, got, want):
    if got != want:
        problems.append(f'{what}: view says {got!r}, the files say {want!r}')


def read(path):
    try:
        with open(path, 'rb') as f:
            return f.read().decode('utf-8', 'replace')
    except OSError:
        return None


# ---- iomem ------------------------------------------------------------------
# "  start-end : name", two spaces of indent per level (kernel/resource.c).

KERNEL = {'Kernel code', 'Kernel text', 'Kernel rodata', 'Kernel data', 'Kernel bss'}


def iomem_lines(text):
    out = []
    for line in text.splitlines():
        m = re.match(r'^( *)([0-9a-fA-F]+)-([0-9a-fA-F]+) :(?: (.*))?$', line.rstrip('\r'))
        if m:
            out.append((len(m.group(1)) // 2, int(m.group(2), 16), int(m.group(3), 16),
                        m.group(4) or ''))
    return out


def kind(name):
    if name == 'System RAM':
        return 'system_ram'
    if name in KERNEL:
        return 'kernel'
    if name.lower() == 'reserved':
        return 'reserved'
    if name == 'Crash kernel':
        return 'crash'
    if 'cma' in name.lower():
        return 'cma'
    return 'other'


def outermost(lines, want):
    """Ranges of a kind not nested in another range of the same kind."""
    stack, total, count = [], 0, 0
    for depth, start, end, name in lines:
        del stack[depth:]
        k = kind(name)
        if k == want and want not in stack:
            total += end - start + 1
            count += 1
        stack.append(k)
    return total, count


def check_iomem(d, proc, sys_dir, page_size):
    text = read(os.path.join(proc, 'iomem'))
    if text is None:
        problems.append('no iomem: the view should have failed')
        return
    lines = iomem_lines(text)
    hidden = all(s == 0 and e == 0 for _, s, e, _ in lines)
    expect('hidden', d['hidden'], hidden)
    expect('resources', len(d['resources']), len(lines))
    for i, (res, (depth, start, end, name)) in enumerate(zip(d['resources'], lines)):
        expect(f'resource {i} name', res['name'], name)
        expect(f'resource {i} depth', res['depth'], depth)
        if not hidden:
            expect(f'resource {i} start', int(res['start'], 16), start)
            expect(f'resource {i} end', int(res['end'], 16), end)
            expect(f'resource {i} bytes', res['bytes'], end - start + 1)
    ram, banks = outermost(lines, 'system_ram')
    expect('system_ram_banks', d['system_ram_banks'], banks)
    if hidden:
        for key in ('system_ram_kb', 'reserved_kb', 'kernel_image_kb', 'crash_kernel_kb'):
            expect(key, d[key], None)
        if not d['hidden_reason'] or 'CAP_SYS_ADMIN' not in d['hidden_reason']:
            problems.append(f'hidden_reason does not say why: {d["hidden_reason"]!r}')
        return
    expect('system_ram_kb', d['system_ram_kb'], ram // 1024)
    expect('reserved_kb', d['reserved_kb'], outermost(lines, 'reserved')[0] // 1024)
    kernel = sum(e - s + 1 for _, s, e, n in lines if n in KERNEL)
    expect('kernel_image_kb', d['kernel_image_kb'], kernel // 1024)
    expect('crash_kernel_kb', d['crash_kernel_kb'], outermost(lines, 'crash')[0] // 1024)
    cma, ncma = outermost(lines, 'cma')
    expect('cma_kb', d['cma_kb'], cma // 1024 if ncma else None)


# ---- vmallocinfo ------------------------------------------------------------
# "start-end size caller [module] pages=N phys=P flags... N0=..." (mm/vmalloc.c)

def vmalloc_kind(words):
    for k in ('unpurged', 'vm_map_ram', 'ioremap', 'lowmem', 'vmalloc', 'dma-coherent',
              'vmap', 'user'):
        if k in words:
            return k
    return 'other'


def vmalloc_areas(text):
    areas = []
    for line in text.splitlines():
        f = line.split()
        if not f:
            continue
        size = int(f[1])
        pages, words, caller, module = 0, set(), '', ''
        rest = f[2:]
        if rest[:2] == ['unpurged', 'vm_area']:
            words.add('unpurged')
            caller, rest = '(unpurged vm_area)', rest[2:]
        elif rest[:1] == ['vm_map_ram']:
            words.add('vm_map_ram')
            caller, rest = '(vm_map_ram)', rest[1:]
        elif rest and '=' not in rest[0]:
            caller, rest = rest[0].split('+0x')[0], rest[1:]
        for w in rest:
            if w.startswith('[') and w.endswith(']'):
                module = w[1:-1]
            elif w.startswith('pages='):
                pages = int(w[6:])
            elif '=' not in w:
                words.add(w)
        areas.append((size, pages, vmalloc_kind(words), caller, module))
    return areas


def check_vmalloc(d, proc, sys_dir, page_size):
    text = read(os.path.join(proc, 'vmallocinfo'))
    if text is None:
        problems.append('no vmallocinfo: the view should have failed')
        return
    areas = vmalloc_areas(text)
    expect('page_size', d['page_size'], page_size)
    kb = lambda pages: pages * page_size // 1024
    t = d['totals']
    expect('totals.count', t['count'], len(areas))
    expect('totals.size_kb', t['size_kb'], sum(a[0] for a in areas) // 1024)
    expect('totals.pages_kb', t['pages_kb'], kb(sum(a[1] for a in areas)))
    kinds = {}
    for size, pages, k, _, _ in areas:
        c = kinds.setdefault(k, [0, 0, 0])
        c[0], c[1], c[2] = c[0] + 1, c[1] + size, c[2] + pages
    got = {r['kind']: [r['count'], r['size_kb'], r['pages_kb']] for r in d['by_kind']}
    want = {k: [c[0], c[1] // 1024, kb(c[2])] for k, c in kinds.items()}
    expect('by_kind', got, want)
    callers = {}
    for size, pages, _, caller, module in areas:
        c = callers.setdefault((caller, module), [0, 0, 0])
        c[0], c[1], c[2] = c[0] + 1, c[1] + size, c[2] + pages
    got = sorted((r['caller'], r['module'], r['count'], r['size_kb'], r['pages_kb'])
                 for r in d['callers'])
    want = sorted((k[0], k[1], c[0], c[1] // 1024, kb(c[2])) for k, c in callers.items())
    expect('callers', got, want)


# ---- CMA: meminfo's lines, sysfs mm/cma and debugfs cma ---------------------

def meminfo_kb(proc, key):
    text = read(os.path.join(proc, 'meminfo'))
    for line in (text or '').splitlines():
        name, _, rest = line.partition(':')
        if name == key:
            return int(rest.split()[0])
    return None


def one_value(path):
    text = read(path)
    return int(text.split()[0]) if text and text.split() else None


def check_cma(d, proc, sys_dir, page_size):
    mi = d['meminfo']
    for key, field in (('CmaTotal', 'cma_total_kb'), ('CmaFree', 'cma_free_kb'),
                       ('CmaAllocated', 'cma_allocated_kb'), ('CmaReleased', 'cma_released_kb')):
        expect(f'meminfo.{field}', mi[field], meminfo_kb(proc, key))
    if meminfo_kb(proc, 'CmaTotal') is None and not mi['reason']:
        problems.append('meminfo has no CmaTotal and the view does not say why')
    debugfs = os.path.join(sys_dir, 'kernel/debug/cma')
    sysfs = os.path.join(sys_dir, 'kernel/mm/cma')
    names = set()
    for top in (debugfs, sysfs):
        if os.path.isdir(top):
            names |= {n for n in os.listdir(top) if os.path.isdir(os.path.join(top, n))}
    expect('areas', sorted(a['name'] for a in d['areas']), sorted(names))
    if not names:
        why = d['areas_reason'] or ''
        if 'sys/kernel/mm/cma' not in why or 'sys/kernel/debug/cma' not in why:
            problems.append(f'no area, and areas_reason does not name both folders: {why!r}')
        expect('totals.size_kb', d['totals']['size_kb'], None)
    for a in d['areas']:
        dbg = os.path.join(debugfs, a['name'])
        count, used = one_value(os.path.join(dbg, 'count')), one_value(os.path.join(dbg, 'used'))
        if count is not None:
            expect(f'{a["name"]} size_kb', a['size_kb'], count * page_size // 1024)
        if used is not None:
            expect(f'{a["name"]} used_kb', a['used_kb'], used * page_size // 1024)
        ok = one_value(os.path.join(sysfs, a['name'], 'alloc_pages_success'))
        fail = one_value(os.path.join(sysfs, a['name'], 'alloc_pages_fail'))
        expect(f'{a["name"]} alloc_ok_pages', a['alloc_ok_pages'], ok)
        expect(f'{a["name"]} alloc_fail_pages', a['alloc_fail_pages'], fail)
        if count is None and a['size_kb'] is None and not a['missing']:
            problems.append(f'{a["name"]}: size unknown and nothing says why')


# ---- DMA-BUF: sysfs buffers, else debugfs bufinfo; fdinfo per process -------

def buffers(sys_dir):
    """{inode: size} of every buffer, and where from; None when no list."""
    top = os.path.join(sys_dir, 'kernel/dmabuf/buffers')
    if os.path.isdir(top):
        return {int(n): one_value(os.path.join(top, n, 'size')) for n in os.listdir(top)}, \
            'sysfs'
    text = read(os.path.join(sys_dir, 'kernel/debug/dma_buf/bufinfo'))
    if text is None:
        return None, None
    bufs = {}
    for line in text.splitlines():
        f = line.split()
        # size flags mode count exp_name ino [name]: numbers first
        if len(f) >= 6 and f[0].isdigit() and f[5].isdigit():
            bufs[int(f[5])] = int(f[0])
    return bufs, 'bufinfo'


def held(proc):
    """{pid: {inode: size}} from the fdinfo of every process."""
    out = {}
    for pid in filter(str.isdigit, os.listdir(proc) if os.path.isdir(proc) else []):
        fdinfo = os.path.join(proc, pid, 'fdinfo')
        try:
            fds = os.listdir(fdinfo)
        except OSError:  # not there, not allowed, or the process exited
            continue
        for fd in fds:
            fields = {}
            for line in (read(os.path.join(fdinfo, fd)) or '').splitlines():
                k, _, v = line.partition(':')
                fields[k.strip()] = v.strip()
            if 'exp_name' in fields and 'ino' in fields and 'size' in fields:
                out.setdefault(int(pid), {})[int(fields['ino'])] = int(fields['size'])
    return out


def check_dmabuf(d, proc, sys_dir, page_size):
    bufs, origin = buffers(sys_dir)
    holders = held(proc)
    expect('buffers_from', d['buffers_from'], origin)
    t = d['totals']
    if bufs is None:
        why = d['buffers_reason'] or ''
        if 'sys/kernel/dmabuf/buffers' not in why or 'bufinfo' not in why:
            problems.append(f'no buffer list, and buffers_reason does not name both: {why!r}')
        expect('totals.count', t['count'], None)
        expect('totals.size_kb', t['size_kb'], None)
        expect('totals.kernel_kb', t['kernel_kb'], None)
    else:
        expect('totals.count', t['count'], len(bufs))
        expect('totals.size_kb', t['size_kb'], sum(bufs.values()) // 1024)
        held_inodes = {i for h in holders.values() for i in h}
        expect('totals.kernel_kb', t['kernel_kb'],
               sum(s for i, s in bufs.items() if i not in held_inodes) // 1024)
    pids = [p for p in os.listdir(proc) if p.isdigit()] if os.path.isdir(proc) else []
    with_fdinfo = [p for p in pids if os.path.isdir(os.path.join(proc, p, 'fdinfo'))]
    ours = any(os.path.exists(os.path.join(proc, up, 'memscope-snapshot')) for up in ('.', '..'))
    if pids and not with_fdinfo and not ours:
        expect('processes_read (no fdinfo captured)', d['processes_read'], 0)
        expect('totals.held_kb (no fdinfo captured)', t['held_kb'], None)
        if not d['processes_reason']:
            problems.append('no fdinfo in the snapshot and processes_reason is null')
    sharers = {}
    for h in holders.values():
        for i in h:
            sharers[i] = sharers.get(i, 0) + 1
    want = {pid: (sum(h.values()), sum(s // sharers[i] for i, s in h.items()))
            for pid, h in holders.items()}
    got = {p['pid']: (p['rss_bytes'], p['pss_bytes']) for p in d['processes']}
    expect('processes (rss, pss bytes)', got, want)


def check_procrank(d, proc, sys_dir, page_size):
    """dmabuf_kb of each process: its buffers split among their holders,
    in whole bytes, then // 1024; null where its fds were not read (no
    fdinfo in a snapshot that is not memscope's)."""
    holders = held(proc)
    sharers = {}
    for h in holders.values():
        for i in h:
            sharers[i] = sharers.get(i, 0) + 1
    ours = any(os.path.exists(os.path.join(proc, up, 'memscope-snapshot')) for up in ('.', '..'))
    for p in d['processes']:
        pid, h = p['pid'], holders.get(p['pid'])
        if p['pss_kb'] is None:  # its smaps not read: nor its fds
            expect(f'pid {pid} dmabuf_kb', p['dmabuf_kb'], None)
        elif h is not None:
            expect(f'pid {pid} dmabuf_kb', p['dmabuf_kb'],
                   sum(s // sharers[i] for i, s in h.items()) // 1024)
        elif ours or os.path.isdir(os.path.join(proc, str(pid), 'fdinfo')):
            expect(f'pid {pid} dmabuf_kb', p['dmabuf_kb'], 0)
        elif os.path.isdir(os.path.join(proc, str(pid))):
            expect(f'pid {pid} dmabuf_kb', p['dmabuf_kb'], None)


def main():
    view, proc, sys_dir, page_size, path = sys.argv[1:6]
    with open(path, encoding='utf-8') as f:
        d = json.load(f)
    expect('view', d['view'], view)
    {'iomem': check_iomem, 'vmalloc': check_vmalloc, 'cma': check_cma,
     'dmabuf': check_dmabuf, 'procrank': check_procrank}[view](d, proc, sys_dir, int(page_size))
    for p in problems:
        print(p)
    if not problems:
        print('ok')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
