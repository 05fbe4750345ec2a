#!/usr/bin/env python3
"""winnow on Apache Spark: the same pipeline, the same output, across a cluster.

    spark-submit integrations/spark/winnow_spark.py --pipeline pipelines/my.yaml \\
        --winnow dist/winnow --output hdfs:///corpus/clean hdfs:///crawl/2026-11/ ...

Spark reads, schedules, retries and shuffles; the winnow binary does the work, one process
per task:

1. The inputs (files, directories walked as `winnow run` walks them, globs; .txt, .html and
   .jsonl, each maybe .gz) are listed on the driver and read by Spark's own readers: JSONL
   with the text reader (split by the cluster's file system), pages with `binaryFile`. A
   record's position is its file's place in the listing and its number in the file; one
   aggregation counts the lines of the splits of the files Spark splits (only those), so every
   record gets its file and line as in one run, without moving the data.
2. A stage that learns from the whole corpus (boilerplate with corpus_min_docs): each
   partition prints its counts (`winnow learn state`), Spark sums them with a group-by,
   `winnow learn merge --final` drops what cannot matter, and the merged state is shipped to
   every task as a file.
3. Each partition is piped through `winnow dedup signatures --positioned` (with the learned
   state) and `winnow dedup keys --columns`: its files go to the work directory (--work, on
   the cluster's file system), its bucket keys too, split into ranges of buckets.
4. One task per range of buckets reads every partition's keys of it and writes the range's
   candidate pairs to the work directory.
5. Which document each duplicate group keeps: one task over the pairs and the records, or
   components in Spark first when the pairs are many (`--components`); the decisions are
   files in the work directory.
6. Each partition runs `winnow dedup filter` on its files and the decisions and writes its
   clean records and rejects as OUTPUT/clean/part-P.jsonl and OUTPUT/rejects/part-P.jsonl;
   the driver writes the summed counts as OUTPUT/manifest/part-00000.

The pipeline file's directory is shipped to the executors (rule packs beside it travel
along); so is --winnow (a `make dist` directory, which needs nothing installed on the nodes);
with a local[...] master both are used where they are (`--ship`).
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
        """Sends the winnow directory and the pipeline file's directory to the executors; in
        local mode (executors in this process, on this machine) with `--ship auto`, nothing:
        tasks use the files where they are."""
        self.local = self.args.ship == "auto" and sc.master.startswith("local") and not self.args.shipped
        if self.local:
            self.local_paths = (os.path.abspath(winnow_binary(self.args.winnow)), os.path.abspath(self.args.pipeline))
            return
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
        if self.local:
            return self.local_paths
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
    """Copies `names` from the local directory `local` to WORK/subdirectory (on this machine's
    file system: links them, when it can)."""
    import uuid
    from pyarrow import fs as pafs
    filesystem, base = work_fs(uri)
    target = f"{base}/{subdirectory}"
    filesystem.create_dir(target, recursive=True)
    for name in names:
        aside = f"{target}/.{name}.{uuid.uuid4().hex}"
        try:
            if not isinstance(filesystem, pafs.LocalFileSystem):
                raise OSError("not a local file system")
            os.link(os.path.join(local, name), aside)
        except OSError:
            with open(os.path.join(local, name), "rb") as f, filesystem.open_output_stream(aside) as out:
                shutil.copyfileobj(f, out, 8 << 20)
        filesystem.move(aside, f"{target}/{name}")


def get_files(uri, subdirectory, local, prefixes=None):
    """Copies WORK/subdirectory's files (those whose names start with one of `prefixes`) to
    the local directory `local` (links them, when it can); returns their names."""
    from pyarrow import fs as pafs
    filesystem, base = work_fs(uri)
    infos = filesystem.get_file_info(pafs.FileSelector(f"{base}/{subdirectory}", allow_not_found=True))
    names = []
    for info in sorted(infos, key=lambda i: i.base_name):
        name = info.base_name
        if info.type != pafs.FileType.File or name.startswith(".") or (prefixes and not name.startswith(prefixes)):
            continue
        try:
            if not isinstance(filesystem, pafs.LocalFileSystem):
                raise OSError("not a local file system")
            os.link(info.path, os.path.join(local, name))
        except OSError:
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
    band_pairs = pairs.filter(lambda pair: pair[0] >= 0).map(lambda pair: (pair[1], pair)) \
        .join(labels, width).map(lambda kv: (group_of(kv[1][1], groups), kv[1][0]))
    per_group = band_pairs.partitionBy(groups, lambda group: group)
    decide = clusters_task(job, bands, work_uri)
    seconds = per_group.mapPartitionsWithIndex(lambda index, rows: decide(index, [value for _, value in rows])).sum()
    both.unpersist()
    labels.unpersist()
    return seconds


def components_in_spark(args, pairs, documents):
    """Whether duplicate groups are found in Spark (per component) rather than in one task:
    --components, or with auto, when one task would hold too many pairs or documents' records."""
    if args.components != "auto":
        return args.components == "spark"
    return pairs > args.max_task_pairs or documents > args.max_task_documents


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
            # 'band TAB position TAB position' lines, for one `winnow dedup pairs` over every band.
            listed = os.path.join(work, "pairs.tsv")
            if pairs is None:  # every range's near pairs, from the work directory
                parts = tempfile.mkdtemp(dir=work)
                with open(listed, "wb") as f:
                    for name in get_files(work_uri, "pairs", parts, ("near-",)):
                        with open(os.path.join(parts, name), "rb") as part:
                            shutil.copyfileobj(part, f, 8 << 20)
                shutil.rmtree(parts, ignore_errors=True)
            else:
                with open(listed, "w") as f:
                    f.writelines(f"{band}\t{first}\t{second}\n" for band, first, second in pairs)
            started = time.time()
            # Written after the records: clusters checks they are newer.
            run([winnow, "dedup", "pairs", pipeline, "--input", listed, "--work", work, "--quiet"])
            run([winnow, "dedup", "clusters", pipeline, "--work", work, "--quiet"])
            os.rename(os.path.join(work, "decisions.jsonl"), os.path.join(work, f"{group}.jsonl"))
            put_files(work_uri, "decisions", work, [f"{group}.jsonl"])
            yield time.time() - started
        finally:
            shutil.rmtree(work, ignore_errors=True)

    return task


