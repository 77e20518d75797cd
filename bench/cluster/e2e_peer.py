#!/usr/bin/python3
"""The peer of `ampel heatmap --tree` in bench/cluster/run.sh (end to end):
pandas reads the long-format values file, pivots it to areas x
indicators, scales every column to 0-1 as ampel does (METHODS.md 2.2:
(x - min) / (max - min), turned round for higher_is_worse), SciPy clusters
the rows (pdist + linkage), and the tree and the scaled matrix in leaf
order are written as CSV.

  e2e_peer.py VALUES.csv INDICATORS.csv METHOD TREE_OUT.csv MATRIX_OUT.csv
  e2e_peer.py compare TREE_AMPEL.csv TREE_PEER.csv
"""
import sys


def run(values, indicators, method, tree_out, matrix_out):
    import numpy as np
    import pandas as pd
    from scipy.cluster.hierarchy import leaves_list, linkage

    df = pd.read_csv(values, dtype={"area": str, "indicator": str,
                                    "period": str})
    pol = pd.read_csv(indicators).set_index("key")["polarity"]
    wide = df.pivot(index="area", columns="indicator", values="value")
    x = wide.to_numpy(dtype=np.float64)
    lo = np.nanmin(x, axis=0)
    rng = np.nanmax(x, axis=0) - lo
    s = (x - lo) / rng
    worse = (pol.reindex(wide.columns) == "higher_is_worse").to_numpy()
    s[:, worse] = 1.0 - s[:, worse]
    z = linkage(s, method, metric="euclidean")
    keys = wide.index.to_numpy()
    n = len(keys)

    def key(c):
        return keys[int(c)] if c < n else ""
    tree = pd.DataFrame({
        "step": np.arange(n - 1),
        "left": z[:, 0].astype(np.int64),
        "right": z[:, 1].astype(np.int64),
        "height": z[:, 2],
        "size": z[:, 3].astype(np.int64),
        "left_key": [key(c) for c in z[:, 0]],
        "right_key": [key(c) for c in z[:, 1]],
    })
    tree.to_csv(tree_out, index=False)
    order = leaves_list(z)
    pd.DataFrame(s[order], index=keys[order],
                 columns=wide.columns).to_csv(matrix_out)


def compare(a_path, b_path):
    """Same merges (ids and sizes) and the largest relative height
    difference."""
    import numpy as np
    import pandas as pd
    a = pd.read_csv(a_path)
    b = pd.read_csv(b_path)
    same = (len(a) == len(b) and
            (a[["left", "right", "size"]].to_numpy() ==
             b[["left", "right", "size"]].to_numpy()).all())
    ha, hb = a["height"].to_numpy(), b["height"].to_numpy()
    scale = np.maximum(np.abs(ha), np.abs(hb))
    scale[scale == 0] = 1.0
    rel = float(np.max(np.abs(ha - hb) / scale)) if len(a) == len(b) else 1.0
    print("%.1e %s" % (rel, "same" if same else "differs"))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "compare":
        compare(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 6:
        run(*sys.argv[1:])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
