#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""check-json.py PLAN: the JSON side of tests/test_hostile.c and test_safety.c.

Each PLAN line is "LABEL<TAB>FILE<TAB>EXPR": FILE must hold one JSON value
in valid UTF-8 (RFC 8259), and EXPR, when not empty, is a Python expression
on d (the parsed value) that must be true. Prints one line per failure and
exits 1 if there was any. Test-only code.
"""

import json
import sys


def check(label, path, expr):
    try:
        with open(path, encoding="utf-8", errors="strict") as f:
            d = json.load(f)
    except (OSError, ValueError) as e:
        return "%s: not valid JSON: %s" % (label, e)
    if not expr:
        return None
    try:
        ok = eval(expr, {"d": d})
    except Exception as e:  # a missing key is a failed check, not a crash
        return "%s: %s: raised %r" % (label, expr, e)
    return None if ok else "%s: false: %s" % (label, expr)


def main(plan):
    bad = 0
    with open(plan, encoding="utf-8") as f:
        for line in f:
            label, path, expr = line.rstrip("\n").split("\t", 2)
            why = check(label, path, expr)
            if why:
                print(why)
                bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