def one_clusters_task(job, bands, count, work_uri):
    """Step 5 in one task: every partition's records and every range's pairs from WORK →
    WORK/decisions/0.jsonl; one row: winnow's seconds."""

    def task(batches):
        import pyarrow as pa
        for _ in batches:
            pass
        seconds = sum(clusters_task(job, bands, work_uri)(0, None, everything=count))
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
    over), a glob's matches in byte order. Returns (uri, relative path, format, gzip, bytes)."""
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
                files.append((status.getPath().toString(), relative, kind, gz, status.getLen()))

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
                files.append((status.getPath().toString(), name, kind or "txt", gz, status.getLen()))
    return files


def path_key(uri):
    """One spelling of a file's URI for matching the listing with the readers' columns."""
    from urllib.parse import unquote, urlparse
    parsed = urlparse(uri)
    return (parsed.scheme or "file", parsed.netloc if parsed.scheme not in ("", "file") else "", unquote(parsed.path))


# A record's position (its ordinal, which orders the documents as one run reads them): the
# file's index in the listing above FILE_BITS, the record's number within the file below. Only
# order matters (positions are never written out), so no pass counts the records before a file.
FILE_BITS = 38


class SessionConf:
    """The session's SQL settings this job changes, put back at its end (a running session,
    a notebook's, is left as it was)."""

    def __init__(self, spark):
        self.conf = spark.conf
        self.saved = {}

    def set(self, key, value):
        if key not in self.saved:
            self.saved[key] = self.conf.get(key, None)
        self.conf.set(key, value)

    def get(self, key):
        return self.conf.get(key)

    def restore(self):
        for key, value in self.saved.items():
            if value is None:
                self.conf.unset(key)
            else:
                self.conf.set(key, value)


