#!/usr/bin/env python3
"""winnow on Apache Spark: the same pipeline, the same output, across a cluster.

    spark-submit integrations/spark/winnow_spark.py --pipeline pipelines/my.yaml \\
        --winnow dist/winnow --output hdfs:///corpus/clean --partitions 200 INPUT.jsonl ...

Spark schedules, retries and shuffles; the winnow binary does the work, one process per task:

1. The input JSONL files (in the order given) are read by Spark and numbered (each record's
   position in the whole input), then cut into --partitions contiguous partitions.
2. Each partition is piped through `winnow dedup signatures --input - --positioned` (each
   line "position TAB file TAB line TAB record", so ids and rejects read as in one run): the
   document stages, then the dedup stage's records. The task keeps the partition's files
   (cleaned documents, ids, records, shingle sets, rejects) and prints its bucket keys
   (`winnow dedup keys`).
3. Spark groups the keys into buckets per band and makes the candidate pairs (in a bucket,
   sorted by position: the first with each other one, each with the one before it).
4. One task runs `winnow dedup pairs` and `winnow dedup clusters` (union-find in Swift) over
   every partition's records and the pairs: the keep decisions.
5. Each partition runs `winnow dedup filter` with the decisions: clean records and rejects,
   saved as OUTPUT/clean/part-* and OUTPUT/rejects/part-*, with OUTPUT/manifest/part-00000
   summing every partition's counts.

The pipeline file's directory is shipped to the executors (rule packs beside it travel
along); so is --winnow (a `make dist` directory, which needs nothing installed on the nodes).
A task is deterministic, so a retried partition writes what the first attempt would have.
Stages that learn from the whole corpus (boilerplate with corpus_min_docs) cannot learn from
a partition: the driver refuses such a pipeline rather than give other texts than
`winnow run`.
"""

import argparse
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time

def log(message):
    print(f"winnow-spark: {message}", file=sys.stderr, flush=True)


def winnow_binary(root):
    """The winnow executable inside a shipped directory (a `make dist` one) or the file itself."""
    path = os.path.join(root, "winnow") if os.path.isdir(root) else root
    mode = os.stat(path).st_mode
    if not mode & stat.S_IXUSR:  # Spark's file shipping can drop the executable bit
        os.chmod(path, mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def run(command, stdin=None, cwd=None):
    """Runs a winnow phase; its stderr becomes the task's error when it fails."""
    result = subprocess.run(command, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}): {result.stderr.decode(errors='replace')}")
    return result.stdout


def archive(directory, name, scratch):
    """`directory` as a tar.gz named `name` in `scratch` (addArchive ships archives to every
    node; Spark refuses local directories outside local mode)."""
    import tarfile
    path = os.path.join(scratch, name)
    with tarfile.open(path, "w:gz") as tar:
        tar.add(directory, arcname=os.path.basename(os.path.normpath(directory)))
    return path


class Job:
    def __init__(self, args):
        self.args = args
        self.pipeline_dir = os.path.dirname(os.path.abspath(args.pipeline))
        self.pipeline_name = os.path.basename(args.pipeline)
        self.winnow_dir = os.path.basename(os.path.normpath(args.winnow)) if os.path.isdir(args.winnow) else None

    def ship(self, sc, scratch):
        """Sends the winnow directory and the pipeline file's directory to the executors."""
        sc.addArchive(archive(self.pipeline_dir, "winnow-pipeline.tar.gz", scratch))
        if self.winnow_dir:
            # `make dist` writes dist/winnow.tar.gz beside dist/winnow: ship it when it is current.
            made = os.path.normpath(self.args.winnow) + ".tar.gz"
            binary = os.path.join(self.args.winnow, "winnow")
            if not (os.path.exists(made) and os.path.getmtime(made) >= os.path.getmtime(binary)):
                made = archive(self.args.winnow, "winnow-binary.tar.gz", scratch)
            self.winnow_archive = os.path.basename(made)
            sc.addArchive(made)
        else:
            sc.addFile(os.path.abspath(self.args.winnow))

    # Runs on the executors: what a task needs is in these plain values.
    def task_paths(self):
        from pyspark import SparkFiles
        pipeline = os.path.join(SparkFiles.get("winnow-pipeline.tar.gz"), os.path.basename(self.pipeline_dir), self.pipeline_name)
        if self.winnow_dir:
            binary = os.path.join(SparkFiles.get(self.winnow_archive), self.winnow_dir)
        else:
            binary = SparkFiles.get(os.path.basename(self.args.winnow))
        return winnow_binary(binary), pipeline


