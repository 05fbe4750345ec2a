#!/usr/bin/env python3
"""winnow exec-stage bench: how fast documents go through a plugin's pipe.

    python3 -m harness.benchmarks.exec_stage --winnow .build/release/winnow [--mb 80] [--repeat 3]

Generates a JSONL corpus of Korean news-like documents of about 2 KB (bench-data/exec/,
harness/corpus/documents.py, deterministic; reused while its stamp matches), then runs
`winnow run` three ways with --jobs 1: `decode` alone, `decode` + an exec stage running `cat`
(the trivial plugin: every document comes back as sent), and `decode` + an exec stage running
a Python pass-through (json.loads / json.dumps per line). Prints, for each, the exec stage's
MB/s (corpus bytes / seconds inside the stage, from the manifest) and the whole run's MB/s, and
the same with --jobs <nproc>. Checks that the cat run's output is byte-identical to the
decode-only run's. Exit 0 when every run succeeded with the right output, 1 otherwise.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from harness import common
from harness.common import MB, ROOT, logger, run_measured, tail
from harness.corpus import documents

DATA = Path("bench-data/exec")
OUT = Path("out/bench/exec")
SEED = 20261123
MEAN_DOC_BYTES = 2_000
TARGET_CAT_MB_S = 50.0
PASS_THROUGH = "import sys, json\nfor line in sys.stdin:\n    print(json.dumps(json.loads(line), ensure_ascii=False), flush=True)\n"


log = logger("exec-bench")


def corpus(mb):
    """bench-data/exec/docs-MBmb.jsonl: documents of the bench corpus, one JSON line each."""
    path = DATA / f"docs-{mb}mb.jsonl"
    params = {"generator": documents.GENERATOR_VERSION, "seed": SEED, "mb": mb, "mean_doc_bytes": MEAN_DOC_BYTES}
    if path.exists() and common.reuse(DATA, params, lambda stamp: path.stat().st_size == stamp["bytes"]):
        return path
    common.unstamp(DATA)
    size, n = 0, 0
    with open(path.with_suffix(".tmp"), "w", encoding="utf-8") as f:
        while size < mb * MB:
            line = json.dumps({"id": f"d{n:07d}", "text": documents.make_document(SEED, n, MEAN_DOC_BYTES),
                               "url": f"https://news.example/{n}"}, ensure_ascii=False) + "\n"
            f.write(line)
            size += len(line.encode())
            n += 1
    path.with_suffix(".tmp").rename(path)
    common.stamp(DATA, params, documents=n, bytes=size)
    return path


def pipeline(name, stage):
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.yaml"
    extra = f"\n  - {stage}" if stage else ""
    path.write_text(f"version: 1\ninput: {{path: ../../../{DATA}}}\noutput: {{path: {name}.jsonl}}\n"
                    f"stages:\n  - decode: {{}}{extra}\n")
    return path


def run(winnow, yaml, jobs, name):
    output = OUT / f"{name}-j{jobs}.jsonl"
    log_path = OUT / f"{name}-j{jobs}.log"
    result = run_measured([winnow, "run", str(yaml), "--jobs", str(jobs), "--output", str(output), "--quiet"], log_path)
    seconds = result.seconds
    if result.exit != 0:
        raise SystemExit(f"exec-bench: {name} --jobs {jobs} failed ({result.exit}): {tail(log_path, 2000)}")
    manifest = json.loads(output.with_suffix(".manifest.json").read_text())
    stages = {s["name"]: s for s in manifest["counts"]["stages"]}
    return {"seconds": seconds, "stages": stages, "output": output, "sha256": manifest["output"]["sha256"],
            "bytes": manifest["counts"]["input_bytes"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--winnow", required=True)
    parser.add_argument("--mb", type=int, default=80)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.chdir(ROOT)
    winnow = str(Path(args.winnow).resolve())
    data = corpus(args.mb)
    for old in DATA.glob("docs-*.jsonl"):
        if old != data:
            old.unlink()
    (OUT / "passthrough.py").parent.mkdir(parents=True, exist_ok=True)
    (OUT / "passthrough.py").write_text(PASS_THROUGH)
    configs = [
        ("decode", None, None),
        ("cat", "exec: {command: [cat], name: cat}", "cat"),
        ("python", "exec: {command: [python3, passthrough.py], name: python}", "python"),
    ]
    nproc = len(os.sched_getaffinity(0))
    rows, failures = [], []
    for jobs in sorted({1, nproc}):
        baseline = None
        for name, stage, stage_name in configs:
            yaml = pipeline(name, stage)
            runs = [run(winnow, yaml, jobs, name) for _ in range(args.repeat)]
            total = statistics.median(r["seconds"] for r in runs)
            size = runs[0]["bytes"]
            stage_seconds = statistics.median(r["stages"][stage_name]["seconds"] for r in runs) if stage_name else None
            if name == "decode":
                baseline = runs[0]["sha256"]
            elif name == "cat" and runs[0]["sha256"] != baseline:
                failures.append(f"cat --jobs {jobs}: output differs from decode alone")
            # The stage's seconds are summed over workers: per worker, as the pipe sees it.
            rows.append({"config": name, "jobs": jobs, "mb": size / MB, "run_mb_s": size / MB / total,
                         "stage_mb_s_per_worker": size / MB / stage_seconds if stage_seconds else None})
    print()
    print(f"winnow exec-stage bench ({nproc} cores, {rows[0]['mb']:.0f} MB of JSONL, median of {args.repeat})")
    print(f"{'pipeline':<30} {'jobs':>4} {'run MB/s':>9} {'exec stage MB/s per worker':>27}")
    for r in rows:
        stage = f"{r['stage_mb_s_per_worker']:.1f}" if r["stage_mb_s_per_worker"] else "-"
        label = {"decode": "decode", "cat": "decode + exec cat", "python": "decode + exec python json"}[r["config"]]
        print(f"{label:<30} {r['jobs']:>4} {r['run_mb_s']:>9.1f} {stage:>27}")
    cat = next(r for r in rows if r["config"] == "cat" and r["jobs"] == 1)
    mark = "PASS" if cat["stage_mb_s_per_worker"] >= TARGET_CAT_MB_S else "FAIL"
    print(f"target: exec stage with cat >= {TARGET_CAT_MB_S:g} MB/s through the pipe (one worker): "
          f"{cat['stage_mb_s_per_worker']:.1f}  {mark}")
    (OUT / "results.json").write_text(json.dumps({"rows": rows, "failures": failures}, indent=2))
    for f in failures:
        print("FAILED: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
