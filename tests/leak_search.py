#!/usr/bin/python3
"""Searches files for values that disclosure control must hide
(tests/run_disclosure_leak.sh). Usage: leak_search.py NEEDLES_FILE FILE...
Each needle line is `label<TAB>text`. Exits 1 when any needle occurs."""
import sys

def main():
    needles = []
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                label, text = line.split("\t", 1)
                needles.append((label, text.encode("utf-8")))
    found = 0
    for path in sys.argv[2:]:
        with open(path, "rb") as f:
            data = f.read()
        for label, text in needles:
            pos = data.find(text)
            if pos >= 0:
                ctx = data[max(0, pos - 60):pos + 60].decode("utf-8", "replace")
                print(f"LEAK {label}: '{text.decode()}' in {path}: …{ctx}…")
                found += 1
    print(f"leak search: {len(sys.argv) - 2} files, {len(needles)} needles, "
          f"{found} leaks")
    return 1 if found else 0

sys.exit(main())
