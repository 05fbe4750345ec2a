#!/usr/bin/env python3
"""make report-check: render a run report in headless Chromium and check that it rendered.

    python3 Tests/report_check.py --winnow .build/debug/winnow [--chromium chromium]

Runs pipelines/ko-news.yaml on samples/ with --report out/report.html, screenshots the page at
1200x1800 with `chromium --headless --screenshot`, and checks the PNG: the expected size, and
not blank (many distinct pixel values; dark pixels for text and bars). Python standard library
only (the PNG is decoded with zlib). Exit 0 when it rendered, 1 when not.
"""
import argparse
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def png_pixels(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, width, height, color, depth, idat = 8, 0, 0, 0, 0, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", chunk[:10])
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    channels = {2: 3, 6: 4, 0: 1, 4: 2}[color]
    assert depth == 8, f"bit depth {depth}"
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        kind = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = prev[x]
            c = prev[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, channels, rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--winnow", default=".build/debug/winnow")
    ap.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser") or "chromium")
    a = ap.parse_args()
    out = ROOT / "out"
    out.mkdir(exist_ok=True)
    report, png = out / "report.html", out / "report.png"
    png.unlink(missing_ok=True)
    r = subprocess.run([a.winnow, "run", "pipelines/ko-news.yaml", "--report", str(report), "--quiet"], cwd=ROOT)
    if r.returncode != 0:
        print(f"report-check: winnow exited {r.returncode}")
        return 1
    r = subprocess.run([a.chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        "--window-size=1200,1800", f"--screenshot={png}", report.as_uri()],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    if not png.exists():
        print(f"report-check: chromium wrote no screenshot (exit {r.returncode}): {r.stderr[-400:]}")
        return 1
    width, height, channels, rows = png_pixels(png)
    colors = set()
    dark = 0
    for row in rows[::4]:
        for x in range(0, len(row), channels * 4):
            px = row[x:x + 3]
            colors.add(px)
            if sum(px) < 200:
                dark += 1
    ok = (width, height) == (1200, 1800) and len(colors) >= 20 and dark >= 500
    print(f"report-check: {png} {width}x{height}, {len(colors)} distinct colours and {dark} dark pixels sampled: "
          + ("rendered" if ok else "NOT rendered as expected"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
