#!/usr/bin/env python3
"""winnow on Apache Spark: the same pipeline, the same output, across a cluster.

    spark-submit integrations/spark/winnow_spark.py --pipeline pipelines/my.yaml \\
        --winnow dist/winnow --output hdfs:///corpus/clean hdfs:///crawl/2026-11/ ...

Spark reads, schedules, retries and shuffles; the winnow binary does the work, one process
per task:

1. The inputs (files, directories walked as `winnow run` walks them, globs; .txt, .html and
   .jsonl, each maybe .gz) are listed on the driver and read by Spark's own readers: JSONL
   with the text reader (split by the cluster's file system), pages with `binaryFile`. One
   aggregation counts each JSONL split's lines, so every record gets its position in the
   whole input, file and line, as in one run, without moving the data.
2. A stage that learns from the whole corpus (boilerplate with corpus_min_docs): each
   partition prints its counts (`winnow learn state`), Spark sums them with a group-by,
   `winnow learn merge --final` drops what cannot matter, and the merged state is shipped to
   every task as a file.
3. Each partition is piped through `winnow dedup signatures --positioned` (with the learned
   state) and `winnow dedup keys`: its files go to the work directory (--work, on the
   cluster's file system), its bucket keys become rows (cached, recomputed from the input if
   an executor is lost).
4. Candidate pairs are made with DataFrame operations (a window over band and key).
5. Which document each duplicate group keeps: one task over the pairs and the records, or
   components in Spark first when the pairs are many (`--components`); the decisions are
   files in the work directory.
6. Each partition runs `winnow dedup filter` on its files and the decisions; the clean records, rejects and counts are
   written as OUTPUT/clean/part-*, OUTPUT/rejects/part-*, OUTPUT/manifest/part-00000.

The pipeline file's directory is shipped to the executors (rule packs beside it travel
along); so is --winnow (a `make dist` directory, which needs nothing installed on the nodes).
A task is deterministic, so a retried partition writes what the first attempt would have.
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

STARTED = time.time()


def log(message):
    """A line on stderr, with the seconds since the driver started (where the time goes)."""
    print(f"winnow-spark: {time.time() - STARTED:6.1f} s: {message}", file=sys.stderr, flush=True)


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
        if self.args.shipped:
            return  # spark-submit --archives sent it
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
        if self.args.shipped:
            # Unpacked in the executor's working directory (YARN, standalone) or Spark's files' one.
            here = os.path.abspath(self.args.shipped)
            binary = here if os.path.exists(here) else os.path.join(SparkFiles.getRootDirectory(), self.args.shipped)
        elif self.winnow_dir:
            binary = os.path.join(SparkFiles.get(self.winnow_archive), self.winnow_dir)
        else:
            binary = SparkFiles.get(os.path.basename(self.args.winnow))
        return winnow_binary(binary), pipeline


def fail_once(directory, step, partition, which):
    """Tests: partition `which` fails its first attempt at `step`, after winnow has run."""
    if directory and partition == which:
        marker = os.path.join(directory, f"failed-{step}")
        if not os.path.exists(marker):
            open(marker, "w").close()
            raise RuntimeError(f"failing partition {which} once at {step} on purpose (retry test)")


# ---------------------------------------------------------------------------------------
# The work directory: winnow's files between steps, on a file system every executor reaches
# (the output's, by default). Tasks reach it through pyarrow's file systems (local, HDFS,
# S3, GCS); a file appears under its name only when whole (written aside, then renamed), so
# a retried or duplicated task leaves the same bytes.


def work_fs(uri):
    """(pyarrow file system, path) for a work directory URI."""
    from urllib.parse import urlparse, unquote
    from pyarrow import fs as pafs
    parsed = urlparse(uri)
    if parsed.scheme in ("", "file"):
        return pafs.LocalFileSystem(), unquote(parsed.path)
    return pafs.FileSystem.from_uri(uri)


def put_files(uri, subdirectory, local, names):
    """Copies `names` from the local directory `local` to WORK/subdirectory."""
    import uuid
    filesystem, base = work_fs(uri)
    target = f"{base}/{subdirectory}"
    filesystem.create_dir(target, recursive=True)
    for name in names:
        aside = f"{target}/.{name}.{uuid.uuid4().hex}"
        with open(os.path.join(local, name), "rb") as f, filesystem.open_output_stream(aside) as out:
            shutil.copyfileobj(f, out, 8 << 20)
        filesystem.move(aside, f"{target}/{name}")


def get_files(uri, subdirectory, local, prefixes=None):
    """Copies WORK/subdirectory's files (those whose names start with one of `prefixes`) to
    the local directory `local`; returns their names."""
    from pyarrow import fs as pafs
    filesystem, base = work_fs(uri)
    infos = filesystem.get_file_info(pafs.FileSelector(f"{base}/{subdirectory}", allow_not_found=True))
    names = []
    for info in sorted(infos, key=lambda i: i.base_name):
        name = info.base_name
        if info.type != pafs.FileType.File or name.startswith(".") or (prefixes and not name.startswith(prefixes)):
            continue
        with filesystem.open_input_stream(info.path) as source, open(os.path.join(local, name), "wb") as f:
            shutil.copyfileobj(source, f, 8 << 20)
        names.append(name)
    return names


def merged_decisions(uri, local):
    """WORK/decisions/*.jsonl (one per task that decided groups) as one file in position order."""
    parts = tempfile.mkdtemp(dir=local)
    lines = []
    for name in get_files(uri, "decisions", parts):
        with open(os.path.join(parts, name), "rb") as f:
            lines += f.read().splitlines(keepends=True)
    shutil.rmtree(parts, ignore_errors=True)
    lines.sort(key=lambda line: int(line[len(b'{"ordinal":'):line.index(b",")]))
    with open(os.path.join(local, "decisions.jsonl"), "wb") as f:
        f.writelines(lines)


def group_of(label, groups):
    """The group a connected set of documents (named by its smallest position) is decided in."""
    return (label * 2654435761) % groups


def subset_task(job, groups, count, work_uri):
    """Step 5 in Spark, per partition: its records split by group, into WORK/groups/G/."""

    def task(partition, members):
        winnow, pipeline = job.task_paths()
        work = tempfile.mkdtemp(prefix=f"winnow-s{partition}-")
        try:
            get_files(work_uri, f"p{partition}", work, ("records-", "side-", "ids-"))
            text = "".join(f"{ordinal}\t{group}\n" for ordinal, group in members)
            out = os.path.join(work, "groups")
            run([winnow, "dedup", "subset", pipeline, "--shard", f"{partition}/{count}", "--work", work,
                 "--count", str(groups), "--out", out, "--quiet"], stdin=text.encode())
            for group in range(groups):
                directory = os.path.join(out, str(group))
                put_files(work_uri, f"groups/{group}", directory, sorted(os.listdir(directory)))
        finally:
            shutil.rmtree(work, ignore_errors=True)
        yield partition

    return task


def decisions_in_spark(job, sc, pairs, bands, ranges, count, work_uri):
    """Connected components by min-label propagation in Spark, then `winnow dedup clusters`
    once per group of components: the same decisions as one task, when the pairs do not fit
    one task. Each group's decisions go to WORK/decisions/. Returns winnow's seconds."""
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
    import bisect
    lows = [low for low, _, _ in ranges]

    def partition_of(ordinal):  # the partition whose range of positions holds it
        return ranges[bisect.bisect_right(lows, ordinal) - 1][2]

    # Each partition's members (position, group), sent to the task of that partition number.
    members = labels.map(lambda ol: (partition_of(ol[0]), (ol[0], group_of(ol[1], groups)))).partitionBy(count, lambda p: p)
    split = subset_task(job, groups, count, work_uri)
    members.mapPartitionsWithIndex(lambda index, rows: split(index, [value for _, value in rows])).count()
    band_pairs = pairs.filter(lambda pair: pair[0] != "x").map(lambda pair: (pair[1], pair)) \
        .join(labels, width).map(lambda kv: (group_of(kv[1][1], groups), kv[1][0]))
    per_group = band_pairs.partitionBy(groups, lambda group: group)
    decide = clusters_task(job, bands, work_uri)
    seconds = per_group.mapPartitionsWithIndex(lambda index, rows: decide(index, (value for _, value in rows))).sum()
    both.unpersist()
    labels.unpersist()
    return seconds


def clusters_task(job, bands, work_uri):
    """Step 5 for one group (`group`): the records of its documents (WORK/groups/G, or every
    partition's with `everything`) and its pairs → WORK/decisions/G.jsonl; yields winnow's seconds."""

    def task(group, pairs, everything=None):
        winnow, pipeline = job.task_paths()
        work = tempfile.mkdtemp(prefix=f"winnow-clusters-{group}-")
        try:
            if everything is None:
                get_files(work_uri, f"groups/{group}", work)
            else:
                for partition in range(everything):
                    get_files(work_uri, f"p{partition}", work, ("records-", "side-", "ids-"))
            by_band = {band: [] for band in range(bands)}
            for band, first, second in pairs:
                by_band[int(band)].append(f"{first}\t{second}\n")
            started = time.time()
            for band in range(bands):  # written after the records: clusters checks they are newer
                run([winnow, "dedup", "pairs", pipeline, "--band", str(band), "--work", work, "--quiet"],
                    stdin="".join(by_band[band]).encode())
            run([winnow, "dedup", "clusters", pipeline, "--work", work, "--quiet"])
            os.rename(os.path.join(work, "decisions.jsonl"), os.path.join(work, f"{group}.jsonl"))
            put_files(work_uri, "decisions", work, [f"{group}.jsonl"])
            yield time.time() - started
        finally:
            shutil.rmtree(work, ignore_errors=True)

    return task


def one_clusters_task(job, bands, count, work_uri):
    """Step 5 in one task (mapInArrow over the pairs): every partition's records from WORK →
    WORK/decisions/0.jsonl; one row: winnow's seconds."""

    def task(batches):
        import pyarrow as pa
        pairs = []
        for batch in batches:
            pairs += zip(*(batch.column(name).to_pylist() for name in ("band", "a", "b")))
        seconds = sum(clusters_task(job, bands, work_uri)(0, pairs, everything=count))
        yield pa.RecordBatch.from_arrays([pa.array([seconds], pa.float64())], names=["seconds"])

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
    if dedup_counts is None:
        total["kept"] = total["documents"] - total["rejected"]
        return total
    if total["stages"]:
        dedup = total["stages"][-1]
        dedup["kept"] = dedup["in"] - dedup_counts["dropped"]
        dedup["dropped"] = dedup_counts["dropped"]
        dedup["dropped_by_reason"] = dedup_counts["by_reason"]
    total["rejected"] += dedup_counts["dropped"]
    total["kept"] = total["documents"] - total["rejected"]
    return total



# ---------------------------------------------------------------------------------------
# Input: listing, numbering, reading


def page_format(name):
    """('jsonl' | 'txt' | 'html' | None, gzip) from a file name, as winnow's reader decides."""
    base = name.rstrip("/").rsplit("/", 1)[-1].lower()
    gz = base.endswith(".gz")
    if gz:
        base = base[:-3]
    dot = base.rfind(".")
    if dot <= 0:
        return None, gz
    return {"txt": "txt", "text": "txt", "html": "html", "htm": "html", "xhtml": "html",
            "jsonl": "jsonl", "ndjson": "jsonl"}.get(base[dot + 1:]), gz


def list_inputs(sc, paths, formats):
    """Every input file in winnow's reading order: inputs in the order given, directories
    walked depth first with entries sorted by the bytes of their names (hidden ones passed
    over), a glob's matches in byte order. Returns (uri, relative path, format, gzip)."""
    jvm = sc._jvm
    conf = sc._jsc.hadoopConfiguration()
    files = []

    def walk(fs, directory, prefix):
        entries = sorted(fs.listStatus(directory), key=lambda st: st.getPath().getName().encode())
        for status in entries:
            name = status.getPath().getName()
            if name.startswith("."):
                continue
            relative = prefix + name
            if status.isDirectory():
                walk(fs, status.getPath(), relative + "/")
                continue
            kind, gz = page_format(name)
            if kind is not None and kind in formats:
                files.append((status.getPath().toString(), relative, kind, gz))

    for given in paths:
        path = jvm.org.apache.hadoop.fs.Path(given)
        fs = path.getFileSystem(conf)
        if any(c in given for c in "*?["):
            statuses = sorted(fs.globStatus(path) or [], key=lambda st: st.getPath().toString().encode())
            if not statuses:
                raise SystemExit(f"winnow-spark: input '{given}' matches no file")
        else:
            if not fs.exists(path):
                raise SystemExit(f"winnow-spark: input '{given}' does not exist")
            statuses = [fs.getFileStatus(path)]
        for status in statuses:
            if status.isDirectory():
                walk(fs, status.getPath(), "")
            else:  # named: read whatever its extension (an unknown one as text), as winnow run does
                name = status.getPath().getName()
                kind, gz = page_format(name)
                files.append((status.getPath().toString(), name, kind or "txt", gz))
    return files


def path_key(uri):
    """One spelling of a file's URI for matching the listing with the readers' columns."""
    from urllib.parse import unquote, urlparse
    parsed = urlparse(uri)
    return (parsed.scheme or "file", parsed.netloc if parsed.scheme not in ("", "file") else "", unquote(parsed.path))


def read_inputs(spark, files):
    """(DataFrame of f, b, v: file, split start, line or page bytes; the numbering table)."""
    from pyspark.sql import functions as F
    jsonl = [uri for uri, _, kind, _ in files if kind == "jsonl"]
    pages = [uri for uri, _, kind, _ in files if kind != "jsonl"]
    frames = []
    blocks = {}
    if jsonl:
        # Lines end at '\n' only, as in winnow (Hadoop's default also ends them at a lone '\r').
        raw = spark.read.option("lineSep", "\n").text(jsonl).select(
            F.col("_metadata.file_path").alias("f"), F.col("_metadata.file_block_start").alias("b"), "value")
        text = raw.select("f", "b", F.col("value").cast("binary").alias("v"))
        # Lines and records (lines not only spaces, tabs and CRs) per split: positions without moving data.
        blank = F.length(F.expr("btrim(value, ' \\t\\r')")) == 0
        counted = raw.groupBy("f", "b").agg(F.count(F.lit(1)).alias("lines"),
                                            F.sum(F.when(blank, 0).otherwise(1)).alias("records")).collect()
        for row in counted:
            blocks.setdefault(path_key(row["f"]), []).append((row["b"], row["lines"], row["records"]))
        frames.append(text)
    if pages:
        frames.append(spark.read.format("binaryFile").load(pages).select(
            F.col("path").alias("f"), F.lit(0).cast("long").alias("b"), F.col("content").alias("v")))
    # Positions: each split's first line number and first ordinal, in reading order.
    table = {}
    ordinal = 0
    for uri, relative, kind, gz in files:
        key = path_key(uri)
        if kind == "jsonl":
            line = 0
            for start, lines, records in sorted(blocks.get(key, [])):
                table[(key, start)] = (relative, "jsonl", gz, line, ordinal)
                line += lines
                ordinal += records
        else:
            table[(key, 0)] = (relative, kind, gz, 0, ordinal)
            ordinal += 1
    frame = frames[0]
    for other in frames[1:]:
        frame = frame.unionByName(other)
    return frame, table, ordinal


def positioned_lines(batches, table):
    """A partition's rows as winnow's positioned input (`ORDINAL TAB PATH TAB LINE TAB record`,
    a page as `ORDINAL TAB PATH TAB - TAB base64`), in rising ordinal order; and the ranges of
    ordinals it holds."""
    import base64
    import gzip
    splits = {}
    for batch in batches:
        files, starts, values = (batch.column(i).to_pylist() for i in range(3))
        for f, start, value in zip(files, starts, values):
            splits.setdefault((path_key(f), start), []).append(value)
    out = []
    ranges = []
    for key, values in sorted(splits.items(), key=lambda kv: table[kv[0]][4]):
        relative, kind, gz, line, ordinal = table[key]
        name = relative.encode()
        first = ordinal
        if kind != "jsonl":
            data = gzip.decompress(values[0]) if gz else values[0]
            out.append(b"%d\t%s\t-\t%s" % (ordinal, name, base64.b64encode(data)))
            ordinal += 1
        else:
            for index, value in enumerate(values):
                line += 1
                if index == 0 and key[1] == 0 and value.startswith(b"\xef\xbb\xbf"):
                    value = value[3:]
                if value.strip(b" \t\r") == b"":
                    continue
                out.append(b"%d\t%s\t%d\t%s" % (ordinal, name, line, value))
                ordinal += 1
        if ordinal > first:
            ranges.append((first, ordinal - 1))
    return (b"\n".join(out) + b"\n") if out else b"", ranges


# ---------------------------------------------------------------------------------------
# Tasks (mapInArrow): what they need travels in plain values.

SIGNED_SCHEMA = "p int, kind string, name string, band string, key string, ordinal long, high long"


def arrow_rows(schema_fields, rows):
    import pyarrow as pa
    columns = list(zip(*rows)) if rows else [[] for _ in schema_fields]
    return pa.RecordBatch.from_arrays([pa.array(list(col), type=t) for col, (_, t) in zip(columns, schema_fields)],
                                      names=[n for n, _ in schema_fields])


def signed_fields():
    import pyarrow as pa
    return [("p", pa.int32()), ("kind", pa.string()), ("name", pa.string()), ("band", pa.string()), ("key", pa.string()),
            ("ordinal", pa.int64()), ("high", pa.int64())]


def learn_task(job, table, count, learned):
    """Step 2 for one partition: the first learning stage's counts → (stage, kind, key, count)."""

    def task(batches):
        import pyarrow as pa
        import pyarrow.csv as csv
        from pyspark import TaskContext, SparkFiles
        winnow, pipeline = job.task_paths()
        partition = TaskContext.get().partitionId()
        lines, _ = positioned_lines(batches, table)
        command = [winnow, "learn", "state", pipeline, "--input", "-", "--positioned", "--jobs", "1"]
        for name in learned:
            command += ["--learned", SparkFiles.get(name)]
        state = run(command, stdin=lines)
        if state:
            names = ["stage", "kind", "key", "count"]
            types = {"stage": pa.int32(), "kind": pa.string(), "key": pa.string(), "count": pa.int64()}
            parsed = csv.read_csv(pa.BufferReader(state), read_options=csv.ReadOptions(column_names=names),
                                  parse_options=csv.ParseOptions(delimiter="\t", quote_char=False),
                                  convert_options=csv.ConvertOptions(column_types=types))
            yield from parsed.to_batches()

    return task


def merge_task(job):
    """Step 2, after Spark's sum: `winnow learn merge --final` over a share of the keys."""

    def task(batches):
        import pyarrow as pa
        winnow, pipeline = job.task_paths()
        text = []
        for batch in batches:
            for stage, kind, key, count in zip(*(batch.column(i).to_pylist() for i in range(4))):
                text.append(f"{stage}\t{kind}\t{key}\t{count}\n")
        merged = run([winnow, "learn", "merge", pipeline, "--final", "-"], stdin="".join(text).encode())
        yield pa.RecordBatch.from_arrays([pa.array([merged], type=pa.binary())], names=["state"])

    return task


def signatures_task(job, table, count, learned, work_uri, fail_once_dir):
    """Step 3 for one partition: winnow's files to WORK/pP/; rows: its ranges of positions,
    winnow's seconds and its bucket keys (band, key, ordinal)."""

    def task(batches):
        import pyarrow as pa
        import pyarrow.csv as csv
        from pyspark import TaskContext, SparkFiles
        winnow, pipeline = job.task_paths()
        partition = TaskContext.get().partitionId()
        began = time.time()
        lines, ranges = positioned_lines(batches, table)
        read = time.time() - began
        fields = signed_fields()
        work = tempfile.mkdtemp(prefix=f"winnow-p{partition}-")
        try:
            shard = f"{partition}/{count}"
            started = time.time()
            command = [winnow, "dedup", "signatures", pipeline, "--input", "-", "--positioned", "--shard", shard,
                       "--work", work, "--quiet", "--jobs", "1", "--summary-json", os.path.join(work, "summary.json")]
            for name in learned:
                command += ["--learned", SparkFiles.get(name)]
            run(command, stdin=lines)
            keys = run([winnow, "dedup", "keys", pipeline, "--shard", shard, "--work", work, "--quiet", "--with-exact"])
            seconds = time.time() - started
            put_files(work_uri, f"p{partition}", work, sorted(os.listdir(work)))
            copied = time.time() - started - seconds
            fail_once(fail_once_dir, "signatures", partition, 1)
            rows = [(partition, "range", None, None, None, low, high) for low, high in ranges]
            rows.append((partition, "seconds", f"{seconds:.6f}", None, None, None, None))
            yield arrow_rows(fields, rows)
            if keys:
                parsed = csv.read_csv(pa.BufferReader(keys), read_options=csv.ReadOptions(column_names=["band", "key", "ordinal"]),
                                      parse_options=csv.ParseOptions(delimiter="\t", quote_char=False),
                                      convert_options=csv.ConvertOptions(column_types={"band": pa.string(), "key": pa.string(), "ordinal": pa.int64()}))
                for batch in parsed.to_batches(max_chunksize=1 << 16):
                    n = batch.num_rows
                    yield pa.RecordBatch.from_arrays(
                        [pa.array([partition] * n, pa.int32()), pa.array(["key"] * n, pa.string()), pa.nulls(n, pa.string()), batch.column(0),
                         batch.column(1), batch.column(2), pa.nulls(n, pa.int64())], names=[f for f, _ in fields])
            # Where a partition's time goes (the executor's stderr).
            print(f"winnow-spark: partition {partition}: input to positioned lines {read:.1f} s, winnow {seconds:.1f} s, "
                  f"files to the work directory {copied:.1f} s, keys handed to Spark {time.time() - started - seconds - copied:.1f} s",
                  file=sys.stderr, flush=True)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    return task


def output_rows(path, kind):
    """A clean or rejects file's lines, and Arrow batches of rows (kind, line) of them, 16,384
    rows each: (lines, batches)."""
    import pyarrow as pa
    with open(path, "rb") as f:
        lines = f.read().splitlines()
    batches = []
    for at in range(0, len(lines), 1 << 14):
        part = lines[at:at + (1 << 14)]
        batches.append(pa.RecordBatch.from_arrays([pa.array([kind] * len(part), pa.string()), pa.array(part, pa.binary())],
                                                  names=["kind", "line"]))
    return lines, batches


def summary_row(summary):
    """A task's summary as one row (kind "summary", its JSON)."""
    import pyarrow as pa
    return pa.RecordBatch.from_arrays([pa.array(["summary"], pa.string()), pa.array([json.dumps(summary).encode()], pa.binary())],
                                      names=["kind", "line"])


def filter_task(job, count, work_uri, fail_once_dir):
    """Step 6 for the partitions named by its rows: their files and the decisions from WORK →
    rows (kind, line): clean records, rejects, its summary."""

    def task(batches):
        winnow, pipeline = job.task_paths()
        for partition in [p for batch in batches for p in batch.column(0).to_pylist()]:
            work = tempfile.mkdtemp(prefix=f"winnow-f{partition}-")
            try:
                get_files(work_uri, f"p{partition}", work, ("documents-", "ids-", "rejects-", "records-", "summary.json"))
                merged_decisions(work_uri, work)  # after the records: filter checks the decisions are newer
                clean, rejects = os.path.join(work, "clean.jsonl"), os.path.join(work, "rejects.jsonl")
                started = time.time()
                run([winnow, "dedup", "filter", pipeline, "--shard", f"{partition}/{count}", "--work", work,
                     "--output", clean, "--rejects", rejects, "--quiet"])
                fail_once(fail_once_dir, "filter", partition, 2)
                yield from output_rows(clean, "clean")[1]
                lines, batches = output_rows(rejects, "rejects")
                yield from batches
                dropped = {}
                for line in lines:
                    if b'"stage":"dedup"' in line:
                        reason = json.loads(line).get("reason")
                        dropped[reason] = dropped.get(reason, 0) + 1
                with open(os.path.join(work, "summary.json"), "rb") as f:
                    summary = json.loads(f.read())
                summary["dedup_dropped"] = dropped
                summary["filter_seconds"] = time.time() - started
                yield summary_row(summary)
            finally:
                shutil.rmtree(work, ignore_errors=True)

    return task


def run_task(job, table, count, learned, fail_once_dir):
    """A pipeline without a corpus stage, per partition: `winnow run --positioned` → rows
    (kind, line) as the filter step writes them."""

    def task(batches):
        from pyspark import TaskContext, SparkFiles
        winnow, pipeline = job.task_paths()
        partition = TaskContext.get().partitionId()
        lines, _ = positioned_lines(batches, table)
        work = tempfile.mkdtemp(prefix=f"winnow-r{partition}-")
        try:
            clean, rejects = os.path.join(work, "clean.jsonl"), os.path.join(work, "rejects.jsonl")
            summary_path = os.path.join(work, "summary.json")
            started = time.time()
            command = [winnow, "run", pipeline, "--input", "-", "--positioned", "--output", clean, "--rejects", rejects,
                       "--manifest", os.path.join(work, "manifest.json"), "--no-gates", "--quiet", "--jobs", "1",
                       "--summary-json", summary_path]
            for name in learned:
                command += ["--learned", SparkFiles.get(name)]
            run(command, stdin=lines)
            fail_once(fail_once_dir, "filter", partition, 2)
            for kind, path in (("clean", clean), ("rejects", rejects)):
                yield from output_rows(path, kind)[1]
            with open(summary_path, "rb") as f:
                summary = json.loads(f.read())
            summary["filter_seconds"] = time.time() - started
            yield summary_row(summary)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    return task


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="+", help="input files, directories or globs (txt, html, jsonl, each maybe .gz), as Spark sees them")
    parser.add_argument("--pipeline", required=True, help="pipeline YAML file; its last stage must be dedup")
    parser.add_argument("--winnow", required=True, help="a `make dist` directory (or a winnow binary) to ship to the executors")
    parser.add_argument("--shipped", default=None,
                        help="where the executors find winnow when spark-submit ships it: with "
                             "`--archives dist/winnow.tar.gz#w`, w/winnow/winnow (--winnow is then only used on the driver)")
    parser.add_argument("--output", required=True, help="output directory (clean/, rejects/, manifest/)")
    parser.add_argument("--work", default=None,
                        help="directory for winnow's files between steps, on a file system every executor and the driver "
                             "reach (HDFS, S3, a shared mount; default: OUTPUT/_work, removed at the end)")
    parser.add_argument("--partitions", type=int, default=0,
                        help="about how many partitions the input is read in (default: Spark's default parallelism)")
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
    from pyspark.sql import functions as F

    global STARTED
    started = STARTED = time.time()
    # The winnow binary checks the pipeline before anything is read (and here, once), and says
    # what it is: the formats a directory walk reads, which stages learn, whether dedup ends it.
    local_winnow = winnow_binary(args.winnow)
    described = json.loads(run([local_winnow, "validate", args.pipeline, "--input", "-", "--json"]))
    formats = set(described["input"]["formats"])
    learning = [index for index, stage in enumerate(described["stages"]) if stage["learns"]]
    # Pipelines that end with dedup run its phases; others run whole per partition.
    dedup = described["dedup"] is not None
    bands = described["dedup"]["bands"] if dedup else 0

    # Python workers need pyarrow (and pandas, for PySpark's Arrow path): by default this Python.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("winnow").config("spark.ui.enabled", "false")
    if args.master:
        builder = builder.master(args.master)
    if args.driver_memory:  # takes effect when this process starts Spark (python, not spark-submit)
        builder = builder.config("spark.driver.memory", args.driver_memory)
    spark = builder.getOrCreate()
    log(f"Spark session up ({spark.version}, master {spark.sparkContext.master})")
    sc = spark.sparkContext
    sc.setLogLevel("WARN")
    partitions = args.partitions or sc.defaultParallelism
    # Splits sized so the input comes in about `partitions` partitions.
    spark.conf.set("spark.sql.files.minPartitionNum", str(partitions))
    spark.conf.set("spark.sql.files.openCostInBytes", str(64 << 10))
    spark.conf.set("spark.sql.shuffle.partitions", str(partitions))
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "2048")
    # The driver lists the files itself: no listing job per batch of named files.
    spark.conf.set("spark.sql.sources.parallelPartitionDiscovery.threshold", "1000000")
    # Clean records and rejects are written in one pass, each part in its task's order (no sort).
    spark.conf.set("spark.sql.maxConcurrentOutputFileWriters", "4")
    job = Job(args)
    sc.addPyFile(os.path.abspath(__file__))  # the task functions, when this file is imported as a module
    scratch = tempfile.mkdtemp(prefix="winnow-spark-ship-")
    job.ship(sc, scratch)
    # The work directory, as a URI every task can open (an earlier run's is removed).
    hadoop = sc._jvm.org.apache.hadoop.fs
    work_path = hadoop.Path(args.work or f"{args.output}/_work")
    work_filesystem = work_path.getFileSystem(sc._jsc.hadoopConfiguration())
    work_uri = work_filesystem.makeQualified(work_path).toString()
    work_filesystem.delete(work_path, True)

    # 1. The inputs, listed in winnow's order, read by Spark, numbered.
    files = list_inputs(sc, args.inputs, formats)
    if not files:
        raise SystemExit("winnow-spark: no input file (of the pipeline's input.formats) under " + ", ".join(args.inputs))
    frame, table, total = read_inputs(spark, files)
    count = frame.rdd.getNumPartitions()
    args.partitions = count  # the shards' count in winnow's file names
    log(f"{len(files)} files, {total} records in {count} partitions")

    # 2. Learning stages: partial counts per partition, summed by Spark, merged by winnow.
    learned = []
    for index in learning:
        schema = "stage int, kind string, key string, count long"
        partial = frame.mapInArrow(learn_task(job, table, count, list(learned)), schema)
        summed = partial.groupBy("stage", "kind", "key").agg(F.sum("count").alias("count"))
        state = b"".join(row["state"] for row in summed.mapInArrow(merge_task(job), "state binary").collect())
        name = f"winnow-learned-{len(learned)}.tsv"
        with open(os.path.join(scratch, name), "wb") as f:
            f.write(state)
        sc.addFile(os.path.join(scratch, name))
        learned.append(name)
        kept = state.count(b"\n")
        log(f"learned state of stages[{index}] '{described['stages'][index]['name']}': {kept} counts kept")

    if not dedup:
        # No corpus stage: each partition is a whole run.
        signed = None
        pair_count = 0
        written = frame.mapInArrow(run_task(job, table, count, learned, args.fail_once), "kind string, line binary")
    else:
        # 3. Document stages and signatures per partition: winnow's files to the work directory,
        #    the bucket keys as rows.
        signed = frame.mapInArrow(signatures_task(job, table, count, learned, work_uri, args.fail_once), SIGNED_SCHEMA)
        signed = signed.persist(StorageLevel.MEMORY_AND_DISK)

        # 4. Buckets and candidate pairs in Spark: in a bucket sorted by position, the first with
        #    each other one and each with the one before it; band "x" is the exact copies' key.
        #    One window over (band, key) gives both (a group-by collecting lists, exploded twice
        #    for a union, aggregated everything twice and took three times as long).
        from pyspark.sql import Window
        keys = signed.filter(F.col("kind") == "key").select("band", "key", "ordinal")
        bucket = Window.partitionBy("band", "key").orderBy("ordinal")
        members = keys.select("band", F.col("ordinal").alias("b"), F.first("ordinal").over(bucket).alias("first"),
                              F.lag("ordinal").over(bucket).alias("previous")).filter(F.col("previous").isNotNull())
        partners = F.when((F.col("previous") != F.col("first")) & (F.col("band") != "x"),
                          F.array("first", "previous")).otherwise(F.array("first"))
        pairs = members.select("band", F.explode(partners).alias("a"), "b").persist(StorageLevel.MEMORY_AND_DISK)
        pair_count = pairs.filter(F.col("band") != "x").count()

        # 5. Which document each duplicate group keeps.
        in_spark = args.components == "spark" or (args.components == "auto" and pair_count > args.max_task_pairs)
        log(f"{pair_count} candidate pairs: groups decided {'in Spark, per component' if in_spark else 'in one task'} "
            f"(--components {args.components}, --max-task-pairs {args.max_task_pairs})")
        if in_spark:
            ranges = sorted((row["ordinal"], row["high"], row["p"]) for row in signed.filter(F.col("kind") == "range").collect())
            pair_rdd = pairs.rdd.map(lambda row: (row["band"] if row["band"] == "x" else int(row["band"]), row["a"], row["b"]))
            cluster_seconds = decisions_in_spark(job, sc, pair_rdd, bands, ranges, count, work_uri)
        else:
            band_pairs = pairs.filter(F.col("band") != "x").repartition(1)
            cluster_seconds = band_pairs.mapInArrow(one_clusters_task(job, bands, count, work_uri), "seconds double").collect()[0]["seconds"]
        log(f"clusters: {cluster_seconds:.1f} s in winnow")
        pairs.unpersist()

        # 6. Filter per partition (its files and the decisions from the work directory); clean
        #    records, rejects and summaries written in one pass.
        shards = spark.range(0, count, 1, count).select(F.col("id").cast("int").alias("p"))
        written = shards.mapInArrow(filter_task(job, count, work_uri, args.fail_once), "kind string, line binary")
    parts = f"{args.output}/_parts"
    written.select("kind", F.col("line").cast("string").alias("line")).write.partitionBy("kind").text(parts)
    jvm = sc._jvm
    out_path = jvm.org.apache.hadoop.fs.Path(args.output)
    fs = out_path.getFileSystem(sc._jsc.hadoopConfiguration())
    for kind in ("clean", "rejects"):
        source = jvm.org.apache.hadoop.fs.Path(f"{parts}/kind={kind}")
        target = jvm.org.apache.hadoop.fs.Path(f"{args.output}/{kind}")
        if fs.exists(source):
            fs.rename(source, target)
        else:
            fs.mkdirs(target)
    summaries = [json.loads(row["value"]) for row in spark.read.text(f"{parts}/kind=summary").collect()]
    fs.delete(jvm.org.apache.hadoop.fs.Path(parts), True)
    dropped = {}
    for summary in summaries:
        for reason, n in summary.pop("dedup_dropped", {}).items():
            dropped[reason] = dropped.get(reason, 0) + n
    counts = sum_summaries(summaries, {"dropped": sum(dropped.values()), "by_reason": dropped} if dedup else None)
    signature_seconds = sum(float(row["name"]) for row in signed.filter(F.col("kind") == "seconds").select("name").collect()) if dedup else 0
    cluster_seconds = cluster_seconds if dedup else 0
    winnow_seconds = signature_seconds + cluster_seconds + sum(s.get("filter_seconds", 0) for s in summaries)
    manifest = {
        "engine": f"spark {sc.version}, {count} partitions, master {sc.master}",
        "pipeline_file": args.pipeline, "inputs": args.inputs, "winnow": run([local_winnow, "--version"]).decode().strip(),
        "counts": counts, "seconds": round(time.time() - started, 3), "candidate_pairs": pair_count,
        "winnow_seconds": round(winnow_seconds, 3), "learned_states": len(learned),
    }
    sc.parallelize([json.dumps(manifest, sort_keys=True)], 1).saveAsTextFile(f"{args.output}/manifest")
    work_filesystem.delete(work_path, True)
    log(f"{counts['documents']} documents: kept {counts['kept']}, rejected {counts['rejected']} in {manifest['seconds']} s → {args.output}")
    if signed is not None:
        signed.unpersist()
    spark.stop()
    shutil.rmtree(scratch, ignore_errors=True)  # the archives and learned states shipped
    return manifest


if __name__ == "__main__":
    main()
