#!/usr/bin/env python3
"""make spark-test: the Spark driver against `winnow run` on the same input, in local mode.

    python3 integrations/spark/test_winnow_spark.py --winnow dist/winnow [--documents 3000]

Generates JSONL in two files (stories with exact and edited copies, a few broken lines),
runs `winnow run` once, then the driver with 1 and 4 partitions in local[2], with 4
partitions in local[2,4] where partitions 1 and 2 fail on their first attempt (Spark retries
them), and with the components found in Spark. Then pipelines/ko-news.yaml, whose
boilerplate stage learns from the whole corpus, on samples/ (pages and JSONL in one
directory) and on a generated crawl (site directories of .html, .txt and their .gz, a
.jsonl.gz), then twice more on the crawl in a session already running (the second time
naming it by a glob, `winnow run` being given the glob's matches). Every Spark run must write
the same clean records and rejects as `winnow run`, byte for byte (in parts, so in another
order), and its manifest's counts must add up.
Exit 0 when all hold.
"""

import argparse
import collections
import glob
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import winnow_spark  # noqa: E402


def corpus(directory, documents, seed=7):
    """JSONL documents: stories, most with copies (exact, respaced, lightly and heavily edited)."""
    rng = random.Random(seed)
    syllables = [chr(0xAC00 + rng.randrange(11172)) for _ in range(400)]
    words = ["".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))) for _ in range(3000)]
    lines, n = [], 0
    while n < documents:
        story = [rng.choice(words) for _ in range(rng.randint(60, 200))]
        versions = [story]
        kind = rng.randrange(5)
        if kind == 0:
            versions += [story, [w if i % 40 != 7 else rng.choice(words) for i, w in enumerate(story)]]
        elif kind == 1:
            versions += [[w if i % 9 != 4 else rng.choice(words) for i, w in enumerate(story)]]
        elif kind == 2:
            versions += [[w if i % 3 != 1 else rng.choice(words) for i, w in enumerate(story)]]
        for copy, words_ in enumerate(versions):
            text = ("  " if copy == 1 else " ").join(words_) + "."
            lines.append(json.dumps({"id": f"d{n}", "text": text, "site": f"s{n % 7}"}, ensure_ascii=False))
            n += 1
    # Broken records: rejected at reading, in both runs.
    for at in (5, len(lines) // 2, len(lines) - 3):
        lines.insert(at, '{"id": "broken-%d", "text": ' % at)
    lines.insert(9, json.dumps({"id": "no-text"}))
    half = len(lines) // 2
    paths = []
    for index, part in enumerate((lines[:half], lines[half:])):
        path = os.path.join(directory, f"part{index}.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(part) + "\n\n")  # a blank line at the end: not a record
        paths.append(path)
    return paths


def crawl(directory, pages=60, seed=11):
    """A crawl as it comes: a directory per site, pages as .html, .txt and .gz, each site's
    pages sharing chrome lines (menus, footers) that only the corpus rule finds, some stories
    copied across sites, and a .jsonl.gz feed."""
    import gzip
    rng = random.Random(seed)
    syllables = [chr(0xAC00 + rng.randrange(11172)) for _ in range(300)]
    words = ["".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(2000)]

    def sentence(n):
        return " ".join(rng.choice(words) for _ in range(n)) + "다."

    stories = [[sentence(rng.randint(12, 20)) for _ in range(rng.randint(4, 7))] for _ in range(pages)]
    root = os.path.join(directory, "crawl")
    for site in range(3):
        chrome = [" ".join(rng.choice(words) for _ in range(3)) for _ in range(4)]
        folder = os.path.join(root, f"site{site}", "2026" if site == 1 else "")
        os.makedirs(folder, exist_ok=True)
        for page in range(pages // 3 * 2):
            story = stories[(page * 2 + site) % len(stories)]
            kind = (page + site) % 4
            if kind == 0 or kind == 1:
                body = "".join(f"<p>{line}</p>\n" for line in story)
                top = "".join(f"<div>{line}</div>\n" for line in chrome[:2])
                bottom = "".join(f"<div>{line}</div>\n" for line in chrome[2:])
                data = (f"<html><head><title>{story[0][:20]}</title></head><body>\n{top}<h1>{story[0][:20]}</h1>\n"
                        f"{body}{bottom}</body></html>\n").encode()
                name = f"p{page:03d}.html" + (".gz" if kind == 1 else "")
            else:
                data = "\n\n".join(chrome[:2] + [story[0][:20]] + story + chrome[2:]).encode("cp949" if kind == 3 else "utf-8")
                name = f"p{page:03d}.txt" + (".gz" if kind == 3 else "")
            with open(os.path.join(folder, name), "wb") as f:
                f.write(gzip.compress(data, mtime=0) if name.endswith(".gz") else data)
    feed = [json.dumps({"id": f"feed-{n}", "text": "\n\n".join(stories[n % len(stories)]), "title": f"t{n}"}, ensure_ascii=False)
            for n in range(20)]
    with open(os.path.join(root, "feed.jsonl.gz"), "wb") as f:
        f.write(gzip.compress(("\n".join(feed) + "\n").encode(), mtime=0))
    return root


def finish(work, failed, name):
    """Removes a run's scratch directory (its corpus and every output: about a gigabyte for the
    bench), or keeps it when something failed and says where."""
    if failed:
        print(f"{name}: files kept for inspection in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)


def essentials(path_glob):
    """The records, byte for byte (ids, texts, sources, dedup groups, reasons), in any order:
    Spark writes one part per partition."""
    rows = []
    for path in sorted(glob.glob(path_glob)):
        with open(path, encoding="utf-8") as f:
            rows += [line.rstrip("\n") for line in f if line.strip()]
    return collections.Counter(rows)


def compare_ko_news(binary, winnow, pipeline, label, source, partitions, work, suffix="", as_glob=False):
    """ko-news on `source` with `winnow run` and with the driver: the same records, byte for
    byte; the corpus rule must have removed lines (the learned state was used). `as_glob`: the
    driver is given SOURCE/* (a Hadoop glob) and `winnow run` its matches, as a shell expands it."""
    failures = []
    name = "ko-news-" + os.path.basename(source.rstrip("/")) + suffix
    reference = os.path.join(work, name + ".jsonl")
    summary = os.path.join(work, name + ".summary.json")
    matches = sorted((os.path.join(source, entry) for entry in os.listdir(source) if not entry.startswith(".")),
                     key=os.fsencode) if as_glob else [source]
    if as_glob and len(matches) < 2:
        failures.append(f"ko-news on {label}: the glob matches {len(matches)} entries: nothing to order")
    inputs = [argument for match in matches for argument in ("--input", match)]
    subprocess.run([binary, "run", pipeline, *inputs, "--output", reference, "--rejects", reference + ".rejects",
                    "--quiet", "--no-gates", "--summary-json", summary], check=True)
    with open(summary, encoding="utf-8") as f:
        stages = json.load(f)["stages"]
    learned = sum(n for stage in stages if stage["name"] == "boilerplate"
                  for rule, n in stage.get("counters", {}).items() if rule.startswith("rule:corpus_"))
    want_clean, want_rejects = essentials(reference), essentials(reference + ".rejects")
    output = os.path.join(work, "spark-" + name)
    started = time.time()
    winnow_spark.main([os.path.join(source, "*") if as_glob else source, "--pipeline", pipeline, "--winnow", winnow, "--output", output,
                       "--partitions", str(partitions), "--master", "local[2]"])
    got_clean = essentials(os.path.join(output, "clean", "part-*"))
    got_rejects = essentials(os.path.join(output, "rejects", "part-*"))
    same = got_clean == want_clean and got_rejects == want_rejects
    print(f"spark-test: ko-news on {label} ({partitions} partitions, {learned} lines removed by the learned corpus rule): "
          f"{sum(got_clean.values())} kept, {sum(got_rejects.values())} rejected in {time.time() - started:.1f} s: "
          f"{'same as winnow run' if same else 'DIFFERENT'}")
    if not same:
        failures.append(f"ko-news on {label}: output differs from winnow run: kept {len(got_clean - want_clean)} extra, "
                        f"{len(want_clean - got_clean)} missing; rejects {len(got_rejects - want_rejects)} extra, "
                        f"{len(want_rejects - got_rejects)} missing")
    if label != "samples/" and learned == 0:
        failures.append(f"ko-news on {label}: the corpus rule removed no line: learning was not tested")
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--winnow", required=True, help="a `make dist` directory")
    parser.add_argument("--documents", type=int, default=3000)
    args = parser.parse_args()
    binary = winnow_spark.winnow_binary(args.winnow)
    pipeline = os.path.join(HERE, "test", "pipeline.yaml")
    work = tempfile.mkdtemp(prefix="winnow-spark-test-")
    inputs = corpus(work, args.documents)
    failures = []

    started = time.time()
    reference = os.path.join(work, "reference.jsonl")
    command = [binary, "run", pipeline, "--output", reference, "--quiet"]
    for path in inputs:
        command += ["--input", path]
    subprocess.run(command, check=True)
    print(f"spark-test: winnow run: {time.time() - started:.1f} s")
    want_clean = essentials(reference)
    want_rejects = essentials(os.path.join(work, "reference.rejects.jsonl"))
    reasons = collections.Counter(json.loads(row)["reason"] for row in want_rejects.elements())
    print(f"spark-test: reference: {sum(want_clean.values())} kept, {sum(want_rejects.values())} rejected {dict(reasons)}")
    if reasons.get("near_duplicate", 0) < 50 or reasons.get("duplicate", 0) < 50 or reasons.get("bad_json", 0) < 3:
        failures.append(f"the generated corpus lacks duplicates or broken lines: {dict(reasons)}")

    # The last run finds the duplicate groups' components in Spark (min-label propagation) and
    # decides them in one winnow per group, as a corpus too large for one task would: --components
    # auto chooses that, the documents being more than --max-task-documents. The retry run ships
    # winnow and the pipeline as on a cluster (--ship always); the others use them in place, as
    # local mode does by default.
    one_task = ["--components", "task"]
    in_spark = ["--components", "auto", "--max-task-documents", str(args.documents // 3)]
    runs = [("local[2]", 1, False, one_task), ("local[2]", 4, False, one_task), ("local[2,4]", 4, True, one_task),
            ("local[2]", 4, False, in_spark)]
    for master, partitions, fail_once, components in runs:
        expected = "spark" if components is in_spark else "task"
        output = os.path.join(work, f"spark-{partitions}-{'retry' if fail_once else 'plain'}-{expected}")
        marker = tempfile.mkdtemp(prefix="winnow-fail-once-", dir=work) if fail_once else None
        started = time.time()
        manifest = winnow_spark.main(inputs + ["--pipeline", pipeline, "--winnow", args.winnow, "--output", output,
                                               "--partitions", str(partitions), "--master", master] + components
                                     + (["--fail-once", marker, "--ship", "always"] if marker else []))
        label = (f"{master}, {partitions} partition{'s' if partitions > 1 else ''}"
                 f"{', partitions 1 and 2 failing once, winnow shipped' if fail_once else ''}"
                 f"{', components in Spark (auto, past --max-task-documents)' if expected == 'spark' else ''}")
        if manifest["components"] != expected:
            failures.append(f"{label}: groups decided by '{manifest['components']}', expected '{expected}'")
        got_clean = essentials(os.path.join(output, "clean", "part-*"))
        got_rejects = essentials(os.path.join(output, "rejects", "part-*"))
        same = got_clean == want_clean and got_rejects == want_rejects
        print(f"spark-test: {label}: {sum(got_clean.values())} kept, {sum(got_rejects.values())} rejected in "
              f"{time.time() - started:.1f} s: {'same as winnow run' if same else 'DIFFERENT'}")
        if not same:
            failures.append(f"{label}: output differs from winnow run: kept {len(got_clean - want_clean)} extra, "
                            f"{len(want_clean - got_clean)} missing; rejects {len(got_rejects - want_rejects)} extra, "
                            f"{len(want_rejects - got_rejects)} missing")
        for step in ("signatures", "filter"):
            if fail_once and not os.path.exists(os.path.join(marker, f"failed-{step}")):
                failures.append(f"{label}: no partition failed at {step}: the retry was not tested")
        # Two JSONL files: read whole in one partition; in four, Spark splits them and their
        # splits' lines are counted first (the positions then come from the counts).
        if manifest["files_counted_first"] != (0 if partitions == 1 else 2):
            failures.append(f"{label}: {manifest['files_counted_first']} files counted first")
        counts = manifest["counts"]
        if (counts["kept"], counts["rejected"]) != (sum(want_clean.values()), sum(want_rejects.values())):
            failures.append(f"{label}: manifest counts kept {counts['kept']}, rejected {counts['rejected']}")
        with open(glob.glob(os.path.join(output, "manifest", "part-*"))[0], encoding="utf-8") as f:
            if json.loads(f.readline())["counts"] != counts:
                failures.append(f"{label}: the written manifest differs from the returned one")
        dedup = counts["stages"][-1]
        if dedup["dropped_by_reason"] != {k: v for k, v in reasons.items() if k in ("duplicate", "near_duplicate")}:
            failures.append(f"{label}: dedup counts {dedup['dropped_by_reason']}")
    # The reference pipeline, whose boilerplate stage learns from the whole corpus, on raw
    # pages: samples/ (pages and a JSONL file in one directory) and a generated crawl.
    ko_news = os.path.join(ROOT, "pipelines", "ko-news.yaml")
    pages = crawl(work)
    for label, source, partitions in (("samples/", os.path.join(ROOT, "samples"), 2), ("a crawl", pages, 3)):
        failures += compare_ko_news(binary, args.winnow, ko_news, label, source, partitions, work)
        runs.append(label)
    # In a session already running (a notebook's): used, its settings put back, left running;
    # a learning pipeline twice in it (the learned states are shipped under new names).
    from pyspark.sql import SparkSession
    session = SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false").getOrCreate()
    session.conf.set("spark.sql.files.maxPartitionBytes", "64m")
    for attempt in range(2):  # the second names the crawl's site directories and feed by a glob
        failures += compare_ko_news(binary, args.winnow, ko_news,
                                    f"a crawl{' as a glob' if attempt else ''} in a running session ({attempt + 1})", pages, 3, work,
                                    suffix=f"-session-{attempt}", as_glob=attempt == 1)
        runs.append("session")
    if session.conf.get("spark.sql.files.maxPartitionBytes") != "64m" or session.conf.get("spark.sql.files.minPartitionNum", None):
        failures.append("a running session's settings were not put back")
    if session.sparkContext._jsc is None:
        failures.append("a running session was stopped")
    session.stop()
    for failure in failures:
        print("FAILED: " + failure)
    print(f"spark-test: {'ok' if not failures else 'FAILED'} ({len(runs)} Spark runs)")
    finish(work, failures, "spark-test")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
