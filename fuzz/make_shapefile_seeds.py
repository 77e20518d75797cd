#!/usr/bin/python3
"""Seed corpus for fuzz/fuzz_shapefile.c (issue 16).

Writes small Shapefiles (written here byte by byte after the ESRI
Shapefile Technical Description and dBASE III+, independent of shapelib)
packed into the fuzz target's container into fuzz/corpus/shapefile/:

    for each part in the order .shp .shx .dbf .prj .cpg:
        4 bytes little-endian length (0xFFFFFFFF: the part is absent),
        then that many bytes
    (an input that ends early leaves the remaining parts absent; a length
    beyond the end is cut to what is there)

The output is deterministic; commit it together with this script:

    /usr/bin/python3 fuzz/make_shapefile_seeds.py
"""
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                   "corpus", "shapefile")
ABSENT = 0xFFFFFFFF
PRJ = ('PROJCS["ETRS_1989_UTM_Zone_32N",GEOGCS["GCS_ETRS_1989",'
       'DATUM["D_ETRS_1989",SPHEROID["GRS_1980",6378137.0,298.257222101]],'
       'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],'
       'PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],'
       'PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",9.0],'
       'PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],'
       'UNIT["Meter",1.0]]')


def square(x0, y0, size, clockwise=True):
    pts = [(x0, y0), (x0, y0 + size), (x0 + size, y0 + size),
           (x0 + size, y0), (x0, y0)]
    return pts if clockwise else pts[::-1]


def record_content(shape_type, rings, z=False, m=False):
    """Content of one polygon record (rings: lists of (x, y)); None: null."""
    if rings is None:
        return struct.pack("<i", 0)
    pts = [p for r in rings for p in r]
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    out = struct.pack("<i4d2i", shape_type, min(xs), min(ys), max(xs),
                      max(ys), len(rings), len(pts))
    start = 0
    for r in rings:
        out += struct.pack("<i", start)
        start += len(r)
    for x, y in pts:
        out += struct.pack("<2d", x, y)
    if z:
        zs = [float(i) for i in range(len(pts))]
        out += struct.pack("<2d", min(zs), max(zs))
        out += struct.pack("<%dd" % len(zs), *zs)
    if m:
        out += struct.pack("<2d", 0.0, 1.0)
        out += struct.pack("<%dd" % len(pts), *([0.5] * len(pts)))
    return out


def shp_shx(shape_type, shapes, z=False, m=False):
    contents = [record_content(shape_type, s, z, m) for s in shapes]
    allpts = [p for s in shapes if s for r in s for p in r] or [(0, 0)]
    box = (min(p[0] for p in allpts), min(p[1] for p in allpts),
           max(p[0] for p in allpts), max(p[1] for p in allpts))
    body, index, off = b"", b"", 100
    for i, c in enumerate(contents):
        body += struct.pack(">2i", i + 1, len(c) // 2) + c
        index += struct.pack(">2i", off // 2, len(c) // 2)
        off += 8 + len(c)

    def header(length):
        return (struct.pack(">7i", 9994, 0, 0, 0, 0, 0, length // 2) +
                struct.pack("<2i4d4d", 1000, shape_type, *box, 0, 0, 0, 0))
    return (header(100 + len(body)) + body,
            header(100 + len(index)) + index)


def dbf(fields, rows, ldid=0x57):
    """fields: [(name, type, width)], rows: [[bytes]]."""
    hl = 32 + 32 * len(fields) + 1
    rl = 1 + sum(w for _, _, w in fields)
    out = struct.pack("<B3BIHH17xB2x", 3, 126, 1, 1, len(rows), hl, rl, ldid)
    for name, typ, width in fields:
        out += struct.pack("<11sc4xBB14x", name.encode(), typ.encode(), width,
                           0)
    out += b"\r"
    for row in rows:
        out += b" "
        for (_, _, width), v in zip(fields, row):
            out += v[:width].ljust(width, b" ")
    return out + b"\x1a"


def pack(parts):
    out = b""
    for p in parts:
        if p is None:
            out += struct.pack("<I", ABSENT)
        else:
            out += struct.pack("<I", len(p)) + p
    return out


def write(name, parts):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(pack(parts))


def main():
    os.makedirs(OUT, exist_ok=True)
    fields = [("id", "C", 8), ("name", "C", 20)]
    two = [[square(356000, 5645000, 1000)], [square(357000, 5645000, 1000)]]
    rows = [[b"A", b"Nord"], [b"B", "Süd".encode("cp1252")]]
    shp, shx = shp_shx(5, two)
    write("two_squares.bin", [shp, shx, dbf(fields, rows), PRJ.encode(), None])
    utf8 = [[b"A", b"Nord"], [b"B", "Süd".encode()]]
    write("utf8_cpg.bin", [shp, shx, dbf(fields, utf8, 0), None, b"UTF-8\n"])
    hole = [[square(0, 0, 10), square(2, 2, 3, clockwise=False)],
            [square(20, 0, 5), square(30, 0, 5)]]
    shp, shx = shp_shx(5, hole)
    write("hole_and_multi.bin", [shp, shx, dbf(fields, rows), None, None])
    shp, shx = shp_shx(15, two, z=True, m=True)
    write("polygonz.bin", [shp, shx, dbf(fields, rows), PRJ.encode(), None])
    shp, shx = shp_shx(25, two, m=True)
    write("polygonm.bin", [shp, shx, dbf(fields, rows), None, None])
    shp, shx = shp_shx(5, [two[0], None])
    write("null_shape.bin", [shp, shx, dbf(fields, rows), None, None])
    shp, shx = shp_shx(5, [])
    write("empty.bin", [shp, shx, dbf(fields, []), None, None])
    shp, shx = shp_shx(5, two)
    cut = dbf(fields, rows)
    write("truncated_dbf.bin", [shp, shx, cut[:-10], None, None])
    write("no_dbf.bin", [shp, shx])


if __name__ == "__main__":
    main()
