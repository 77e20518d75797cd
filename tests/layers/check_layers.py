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
       check_layers.py --selftest BUILD_DIR
  The self-test proves that the check can fail: it compiles (cc -c) a tiny
  probe named src/render/layers_probe.c that calls one compute function
  and one model function, checks it together with the real objects, and
  passes only when exactly one new violation is reported: the probe's
  call into compute.
"""
import os
import shutil
import subprocess
import sys
import tempfile

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


def source_dir(build):
    """The source tree of a build directory (CMakeCache.txt), or None."""
    try:
        with open(os.path.join(build, "CMakeCache.txt")) as f:
            for line in f:
                if line.startswith("CMAKE_HOME_DIRECTORY:"):
                    return line.split("=", 1)[1].strip()
    except OSError:
        pass
    return None


def objects(build):
    """The objects of the library and the program whose source still
    exists (a build tree keeps the object of a moved or deleted file)."""
    out = []
    src = source_dir(build)
    for d in ("CMakeFiles/ampel_lib.dir", "CMakeFiles/ampel.dir"):
        root = os.path.join(build, d)
        for dp, _, files in os.walk(root):
            for f in files:
                if f.endswith(".o"):
                    full = os.path.join(dp, f)
                    rel = os.path.relpath(full, build)
                    lay = layer_of(rel)
                    c_file = os.path.relpath(full, root)[:-2]  # x.c.o -> x.c
                    if src and c_file.endswith(".c") and not os.path.exists(
                            os.path.join(src, c_file)):
                        continue
                    if lay:
                        out.append((full, lay, rel))
    return out


def symbols_many(paths):
    """{path: (defined, undefined)} for the global symbols of the objects,
    from one nm call per 200 files (nm heads each file's part "PATH:")."""
    out = {p: (set(), set()) for p in paths}
    for k in range(0, len(paths), 200):
        chunk = paths[k:k + 200]
        r = subprocess.run(["nm", "-g"] + chunk, capture_output=True,
                           text=True, check=True)
        cur = chunk[0] if len(chunk) == 1 else None
        for ln in r.stdout.splitlines():
            if ln.endswith(":") and ln[:-1] in out:
                cur = ln[:-1]
                continue
            f = ln.split()
            if cur is None or len(f) < 2:
                continue
            if f[-2] == "U" or f[-2] == "w" or f[-2] == "v":
                out[cur][1].add(f[-1])
            elif len(f) >= 3:
                out[cur][0].add(f[-1])
    return out


def check(objs):
    """Returns (calls checked, wrong-way calls as (rel, layer, symbol,
    target rel, target layer)) for objs = [(path, layer, rel), ...]."""
    where = {}
    uses = []
    syms = symbols_many([full for full, _, _ in objs])
    for full, lay, rel in objs:
        d, u = syms[full]
        for s in d:
            where[s] = (lay, rel)
        uses.append((lay, rel, u))
    bad = []
    checked = 0
    for lay, rel, u in uses:
        for s in sorted(u):
            if s not in where:
                continue
            tl, trel = where[s]
            checked += 1
            if tl != lay and tl not in ALLOWED[lay]:
                bad.append((rel, lay, s, trel, tl))
    return checked, bad


def report(bad):
    for rel, lay, s, trel, tl in bad:
        print("%s (%s) ruft %s aus %s (%s): gegen die Richtung"
              % (rel, lay, s, trel, tl))


PROBE_CALLEE = "ampel_lights_release"  # compute (src/compute/lightstable.c)
PROBE_ALLOWED = "ampel_light_name"     # model (src/model/labels.c)
PROBE = """/* layers self-test probe: a renderer that calls compute. */
struct ampel_lights;
void %s(struct ampel_lights *l);
const char *%s(int light);
const char *layers_probe(struct ampel_lights *l);
const char *layers_probe(struct ampel_lights *l) {
  %s(l);
  return %s(0);
}
""" % (PROBE_CALLEE, PROBE_ALLOWED, PROBE_CALLEE, PROBE_ALLOWED)


def selftest(build):
    objs = objects(build)
    if not objs:
        print("layers selftest: keine Objektdateien in %s" % build)
        return 1
    tmp = tempfile.mkdtemp(prefix="layers-selftest-")
    try:
        rel = os.path.join("selftest", "src", "render", "layers_probe.c.o")
        full = os.path.join(tmp, rel)
        os.makedirs(os.path.dirname(full))
        src = os.path.join(tmp, "layers_probe.c")
        with open(src, "w") as f:
            f.write(PROBE)
        cc = os.environ.get("CC", "cc")
        subprocess.run([cc, "-c", "-o", full, src], check=True)
        if layer_of(rel) != "render":
            print("layers selftest: probe %s not seen as render" % rel)
            return 1
        _, before = check(objs)
        _, after = check(objs + [(full, "render", rel)])
    finally:
        shutil.rmtree(tmp)
    new = [b for b in after if b not in before]
    want = [(rel, "render", PROBE_CALLEE)]
    got = [(b[0], b[1], b[2]) for b in new]
    ok = got == want and new[0][4] == "compute" and len(after) == len(before) + 1
    if not ok:
        print("layers selftest: FAILED: expected exactly %s, got:" % want)
        report(new)
        return 1
    print("layers selftest: ok: the probe's call %s (render -> compute) is "
          "reported, its call %s (render -> model) is not" %
          (PROBE_CALLEE, PROBE_ALLOWED))
    return 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--selftest":
        return selftest(sys.argv[2])
    if len(sys.argv) != 2:
        print("usage: check_layers.py [--selftest] BUILD_DIR")
        return 2
    build = sys.argv[1]
    objs = objects(build)
    if not objs:
        print("layers: keine Objektdateien in %s" % build)
        print("layers: 0 passed, 1 failed")
        return 1
    checked, bad = check(objs)
    report(bad)
    print("layers: %d calls between modules checked" % checked)
    print("layers: %d passed, %d failed" % (checked - len(bad), len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
