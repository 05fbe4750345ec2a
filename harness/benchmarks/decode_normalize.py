#!/usr/bin/env python3
"""winnow bench: decode+normalize throughput and peak memory, with a Python peer.

    python3 -m harness.benchmarks.decode_normalize --winnow .build/release/winnow [--mb N] [--repeat N] [--quick]

Generates (or reuses) a synthetic Korean corpus in bench-data/ (UTF-8 NFC and CP949 forms of
the same documents), runs winnow on each with --jobs 1 and --jobs <nproc>, runs the UTF-8
corpus three times over in one run to show memory stays bounded, runs a charset_normalizer +
unicodedata peer from .venv/ on a subset, prints a table and writes out/bench/results.json.
Exit 0 when every run succeeded with the right output (even if a target is missed), 1 when a
run failed or an output was wrong, 2 on bad usage (e.g. no winnow binary).
Python 3 standard library only (the peer runs in .venv/).
"""

import argparse
import datetime
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

from harness import common
from harness.common import MB, ROOT, cpu_count, logger, run_measured
from harness.corpus import documents as corpus
from harness.peers import venv

DATA = Path("bench-data")
OUT = Path("out/bench")
PIPELINE = "pipelines/bench-decode-normalize.yaml"
PEER_PACKAGE, PEER_PIN = "charset-normalizer", "3.4.7"

SEED = 20240601
MEAN_DOC_BYTES = 20_000  # UTF-8 bytes; documents vary from 0.6x to 1.4x this
DOCS_PER_DIR = 1000
FORMS = {"utf8": "utf-8", "cp949": "cp949"}  # corpus name -> Python codec

TARGET_UTF8_PER_CORE = 150.0  # MB/s per core, UTF-8 NFC input
TARGET_CP949_PER_CORE = 40.0  # MB/s per core, CP949 input
TARGET_PEAK_RSS_MB = 300.0


log = logger("bench")


# --- corpus -------------------------------------------------------------------------------


def load_manifest():
    """[(relative path, sha256 of the expected output text, utf8 bytes, cp949 bytes)]"""
    rows = []
    with open(DATA / "manifest.tsv", encoding="utf-8") as f:
        for line in f:
            rel, sha, u, c = line.rstrip("\n").split("\t")
            rows.append((rel, sha, int(u), int(c)))
    return rows


def corpus_on_disk_matches(manifest):
    """True if every file exists with the expected size and nothing else is there.
    Reads each file once, which also warms the page cache before the timed runs."""
    for form_index, form in ((2, "utf8"), (3, "cp949")):
        expected = {row[0]: row[form_index] for row in manifest}
        found = 0
        for dirpath, _, files in os.walk(DATA / form):
            for name in files:
                path = Path(dirpath) / name
                rel = path.relative_to(DATA / form).as_posix()
                with open(path, "rb") as f:
                    if len(f.read()) != expected.get(rel, -1):
                        return False
                found += 1
        if found != len(expected):
            return False
    return True


def ensure_corpus(mb):
    """Generate bench-data/{utf8,cp949}/ unless the stamp says it is there with the same
    parameters. The document count is chosen so that the smaller form (CP949: Hangul takes
    2 bytes there, 3 in UTF-8) holds at least `mb` MB; the UTF-8 form is then larger."""
    params = {"generator": corpus.GENERATOR_VERSION, "seed": SEED, "mb": mb,
              "mean_doc_bytes": MEAN_DOC_BYTES, "docs_per_dir": DOCS_PER_DIR}
    manifest = []

    def complete(_):
        manifest.extend(load_manifest())
        return corpus_on_disk_matches(manifest)

    if common.reuse(DATA, params, complete) is not None:
        log(f"reusing {DATA}/ ({len(manifest)} documents, stamp matches)")
        return manifest

    log(f"generating {DATA}/ (at least {mb} MB per form, seed {SEED}) ...")
    started = time.perf_counter()
    corpus.check_vocabulary()
    common.unstamp(DATA)
    for form in FORMS:
        shutil.rmtree(DATA / form, ignore_errors=True)
    manifest, cp949_total, i = [], 0, 0
    while cp949_total < mb * MB:
        text = corpus.make_document(SEED, i, MEAN_DOC_BYTES)
        assert unicodedata.is_normalized("NFC", text)
        rel = f"{i // DOCS_PER_DIR:03d}/{i:06d}.txt"
        sizes = []
        for form, codec in FORMS.items():
            data = (text + "\n").encode(codec)  # strict: fails loudly on a non-CP949 character
            path = DATA / form / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            sizes.append(len(data))
        # winnow trims the document's final newline, so the expected output text is `text`.
        manifest.append((rel, corpus.sha256_text(text), sizes[0], sizes[1]))
        cp949_total += sizes[1]
        i += 1
    with open(DATA / "manifest.tsv", "w", encoding="utf-8") as f:
        f.writelines(f"{rel}\t{sha}\t{u}\t{c}\n" for rel, sha, u, c in manifest)
    common.stamp(DATA, params, documents=len(manifest), bytes={"utf8": sum(r[2] for r in manifest), "cp949": cp949_total})
    log(f"generated {len(manifest)} documents in {time.perf_counter() - started:.1f} s")
    return manifest


