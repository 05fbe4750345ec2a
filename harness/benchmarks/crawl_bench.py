#!/usr/bin/env python3
"""winnow bench, the crawl row: pipelines/ko-news.yaml (dedup and gates on) over a generated
crawl of raw pages, whole process.

    python3 -m harness.benchmarks.crawl_bench --winnow .build/release/winnow [--mb 30] [--repeat 3] [--no-peer]

Generates (or reuses) out/bench-crawl/: the eval generator's simulated Korean news crawl
(harness/corpus/news_set.py: HTML and text pages, UTF-8, CP949, EUC-KR and UTF-16, syndicated copies
and spam) grown to about --mb MB. Runs `winnow run pipelines/ko-news.yaml` on it with --jobs 1
pinned to one core and --jobs 2 on two, interleaved --repeat times, timing the whole process
(wall clock) and reading its peak RSS. Then the Python assembly of the same job
(harness/peers/crawl_assembly.py: charset-normalizer + trafilatura + datasketch, from .venv/) once, on one
core. Prints the row, then each stage's MB/s beside the limit it cannot beat on this machine
(harness/benchmarks/stage_limits.py), and writes out/bench/crawl.json. Exit 0 when every run finished (a
failed gate counts as finished: the output is written), 1 otherwise, 2 on bad usage.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True

from harness import common  # noqa: E402
from harness.benchmarks import stage_limits  # noqa: E402
from harness.common import ROOT  # noqa: E402
from harness.corpus import news_set as generate  # noqa: E402
from harness.peers import venv  # noqa: E402

OUT = Path("out/bench-crawl")
PIPELINE = "pipelines/ko-news.yaml"
SEED = 20250303
PAGE_BYTES = 4_500  # the generator's mean page size, to choose the page count
MB = 1_000_000
PEER_PACKAGES = ["trafilatura==2.1.0", "htmldate==1.10.0", "charset-normalizer==3.4.7", "lxml_html_clean", "datasketch"]

TARGET_MB_S = 40.0  # per core, --jobs 1
TARGET_SCALING = 1.7  # --jobs 2 over --jobs 1
TARGET_PEAK_MB = 150.0


def log(message):
    print(f"crawl bench: {message}", file=sys.stderr, flush=True)


def ensure_crawl(pages):
    """The crawl in OUT/, reused while its stamp matches and every page is there: the stamp's
    facts with its params (pages, seed, generator) beside them."""
    def complete(stamp):
        return sum(len(files) for _, _, files in os.walk(OUT / "pages")) == pages

    stamp = common.reuse(OUT, generate.params(pages, SEED), complete)
    if stamp is None:
        log(f"generating {pages} pages into {OUT}/ ...")
        stamp = generate.generate(OUT, pages, SEED)
    return {**stamp["params"], **{k: v for k, v in stamp.items() if k != "params"}}


def timed(command, cpus):
    """Wall seconds, stdout, stderr and exit status of one whole process pinned to `cpus`."""
    started = time.perf_counter()
    result = subprocess.run(["taskset", "-c", cpus, *command], capture_output=True)
    return time.perf_counter() - started, result.stdout, result.stderr, result.returncode


def run_winnow(winnow, jobs, cpus):
    output = OUT / f"jobs{jobs}" / "clean.jsonl"
    summary = OUT / f"jobs{jobs}" / "summary.json"
    command = ["/usr/bin/time", "-f", "peak_kb=%M cpu=%U %S", winnow, "run", PIPELINE, "--input", str(OUT / "pages"),
               "--output", str(output), "--jobs", str(jobs), "--quiet", "--summary-json", str(summary)]
    seconds, _, err, status = timed(command, cpus)
    text = err.decode("utf-8", "replace")
    peak, cpu = usage(text)
    # 0: finished, gates passed; 1: finished, a gate failed (the output is written).
    finished = status in (0, 1)
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_mb": peak, "status": status,
            "records": sum(1 for _ in open(output, "rb")) if finished else 0,
            "summary": json.loads(summary.read_text()) if finished and summary.exists() else {}}


def usage(stderr):
    """Peak RSS (MB) and CPU seconds (user + system) from /usr/bin/time's last line."""
    for line in reversed(stderr.splitlines()):
        if line.startswith("peak_kb="):
            fields = line.split()
            return int(fields[0].split("=")[1]) / 1000, float(fields[1].split("=")[1]) + float(fields[2])
    return 0.0, 0.0


