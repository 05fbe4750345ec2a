#!/usr/bin/env python3
"""make report-check: render a run report in headless Chromium and check that it rendered.

    python3 Tests/report_check.py --winnow .build/debug/winnow [--chromium chromium]

Runs pipelines/ko-news.yaml on samples/ with --report out/report.html, screenshots the page at
1200x1800 with `chromium --headless --screenshot`, and checks the PNG: the expected size, and
not blank (many distinct pixel values; dark pixels for text and bars).

Then checks that Hangul is readable in the report's font stack: a probe page draws Korean
syllables and a missing character (U+10FFFD, no font has it) on a canvas in that stack and
compares their pixels and widths. When every syllable is drawn as the same box as the missing
character, Chromium found no Korean font: the check fails. It first runs the probe with the
Korean fonts hidden from fontconfig (FONTCONFIG_FILE naming a folder of the other fonts) and
requires it to see boxes there, so the probe is known to fail when it should.

Python standard library only (the PNG is decoded with zlib). Exit 0 when it rendered, 1 when not.
"""
import argparse
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
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


# Syllables from the report's own words (보고서, 중복, 문서) and a missing character.
HANGUL = "보고서중복문"
MISSING = "\U0010FFFD"
PROBE = """<!doctype html><meta charset="utf-8"><body><pre id="out">no result</pre><script>
const font = '28px ' + FONT_STACK;
const canvas = document.createElement('canvas'); canvas.width = 64; canvas.height = 48;
const g = canvas.getContext('2d');
function draw(ch) {
  g.fillStyle = '#fff'; g.fillRect(0, 0, 64, 48); g.fillStyle = '#000';
  g.font = font; g.textBaseline = 'top'; g.fillText(ch, 4, 4);
  const d = g.getImageData(0, 0, 64, 48).data;
  let ink = 0, bits = '';
  for (let i = 0; i < d.length; i += 4) { const on = d[i] < 128; ink += on; bits += on ? '1' : '0'; }
  return {ch: ch, width: g.measureText(ch).width, ink: ink, bits: bits};
}
document.getElementById('out').textContent = JSON.stringify(Array.from(CHARS).map(draw));
</script>"""


def font_stack(report_html):
    """The family list of the report's body font (`font:14px/1.45 A,B,…`)."""
    found = re.search(r"body\{font:[0-9.]+px/[0-9.]+ ([^;}]+)", report_html)
    assert found, "no body font in the report's CSS"
    return found.group(1)


def probe_hangul(chromium, stack, workdir, env=None):
    """Draws HANGUL and MISSING in `stack`; returns (readable, message)."""
    page = workdir / "hangul-probe.html"
    page.write_text(PROBE.replace("FONT_STACK", json.dumps(stack)).replace("CHARS", json.dumps(HANGUL + MISSING)),
                    encoding="utf-8")
    r = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.as_uri()],
                       capture_output=True, text=True, timeout=120, env=env)
    found = re.search(r'<pre id="out">(.*?)</pre>', r.stdout, re.S)
    if not found or not found.group(1).startswith("["):
        return False, f"the probe page gave no result (chromium exit {r.returncode}): {r.stderr[-300:]}"
    drawn = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    box = drawn[-1]
    syllables = drawn[:-1]
    boxes = [d["ch"] for d in syllables if d["bits"] == box["bits"] or d["ink"] == 0]
    distinct = len({d["bits"] for d in syllables})
    widths = ", ".join(f"{d['width']:.1f}" for d in syllables)
    message = (f"{len(syllables) - len(boxes)} of {len(syllables)} syllables drawn as glyphs, {distinct} distinct shapes, "
               f"widths {widths} px (missing-glyph box {box['width']:.1f} px)")
    return not boxes and distinct == len(syllables), message


def fonts_without_korean(workdir):
    """A fontconfig file that sees only this machine's fonts that have no Korean."""
    listed = subprocess.run(["fc-list", "--format", "%{file}\n"], capture_output=True, text=True).stdout.split()
    korean = set(subprocess.run(["fc-list", ":lang=ko", "--format", "%{file}\n"],
                                capture_output=True, text=True).stdout.split())
    folder = workdir / "fonts-without-korean"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for i, path in enumerate(sorted(set(listed) - korean)):
        (folder / f"{i}-{Path(path).name}").symlink_to(path)
    conf = workdir / "fonts-without-korean.conf"
    conf.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>{folder}</dir><cachedir>{workdir / "fontconfig-cache"}</cachedir></fontconfig>
""", encoding="utf-8")
    return conf


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
    # Hangul in the report's font stack: first with the Korean fonts hidden (the probe must see
    # boxes), then as the report is shown.
    stack = font_stack(report.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        hidden_env = dict(os.environ, FONTCONFIG_FILE=str(fonts_without_korean(Path(tmp))))
        hidden_ok, hidden = probe_hangul(a.chromium, stack, Path(tmp), hidden_env)
    print(f"report-check: Hangul with the Korean fonts hidden: {hidden}")
    if hidden_ok:
        print("report-check: the Hangul probe saw glyphs with no Korean font: it cannot tell glyphs from boxes")
        ok = False
    hangul_ok, shown = probe_hangul(a.chromium, stack, out)
    print(f"report-check: Hangul in the report's fonts ({stack}): {shown}")
    if not hangul_ok:
        print("report-check: Hangul renders as missing-glyph boxes: install a Korean font "
              "(Debian: fonts-noto-cjk; make report-check installs it when run as root)")
        ok = False
    print(f"report-check: {png} {width}x{height}, {len(colors)} distinct colours and {dark} dark pixels sampled, "
          f"Hangul {'readable' if hangul_ok else 'as boxes'}: " + ("rendered" if ok else "NOT rendered as expected"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
