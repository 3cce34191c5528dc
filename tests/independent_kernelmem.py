#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""An independent reading of /proc/iomem and /proc/vmallocinfo, for the
tests only: a few lines of Python sharing no code with memscope's parsers.

    independent_kernelmem.py iomem FILE        system RAM in kB, or "hidden"
    independent_kernelmem.py vmalloc FILE      "COUNT SIZE_BYTES PAGES"

iomem: the "System RAM" ranges not nested in another System RAM range,
end - start + 1 each, summed, then // 1024 (as ../shared/checks/contract.py
does). vmalloc: one area per non-blank line, the third field is its size,
pages=N summed over every line (as AOSP libmeminfo's ReadVmallocInfo).
"""
import re
import sys


def iomem(text):
    total, inside, nonzero = 0, -1, False
    for line in text.splitlines():
        m = re.match(r'^( *)([0-9a-fA-F]+)-([0-9a-fA-F]+) :(?: (.*))?$', line.rstrip('\r'))
        if not m:
            continue
        start, end = int(m.group(2), 16), int(m.group(3), 16)
        nonzero = nonzero or start or end
        depth = len(m.group(1)) // 2
        if inside >= 0 and depth > inside:
            continue
        inside = -1
        if m.group(4) == 'System RAM':
            total += end - start + 1
            inside = depth
    return str(total // 1024) if nonzero else 'hidden'


def vmalloc(text):
    count = size = pages = 0
    for line in text.splitlines():
        fields = line.split()
        if not fields:
            continue
        count += 1
        size += int(fields[1])
        for f in fields[2:]:
            if f.startswith('pages='):
                pages += int(f[6:])
    return f'{count} {size} {pages}'


def main():
    kind, path = sys.argv[1], sys.argv[2]
    with open(path, 'rb') as f:
        text = f.read().decode('utf-8', 'replace')
    print({'iomem': iomem, 'vmalloc': vmalloc}[kind](text))


if __name__ == '__main__':
    main()