def run_peer(python):
    command = ["/usr/bin/time", "-f", "peak_kb=%M cpu=%U %S", str(python), "-m", "harness.peers.crawl_assembly",
               str(OUT / "pages"), str(OUT / "peer.jsonl")]
    seconds, out, err, status = timed(command, "1")
    if status != 0:
        return {"error": err.decode("utf-8", "replace")[-400:]}
    peak, cpu = usage(err.decode("utf-8", "replace"))
    result = json.loads(out.decode().strip().splitlines()[-1])
    result.update({"wall_seconds": seconds, "cpu_seconds": cpu, "peak_mb": peak})
    return result


def peer_python(log_):
    python, found = venv.ensure(".venv", PEER_PACKAGES, log_, modules=["trafilatura", "charset_normalizer", "datasketch"])
    return (python, None) if python is not None else (None, found)


def spread(values):
    return f"{statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f})"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--winnow", required=True)
    ap.add_argument("--mb", type=float, default=30.0, help="crawl size in MB (default: %(default)s)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each --jobs, interleaved (default: %(default)s)")
    ap.add_argument("--no-peer", action="store_true", help="skip the Python assembly")
    args = ap.parse_args()
    os.chdir(ROOT)
    winnow = os.path.abspath(args.winnow)
    if not os.access(winnow, os.X_OK):
        ap.error(f"no winnow binary at {winnow}")
    stamp = ensure_crawl(max(len(generate.S.SITES), int(args.mb * MB / PAGE_BYTES)))
    size = sum(stamp["bytes"].values())
    log(f"{stamp['pages']} pages, {size / MB:.1f} MB ({stamp['html_pages']} HTML, {stamp['txt_pages']} text)")
    runs = {1: [], 2: []}
    for _ in range(args.repeat):
        for jobs, cpus in ((1, "1"), (2, "0,1")):
            runs[jobs].append(run_winnow(winnow, jobs, cpus))
    failed = [r for rs in runs.values() for r in rs if r["status"] not in (0, 1)]
    rate = {jobs: [size / MB / r["seconds"] for r in rs] for jobs, rs in runs.items()}
    # MB per CPU second: what wall clock would show on an idle core (the machine is shared).
    cpu_rate = [size / MB / r["cpu_seconds"] for r in runs[1] if r["cpu_seconds"] > 0] or [0.0]
    peak = max(r["peak_mb"] for rs in runs.values() for r in rs)
    scaling = statistics.median(rate[2]) / statistics.median(rate[1])
    peer = None
    if not args.no_peer:
        python, err = peer_python(log)
        peer = run_peer(python) if python else {"error": err}
    lines = [f"crawl ({stamp['pages']} pages, {size / MB:.1f} MB; ko-news with dedup and gates, whole process):",
             f"  winnow --jobs 1  {spread(rate[1])} MB/s   (target >= {TARGET_MB_S:.0f})",
             f"  winnow --jobs 1  {spread(cpu_rate)} MB per CPU second",
             f"  winnow --jobs 2  {spread(rate[2])} MB/s   {scaling:.2f}x --jobs 1 (target >= {TARGET_SCALING})",
             f"  peak RSS         {peak:.0f} MB   (target <= {TARGET_PEAK_MB:.0f})",
             f"  records kept     {runs[1][0]['records']} (gates: {'passed' if runs[1][0]['status'] == 0 else 'a gate failed'})"]
    if peer and "error" not in peer:
        peer_rate = size / MB / peer["wall_seconds"]
        peer_cpu_rate = size / MB / peer["cpu_seconds"] if peer["cpu_seconds"] > 0 else 0.0
        lines.append(f"  Python assembly {peer_rate:.2f} MB/s, {peer_cpu_rate:.2f} MB per CPU second on one core "
                     f"(charset-normalizer + trafilatura + datasketch; {peer['kept']} kept, peak {peer['peak_mb']:.0f} MB): "
                     f"winnow --jobs 1 is {statistics.median(rate[1]) / peer_rate:.1f}x (wall), "
                     f"{statistics.median(cpu_rate) / max(peer_cpu_rate, 1e-9):.1f}x (CPU)")
    elif peer:
        lines.append(f"  Python assembly: not run ({peer['error']})")
    stages = stage_limits.rows(winnow, OUT / "pages", Path("out/bench"), size, [r["summary"] for r in runs[1] if r["summary"]])
    lines.append(stage_limits.format_rows(stages))
    print("\n".join(lines))
    Path("out/bench").mkdir(parents=True, exist_ok=True)
    for rs in runs.values():
        for r in rs:
            r.pop("summary", None)
    Path("out/bench/crawl.json").write_text(json.dumps(
        {"pages": stamp["pages"], "bytes": size, "runs": {str(k): v for k, v in runs.items()}, "peak_mb": peak,
         "scaling": scaling, "peer": peer, "stages": stages}, indent=2) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
