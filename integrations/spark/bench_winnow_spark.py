#!/usr/bin/env python3
"""make bench-spark: documents per second of the Spark driver in local[2] beside `winnow run`.

    python3 integrations/spark/bench_winnow_spark.py --winnow dist/winnow [--documents 100000]

Generates the Spark test's kind of corpus (stories with exact and edited copies) at the given
size, runs `winnow run --jobs 2` and the driver in local[2] (2 partitions, Spark's default
driver memory) on it, `--repeat` times each, interleaved, checks both wrote the same records,
and prints the median and range of each, documents/s, and what share of the Spark run's time
is Spark's own (the run's time less the time winnow's processes took, over the run's). The
Spark time is the driver's job in a running session, as in a notebook or a service: listing,
reading, every step, writing. Starting that session (the JVM with it) and stopping it happen
once, outside the runs, and are timed. Then `--repeat` more runs each start and stop a session
of their own, as a submitted job does (the JVM already up), interleaved with `--repeat` more runs
of `winnow run`, and are printed beside them with their own ratio.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import test_winnow_spark  # noqa: E402
import winnow_spark  # noqa: E402


def jvm_peak():
    """The Spark JVM's peak resident set (VmHWM), as text: it lives on between the runs."""
    from pyspark import SparkContext
    try:
        with open(f"/proc/{SparkContext._gateway.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return f"{int(line.split()[1]) / 1024:.0f} MB"
    except (AttributeError, OSError):
        pass
    return "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--winnow", required=True, help="a `make dist` directory")
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--partitions", type=int, default=2)
    parser.add_argument("--driver-memory", default=None, help="spark.driver.memory (default: Spark's, 1g)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, interleaved; medians are reported")
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
    # One session for every run (the driver leaves a session it did not start running).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession
    started = time.time()
    builder = SparkSession.builder.master("local[2]").appName("winnow").config("spark.ui.enabled", "false")
    if args.driver_memory:
        builder = builder.config("spark.driver.memory", args.driver_memory)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("WARN")
    session_start = time.time() - started
    alone, spark, same, manifest = [], [], True, None

    def driver(output):
        return winnow_spark.main(inputs + ["--pipeline", pipeline, "--winnow", args.winnow, "--output", output,
                                           "--partitions", str(args.partitions), "--master", "local[2]"]
                                 + (["--driver-memory", args.driver_memory] if args.driver_memory else []))

    def timed_alone(into):
        started = time.time()
        subprocess.run(command, check=True)
        into.append(time.time() - started)

    for attempt in range(args.repeat):
        timed_alone(alone)
        output = os.path.join(work, f"spark-{attempt}")
        started = time.time()
        manifest = driver(output)
        spark.append(time.time() - started)
        same = same and test_winnow_spark.essentials(reference) == test_winnow_spark.essentials(os.path.join(output, "clean", "part-*"))
        print(f"run {attempt + 1}: winnow run {alone[-1]:.1f} s, Spark {spark[-1]:.1f} s ({spark[-1] / alone[-1]:.1f}x)", flush=True)
    started = time.time()
    session.stop()
    session_stop = time.time() - started
    # As a submitted job runs: each run starts and stops its own session (the JVM up).
    alone_own, own = [], []
    for attempt in range(args.repeat):
        timed_alone(alone_own)
        output = os.path.join(work, f"spark-own-session-{attempt}")
        started = time.time()
        driver(output)
        own.append(time.time() - started)
        same = same and test_winnow_spark.essentials(reference) == test_winnow_spark.essentials(os.path.join(output, "clean", "part-*"))
        print(f"own session run {attempt + 1}: winnow run {alone_own[-1]:.1f} s, Spark {own[-1]:.1f} s "
              f"({own[-1] / alone_own[-1]:.1f}x)", flush=True)
    peak = jvm_peak()
    documents = manifest["counts"]["documents"]
    winnow_seconds = manifest["winnow_seconds"]
    a, s = statistics.median(alone), statistics.median(spark)
    print()
    print(f"winnow on Spark bench: {documents} documents, {size / 1e6:.0f} MB of JSONL, 2 cores, median of {args.repeat}")
    print(f"  winnow run --jobs 2          {a:7.1f} s  {documents / a:9.0f} documents/s  (range {min(alone):.1f}-{max(alone):.1f} s)")
    print(f"  Spark local[2], {args.partitions} partitions  {s:7.1f} s  {documents / s:9.0f} documents/s"
          f"  (range {min(spark):.1f}-{max(spark):.1f} s; {s / a:.1f}x the time of winnow run)")
    a2, o = statistics.median(alone_own), statistics.median(own)
    print(f"  Spark local[2], its own session  {o:7.1f} s  {documents / o:9.0f} documents/s"
          f"  (range {min(own):.1f}-{max(own):.1f} s: a session started and stopped per run, the JVM already up; "
          f"{o / a2:.1f}x winnow run's {a2:.1f} s in the same rounds, range {min(alone_own):.1f}-{max(alone_own):.1f} s)")
    print(f"  the first session's start, the JVM's included: {session_start:.1f} s; its stop: {session_stop:.1f} s")
    print(f"  inside winnow's processes (last run): {winnow_seconds:.1f} s of task time over 2 cores; Spark's own share of the run: "
          f"{max(0.0, 1 - winnow_seconds / 2 / spark[-1]):.0%} (reading and numbering the input, jobs and tasks, "
          f"Python piping)")
    import resource
    python_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  this Python process (the driver, with the corpus generation and the comparisons of outputs): "
          f"peak resident set {python_peak:.0f} MB")
    print(f"  driver JVM (local mode: the executors too): peak resident set {peak}, "
          f"spark.driver.memory {args.driver_memory or 'Spark default (1g)'}")
    print(f"  output: {'the same records as winnow run' if same else 'DIFFERENT from winnow run'}")
    test_winnow_spark.finish(work, not same, "bench-spark")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
