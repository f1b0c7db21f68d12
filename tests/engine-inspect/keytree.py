#!/usr/bin/env python3
# keytree.py REFERENCE.json SECTION EXTRAS < NOOK_INSPECT_JSON
# Every key of docker's object (REFERENCE[SECTION]) must be in nook's
# (recursively); nook's keys beyond docker's must be listed in EXTRAS
# (comma-separated dotted paths). Maps whose keys are data (network names,
# labels, log options) compare each docker entry's keys with each of nook's.
import json
import sys

DATA_MAPS = {"NetworkSettings.Networks", "Config.Labels", "HostConfig.LogConfig.Config",
             "NetworkSettings.Ports", "HostConfig.PortBindings", "Labels", "Options"}
ref = json.load(open(sys.argv[1]))[sys.argv[2]]
extras = set(filter(None, sys.argv[3].split(",")))
got = json.load(sys.stdin)
if isinstance(got, list):
    got = got[0]
problems = []


def walk(r, g, path):
    if isinstance(r, dict):
        if not isinstance(g, dict):
            if g is None and not r:
                return
            problems.append(f"{path or '.'}: docker has an object, nook {type(g).__name__}")
            return
        if path in DATA_MAPS:
            for rv in r.values():
                for gk, gv in g.items():
                    walk(rv, gv, f"{path}.{gk}")
            return
        for k, rv in r.items():
            if k == "_comment":
                continue
            p = f"{path}.{k}" if path else k
            if k not in g:
                problems.append(f"missing: {p}")
            else:
                walk(rv, g[k], p)
        for k in g:
            p = f"{path}.{k}" if path else k
            if k not in r and p not in extras:
                problems.append(f"extra (not a docker key, not listed as known): {p}")
    elif isinstance(r, list) and r and isinstance(r[0], dict) and isinstance(g, list) and g:
        for gv in g:
            walk(r[0], gv, path + "[]")


walk(ref, got, "")
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
