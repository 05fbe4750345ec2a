#!/usr/bin/env python3
"""winnow web bench: pages/s of the HTML pipeline on generated, markup-heavy article pages.

    python3 -m harness.benchmarks.web                                  # generate the pages only
    python3 -m harness.benchmarks.web --winnow .build/release/winnow   # ... and time pipelines/web.yaml
    python3 -m harness.benchmarks.web --libxml2-baseline               # ... and time lxml's bare parse

Options: --pages N (300), --seed S (20240601), --page-kb K (170, mean page size),
--out DIR (bench-data/web; pages go to DIR/pages/), --pipeline FILE (pipelines/web.yaml), --jobs LIST (1,<nproc>),
--repeat N (3, the median is reported), --results FILE (out/eval/web-bench/results.json).

The pages come from harness/corpus/web_pages.py: --page-kb KB (0.9x-1.1x) UTF-8 news and blog
article pages, markup-heavy as real CMS output is, in four page families and eight languages,
byte-identical for the same --seed/--pages/--page-kb. They are written to bench-data/web/pages/
(git-ignored); bench-data/web/stamp.json records the parameters and the pages are reused while
it matches. Beside pages/, manifest.jsonl holds each page's body lines, title, published and
authors. After a winnow run the bench scores the output against it (body recall and precision
by lines as harness/scoring/lines.py counts them, exact pages, metadata matches), so a
speed-up that loses text shows.

Timings are wall time around the whole winnow process (start-up and output included) with
--quiet; peak RSS is the child's own. --libxml2-baseline reads every page into memory and
times lxml.etree.fromstring(page, HTMLParser(encoding="utf-8")) over all of them in one
Python process, one core: a floor for "parse the HTML and nothing else". It is skipped with
a note when lxml is not importable; the rest of this script needs only the standard library.

--peers turbohtml,resiliparse times those extractors on the same pages (installed in
.venv-public/ at make eval-public's pins; their loop over the pages in memory, one core, after
a warm-up page) and scores their text the same way.

Exit status: 0 when every requested run succeeded, 1 when a winnow run failed, 2 on bad
usage (no winnow binary, no pipeline file).
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from harness.common import MB, ROOT, cpu_count, logger, run_measured, tail
from harness.corpus.web_pages import ensure_pages
from harness.scoring import lines as body_lines

log = logger("web_bench")


# --- measurements --------------------------------------------------------------------------------


def score(output_path, manifest_path):
    """How much of each page's body the output kept, and how much else it kept."""
    expected = {}
    with open(manifest_path, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            expected[record["id"]] = record
    got = {}
    if output_path.exists():
        with open(output_path, encoding="utf-8") as f:
            for line in f:
                record = json.loads(line)
                got[Path(str(record.get("id", ""))).name] = record
    matched = out_chars = truth_chars = exact = 0
    meta = {"title": [0, 0], "published": [0, 0], "authors": [0, 0]}
    for page_id, want in expected.items():
        record = got.get(page_id)
        page = body_lines.page(want["text_lines"], (record or {}).get("text"))
        matched, out_chars, truth_chars = matched + page.matched, out_chars + page.out_chars, truth_chars + page.truth_chars
        exact += body_lines.lines_of((record or {}).get("text")) == want["text_lines"]
        for key in meta:
            if record is not None and key in record:
                meta[key][0] += record[key] == want[key]
                meta[key][1] += 1
    precision, recall, _ = body_lines.prf(matched, out_chars, truth_chars)
    return {"pages": len(expected), "records": len(got), "line_recall": recall, "line_precision": precision,
            "exact_pages": exact, "metadata": {k: {"correct": c, "present": p} for k, (c, p) in meta.items()}}


def bench_winnow(args, files, total_bytes, out_dir):
    if not Path(args.winnow).is_file() or not os.access(args.winnow, os.X_OK):
        log(f"no winnow binary at {args.winnow} (build it with `swift build -c release`)")
        return None, 2
    pipeline = Path(args.pipeline)
    if not (ROOT / pipeline).exists() and not pipeline.exists():
        log(f"no pipeline file {pipeline}: pass --pipeline FILE")
        return None, 2
    results, status = [], 0
    for jobs in args.jobs:
        output = out_dir / f"clean-j{jobs}.jsonl"
        argv = [str(Path(args.winnow).resolve()), "run", str(pipeline), "--input", str(args.out / "pages"),
                "--output", str(output.resolve()), "--rejects", str((out_dir / f"rejects-j{jobs}.jsonl").resolve()),
                "--jobs", str(jobs), "--quiet", "--summary-json", str((out_dir / f"summary-j{jobs}.json").resolve())]
        runs = []
        for attempt in range(args.repeat):
            log_path = out_dir / f"winnow-j{jobs}.log"
            code, seconds, _, rss = run_measured(argv, log_path)
            rss /= 1024 * 1024
            if code != 0:
                log(f"winnow --jobs {jobs} failed (exit {code}):\n{tail(log_path, 4000)}")
                status = 1
                break
            runs.append((seconds, rss))
        if not runs:
            continue
        seconds = statistics.median(s for s, _ in runs)
        row = {"jobs": jobs, "runs": [round(s, 4) for s, _ in runs], "seconds": round(seconds, 4),
               "pages_per_s": round(len(files) / seconds, 1), "mb_per_s": round(total_bytes / MB / seconds, 2),
               "peak_rss_mb": round(max(r for _, r in runs), 1)}
        try:
            summary = json.loads((out_dir / f"summary-j{jobs}.json").read_text())
            row["stage_seconds"] = {s["name"]: round(s["seconds"], 4) for s in summary.get("stages", [])}
            row["kept"], row["rejected"] = summary.get("kept"), summary.get("rejected")
        except (OSError, ValueError, KeyError, TypeError):
            pass
        row["quality"] = score(output, args.out / "manifest.jsonl")
        results.append(row)
    return results, status


def bench_lxml(files, total_bytes, repeat):
    try:
        from lxml import etree
    except ImportError:
        log("--libxml2-baseline: lxml is not importable here; skipped (python3 -m pip install lxml)")
        return None
    pages = [f.read_bytes() for f in files]
    parser = etree.HTMLParser(encoding="utf-8")
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        for data in pages:
            etree.fromstring(data, parser)
        times.append(time.perf_counter() - started)
    seconds = statistics.median(times)
    return {"lxml": ".".join(map(str, etree.LXML_VERSION)), "libxml2": ".".join(map(str, etree.LIBXML_VERSION)),
            "runs": [round(t, 4) for t in times], "seconds": round(seconds, 4), "pages_per_s": round(len(pages) / seconds, 1),
            "mb_per_s": round(total_bytes / MB / seconds, 2), "jobs": 1}


PEER_VENV = ".venv-public"  # the same virtualenv and pins as make eval-public
PEER_PINS = {"turbohtml": "turbohtml==1.15.4", "resiliparse": "resiliparse==2.0.0"}


def bench_peers(args, files, total_bytes, out_dir):
    """The fastest extractors people install, on the same pages, one core: each peer's
    pages/s (its loop over the pages in memory, after a warm-up page; imports and reading
    not timed, median of --repeat passes) and its text scored as winnow's is."""
    from harness.peers import venv
    python, found = venv.ensure(PEER_VENV, [PEER_PINS[p] for p in args.peers], log, modules=list(args.peers))
    if python is None:
        log(f"peers skipped: {found}")
        return []
    # The peers' runner reads SET/items.jsonl and SET/pages/ID.
    folder = out_dir / "peer-set"
    (folder / "pages").mkdir(parents=True, exist_ok=True)
    with open(folder / "items.jsonl", "w", encoding="utf-8") as f:
        for path in files:
            link = folder / "pages" / path.name
            if not link.exists():
                link.symlink_to(path.resolve())
            f.write(json.dumps({"id": path.name}) + "\n")
    rows = []
    for peer in args.peers:
        seconds, result = [], None
        for attempt in range(args.repeat):
            answer = out_dir / f"peer-{peer}.json"
            r = subprocess.run([str(python), "-m", "harness.peers.public", str(folder), peer, str(answer)], cwd=ROOT,
                               capture_output=True, text=True)
            if r.returncode != 0:
                log(f"{peer} failed: {r.stderr.strip()[-400:]}")
                break
            result = json.loads(answer.read_text())
            seconds.append(result["seconds"])
        if not seconds:
            continue
        output = out_dir / f"peer-{peer}.jsonl"
        with open(output, "w", encoding="utf-8") as f:
            for page_id, got in result["outputs"].items():
                f.write(json.dumps({"id": page_id, "text": got.get("text") or ""}, ensure_ascii=False) + "\n")
        median = statistics.median(seconds)
        rows.append({"peer": peer, "version": result["version"], "runs": [round(s, 4) for s in seconds],
                     "seconds": round(median, 4), "pages_per_s": round(len(files) / median, 1),
                     "mb_per_s": round(total_bytes / MB / median, 2), "quality": score(output, args.out / "manifest.jsonl")})
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--page-kb", type=float, default=170.0)
    parser.add_argument("--out", type=Path, default=ROOT / "bench-data" / "web")
    parser.add_argument("--winnow", help="winnow binary to time (e.g. .build/release/winnow)")
    parser.add_argument("--pipeline", default="pipelines/web.yaml")
    parser.add_argument("--jobs", default=f"1,{cpu_count()}", help="comma-separated --jobs values")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--libxml2-baseline", action="store_true")
    parser.add_argument("--peers", default="",
                        help="comma-separated peers timed on the same pages, one core: turbohtml, resiliparse "
                             "(installed in .venv-public/ as make eval-public does)")
    parser.add_argument("--results", type=Path, default=ROOT / "out" / "eval" / "web-bench" / "results.json")
    args = parser.parse_args()
    if args.pages < 1 or args.page_kb < 20 or args.repeat < 1:
        parser.error("--pages >= 1, --page-kb >= 20, --repeat >= 1")
    try:
        args.jobs = sorted({int(j) for j in args.jobs.split(",")})
    except ValueError:
        parser.error("--jobs takes comma-separated integers")
    args.out = args.out.resolve()
    args.peers = [p for p in args.peers.split(",") if p]
    unknown = [p for p in args.peers if p not in PEER_PINS]
    if unknown:
        parser.error(f"--peers: unknown {', '.join(unknown)} (known: {', '.join(PEER_PINS)})")

    files, stamp = ensure_pages(args.out, args.pages, args.seed, args.page_kb)
    total = stamp["bytes"]
    out_dir = args.results.resolve().parent
    out_dir.mkdir(parents=True, exist_ok=True)
    results = {"date": datetime.datetime.now().isoformat(timespec="seconds"), "machine": platform.platform(),
               "cpus": cpu_count(), "corpus": {"dir": str(args.out), **stamp}}
    status = 0
    print(f"{len(files)} pages, {total / MB:.1f} MB (mean {total / len(files) / 1024:.0f} KB/page)")
    if args.winnow:
        rows, status = bench_winnow(args, files, total, out_dir)
        if rows is None:
            return status
        results["winnow"] = {"pipeline": args.pipeline, "runs": rows}
    if args.winnow and rows:
        print(f"\nwinnow {args.pipeline} (wall time incl. start-up, median of {args.repeat})")
        print(f"{'jobs':>5} {'pages/s':>9} {'MB/s':>8} {'peak RSS':>9}  {'recall':>7} {'precision':>9} {'exact':>6}")
        for row in rows:
            q = row["quality"]
            print(f"{row['jobs']:>5} {row['pages_per_s']:>9.1f} {row['mb_per_s']:>8.2f} {row['peak_rss_mb']:>7.0f}MB  "
                  f"{q['line_recall']:>7.3f} {q['line_precision']:>9.3f} {q['exact_pages']:>6}")
            if row.get("stage_seconds"):
                print("      stage time (summed over workers): " + ", ".join(f"{k} {v:.2f}s" for k, v in row["stage_seconds"].items()))
        print("      recall/precision: characters of the expected body lines kept / of the output lines that are body"
              " lines (harness/scoring/lines.py); exact: pages whose text is exactly the expected lines")
    if args.peers:
        peers = bench_peers(args, files, total, out_dir)
        results["peers"] = peers
        if peers:
            print(f"\npeers on the same pages, 1 core (their loop over the pages in memory: no start-up, no reading; median of {args.repeat})")
            print(f"{'peer':>20} {'pages/s':>9} {'MB/s':>8}  {'recall':>7} {'precision':>9} {'exact':>6}")
            one = next((row for row in results.get("winnow", {}).get("runs", []) if row["jobs"] == 1), None)
            for row in peers:
                q = row["quality"]
                ratio = f"  winnow --jobs 1 is {one['pages_per_s'] / row['pages_per_s']:.2f}x" if one else ""
                print(f"{row['peer'] + ' ' + row['version']:>20} {row['pages_per_s']:>9.1f} {row['mb_per_s']:>8.2f}  "
                      f"{q['line_recall']:>7.3f} {q['line_precision']:>9.3f} {q['exact_pages']:>6}{ratio}")
    if args.libxml2_baseline:
        baseline = bench_lxml(files, total, args.repeat)
        if baseline:
            results["lxml_baseline"] = baseline
            print(f"\nlxml {baseline['lxml']} / libxml2 {baseline['libxml2']}: bare HTML parse, 1 core, median of {args.repeat}")
            print(f"      {baseline['pages_per_s']:.1f} pages/s, {baseline['mb_per_s']:.2f} MB/s")
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    log(f"wrote {args.results}")
    return status


if __name__ == "__main__":
    sys.exit(main())
