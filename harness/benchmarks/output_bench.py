#!/usr/bin/env python3
"""Compressed output: what .jsonl.zst and .jsonl.gz cost a run, beside zstd(1) and gzip(1).

    python3 -m harness.benchmarks.output_bench --winnow .build/release/winnow [--repeat 5] [--mb 200]

1. The ko-news pipeline on the evaluation set (out/eval/pages, made by harness/corpus/news_set.py when
   missing) writing clean.jsonl, clean.jsonl.zst and clean.jsonl.gz, interleaved, one core
   (taskset -c 1, --jobs 1): median wall seconds, and what compression adds as a share.
2. The codecs alone: that run's clean records repeated to --mb MB of JSONL, passed through a
   one-stage pipeline (decode on text records) to each output, interleaved; compression MB/s
   per core = JSONL MB / (seconds with the codec - seconds plain). Beside them, in the same
   command, zstd -3 -T1 and gzip -6 compress the same file (MB/s of input). Also by CPU time,
   which a loaded machine disturbs less: winnow's compress_seconds from the run summary (the
   writing thread's CPU time inside the compressor) beside the CLIs' user+sys time.
Speeds are medians over --repeat runs (with the range); the machine is shared, so compare
within one run of this script.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
from harness.common import ROOT  # noqa: E402
OUT = ROOT / "out" / "output-bench"
EVAL = ROOT / "out" / "eval"


def pinned(cmd):
    return (["taskset", "-c", "1"] if shutil.which("taskset") else []) + cmd


def timed(cmd, **kw):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, **kw)
    return time.perf_counter() - start


def cpu_timed(cmd, **kw):
    """Wall seconds and the child's user+sys CPU seconds."""
    start = time.perf_counter()
    process = subprocess.Popen(cmd, **kw)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise subprocess.CalledProcessError(process.returncode, cmd)
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def med(values):
    return f"{statistics.median(values):.3f} s ({min(values):.3f}–{max(values):.3f})"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--winnow", required=True)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--mb", type=int, default=200)
    a = ap.parse_args()
    winnow = str(Path(a.winnow).resolve())
    OUT.mkdir(parents=True, exist_ok=True)
    if not (EVAL / "pages").is_dir():
        subprocess.run([sys.executable, "-m", "harness.corpus.news_set", "--out", str(EVAL)], cwd=ROOT, check=True)
    pages_mb = sum(f.stat().st_size for f in (EVAL / "pages").rglob("*") if f.is_file()) / 1e6

    # 1. ko-news, whole run.
    runs = {s: [] for s in ("jsonl", "jsonl.zst", "jsonl.gz")}
    for _ in range(a.repeat):
        for suffix in runs:
            cmd = pinned([winnow, "run", str(ROOT / "pipelines" / "ko-news.yaml"), "--input", str(EVAL / "pages"),
                          "--output", str(OUT / f"ko.{suffix}"), "--jobs", "1", "--quiet", "--no-gates"])
            runs[suffix].append(timed(cmd))
    plain = statistics.median(runs["jsonl"])
    out_mb = (OUT / "ko.jsonl").stat().st_size / 1e6
    print(f"ko-news on {pages_mb:.1f} MB of pages ({out_mb:.1f} MB of clean JSONL), --jobs 1, taskset -c 1, {a.repeat} runs each:")
    for suffix, values in runs.items():
        size = (OUT / f"ko.{suffix}").stat().st_size / 1e6
        extra = statistics.median(values) - plain
        share = "" if suffix == "jsonl" else f", +{extra:.3f} s = {100 * extra / plain:+.1f}% of the run"
        print(f"  {suffix:10} {med(values)}, {size:.2f} MB{share}")

    # 2. The codecs alone on --mb MB of those records.
    records = (OUT / "ko.jsonl").read_bytes()
    big = OUT / "records.jsonl"
    with open(big, "wb") as f:
        written = 0
        while written < a.mb * 1e6:
            f.write(records)
            written += len(records)
    mb = big.stat().st_size / 1e6
    pipe = OUT / "pass.yaml"
    pipe.write_text(f"version: 1\ninput: {{path: {big}}}\noutput: {{path: pass.jsonl}}\nstages:\n  - decode: {{}}\n")
    times = {s: [] for s in ("jsonl", "jsonl.zst", "jsonl.gz", "zstd -3", "gzip -6")}
    cpu = {s: [] for s in ("jsonl.zst", "jsonl.gz", "zstd -3", "gzip -6")}
    for _ in range(a.repeat):
        for suffix in ("jsonl", "jsonl.zst", "jsonl.gz"):
            cmd = pinned([winnow, "run", str(pipe), "--output", str(OUT / f"pass.{suffix}"), "--jobs", "1", "--quiet",
                          "--summary-json", str(OUT / "pass-summary.json")])
            times[suffix].append(timed(cmd))
            if suffix in cpu:
                cpu[suffix].append(json.load(open(OUT / "pass-summary.json"))["compress_seconds"])
        with open(os.devnull, "wb") as null:
            for name, cmd in (("zstd -3", ["zstd", "-3", "-T1", "-c", str(big)]), ("gzip -6", ["gzip", "-6", "-c", str(big)])):
                wall, seconds = cpu_timed(pinned(cmd), stdout=null)
                times[name].append(wall)
                cpu[name].append(seconds)
    plain = statistics.median(times["jsonl"])
    print(f"\n{mb:.0f} MB of clean JSONL through a one-stage pipeline, --jobs 1, taskset -c 1, {a.repeat} runs each:")
    for name, values in times.items():
        if name.startswith("jsonl"):
            extra = statistics.median(values) - plain
            rate = "" if name == "jsonl" else f", compression {mb / extra:.0f} MB/s per core" if extra > 0 else ""
            print(f"  winnow → {name:10} {med(values)}{rate}")
        else:
            print(f"  {name:19} {med(values)}, {mb / statistics.median(values):.0f} MB/s")
    print(f"by CPU time (winnow: compress_seconds in the run summary; the CLIs: user+sys), MB/s per core:")
    for name, values in cpu.items():
        rates = [mb / v for v in values if v > 0]
        label = f"winnow → {name}" if name.startswith("jsonl") else name
        print(f"  {label:19} {statistics.median(rates):.0f} MB/s ({min(rates):.0f}–{max(rates):.0f})")
    json.dump({k: v for k, v in times.items()}, open(OUT / "times.json", "w"))


if __name__ == "__main__":
    main()