def signatures_task(job, fail_once_dir):
    """Step 2 for one partition: (partition, files, keys, seconds in winnow)."""

    def task(partition, records):
        winnow, pipeline = job.task_paths()
        work = tempfile.mkdtemp(prefix=f"winnow-p{partition}-")
        try:
            # Each record with its position in the whole input, its file and its line there.
            lines = [b"%d\t%s\t%d\t%s" % (ordinal, name.encode(), number, line) for ordinal, (name, number, line) in records]
            shard = f"{partition}/{job.args.partitions}"
            started = time.time()
            run([winnow, "dedup", "signatures", pipeline, "--input", "-", "--positioned", "--shard", shard,
                 "--work", work, "--quiet", "--jobs", "1", "--summary-json", os.path.join(work, "summary.json")],
                stdin=b"\n".join(lines) + b"\n" if lines else b"")
            keys = run([winnow, "dedup", "keys", pipeline, "--shard", shard, "--work", work, "--quiet", "--with-exact"])
            fail_once(fail_once_dir, "signatures", partition, 1)
            files = {}
            for name in sorted(os.listdir(work)):
                with open(os.path.join(work, name), "rb") as f:
                    files[name] = f.read()
            yield partition, files, keys, time.time() - started
        finally:
            shutil.rmtree(work, ignore_errors=True)

    return task


def fail_once(directory, step, partition, which):
    """Tests: partition `which` fails its first attempt at `step`, after winnow has run."""
    if directory and partition == which:
        marker = os.path.join(directory, f"failed-{step}")
        if not os.path.exists(marker):
            open(marker, "w").close()
            raise RuntimeError(f"failing partition {which} once at {step} on purpose (retry test)")


def bucket_pairs(members):
    """Candidate pairs of one bucket, as `winnow dedup buckets` makes them."""
    members = sorted(members)
    pairs = []
    for index in range(1, len(members)):
        pairs.append((members[0], members[index]))
        if index - 1 > 0:
            pairs.append((members[index - 1], members[index]))
    return pairs


def group_of(label, groups):
    """The group a connected set of documents (named by its smallest position) is decided in."""
    return (label * 2654435761) % groups


def subset_task(job, groups):
    """Step 4 in Spark, per partition: its records split by group → (group, files)."""

    def task(items):
        winnow, pipeline = job.task_paths()
        for partition, ((_, files, _, _), members) in items:
            work = tempfile.mkdtemp(prefix=f"winnow-s{partition}-")
            try:
                for name, data in files.items():
                    if name.startswith(("records-", "side-", "ids-")):
                        with open(os.path.join(work, name), "wb") as f:
                            f.write(data)
                text = "".join(f"{ordinal}\t{group}\n" for ordinal, group in (members or []))
                out = os.path.join(work, "groups")
                run([winnow, "dedup", "subset", pipeline, "--shard", f"{partition}/{job.args.partitions}", "--work", work,
                     "--count", str(groups), "--out", out, "--quiet"], stdin=text.encode())
                for group in range(groups):
                    directory = os.path.join(out, str(group))
                    shipped = {}
                    for name in os.listdir(directory):
                        with open(os.path.join(directory, name), "rb") as f:
                            shipped[name] = f.read()
                    yield group, ("files", shipped)
            finally:
                shutil.rmtree(work, ignore_errors=True)

    return task


