#!/usr/bin/env python3
"""The layer check (issue 10, ARCHITECTURE.md "Arrows point one way").

Reads the symbol tables (nm) of the library's and the program's object
files, finds for every undefined symbol the object that defines it, and
fails when a module calls into a layer it may not use:

    read, store, compute and render use only util and model (the data
    types they take and give); import orchestrates read, store and compute;
    analysis asks store and compute; cli and server use everything.

Each layer may use the layers listed for it in ALLOWED (and itself).
Usage: check_layers.py BUILD_DIR  (prints one line per wrong-way call)
"""
import os
import subprocess
import sys

ALLOWED = {
    "util": set(),
    "read": {"util", "model"},
    "model": {"util"},
    "store": {"util", "model"},
    "compute": {"util", "model"},
    "import": {"util", "read", "model", "store", "compute"},
    "analysis": {"util", "model", "store", "compute"},
    # Renderers take results: the model (names, labels, formats) and the
    # result types, never the store, compute or analysis functions.
    "render": {"util", "model"},
    "cli": {"util", "read", "model", "store", "compute", "import",
            "analysis", "render", "server"},
    "server": {"util", "read", "model", "store", "compute", "import",
               "analysis", "render"},
}


def layer_of(path):
    parts = path.replace("\\", "/").split("/")
    for i, p in enumerate(parts):
        if p == "src" and i + 1 < len(parts):
            return parts[i + 1]
        if p in ("cli", "server") and i > 0 and parts[i - 1].endswith(".dir"):
            return p
    return None


def objects(build):
    out = []
    for d in ("CMakeFiles/ampel_lib.dir", "CMakeFiles/ampel.dir"):
        root = os.path.join(build, d)
        for dp, _, files in os.walk(root):
            for f in files:
                if f.endswith(".o"):
                    full = os.path.join(dp, f)
                    rel = os.path.relpath(full, build)
                    lay = layer_of(rel)
                    if lay:
                        out.append((full, lay, rel))
    return out


def symbols(obj):
    r = subprocess.run(["nm", "--defined-only", "-g", obj],
                       capture_output=True, text=True, check=True)
    defined = {ln.split()[-1] for ln in r.stdout.splitlines()
               if len(ln.split()) >= 3}
    r = subprocess.run(["nm", "-u", obj], capture_output=True, text=True,
                       check=True)
    undefined = {ln.split()[-1] for ln in r.stdout.splitlines() if ln.strip()}
    return defined, undefined


def main():
    build = sys.argv[1]
    objs = objects(build)
    if not objs:
        print("layers: keine Objektdateien in %s" % build)
        print("layers: 0 passed, 1 failed")
        return 1
    where = {}
    uses = []
    for full, lay, rel in objs:
        d, u = symbols(full)
        for s in d:
            where[s] = (lay, rel)
        uses.append((lay, rel, u))
    bad = 0
    checked = 0
    for lay, rel, u in uses:
        for s in sorted(u):
            if s not in where:
                continue
            tl, trel = where[s]
            checked += 1
            if tl != lay and tl not in ALLOWED[lay]:
                bad += 1
                print("%s (%s) ruft %s aus %s (%s): gegen die Richtung"
                      % (rel, lay, s, trel, tl))
    print("layers: %d calls between modules checked" % checked)
    print("layers: %d passed, %d failed" % (checked - bad, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
