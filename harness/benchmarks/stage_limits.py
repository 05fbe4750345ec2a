"""make bench's per-stage rows: each stage's MB/s on the crawl beside the limit it cannot beat
on this machine, so the next speed work goes where the distance is largest.

  * html: libxml2's own HTML parser over the same pages, already UTF-8, with winnow's options
    and no callbacks (harness/benchmarks/libxml2_parse.c, built here with cc and pkg-config);
  * every other stage: a memchr scan (CPython's bytes.find, which is memchr) of the bytes the
    stage reads: the crawl's bytes for decode, the extracted text for the stages after html.

A stage's MB/s is those bytes over its own seconds in the run summary (median of the runs).
"""

import json
import statistics
import subprocess
import time
from pathlib import Path

from harness.common import ROOT

SOURCE = ROOT / "harness" / "benchmarks" / "libxml2_parse.c"


def build_parser(out):
    """The libxml2 parse program, compiled into `out` when missing or older than its source;
    None (with why) when there is no C compiler or pkg-config."""
    binary = out / "libxml2_parse"
    if binary.exists() and binary.stat().st_mtime >= SOURCE.stat().st_mtime:
        return binary, None
    try:
        flags = subprocess.run(["pkg-config", "--cflags", "--libs", "libxml-2.0"], capture_output=True, text=True, check=True).stdout.split()
        subprocess.run(["cc", "-O2", str(SOURCE), "-o", str(binary), *flags], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as err:
        return None, f"cannot build {SOURCE.name}: {getattr(err, 'stderr', '') or err}"
    return binary, None


def texts(winnow, pages, out, stages):
    """The text a pipeline of `stages` makes of `pages` (a winnow run with no gates): id → text."""
    pipeline = out / f"limits-{len(stages)}.yaml"
    pipeline.write_text("version: 1\nstages:\n" + "".join(f"  - {s}\n" for s in stages))
    output = out / f"limits-{len(stages)}.jsonl"
    subprocess.run([winnow, "run", str(pipeline), "--input", str(pages), "--output", str(output), "--rejects",
                    str(out / "limits-rejects.jsonl"), "--quiet", "--no-gates"], check=True)
    return {r["id"]: r["text"] for r in map(json.loads, open(output, encoding="utf-8"))}


def memchr_mb_s(data, repeat=5):
    """MB/s of a memchr scan for a byte absent from `data`, on one core (best of `repeat`)."""
    best = None
    for _ in range(repeat):
        started = time.perf_counter()
        data.find(b"\x00")
        seconds = time.perf_counter() - started
        best = seconds if best is None else min(best, seconds)
    return len(data) / 1e6 / max(best, 1e-9)


def libxml2_mb_s(parser, pages, out, cpu="1"):
    blob, index = out / "limits-pages.bin", out / "limits-pages.idx"
    encoded = [page.encode("utf-8") for page in pages]
    blob.write_bytes(b"".join(encoded))
    index.write_text("".join(f"{len(e)}\n" for e in encoded))
    runs = []
    for _ in range(3):
        result = subprocess.run(["taskset", "-c", cpu, str(parser), str(blob), str(index)], capture_output=True, text=True, check=True)
        _, size, seconds = result.stdout.split()
        runs.append(int(size) / 1e6 / float(seconds))
    return statistics.median(runs)


def rows(winnow, pages, out, crawl_bytes, summaries):
    """(stage, MB/s, limit name, limit MB/s) for each stage of the runs' summaries."""
    out.mkdir(parents=True, exist_ok=True)
    seconds = {}
    for summary in summaries:
        for stage in summary.get("stages", []):
            seconds.setdefault(stage["name"], []).append(stage["seconds"])
    decoded = texts(winnow, pages, out, ["decode: {}"])
    html_pages = [text for key, text in decoded.items() if key.endswith((".html", ".htm"))]
    extracted = texts(winnow, pages, out, ["decode: {}", "html: {}"])
    text_bytes = sum(len(t.encode("utf-8")) for t in extracted.values())
    html_bytes = sum(len(t.encode("utf-8")) for t in html_pages)
    scan = memchr_mb_s(b"".join(t.encode("utf-8") for t in decoded.values()))
    parser, why = build_parser(out)
    parse = libxml2_mb_s(parser, html_pages, out) if parser else None
    result = []
    for name, values in seconds.items():
        median = statistics.median(values)
        if name == "html":
            size = html_bytes
            limit = ("libxml2 parse", parse) if parse else (why, None)
        else:
            size = crawl_bytes if name == "decode" else text_bytes
            limit = ("memchr", scan)
        result.append({"stage": name, "mb": size / 1e6, "mb_s": size / 1e6 / median if median > 0 else None,
                       "limit": limit[0], "limit_mb_s": limit[1]})
    return result


def format_rows(result):
    lines = ["  per stage (--jobs 1; MB/s of the bytes the stage reads, beside what this machine cannot beat):",
             f"    {'stage':<12} {'MB read':>8} {'MB/s':>9}  {'limit':<14} {'MB/s':>9} {'of limit':>9}"]
    for row in result:
        share = f"{row['mb_s'] / row['limit_mb_s']:.3f}" if row["mb_s"] and row["limit_mb_s"] else "—"
        limit = f"{row['limit_mb_s']:.0f}" if row["limit_mb_s"] else "—"
        mb_s = f"{row['mb_s']:.0f}" if row["mb_s"] else "—"
        lines.append(f"    {row['stage']:<12} {row['mb']:>8.1f} {mb_s:>9}  {row['limit']:<14} {limit:>9} {share:>9}")
    return "\n".join(lines)