def decisions_in_spark(job, sc, signed, pairs, bands, total, count):
    """Connected components by min-label propagation in Spark, then `winnow dedup clusters`
    once per group of components: the same decisions as one task, when the pairs do not fit
    one task. Returns the decisions file's bytes."""
    from pyspark import StorageLevel
    # Every shuffle keeps the job's partition count (a union would otherwise add them up).
    width = count
    edges = pairs.map(lambda pair: (pair[1], pair[2])).distinct(width)
    both = edges.flatMap(lambda e: ((e[0], e[1]), (e[1], e[0]))).partitionBy(width).persist(StorageLevel.MEMORY_AND_DISK)
    labels = both.map(lambda e: (e[0], e[0])).reduceByKey(min, width).persist(StorageLevel.MEMORY_AND_DISK)
    iterations = 0
    while True:
        iterations += 1
        proposals = both.join(labels, width).map(lambda kv: (kv[1][0], kv[1][1]))
        updated = labels.union(proposals).reduceByKey(min, width).persist(StorageLevel.MEMORY_AND_DISK)
        changed = updated.join(labels, width).filter(lambda kv: kv[1][0] != kv[1][1]).count()
        labels.unpersist()
        labels = updated
        if changed == 0:
            break
    components = labels.values().distinct().count()
    groups = count
    log(f"components in Spark by min-label propagation: {components} over {labels.count()} documents in {iterations} rounds; "
        f"clusters in {groups} tasks")
    members = labels.map(lambda ol: (min(count - 1, ol[0] * count // max(total, 1)), (ol[0], group_of(ol[1], groups)))).groupByKey(width)
    keyed = signed.map(lambda item: (item[0], item)).leftOuterJoin(members, width)
    files = keyed.mapPartitions(subset_task(job, groups))
    band_pairs = pairs.filter(lambda pair: pair[0] != "x").map(lambda pair: (pair[1], pair)) \
        .join(labels, width).map(lambda kv: (group_of(kv[1][1], groups), ("pair", kv[1][0])))
    per_group = files.union(band_pairs).partitionBy(groups, lambda group: group).values()
    results = per_group.mapPartitions(clusters_task(job, bands)).collect()
    lines = [line for decisions, _, _ in results for line in decisions.splitlines(keepends=True)]
    lines.sort(key=lambda line: int(line[len(b'{"ordinal":'):line.index(b",")]))
    both.unpersist()
    labels.unpersist()
    return b"".join(lines), sum(seconds for _, _, seconds in results)


def clusters_task(job, bands):
    """Step 4, one task: every partition's records and every band's pairs → decisions."""

    def task(items):
        items = list(items)
        if not items:
            return
        winnow, pipeline = job.task_paths()
        work = tempfile.mkdtemp(prefix="winnow-clusters-")
        try:
            pairs = {band: [] for band in range(bands)}
            for kind, value in items:
                if kind == "files":
                    for name, data in value.items():
                        if name.startswith(("records-", "side-", "ids-")):
                            with open(os.path.join(work, name), "wb") as f:
                                f.write(data)
                else:
                    band, first, second = value
                    pairs[band].append((first, second))
            started = time.time()
            for band in range(bands):  # written after the records: clusters checks they are newer
                text = "".join(f"{a}\t{b}\n" for a, b in pairs[band])
                run([winnow, "dedup", "pairs", pipeline, "--band", str(band), "--work", work, "--quiet"], stdin=text.encode())
            run([winnow, "dedup", "clusters", pipeline, "--work", work, "--quiet"])
            with open(os.path.join(work, "decisions.jsonl"), "rb") as f:
                decisions = f.read()
            yield decisions, sum(len(p) for p in pairs.values()), time.time() - started
        finally:
            shutil.rmtree(work, ignore_errors=True)

    return task


def filter_task(job, decisions, fail_once_dir):
    """Step 5 for one partition: ("clean" | "rejects" | "summary" | "seconds", partition, value)."""

    def task(items):
        winnow, pipeline = job.task_paths()
        for partition, files, _, _ in items:
            work = tempfile.mkdtemp(prefix=f"winnow-f{partition}-")
            try:
                for name, data in files.items():
                    if name.startswith(("documents-", "ids-", "rejects-", "records-")):
                        with open(os.path.join(work, name), "wb") as f:
                            f.write(data)
                with open(os.path.join(work, "decisions.jsonl"), "wb") as f:
                    f.write(decisions.value)
                clean, rejects = os.path.join(work, "clean.jsonl"), os.path.join(work, "rejects.jsonl")
                started = time.time()
                run([winnow, "dedup", "filter", pipeline, "--shard", f"{partition}/{job.args.partitions}", "--work", work,
                     "--output", clean, "--rejects", rejects, "--quiet"])
                fail_once(fail_once_dir, "filter", partition, 2)
                with open(clean, encoding="utf-8") as f:
                    for line in f:
                        yield "clean", partition, line.rstrip("\n")
                with open(rejects, encoding="utf-8") as f:
                    for line in f:
                        yield "rejects", partition, line.rstrip("\n")
                yield "seconds", partition, time.time() - started
                yield "summary", partition, files["summary.json"].decode()
            finally:
                shutil.rmtree(work, ignore_errors=True)

    return task


def sum_summaries(summaries, dedup_counts):
    """The document stages' counts summed over partitions, and the dedup stage's."""
    total = {"documents": 0, "kept": 0, "rejected": 0, "input_bytes": 0, "stages": [], "read_failures": {}}
    for summary in summaries:
        for key in ("documents", "input_bytes"):
            total[key] += summary.get(key, 0)
        total["rejected"] += summary.get("rejected", 0)
        for name, count in summary.get("read_failures", {}).items():
            total["read_failures"][name] = total["read_failures"].get(name, 0) + count
        for index, stage in enumerate(summary.get("stages", [])):
            if index == len(total["stages"]):
                total["stages"].append({"name": stage["name"], "in": 0, "kept": 0, "dropped": 0, "dropped_by_reason": {}, "counters": {}})
            mine = total["stages"][index]
            for key in ("in", "kept", "dropped"):
                mine[key] += stage.get(key, 0)
            for field in ("dropped_by_reason", "counters"):
                for name, count in stage.get(field, {}).items():
                    mine[field][name] = mine[field].get(name, 0) + count
    if total["stages"]:
        dedup = total["stages"][-1]
        dedup["kept"] = dedup["in"] - dedup_counts["dropped"]
        dedup["dropped"] = dedup_counts["dropped"]
        dedup["dropped_by_reason"] = dedup_counts["by_reason"]
    total["rejected"] += dedup_counts["dropped"]
    total["kept"] = total["documents"] - total["rejected"]
    return total


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="+", help="JSONL input files (gzip allowed), as Spark sees them, in order")
    parser.add_argument("--pipeline", required=True, help="pipeline YAML file; its last stage must be dedup")
    parser.add_argument("--winnow", required=True, help="a `make dist` directory (or a winnow binary) to ship to the executors")
    parser.add_argument("--output", required=True, help="output directory (clean/, rejects/, manifest/)")
    parser.add_argument("--partitions", type=int, default=0, help="partitions (default: Spark's default parallelism)")
    parser.add_argument("--master", default=None, help="Spark master when not given by spark-submit (local[2], …)")
    parser.add_argument("--driver-memory", default=None, help="spark.driver.memory when this process starts Spark (local mode)")
    parser.add_argument("--components", choices=["auto", "task", "spark"], default="auto",
                        help="where duplicate groups are found: one task (union-find in Swift over every record), or "
                             "components in Spark by min-label propagation and then one winnow per group of components; "
                             "auto: Spark when the candidate pairs exceed --max-task-pairs")
    parser.add_argument("--max-task-pairs", type=int, default=50_000_000,
                        help="the most candidate pairs one task decides (auto); about 16 bytes each in winnow")
    parser.add_argument("--fail-once", default=None, help=argparse.SUPPRESS)  # tests: partitions 1 and 2 fail once
    args = parser.parse_args(argv)

    from pyspark import StorageLevel
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("winnow").config("spark.ui.enabled", "false")
    if args.master:
        builder = builder.master(args.master)
    if args.driver_memory:  # takes effect when this process starts Spark (python, not spark-submit)
        builder = builder.config("spark.driver.memory", args.driver_memory)
    spark = builder.getOrCreate()
    sc = spark.sparkContext
    sc.setLogLevel("WARN")
    args.partitions = args.partitions or sc.defaultParallelism
    job = Job(args)
    started = time.time()

    # JSONL files only, named one by one: winnow names a record without an id by its file and
    # line, which a directory or glob read through Hadoop would not give in winnow's order.
    for path in args.inputs:
        name = path.rstrip("/").rsplit("/", 1)[-1]
        if any(c in path for c in "*?[") or not name.endswith((".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")):
            raise SystemExit(f"winnow-spark: input '{path}' is not a JSONL file (.jsonl, .jsonl.gz, .ndjson): "
                             "name every file; directories, globs, HTML and text files are not read by the driver")
    # The winnow binary checks the pipeline before anything is read (and here, once).
    local_winnow = winnow_binary(args.winnow)
    run([local_winnow, "validate", args.pipeline])
    bands = int(run([local_winnow, "dedup", "bands", args.pipeline]).decode().strip())
    import re
    with open(args.pipeline, encoding="utf-8") as f:
        if re.search(r"^[^#\n]*corpus_min_docs\s*:\s*[1-9]", f.read(), re.M):
            raise SystemExit("winnow-spark: the pipeline has a stage that learns from the whole corpus (corpus_min_docs): "
                             "a partition cannot learn it; run it with `winnow run`, or without that option")
    sc.addPyFile(os.path.abspath(__file__))  # the task functions, when this file is imported as a module
    scratch = tempfile.mkdtemp(prefix="winnow-spark-ship-")
    job.ship(sc, scratch)

    # 1. Records in input order, numbered, cut into contiguous partitions.
    # Each file's lines with their numbers (as winnow names a record without an id: file:line);
    # as winnow's reader, lines of only spaces, tabs and CRs are not records.
    # Raw bytes (use_unicode=False): a line that is not valid UTF-8 reaches winnow as it is and
    # is rejected there as in `winnow run`, not repaired on the way.
    def numbered_lines(path):
        name = os.path.basename(path.rstrip("/"))
        return sc.textFile(path, use_unicode=False).zipWithIndex().map(lambda pair: (name, pair[1] + 1, pair[0])) \
            .filter(lambda record: record[2].strip(b" \t\r") != b"")
    lines = sc.union([numbered_lines(path) for path in args.inputs])
    numbered = lines.zipWithIndex().map(lambda pair: (pair[1], pair[0]))
    total = numbered.count()
    count = args.partitions
    partitioned = numbered.partitionBy(count, lambda ordinal: min(count - 1, ordinal * count // max(total, 1)))
    partitioned = partitioned.mapPartitions(lambda items: iter(sorted(items)), preservesPartitioning=True)
    log(f"{total} records in {count} partitions")

    # 2. Document stages and signatures per partition.
    signed = partitioned.mapPartitionsWithIndex(signatures_task(job, args.fail_once))
    signed = signed.persist(StorageLevel.MEMORY_AND_DISK)

    # 3. Buckets in Spark: (band, key) → positions → candidate pairs; band "x" is the exact
    #    copies' key, which only the components in Spark need (clusters finds exact copies itself).
    keys = signed.flatMap(lambda item: (line.split(b"\t") for line in item[2].splitlines()))
    buckets = keys.map(lambda f: ((f[0].decode() if f[0] == b"x" else int(f[0]), f[1]), int(f[2]))).groupByKey()
    pairs = buckets.flatMap(lambda bucket: ((bucket[0][0], a, b) for a, b in (
        bucket_pairs(list(bucket[1])) if bucket[0][0] != "x" else [(min(bucket[1]), o) for o in sorted(bucket[1])[1:]]))
        if len(bucket[1]) > 1 else []).persist(StorageLevel.MEMORY_AND_DISK)
    pair_count = pairs.filter(lambda pair: pair[0] != "x").count()

    # 4. Which document each duplicate group keeps: one task (union-find in Swift over every
    #    record), or, when the pairs are too many for one task, components in Spark first.
    in_spark = args.components == "spark" or (args.components == "auto" and pair_count > args.max_task_pairs)
    log(f"{pair_count} candidate pairs: groups decided {'in Spark, per component' if in_spark else 'in one task'} "
        f"(--components {args.components}, --max-task-pairs {args.max_task_pairs})")
    if in_spark:
        decisions, cluster_seconds = decisions_in_spark(job, sc, signed, pairs, bands, total, count)
    else:
        needed = ("records-", "side-", "ids-")
        everything = signed.map(lambda item: (0, ("files", {n: d for n, d in item[1].items() if n.startswith(needed)}))) \
            .union(pairs.filter(lambda pair: pair[0] != "x").map(lambda pair: (0, ("pair", pair))))
        one = everything.partitionBy(1).values()
        decisions, _, cluster_seconds = one.mapPartitions(clusters_task(job, bands)).collect()[0]
    grouped = decisions.count(b"\n")
    log(f"clusters: {cluster_seconds:.1f} s in winnow; {grouped} documents in groups")
    pairs.unpersist()
    shared = sc.broadcast(decisions)

    # 5. Filter per partition, write the parts and the manifest.
    written = signed.mapPartitionsWithIndex(lambda index, items: filter_task(job, shared, args.fail_once)(items)) \
        .persist(StorageLevel.MEMORY_AND_DISK)
    for kind in ("clean", "rejects"):
        part = written.filter(lambda row, kind=kind: row[0] == kind).map(lambda row: row[2])
        part.saveAsTextFile(f"{args.output}/{kind}")
    summaries = [json.loads(row[2]) for row in written.filter(lambda row: row[0] == "summary").collect()]
    dropped = written.filter(lambda row: row[0] == "rejects").map(lambda row: json.loads(row[2])) \
        .filter(lambda r: r.get("stage") == "dedup").map(lambda r: r.get("reason")).countByValue()
    counts = sum_summaries(summaries, {"dropped": sum(dropped.values()), "by_reason": dict(dropped)})
    winnow_seconds = signed.map(lambda item: item[3]).sum() + cluster_seconds \
        + written.filter(lambda row: row[0] == "seconds").map(lambda row: row[2]).sum()
    manifest = {
        "engine": f"spark {sc.version}, {count} partitions, master {sc.master}",
        "pipeline_file": args.pipeline, "inputs": args.inputs, "winnow": run([local_winnow, "--version"]).decode().strip(),
        "counts": counts, "seconds": round(time.time() - started, 3), "candidate_pairs": pair_count,
        "winnow_seconds": round(winnow_seconds, 3),
    }
    sc.parallelize([json.dumps(manifest, sort_keys=True)], 1).saveAsTextFile(f"{args.output}/manifest")
    log(f"{counts['documents']} documents: kept {counts['kept']}, rejected {counts['rejected']} in {manifest['seconds']} s → {args.output}")
    signed.unpersist()
    written.unpersist()
    spark.stop()
    return manifest


if __name__ == "__main__":
    main()