def split_bytes(spark, conf, files, partitions):
    """The most bytes of one file Spark reads in one split, set for the session: about
    `partitions` partitions' worth (as FilePartition.maxSplitBytes computes it), at most
    spark.sql.files.maxPartitionBytes, and no less than any file up to an eighth larger (a
    file just over the share is read whole, not with a small split at its tail). Every scan
    then splits files alike, whatever else it reads."""
    open_cost = int(conf.get("spark.sql.files.openCostInBytes"))
    # The cap as the job was submitted (this function sets the session's own value).
    cap = spark.sparkContext.getConf().get("spark.sql.files.maxPartitionBytes", "128m")
    cap = int(cap) if cap.isdigit() else spark.sparkContext._jvm.org.apache.spark.network.util.JavaUtils.byteStringAsBytes(cap)
    total = sum(size + open_cost for *_, size in files)
    most = min(cap, max(open_cost, total // max(1, partitions)))
    most = max([most] + [size for *_, size in files if size <= min(cap, most + most // 8)])
    conf.set("spark.sql.files.maxPartitionBytes", str(most))
    conf.set("spark.sql.files.minPartitionNum", "1")
    return most


def read_inputs(spark, conf, files, partitions):
    """(DataFrame of f, b, v: file, split start, line or page bytes; the numbering table; how
    many files come in several splits, their lines counted first)."""
    from pyspark.sql import functions as F
    if len(files) > 1 << (63 - FILE_BITS):  # positions stay below 2^63 (Spark's and numpy's signed longs)
        raise SystemExit(f"winnow-spark: {len(files)} input files; at most {1 << (63 - FILE_BITS)} in one run")
    jsonl = [uri for uri, _, kind, _, _ in files if kind == "jsonl"]
    pages = [uri for uri, _, kind, _, _ in files if kind != "jsonl"]
    frames = []
    blocks = {}
    split = []
    most = split_bytes(spark, conf, files, partitions)
    if jsonl:
        # Lines end at '\n' only, as in winnow (Hadoop's default also ends them at a lone '\r').
        def read_lines(uris):
            return spark.read.option("lineSep", "\n").text(uris).select(
                F.col("_metadata.file_path").alias("f"), F.col("_metadata.file_block_start").alias("b"), "value")
        frames.append(read_lines(jsonl).select("f", "b", F.col("value").cast("binary").alias("v")))
        # A file Spark reads in several splits needs each split's first line and record number:
        # one aggregation counts them (only there) without moving the data.
        split = [uri for uri, _, kind, gz, size in files if kind == "jsonl" and not gz and size > most]
        if split:
            raw = read_lines(split)
            blank = F.length(F.expr("btrim(value, ' \\t\\r')")) == 0
            counted = raw.groupBy("f", "b").agg(F.count(F.lit(1)).alias("lines"),
                                                F.sum(F.when(blank, 0).otherwise(1)).alias("records")).collect()
            for row in counted:
                blocks.setdefault(path_key(row["f"]), []).append((row["b"], row["lines"], row["records"]))
            log(f"{len(split)} JSONL files over {most} bytes come in several splits: their splits' lines counted")
    if pages:
        frames.append(spark.read.format("binaryFile").load(pages).select(
            F.col("path").alias("f"), F.lit(0).cast("long").alias("b"), F.col("content").alias("v")))
    # Positions: each split's first line number and first ordinal.
    table = {}
    for index, (uri, relative, kind, gz, _) in enumerate(files):
        key = path_key(uri)
        base = index << FILE_BITS
        if kind == "jsonl":
            line = ordinal = 0
            for start, lines, records in sorted(blocks.get(key, [(0, 0, 0)])):
                table[(key, start)] = (relative, "jsonl", gz, line, base + ordinal)
                line += lines
                ordinal += records
        else:
            table[(key, 0)] = (relative, kind, gz, 0, base)
    frame = frames[0]
    for other in frames[1:]:
        frame = frame.unionByName(other)
    return frame, table, len(split)


def positioned_lines(batches, table):
    """A partition's rows as winnow's positioned input (`ORDINAL TAB PATH TAB LINE TAB record`,
    a page as `ORDINAL TAB PATH TAB - TAB base64`), in rising ordinal order; and the ranges of
    ordinals it holds."""
    import base64
    import gzip
    by_uri = {}
    for batch in batches:
        files, starts, values = (batch.column(i).to_pylist() for i in range(3))
        for f, start, value in zip(files, starts, values):
            by_uri.setdefault((f, start), []).append(value)
    splits = {}
    for (f, start), values in by_uri.items():
        key = (path_key(f), start)
        if key not in table:
            raise RuntimeError(f"winnow-spark: {f} came in more than one split (one starts at byte {start}), though the driver "
                               f"counted it as one piece: its lines would be numbered wrong")
        splits.setdefault(key, []).extend(values)
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

SIGNED_SCHEMA = "p int, kind string, name string, ordinal long, high long"


def arrow_rows(schema_fields, rows):
    import pyarrow as pa
    columns = list(zip(*rows)) if rows else [[] for _ in schema_fields]
    return pa.RecordBatch.from_arrays([pa.array(list(col), type=t) for col, (_, t) in zip(columns, schema_fields)],
                                      names=[n for n, _ in schema_fields])


def signed_fields():
    import pyarrow as pa
    return [("p", pa.int32()), ("kind", pa.string()), ("name", pa.string()), ("ordinal", pa.int64()), ("high", pa.int64())]


def key_columns(data):
    """`winnow dedup keys --columns` output as numpy arrays (band, key, position)."""
    import numpy as np
    bands, keys, ordinals = [], [], []
    at = 0
    while at < len(data):
        n = int.from_bytes(data[at:at + 8], "little")
        at += 8
        keys.append(np.frombuffer(data, "<i8", n, at))
        ordinals.append(np.frombuffer(data, "<i8", n, at + 8 * n))
        bands.append(np.frombuffer(data, "<i4", n, at + 16 * n))
        at += 20 * n + (4 if n % 2 else 0)
    if not keys:
        return np.zeros(0, "<i4"), np.zeros(0, "<i8"), np.zeros(0, "<i8")
    return np.concatenate(bands), np.concatenate(keys), np.concatenate(ordinals)


def key_range(band, key, ranges):
    """Which of `ranges` a bucket (band, key) belongs to: every partition sends a bucket's
    keys to the same one."""
    import numpy as np
    mixed = (key.astype(np.uint64) ^ (band.astype(np.int64).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15))) \
        * np.uint64(0xFF51AFD7ED558CCD)
    return ((mixed >> np.uint64(33)) % np.uint64(ranges)).astype(np.int64)


def write_key_ranges(data, ranges, partition, directory):
    """A partition's bucket keys split by `key_range`: DIRECTORY/R/P.keys for each range R, in
    the block format `winnow dedup keys --columns` writes (`key_columns` reads both); returns
    the names."""
    import numpy as np
    band, key, ordinal = key_columns(data)
    where = key_range(band, key, ranges)
    order = np.argsort(where, kind="stable")
    band, key, ordinal = band[order], key[order], ordinal[order]
    ends = np.cumsum(np.bincount(where, minlength=ranges))
    names = []
    for index in range(ranges):
        low, high = (ends[index - 1] if index else 0), ends[index]
        os.makedirs(os.path.join(directory, str(index)), exist_ok=True)
        name = f"{index}/{partition:05d}.keys"
        with open(os.path.join(directory, name), "wb") as f:
            if high > low:
                f.write(int(high - low).to_bytes(8, "little"))
                for column in (key, ordinal, band):
                    f.write(column[low:high].tobytes())
                f.write(bytes(4 if (high - low) % 2 else 0))
        names.append(name)
    return names


def bucket_pairs(band, key, ordinal):
    """The candidate pairs of buckets (rows with the same band and key), as one `winnow run`
    makes them: in a bucket sorted by position, the first with each other one and each with
    the one before it (band -1, the exact copies' key: the first with each other one only).
    Returns (band, first, second) arrays."""
    import numpy as np
    order = np.lexsort((ordinal, key, band))
    band, key, ordinal = band[order], key[order], ordinal[order]
    n = len(band)
    start = np.ones(n, bool)
    start[1:] = (band[1:] != band[:-1]) | (key[1:] != key[:-1])
    head = np.where(start, np.arange(n), 0)
    np.maximum.accumulate(head, out=head)
    first = ordinal[head]
    previous = np.empty(n, ordinal.dtype)
    previous[1:] = ordinal[:-1]
    member = ~start
    chained = member & (previous != first) & (band >= 0)
    return (np.concatenate([band[member], band[chained]]), np.concatenate([first[member], previous[chained]]),
            np.concatenate([ordinal[member], ordinal[chained]]))


def pairs_task(work_uri):
    """Step 4 for the ranges of buckets named by its rows: every partition's keys of a range
    (WORK/keys/R/) → its candidate pairs as WORK/pairs/near-R.tsv and exact-R.tsv ('band TAB
    position TAB position'); a row per range: its counts of near and exact pairs."""

    def task(batches):
        for index in [r for batch in batches for r in batch.column(0).to_pylist()]:
            yield from one(index)

    def one(index):
        import numpy as np
        import pyarrow as pa
        import pyarrow.csv as csv
        work = tempfile.mkdtemp(prefix=f"winnow-pairs-{index}-")
        try:
            parts = []
            for name in get_files(work_uri, f"keys/{index}", work):
                with open(os.path.join(work, name), "rb") as f:
                    parts.append(key_columns(f.read()))
                os.unlink(os.path.join(work, name))
            band, first, second = bucket_pairs(*(np.concatenate([part[column] for part in parts]) if parts else
                                                 np.zeros(0, "<i4" if column == 0 else "<i8") for column in range(3)))
            counts = []
            for kind, chosen in (("near", band >= 0), ("exact", band < 0)):
                table = pa.table({"band": band[chosen], "a": first[chosen], "b": second[chosen]})
                csv.write_csv(table, os.path.join(work, f"{kind}-{index:05d}.tsv"),
                              csv.WriteOptions(include_header=False, delimiter="\t", quoting_style="none"))
                counts.append(int(chosen.sum()))
            put_files(work_uri, "pairs", work, [f"near-{index:05d}.tsv", f"exact-{index:05d}.tsv"])
        finally:
            shutil.rmtree(work, ignore_errors=True)
        yield pa.RecordBatch.from_arrays([pa.array([counts[0]], pa.int64()), pa.array([counts[1]], pa.int64())],
                                         names=["near", "exact"])

    return task


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
    """Step 3 for one partition: winnow's files to WORK/pP/, its bucket keys to WORK/keys/R/P.keys
    (`write_key_ranges`); rows: its ranges of positions and winnow's seconds."""

    def task(batches):
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
            keys = run([winnow, "dedup", "keys", pipeline, "--shard", shard, "--work", work, "--quiet", "--with-exact", "--columns"])
            seconds = time.time() - started
            put_files(work_uri, f"p{partition}", work, sorted(name for name in os.listdir(work) if name != "ranges"))
            copied = time.time() - started - seconds
            fail_once(fail_once_dir, "signatures", partition, 1)
            handed = time.time()
            spread = os.path.join(work, "ranges")
            for name in write_key_ranges(keys, count, partition, spread):
                directory, base = name.split("/")
                put_files(work_uri, f"keys/{directory}", os.path.join(spread, directory), [base])
            handed = time.time() - handed
            rows = [(partition, "range", None, low, high) for low, high in ranges]
            rows.append((partition, "seconds", f"{seconds:.6f}", None, None))
            yield arrow_rows(fields, rows)
            # Where a partition's time goes (the executor's stderr).
            print(f"winnow-spark: partition {partition}: input to positioned lines {read:.1f} s, winnow {seconds:.1f} s, "
                  f"files to the work directory {copied:.1f} s, keys split by range to it {handed:.1f} s",
                  file=sys.stderr, flush=True)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    return task


def publish(output_uri, partition, clean, rejects):
    """A task's clean records and rejects as OUTPUT/clean/part-P.jsonl and
    OUTPUT/rejects/part-P.jsonl, straight to the output's file system (each whole or absent)."""
    name = f"part-{partition:05d}.jsonl"
    for kind, path in (("clean", clean), ("rejects", rejects)):
        directory = os.path.join(os.path.dirname(path), kind)
        os.makedirs(directory, exist_ok=True)
        os.rename(path, os.path.join(directory, name))
        put_files(output_uri, kind, directory, [name])
    return os.path.join(os.path.dirname(rejects), "rejects", name)


def summary_row(summary):
    """A task's summary as one row (its JSON)."""
    import pyarrow as pa
    return pa.RecordBatch.from_arrays([pa.array([json.dumps(summary)], pa.string())], names=["summary"])


def filter_task(job, count, work_uri, output_uri, fail_once_dir):
    """Step 6 for the partitions named by its rows: their files and the decisions from WORK →
    their clean records and rejects in OUTPUT; a row per partition: its summary."""

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
                published = publish(output_uri, partition, clean, rejects)
                fail_once(fail_once_dir, "filter", partition, 2)  # after its files are out: a retry writes them again
                # The dedup rejects' reasons: winnow writes "stage" and then "reason" first in
                # each reject (quotes inside strings are escaped, so this cannot match in text).
                import collections
                import re
                with open(published, "rb") as f:
                    reasons = re.findall(rb'"stage":"dedup","reason":"([^"\\]*)"', f.read())
                dropped = dict(collections.Counter(reason.decode() for reason in reasons))
                with open(os.path.join(work, "summary.json"), "rb") as f:
                    summary = json.loads(f.read())
                summary["dedup_dropped"] = dropped
                summary["filter_seconds"] = time.time() - started
                yield summary_row(summary)
            finally:
                shutil.rmtree(work, ignore_errors=True)

    return task


def run_task(job, table, count, learned, output_uri, fail_once_dir):
    """A pipeline without a corpus stage, per partition: `winnow run --positioned` → its clean
    records and rejects in OUTPUT; one row: its summary."""

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
            publish(output_uri, partition, clean, rejects)
            fail_once(fail_once_dir, "filter", partition, 2)
            with open(summary_path, "rb") as f:
                summary = json.loads(f.read())
            summary["filter_seconds"] = time.time() - started
            yield summary_row(summary)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    return task


def stop_session(spark):
    """Stops a session this process started, without PySpark's wait for its accumulator server:
    `SparkContext.stop()` waits for the server's handler, which polls its connection once a
    second, so a job's end took up to a second longer. The server stops in a thread of its own
    (a daemon one: it does not hold the process up)."""
    import threading
    sc = spark.sparkContext
    server = getattr(sc, "_accumulatorServer", None)
    if server is not None and hasattr(server, "server_shutdown"):
        server.server_shutdown = True  # the handler's poll ends at its next wake-up
        sc._accumulatorServer = None
        threading.Thread(target=server.shutdown, name="winnow-accumulator-server-stop", daemon=True).start()
    spark.stop()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="+", help="input files, directories or globs (txt, html, jsonl, each maybe .gz), as Spark sees them")
    parser.add_argument("--pipeline", required=True, help="pipeline YAML file; its last stage must be dedup")
    parser.add_argument("--winnow", required=True, help="a `make dist` directory (or a winnow binary) to ship to the executors")
    parser.add_argument("--shipped", default=None,
                        help="where the executors find winnow when spark-submit ships it: with "
                             "`--archives dist/winnow.tar.gz#w`, w/winnow/winnow (--winnow is then only used on the driver)")
    parser.add_argument("--ship", choices=["auto", "always"], default="auto",
                        help="auto: ship --winnow and the pipeline's directory to the executors unless the master is "
                             "local[...] (the tasks then run on this machine and use them in place); always: ship them")
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
                             "auto: Spark when the candidate pairs exceed --max-task-pairs or the documents "
                             "--max-task-documents")
    parser.add_argument("--max-task-pairs", type=int, default=50_000_000,
                        help="the most candidate pairs one task decides (auto); about 16 bytes each in winnow")
    parser.add_argument("--max-task-documents", type=int, default=2_000_000,
                        help="the most documents whose dedup records (signature and shingle set, about 600 bytes "
                             "each) one task reads (auto); above it each group of components reads only its own")
    parser.add_argument("--fail-once", default=None, help=argparse.SUPPRESS)  # tests: partitions 1 and 2 fail once
    args = parser.parse_args(argv)
    for name in ("partitions", "max_task_pairs", "max_task_documents"):
        if getattr(args, name) < 0:
            parser.error(f"--{name.replace('_', '-')} must be 0 or more, not {getattr(args, name)}")

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
    from pyspark import SparkContext
    # A session already running (a notebook, a service) is used and left running; one started
    # here is stopped at the end.
    started_here = SparkContext._active_spark_context is None
    spark = builder.getOrCreate()
    log(f"Spark session up ({spark.version}, master {spark.sparkContext.master})")
    sc = spark.sparkContext
    sc.setLogLevel("WARN")
    partitions = args.partitions or sc.defaultParallelism
    conf = SessionConf(spark)
    # Splits sized so the input comes in about `partitions` partitions (read_inputs).
    conf.set("spark.sql.files.openCostInBytes", str(64 << 10))
    conf.set("spark.sql.shuffle.partitions", str(partitions))
    conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "2048")
    # The driver lists the files itself: no listing job per batch of named files.
    conf.set("spark.sql.sources.parallelPartitionDiscovery.threshold", "1000000")
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
    # The output: tasks write OUTPUT/clean/ and OUTPUT/rejects/ themselves, so an earlier run's
    # files there would mix with this one's.
    output_path = hadoop.Path(args.output)
    output_filesystem = output_path.getFileSystem(sc._jsc.hadoopConfiguration())
    output_uri = output_filesystem.makeQualified(output_path).toString()
    for kind in ("clean", "rejects", "manifest"):
        if output_filesystem.exists(hadoop.Path(f"{output_uri}/{kind}")):
            raise SystemExit(f"winnow-spark: --output '{args.output}' already holds {kind}/ from an earlier run: remove it or choose another directory")

    # 1. The inputs, listed in winnow's order, read by Spark, numbered.
    files = list_inputs(sc, args.inputs, formats)
    if not files:
        raise SystemExit("winnow-spark: no input file (of the pipeline's input.formats) under " + ", ".join(args.inputs))
    frame, table, counted = read_inputs(spark, conf, files, partitions)
    count = frame.rdd.getNumPartitions()
    args.partitions = count  # the shards' count in winnow's file names
    log(f"{len(files)} files in {count} partitions")

    # 2. Learning stages: partial counts per partition, summed by Spark, merged by winnow.
    learned = []
    for index in learning:
        schema = "stage int, kind string, key string, count long"
        partial = frame.mapInArrow(learn_task(job, table, count, list(learned)), schema)
        summed = partial.groupBy("stage", "kind", "key").agg(F.sum("count").alias("count"))
        state = b"".join(row["state"] for row in summed.mapInArrow(merge_task(job), "state binary").collect())
        name = f"winnow-learned-{os.path.basename(scratch)}-{len(learned)}.tsv"  # unique in a session
        with open(os.path.join(scratch, name), "wb") as f:
            f.write(state)
        sc.addFile(os.path.join(scratch, name))
        learned.append(name)
        kept = state.count(b"\n")
        log(f"learned state of stages[{index}] '{described['stages'][index]['name']}': {kept} counts kept")

    if not dedup:
        # No corpus stage: each partition is a whole run.
        signed = []
        pair_count = 0
        written = frame.mapInArrow(run_task(job, table, count, learned, output_uri, args.fail_once), "summary string")
    else:
        # 3. Document stages and signatures per partition: winnow's files and the bucket keys
        #    (a file per range of buckets) to the work directory; rows: the partition's ranges of
        #    positions and winnow's seconds.
        signed = frame.mapInArrow(signatures_task(job, table, count, learned, work_uri, args.fail_once), SIGNED_SCHEMA).collect()
        log(f"signatures: {sum(row['kind'] == 'range' for row in signed)} ranges of positions in {count} partitions")

        # 4. Buckets and candidate pairs: each range of buckets' keys from every partition meet in
        #    one task through the work directory (as columns, not a row per key through Spark's
        #    shuffle), which sorts them and writes the range's pairs there.
        ranges_of_keys = spark.range(0, count, 1, count).select(F.col("id").cast("int").alias("r"))
        made = ranges_of_keys.mapInArrow(pairs_task(work_uri), "near long, exact long").collect()
        pair_count = sum(row["near"] for row in made)

        # 5. Which document each duplicate group keeps.
        ranges = sorted((row["ordinal"], row["high"], row["p"]) for row in signed if row["kind"] == "range")
        signed_count = sum(high - low + 1 for low, high, _ in ranges)
        in_spark = components_in_spark(args, pair_count, signed_count)
        log(f"{pair_count} candidate pairs among {signed_count} documents: groups decided "
            f"{'in Spark, per component' if in_spark else 'in one task'} (--components {args.components}, "
            f"--max-task-pairs {args.max_task_pairs}, --max-task-documents {args.max_task_documents})")
        if in_spark:
            pair_rdd = spark.read.schema("band int, a long, b long").option("sep", "\t").csv(f"{work_uri}/pairs") \
                .rdd.map(tuple)
            cluster_seconds = decisions_in_spark(job, sc, pair_rdd, bands, ranges, count, work_uri)
        else:
            one = spark.range(0, 1, 1, 1)
            cluster_seconds = one.mapInArrow(one_clusters_task(job, bands, count, work_uri), "seconds double").collect()[0]["seconds"]
        log(f"clusters: {cluster_seconds:.1f} s in winnow")

        # 6. Filter per partition (its files and the decisions from the work directory): each
        #    writes its clean records and rejects into OUTPUT and returns its summary.
        shards = spark.range(0, count, 1, count).select(F.col("id").cast("int").alias("p"))
        written = shards.mapInArrow(filter_task(job, count, work_uri, output_uri, args.fail_once), "summary string")
    summaries = [json.loads(row["summary"]) for row in written.collect()]
    for kind in ("clean", "rejects"):  # there even when no partition wrote a part
        output_filesystem.mkdirs(hadoop.Path(f"{output_uri}/{kind}"))
    dropped = {}
    for summary in summaries:
        for reason, n in summary.pop("dedup_dropped", {}).items():
            dropped[reason] = dropped.get(reason, 0) + n
    counts = sum_summaries(summaries, {"dropped": sum(dropped.values()), "by_reason": dropped} if dedup else None)
    signature_seconds = sum(float(row["name"]) for row in signed if row["kind"] == "seconds")
    cluster_seconds = cluster_seconds if dedup else 0
    winnow_seconds = signature_seconds + cluster_seconds + sum(s.get("filter_seconds", 0) for s in summaries)
    manifest = {
        "engine": f"spark {sc.version}, {count} partitions, master {sc.master}",
        "pipeline_file": args.pipeline, "inputs": args.inputs, "winnow": run([local_winnow, "--version"]).decode().strip(),
        "counts": counts, "seconds": round(time.time() - started, 3), "candidate_pairs": pair_count,
        "winnow_seconds": round(winnow_seconds, 3), "learned_states": len(learned), "files_counted_first": counted,
        "components": ("spark" if in_spark else "task") if dedup else None,
    }
    # As a one-line text part, written by the driver (no job for one line).
    stream = output_filesystem.create(hadoop.Path(f"{output_uri}/manifest/part-00000"), False)
    stream.write(bytearray((json.dumps(manifest, sort_keys=True) + "\n").encode()))
    stream.close()
    output_filesystem.create(hadoop.Path(f"{output_uri}/manifest/_SUCCESS"), False).close()
    work_filesystem.delete(work_path, True)
    log(f"{counts['documents']} documents: kept {counts['kept']}, rejected {counts['rejected']} in {manifest['seconds']} s → {args.output}")
    if started_here:
        stop_session(spark)
    else:
        conf.restore()
    shutil.rmtree(scratch, ignore_errors=True)  # the archives and learned states shipped
    return manifest


if __name__ == "__main__":
    main()