# --- measuring ----------------------------------------------------------------------------



def count_lines(path):
    if not path.exists():
        return 0
    n = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            n += chunk.count(b"\n")
    return n


def file_sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def check_texts(path, expected, peer=False):
    """Compare each output record's text with the generated one (by SHA-256). Returns
    {"exact": n, "wrong": n, "wrong_ids": [first few], "encodings": {name: n}}."""
    exact, wrong, wrong_ids, encodings = 0, 0, [], {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            text = record["text"].rstrip("\n") if peer else record["text"]  # the peer keeps it
            encoding = record["encoding"] if peer else record.get("source", {}).get("encoding")
            encodings[encoding] = encodings.get(encoding, 0) + 1
            if corpus.sha256_text(text) == expected.get(record["id"]):
                exact += 1
            else:
                wrong += 1
                if len(wrong_ids) < 5:
                    wrong_ids.append(record["id"])
    return {"exact": exact, "wrong": wrong, "wrong_ids": wrong_ids, "encodings": encodings}


def first_reject(path):
    """A short description of the first reject, for error messages."""
    try:
        with open(path, encoding="utf-8") as f:
            r = json.loads(f.readline())
        return f"first reject: {r.get('id')} {r.get('stage')}/{r.get('reason')} {r.get('detail', '')}"
    except (OSError, ValueError):
        return ""


def num(v, fmt):
    return "-" if v is None else format(v, fmt)


class Bench:
    def __init__(self, args):
        self.args = args
        self.winnow = args.winnow_path
        self.nproc = cpu_count()
        self.failures = []  # make the bench exit 1
        self.warnings = []  # reported, exit status unchanged

    def winnow_config(self, label, inputs, jobs, documents, size, repeat, expected_lines):
        """Run winnow `repeat` times on inputs; check exit code and output line count each time."""
        out = OUT / f"{label.replace(' ', '')}-j{jobs}"
        out.mkdir(parents=True, exist_ok=True)
        clean, rejects, summary = out / "clean.jsonl", out / "rejects.jsonl", out / "summary.json"
        cmd = [str(self.winnow), "run", PIPELINE, "--output", str(clean), "--rejects", str(rejects),
               "--jobs", str(jobs), "--quiet", "--summary-json", str(summary)]
        for path in inputs:
            cmd += ["--input", str(path)]
        row = {"corpus": label, "documents": documents, "bytes": size, "mb": size / MB, "jobs": jobs,
               "command": " ".join(cmd), "seconds": [], "stage_seconds": [], "peak_rss_mb_runs": [], "ok": True,
               "output": str(clean)}
        for n in range(repeat):
            clean.unlink(missing_ok=True)
            rejects.unlink(missing_ok=True)
            os.sync()  # flush earlier writes (corpus, other outputs) so no writeback runs during the timing
            rc, seconds, _, rss = run_measured(cmd, out / "winnow.log")
            lines = count_lines(clean)
            log(f"winnow {label} jobs {jobs} run {n + 1}/{repeat}: exit {rc}, {seconds:.2f} s, "
                f"{size / MB / seconds:.1f} MB/s, peak RSS {rss / MB:.1f} MB, {lines} lines")
            if rc != 0:
                tail = (out / "winnow.log").read_text(errors="replace").strip()[-800:]
                self.fail(f"winnow {label} jobs {jobs}: exit code {rc}: {tail}")
                row["ok"] = False
                break
            if lines != expected_lines:
                self.fail(f"winnow {label} jobs {jobs}: {clean} has {lines} lines, expected "
                          f"{expected_lines}; {count_lines(rejects)} rejects. {first_reject(rejects)}")
                row["ok"] = False
                break
            row["seconds"].append(seconds)
            row["peak_rss_mb_runs"].append(rss / MB)
            # Time inside the decode and normalize stages, summed over workers (winnow's own
            # per-stage clock): CPU-seconds of decode+normalize, so MB / it is MB/s per core.
            stages = json.loads(summary.read_text())["stages"]
            row["stage_seconds"].append(sum(st["seconds"] for st in stages))
        if row["seconds"]:
            row["median_seconds"] = statistics.median(row["seconds"])
            row["mb_per_s"] = size / MB / row["median_seconds"]
            row["mb_per_s_per_core"] = row["mb_per_s"] / jobs
            row["peak_rss_mb"] = max(row["peak_rss_mb_runs"])
            row["stage_mb_per_s_per_core"] = size / MB / statistics.median(row["stage_seconds"])
        return row

    def fail(self, message):
        log("FAIL: " + message)
        self.failures.append(message)

    def warn(self, message):
        log("warning: " + message)
        self.warnings.append(message)

    # --- peer -----------------------------------------------------------------------------

    def ensure_peer(self):
        """The .venv/ virtualenv with charset-normalizer (pinned; else the latest).
        Returns the venv's python and the installed version, or (None, reason)."""
        python, found = venv.ensure(".venv", [f"{PEER_PACKAGE}=={PEER_PIN}"], log, modules=["charset_normalizer"],
                                    latest=[PEER_PACKAGE])
        if python is None:
            return None, found
        version = found[PEER_PACKAGE]
        if version != PEER_PIN:
            self.warn(f"peer uses {PEER_PACKAGE} {version}, not the pinned {PEER_PIN}")
        return python, version

    def peer_run(self, python, form, manifest, peer_mb, repeat):
        """Run the peer on the first documents of a corpus totalling at least peer_mb MB."""
        size_index = 2 if form == "utf8" else 3
        subset, size = [], 0
        for row in manifest:
            if size >= peer_mb * MB:
                break
            subset.append(row[0])
            size += row[size_index]
        out = OUT / f"peer-{form}"
        out.mkdir(parents=True, exist_ok=True)
        listing, clean, summary = out / "files.txt", out / "clean.jsonl", out / "summary.json"
        listing.write_text("".join(rel + "\n" for rel in subset), encoding="utf-8")
        cmd = venv.peer_command(python, "decode_normalize", [DATA / form, listing, clean, summary])
        row = {"corpus": form, "documents": len(subset), "bytes": size, "mb": size / MB, "jobs": 1,
               "command": " ".join(cmd), "seconds": [], "peak_rss_mb_runs": [], "ok": True}
        for n in range(repeat):
            clean.unlink(missing_ok=True)
            os.sync()
            rc, seconds, _, rss = run_measured(cmd, out / "peer.log")
            lines = count_lines(clean)
            log(f"peer {form} run {n + 1}/{repeat}: exit {rc}, {seconds:.2f} s, "
                f"{size / MB / seconds:.2f} MB/s, peak RSS {rss / MB:.1f} MB")
            if rc != 0 or lines != len(subset):
                tail = (out / "peer.log").read_text(errors="replace").strip()[-800:]
                self.fail(f"peer {form}: exit code {rc}, {lines}/{len(subset)} lines: {tail}")
                row["ok"] = False
                break
            row["seconds"].append(seconds)
            row["peak_rss_mb_runs"].append(rss / MB)
        if row["seconds"]:
            row["median_seconds"] = statistics.median(row["seconds"])
            row["mb_per_s"] = size / MB / row["median_seconds"]
            row["mb_per_s_per_core"] = row["mb_per_s"]
            row["peak_rss_mb"] = max(row["peak_rss_mb_runs"])
            expected = {r[0]: r[1] for r in manifest}
            row["content"] = check_texts(clean, expected, peer=True)
            if row["content"]["wrong"]:
                self.warn(f"peer {form}: {row['content']['wrong']}/{len(subset)} texts differ from the "
                          f"generated ones (detected {row['content']['encodings']})")
        return row

    # --- the whole bench --------------------------------------------------------------------

    def run(self):
        args, started = self.args, time.perf_counter()
        r = subprocess.run([str(self.winnow), "validate", PIPELINE], cwd=ROOT, capture_output=True, text=True)
        if r.returncode != 0:
            self.fail(f"winnow validate {PIPELINE} exited {r.returncode}: {r.stderr.strip()}")
            return self.report(rows=[], peers=[], memory=None, peer_version=None, started=started)

        manifest = ensure_corpus(args.mb)
        expected = {row[0]: row[1] for row in manifest}
        docs = len(manifest)
        sizes = {"utf8": sum(r[2] for r in manifest), "cp949": sum(r[3] for r in manifest)}
        python, peer_version = self.ensure_peer()
        if python is None:
            self.fail(f"peer unavailable: {peer_version}")

        jobs_list = sorted({1, self.nproc})
        rows = []
        for form in FORMS:
            for jobs in jobs_list:
                rows.append(self.winnow_config(form, [DATA / form], jobs, docs, sizes[form], args.repeat, docs))
            # Content: jobs 1 must give back exactly the generated texts; other --jobs the same bytes.
            first = rows[-len(jobs_list)]
            if first["ok"]:
                first["content"] = check_texts(Path(first["output"]), expected)
                if first["content"]["wrong"]:
                    self.warn(f"winnow {form}: {first['content']['wrong']}/{docs} texts differ from the "
                              f"generated ones, e.g. {first['content']['wrong_ids']}")
                for other in rows[-len(jobs_list) + 1:]:
                    if other["ok"]:
                        same = file_sha256(Path(other["output"])) == file_sha256(Path(first["output"]))
                        other["identical_to_jobs_1"] = same
                        if not same:
                            self.warn(f"winnow {form}: jobs {other['jobs']} output differs from jobs 1")

        # Memory bound: the UTF-8 corpus three times over, in one run.
        memory = self.winnow_config("utf8 x3", [DATA / "utf8"] * 3, self.nproc, 3 * docs, 3 * sizes["utf8"],
                                    1, 3 * docs)
        single = next(r for r in rows if r["corpus"] == "utf8" and r["jobs"] == self.nproc)
        if memory["ok"] and single["ok"]:
            h = hashlib.sha256()
            for _ in range(3):
                with open(single["output"], "rb") as f:
                    while chunk := f.read(1 << 20):
                        h.update(chunk)
            memory["identical_to_3x_single"] = h.hexdigest() == file_sha256(Path(memory["output"]))
            if not memory["identical_to_3x_single"]:
                self.warn("winnow utf8 x3 output is not the single-corpus output three times over")

        peers = []
        if python is not None:
            for form in FORMS:
                peers.append(self.peer_run(python, form, manifest, args.peer_mb, args.repeat))
        return self.report(rows, peers, memory, peer_version, started)

    def report(self, rows, peers, memory, peer_version, started):
        rows = rows or []
        winnow_rows = rows + ([memory] if memory else [])

        def value(row, key):
            return row.get(key) if row and row.get("ok") else None

        ratios = {}
        for peer in peers:
            w1 = next((r for r in rows if r["corpus"] == peer["corpus"] and r["jobs"] == 1), None)
            if value(w1, "mb_per_s") and value(peer, "mb_per_s"):
                ratios[peer["corpus"]] = w1["mb_per_s"] / peer["mb_per_s"]

        rss = [value(r, "peak_rss_mb") for r in winnow_rows]
        peak_rss = None if not rss or None in rss else max(rss)
        # Throughput targets are checked for every --jobs run; peak RSS over every winnow run.
        # The targets are for decode+normalize: the stages' own time, per core. The whole run's
        # wall-clock figure (reading, JSON, SHA-256, writing, process start) is shown beside it.
        targets = []
        for form, label, threshold in (("utf8", "UTF-8 NFC", TARGET_UTF8_PER_CORE),
                                       ("cp949", "CP949", TARGET_CP949_PER_CORE)):
            for r in rows:
                if r["corpus"] == form:
                    targets.append({"name": f"{label} decode+normalize MB/s/core, jobs {r['jobs']}", "op": ">=",
                                    "threshold": threshold, "value": value(r, "stage_mb_per_s_per_core")})
        rss_detail = ", ".join(f"{r['corpus']} jobs {r['jobs']} ({r['mb']:.0f} MB): {num(value(r, 'peak_rss_mb'), '.1f')}"
                               for r in winnow_rows if r["jobs"] != 1)
        targets.append({"name": "peak RSS MB, every winnow run", "op": "<", "threshold": TARGET_PEAK_RSS_MB,
                        "value": peak_rss, "detail": rss_detail})
        for t in targets:
            v = t["value"]
            t["pass"] = v is not None and (v >= t["threshold"] if t["op"] == ">=" else v < t["threshold"])

        elapsed = time.perf_counter() - started
        results = {
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "host": {"cores": self.nproc, "machine": platform.machine(), "system": platform.platform(),
                     "python": platform.python_version()},
            "winnow": str(self.winnow), "pipeline": PIPELINE,
            "parameters": {"mb": self.args.mb, "repeat": self.args.repeat, "peer_mb": self.args.peer_mb,
                           "seed": SEED, "quick": self.args.quick},
            "runs": rows, "memory_check": memory,
            "peer": {"package": PEER_PACKAGE, "version": peer_version, "runs": peers},
            "ratio_winnow_jobs1_to_peer": ratios, "targets": targets,
            "warnings": self.warnings, "failures": self.failures, "bench_seconds": elapsed,
        }
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
        self.print_table(rows, memory, peers, peer_version, ratios, targets, elapsed)
        return 1 if self.failures else 0

    def print_table(self, rows, memory, peers, peer_version, ratios, targets, elapsed):
        def line(r, name=None):
            ok = r.get("ok")
            return (f"{name or r['corpus']:<12} {r['mb']:>8.1f} {r['documents']:>7} {r['jobs']:>5} {len(r['seconds']):>5} "
                    f"{num(r.get('median_seconds') if ok else None, '.3f'):>9} {num(r.get('mb_per_s') if ok else None, '.1f'):>8} "
                    f"{num(r.get('mb_per_s_per_core') if ok else None, '.1f'):>10} "
                    f"{num(r.get('stage_mb_per_s_per_core') if ok else None, '.1f'):>12} "
                    f"{num(r.get('peak_rss_mb') if ok else None, '.1f'):>12}" + ("" if ok else "  RUN FAILED"))

        header = (f"{'corpus':<12} {'MB':>8} {'docs':>7} {'jobs':>5} {'runs':>5} {'median s':>9} {'MB/s':>8} "
                  f"{'MB/s/core':>10} {'stage/core':>12} {'peak RSS MB':>12}")
        print()
        print(f"winnow decode+normalize bench ({self.nproc} cores, MB = 10^6 bytes, median of "
              f"{self.args.repeat} run(s); MB/s and MB/s/core: whole run, wall time incl. process start;"
              f" stage/core: MB per second spent inside decode+normalize)")
        print(header)
        print("-" * len(header))
        for r in rows:
            print(line(r))
        if memory:
            print(line(memory))
        if peers:
            print(f"peer: Python {platform.python_version()} + charset-normalizer {peer_version} + unicodedata NFC, "
                  f"1 process, first {self.args.peer_mb:g} MB of each corpus")
            for p in peers:
                print(line(p, "peer " + p["corpus"]))
        if ratios:
            print("ratio winnow (jobs 1) / peer MB/s: "
                  + ", ".join(f"{form} {ratio:.1f}x" for form, ratio in ratios.items()))
        print("targets:")
        for t in targets:
            mark = "PASS" if t["pass"] else "FAIL"
            detail = f"   ({t['detail']})" if t.get("detail") else ""
            print(f"  {t['name']:<34} {t['op']:>2} {t['threshold']:<5g} measured {num(t['value'], '.1f'):>7}   {mark}{detail}")
        checks = []
        for r in rows:
            if r.get("content"):
                c = r["content"]
                encs = ", ".join(f"{k} {v}" for k, v in sorted(c["encodings"].items(), key=lambda kv: -kv[1]))
                checks.append(f"{r['corpus']}: {c['exact']}/{r['documents']} texts exact ({encs})")
        for p in peers:
            if p.get("content"):
                c = p["content"]
                encs = ", ".join(f"{k} {v}" for k, v in sorted(c["encodings"].items(), key=lambda kv: -kv[1]))
                checks.append(f"peer {p['corpus']}: {c['exact']}/{p['documents']} texts exact ({encs})")
        if checks:
            print("output checks: " + "; ".join(checks))
        for w in self.warnings:
            print("warning: " + w)
        for f in self.failures:
            print("FAILED: " + f)
        print(f"bench took {elapsed:.0f} s; results in {OUT}/results.json")


def main():
    parser = argparse.ArgumentParser(description="winnow decode+normalize bench (see harness/benchmarks/README.md)")
    parser.add_argument("--winnow", default=".build/release/winnow", help="winnow binary (default: %(default)s)")
    parser.add_argument("--mb", type=float, default=100, help="corpus size in MB per form (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per configuration; the median is reported")
    parser.add_argument("--peer-mb", type=float, default=10, help="MB of each corpus the peer reads (default: %(default)s)")
    parser.add_argument("--quick", action="store_true", help="smoke test: 10 MB corpus, 1 run, 2 MB for the peer")
    args = parser.parse_args()
    if args.quick:
        args.mb, args.repeat, args.peer_mb = 10, 1, min(args.peer_mb, 2)
    if args.mb <= 0 or args.repeat < 1 or args.peer_mb <= 0:
        parser.error("--mb and --peer-mb must be positive, --repeat at least 1")
    args.winnow_path = Path(args.winnow).resolve()  # relative to the caller's directory
    if not os.access(args.winnow_path, os.X_OK):
        parser.error(f"no winnow binary at {args.winnow} (build it: swift build -c release)")
    os.chdir(ROOT)
    sys.exit(Bench(args).run())


if __name__ == "__main__":
    main()
