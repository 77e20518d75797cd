#!/usr/bin/python3
"""SciPy side of bench/cluster/run.sh (run with /usr/bin/python3).

  bench_scipy.py gen OUT.f64 ROWS COLS SEED   random matrix, native doubles
  bench_scipy.py run MATRIX.f64 ROWS COLS METHOD [Z_OUT.f64]
        time scipy.cluster.hierarchy.linkage(X, METHOD, metric='euclidean')
        and print "scipy METHOD ROWS COLS SECONDS"
  bench_scipy.py compare Z_AMPEL.f64 Z_SCIPY.f64 ROWS
        print the largest relative height difference and whether the
        linkage matrices have the same ids and sizes
"""
import sys
import time

import numpy as np


def load(path, rows, cols):
    return np.fromfile(path, dtype=np.float64).reshape(rows, cols)


def main(argv):
    cmd = argv[1]
    if cmd == "gen":
        rows, cols, seed = int(argv[3]), int(argv[4]), int(argv[5])
        np.random.default_rng(seed).random((rows, cols)).tofile(argv[2])
        return 0
    if cmd == "run":
        from scipy.cluster.hierarchy import linkage
        rows, cols, method = int(argv[3]), int(argv[4]), argv[5]
        x = load(argv[2], rows, cols)
        t0 = time.perf_counter()
        z = linkage(x, method, metric="euclidean")
        t1 = time.perf_counter()
        print("scipy %s %d %d %.3f" % (method, rows, cols, t1 - t0))
        if len(argv) > 6:
            z.tofile(argv[6])
        return 0
    if cmd == "compare":
        rows = int(argv[4])
        a = load(argv[2], rows - 1, 4)
        b = load(argv[3], rows - 1, 4)
        ha, hb = np.sort(a[:, 2]), np.sort(b[:, 2])
        scale = np.maximum(np.abs(ha), np.abs(hb))
        scale[scale == 0] = 1.0
        rel = float(np.max(np.abs(ha - hb) / scale))
        same = bool(np.array_equal(a[:, [0, 1, 3]], b[:, [0, 1, 3]]))
        print("%.1e %s" % (rel, "same" if same else "differs"))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
