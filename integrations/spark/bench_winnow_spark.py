#!/usr/bin/env python3
"""make bench-spark: documents per second of the Spark driver in local[2] beside `winnow run`.

    python3 integrations/spark/bench_winnow_spark.py --winnow dist/winnow [--documents 100000]

Generates the Spark test's kind of corpus (stories with exact and edited copies) at the given
size, runs `winnow run --jobs 2` and the driver in local[2] (2 partitions) on it, checks both
wrote the same records, and prints documents/s for each and what share of the Spark run's
time is Spark's own (the run's time less the time winnow's processes took, over the run's).
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import test_winnow_spark  # noqa: E402
import winnow_spark  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--winnow", required=True, help="a `make dist` directory")
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--partitions", type=int, default=2)
    # local mode runs every task in the driver's JVM: the one clusters task holds all records.
    parser.add_argument("--driver-memory", default="3g")
    args = parser.parse_args()
    binary = winnow_spark.winnow_binary(args.winnow)
    pipeline = os.path.join(HERE, "test", "pipeline.yaml")
    work = tempfile.mkdtemp(prefix="winnow-spark-bench-")
    inputs = test_winnow_spark.corpus(work, args.documents)
    size = sum(os.path.getsize(path) for path in inputs)

    reference = os.path.join(work, "reference.jsonl")
    command = [binary, "run", pipeline, "--output", reference, "--quiet", "--jobs", "2"]
    for path in inputs:
        command += ["--input", path]
    started = time.time()
    subprocess.run(command, check=True)
    alone = time.time() - started

    output = os.path.join(work, "spark")
    started = time.time()
    manifest = winnow_spark.main(inputs + ["--pipeline", pipeline, "--winnow", args.winnow, "--output", output,
                                           "--partitions", str(args.partitions), "--master", "local[2]",
                                           "--driver-memory", args.driver_memory])
    spark = time.time() - started
    documents = manifest["counts"]["documents"]
    same = test_winnow_spark.essentials(reference) == test_winnow_spark.essentials(os.path.join(output, "clean", "part-*"))
    winnow_seconds = manifest["winnow_seconds"]
    print()
    print(f"winnow on Spark bench: {documents} documents, {size / 1e6:.0f} MB of JSONL, 2 cores")
    print(f"  winnow run --jobs 2          {alone:7.1f} s  {documents / alone:9.0f} documents/s")
    print(f"  Spark local[2], {args.partitions} partitions  {spark:7.1f} s  {documents / spark:9.0f} documents/s"
          f"  ({spark / alone:.1f}x the time of winnow run)")
    print(f"  inside winnow's processes: {winnow_seconds:.1f} s of task time over 2 cores; Spark's own share of the run: "
          f"{max(0.0, 1 - winnow_seconds / 2 / spark):.0%} (session start, reading and numbering the input, "
          f"shuffles, Python piping)")
    print(f"  output: {'the same records as winnow run' if same else 'DIFFERENT from winnow run'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
