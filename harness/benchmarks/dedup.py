#!/usr/bin/env python3
"""winnow dedup bench: duplicate pairs found, agreement and speed beside datasketch and
datatrove, on a generated corpus with known near-copies.

    python3 -m harness.benchmarks.dedup --winnow .build/release/winnow [--docs N] [--seed S]
                                 [--repeat N] [--no-peers] [--cpu N | --no-pin]
    python3 -m harness.benchmarks.dedup --winnow .build/release/winnow --memory [--docs N] [--jobs N]

From the repository root (the script changes there itself):
  1. generates the corpus into out/bench-dedup/ (harness/corpus/dedup.py) unless its stamp says
     it is there for the same size, seed and generator;
  2. runs `winnow run harness/benchmarks/dedup.yaml --jobs 1` on it (--repeat times; the median wall time);
  3. runs the peers under .venv/bin/python (harness/peers/dedup.py; .venv/ is created and the
     packages installed when missing): datasketch MinHashLSH as usual (query, else insert),
     the same with candidates confirmed by estimated Jaccard, and datatrove's four MinHash
     stages (char-5 tokens, the same shingles; and its own normalisation with word 5-grams);
  4. computes the exact Jaccard of the shingle sets for every pair inside a generated group
     and every pair any tool put in one cluster, and scores each tool;
  5. prints one table, a histogram by Jaccard and the targets with PASS/FAIL, and writes
     out/bench-dedup/report.json.
Every process is pinned to one CPU (--cpu, default the last one allowed; --no-pin to not).
--memory instead generates 1,000,000 short documents into out/bench-dedup-memory/, runs winnow
on them with --jobs 2 and prints peak RSS, wall time, docs/s and index bytes per document.
Exit 0 when winnow ran (whatever the figures: it is a report), 1 when it did not, 2 on bad
usage. Python 3 standard library only (the peers run in .venv/).
"""

import argparse
import collections
import datetime
import itertools
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
from harness.common import MB, ROOT, fnum, logger, run_measured, tail
from harness.corpus import dedup as dedup_corpus
from harness.peers import venv

OUT = Path("out/bench-dedup")
OUT_MEMORY = Path("out/bench-dedup-memory")
PIPELINE = "harness/benchmarks/dedup.yaml"
PIPELINE_DATASKETCH = "harness/benchmarks/dedup-datasketch.yaml"
PIPELINE_M61 = "harness/benchmarks/dedup-mersenne61.yaml"
THRESHOLD = 0.8
PERMS = 128
# datatrove's minhash module needs regex and tokenizers to import, orjson for its JSONL reader and
# writer, and xxhash < 4 (its `processing` extra pins that: xxhash 4 refuses str input).
PEER_PACKAGES = ["datasketch", "datatrove", "xxhash<4", "regex", "orjson", "tokenizers", "rensa==0.5.0"]
BUCKETS = [(0.0, 0.3), (0.3, 0.5), (0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.85), (0.85, 0.9), (0.9, 1.0)]
MAX_EXTRA_PAIRS = 300_000  # predicted pairs outside the generated groups scored exactly; sampled above

TARGETS = [  # (key, label, op, threshold)
    ("link_precision", "precision of pairs found (true J >= 0.8)", ">=", 0.99),
    ("recall_085", "recall, pairs with J >= 0.85", ">=", 0.95),
    ("merged_below_06", "pairs with J < 0.6 merged", "<=", 0),
    ("agreement", "agreement with datasketch (LSH query)", ">=", 0.99),
    ("agreement_confirm", "agreement with datasketch (+confirm)", ">=", 0.99),
    ("agreement_same", "agreement with datasketch (winnow's bands, +confirm)", ">=", 0.99),
    ("agreement_ds_mode", "agreement with datasketch (+confirm), winnow in datasketch's scheme", ">=", 0.99),
    ("signature_mb_s", "signature MB/s per core", ">=", 100),
    ("ratio_rensa", "docs/s vs rensa (one core)", ">=", 3),
]


log = logger("bench-dedup")


# --- running ------------------------------------------------------------------------------



def run_sampled(cmd, log_path, interval=0.02):
    """Like run_measured, and also samples /proc/PID/status every `interval` s: the peak of the
    anonymous memory (heap: the index) and of the file-backed memory (the mapped record and
    shingle files, which the kernel may drop and re-read under pressure) seen in RssAnon and
    RssFile. Returns (exit code, wall seconds, peak RSS, peak RssAnon, peak RssFile), bytes."""
    import threading
    peaks = {"RssAnon": 0, "RssFile": 0}
    with open(log_path, "wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=err, stderr=err)
        done = threading.Event()

        def sample():
            path = f"/proc/{proc.pid}/status"
            while not done.is_set():
                try:
                    for line in open(path):
                        key = line.split(":", 1)[0]
                        if key in peaks:
                            peaks[key] = max(peaks[key], int(line.split()[1]) * 1024)
                except (OSError, ValueError, IndexError):
                    pass
                done.wait(interval)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        done.set()
        sampler.join()
        seconds = time.perf_counter() - started
    return os.waitstatus_to_exitcode(status), seconds, usage.ru_maxrss * 1024, peaks["RssAnon"], peaks["RssFile"]



def winnow_has_dedup(winnow):
    """None when `winnow stages` lists dedup, else the reason it cannot run."""
    try:
        r = subprocess.run([str(winnow), "stages"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    except OSError as e:
        return f"cannot run {winnow}: {e}"
    if r.returncode != 0:
        return f"`{winnow} stages` exited {r.returncode}: {r.stderr.strip()[-300:]}"
    if not any(line.strip() == "dedup" for line in r.stdout.splitlines()):
        return f"this winnow build has no 'dedup' stage (`{winnow} stages` does not list it)"
    r = subprocess.run([str(winnow), "validate", PIPELINE], cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        return f"`winnow validate {PIPELINE}` failed: {(r.stdout + r.stderr).strip()[-600:]}"
    return None


def run_winnow(winnow, corpus, out, repeat, cpu, jobs=1, pipeline=PIPELINE, name="winnow"):
    """winnow's clusters from its output and rejects; None-filled result with "error" if it failed."""
    kept_path, rej_path, summary_path = out / f"{name}.jsonl", out / f"{name}-rejects.jsonl", out / f"{name}-summary.json"
    cmd = [str(winnow), "run", pipeline, "--input", str(corpus), "--output", str(kept_path), "--rejects",
           str(rej_path), "--jobs", str(jobs), "--quiet", "--summary-json", str(summary_path)]
    res = {"tool": name, "command": " ".join(cmd), "runs": [], "ok": False}
    for n in range(repeat):
        for p in (kept_path, rej_path, summary_path):
            p.unlink(missing_ok=True)
        os.sync()
        rc, seconds, cpu_seconds, rss = run_measured(cmd, out / f"{name}.log", cpu)
        if rc != 0:
            res["error"] = f"exit code {rc}: {tail(out / f'{name}.log', 800)}"
            return res
        summary = json.loads(summary_path.read_text())
        res["runs"].append({"wall_seconds": seconds, "cpu_seconds": cpu_seconds, "seconds": summary.get("seconds"),
                            "peak_rss": rss, "dedup": summary.get("dedup")})
        log(f"{name} run {n + 1}/{repeat}: {seconds:.2f} s wall, peak RSS {rss / MB:.0f} MB")
    res["summary"] = summary
    res["seconds"] = statistics.median(r["wall_seconds"] for r in res["runs"])
    res["cpu_seconds"] = statistics.median(r["cpu_seconds"] for r in res["runs"])
    res["peak_rss"] = max(r["peak_rss"] for r in res["runs"])
    d = summary.get("dedup") or {}
    sig = [r["dedup"]["signature_seconds"] for r in res["runs"] if r.get("dedup") and r["dedup"].get("signature_seconds")]
    if sig and d.get("signature_bytes"):
        res["signature_seconds"] = statistics.median(sig)
        res["signature_mb_s"] = d["signature_bytes"] / MB / res["signature_seconds"]
    res["dedup_summary"] = d
    # clusters: kept docs carry dedup.cluster/size; dedup rejects name the kept doc
    cluster, dropped, other_rejects, reasons, similarity = {}, set(), collections.Counter(), collections.Counter(), {}
    sizes = {}
    kept_n = 0
    with open(kept_path, encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            kept_n += 1
            dd = rec.get("dedup") or {}
            if dd.get("size", 1) > 1:
                cluster[rec["id"]] = dd.get("cluster", rec["id"])
                sizes[rec["id"]] = dd["size"]
    with open(rej_path, encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            if rec.get("stage") != "dedup":
                other_rejects[f"{rec.get('stage')}:{rec.get('reason')}"] += 1
                continue
            dropped.add(rec["id"])
            cluster[rec["id"]] = rec["kept"]
            reasons[rec.get("reason")] += 1
            similarity[rec["id"]] = rec.get("similarity")
    res.update(ok=True, cluster=cluster, dropped=dropped, kept=kept_n, reasons=dict(reasons),
               other_rejects=dict(other_rejects), similarity=similarity, sizes=sizes,
               documents=summary.get("documents"), version=None)
    return res


def ensure_venv(log_):
    """The venv python with the peer packages, or (None, reason)."""
    def ready(found):  # datatrove needs xxhash < 4
        return (found.get("xxhash") or "4").split(".")[0] != "4"

    py, found = venv.ensure(".venv", PEER_PACKAGES, log_, ready=ready,
                            modules=["datasketch", "xxhash", "regex", "orjson", "tokenizers", "rensa",
                                     "datatrove.pipeline.dedup.minhash"])
    if py is None:
        return None, found
    return py, {**found, **venv.versions(py, ["numpy"])}


def run_peer(py, name, args, out, cpu):
    """Run harness/peers/dedup.py ARGS under the venv python; the loaded result or {"error"}."""
    result = out / f"{name}.json"
    result.unlink(missing_ok=True)
    cmd = venv.peer_command(py, "dedup", [*args[:2], result, *args[2:]])
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
               PYTHONDONTWRITEBYTECODE="1")
    rc, wall, _, rss = run_measured(cmd, out / f"{name}.log", cpu, env)
    if rc != 0 or not result.exists():
        return {"tool": name, "ok": False, "error": f"exit code {rc}: {tail(out / f'{name}.log', 600)}",
                "command": " ".join(cmd)}
    res = json.loads(result.read_text())
    res.update(ok=True, dropped=set(res["dropped"]), wall_seconds=wall, peak_rss=rss, command=" ".join(cmd))
    log(f"{name}: {res['seconds']:.1f} s ({wall:.1f} s wall with start-up), {len(res['dropped'])} dropped")
    return res


# --- scoring ------------------------------------------------------------------------------


def read_corpus(path):
    ids, texts = [], {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            ids.append(d["id"])
            texts[d["id"]] = d["text"]
    return ids, texts


class Truth:
    """Exact Jaccard of pairs, with the shingle sets of a group computed together."""

    def __init__(self, ids, texts, truth):
        self.ids, self.texts, self.truth = ids, texts, truth
        self.j = {}  # (a, b) with a < b -> exact Jaccard
        self.group_pairs = 0

    def group_pass(self):
        groups = collections.defaultdict(list)
        for i in self.ids:
            groups[self.truth[i]["topic"]].append(i)
        for members in groups.values():
            if len(members) < 2:
                continue
            sets = {i: dedup_corpus.shingles(self.texts[i]) for i in members}
            for a, b in itertools.combinations(sorted(members), 2):
                self.j[(a, b)] = dedup_corpus.jaccard(sets[a], sets[b])
                self.group_pairs += 1

    def score_pairs(self, pairs):
        """Exact Jaccard for pairs not known yet (pairs outside the generated groups)."""
        todo = sorted({p for p in pairs if p not in self.j})
        cache = collections.OrderedDict()

        def sh(i):
            if i in cache:
                cache.move_to_end(i)
                return cache[i]
            s = cache[i] = dedup_corpus.shingles(self.texts[i])
            if len(cache) > 5000:
                cache.popitem(last=False)
            return s

        for a, b in todo:
            self.j[(a, b)] = dedup_corpus.jaccard(sh(a), sh(b))
        return len(todo)

    def cross_sample(self, n, seed):
        """Exact Jaccard of n random pairs from different groups: the check that pairs no tool
        predicted across groups are not duplicates."""
        r = random.Random(seed)
        values = []
        while len(values) < n:
            a, b = r.sample(self.ids, 2)
            if self.truth[a]["topic"] == self.truth[b]["topic"]:
                continue
            values.append(dedup_corpus.jaccard(dedup_corpus.shingles(self.texts[a]),
                                               dedup_corpus.shingles(self.texts[b])))
        values.sort()
        return {"pairs": n, "max": values[-1], "p99": values[int(n * 0.99)], "median": values[n // 2],
                "at_least_0_6": sum(v >= 0.6 for v in values), "at_least_0_8": sum(v >= 0.8 for v in values)}


def exact_oracle(ids, texts, truth):
    """What MinHash LSH estimates, decided exactly: documents in input order, each dropped when
    an earlier kept document of its generated group has exact Jaccard >= THRESHOLD (pairs across
    groups, all far apart by construction, are not compared). No randomness: how close a tool
    comes to it is how well it estimates."""
    groups = {}
    for i in ids:
        groups.setdefault(truth[i]["topic"], []).append(i)
    dropped, cluster = [], {}
    for members in groups.values():
        kept = []
        for i in members:
            sh = dedup_corpus.shingles(texts[i])
            best = next((k for k, ks in kept if dedup_corpus.jaccard(sh, ks) >= THRESHOLD), None)
            if best is None:
                kept.append((i, sh))
            else:
                dropped.append(i)
                cluster[i] = best
                cluster[best] = best
    return {"tool": "exact", "ok": True, "seconds": None, "dropped": dropped, "cluster": cluster}


def resolve(cluster):
    """doc -> its cluster's kept id, following chains (a doc matched to a doc that was itself
    matched to another) so that one cluster has one key."""
    out = {}
    for doc in cluster:
        seen, x = [], doc
        while x in cluster and cluster[x] != x and x not in seen:
            seen.append(x)
            x = cluster[x]
        out[doc] = x
    return out


def cluster_pairs(cluster):
    """All pairs of documents sharing a cluster: ({(a, b) with a < b}, {kept id: [docs]})."""
    members = collections.defaultdict(set)
    for doc, kept in resolve(cluster).items():
        members[kept].update((doc, kept))
    pairs = set()
    for docs in members.values():
        pairs.update(itertools.combinations(sorted(docs), 2))
    return pairs, members


def link_pairs(cluster, dropped):
    """Each dropped document with the document it was matched to."""
    return {tuple(sorted((d, cluster[d]))) for d in dropped if d in cluster and cluster[d] != d}


def bucket_of(j):
    for lo, hi in BUCKETS:
        if lo <= j < hi or (hi == 1.0 and j == 1.0):
            return f"{lo:.2f}-{hi:.2f}"
    return None


def score_tool(res, truth_j, positives_085, positives_080, reference, reference_confirm, ids, reference_same=None,
               reference_exact=None, reference_rensa=None):
    cp = res["pairs"]
    lp = res["links"]
    js = [truth_j[p] for p in cp]
    ljs = [truth_j[p] for p in lp]
    s = {
        "dropped": len(res["dropped"]),
        "clusters": len(res["members"]),
        "predicted_pairs": len(cp),
        "precision": (sum(j >= THRESHOLD for j in js) / len(js)) if js else None,
        "link_pairs": len(lp),
        "link_precision": (sum(j >= THRESHOLD for j in ljs) / len(ljs)) if ljs else None,
        "recall_085": len(cp & positives_085) / len(positives_085) if positives_085 else None,
        "recall_080": len(cp & positives_080) / len(positives_080) if positives_080 else None,
        "merged_below_06": sum(j < 0.6 for j in js),
        "min_merged_j": min(js) if js else None,
    }
    mine = set(res["dropped"])
    for key, ref in (("agreement", reference), ("agreement_confirm", reference_confirm), ("agreement_same", reference_same),
                     ("agreement_exact", reference_exact),
                     ("agreement_rensa", reference_rensa)):
        if ref is not None:
            theirs = set(ref["dropped"])
            s[key] = sum((i in mine) == (i in theirs) for i in ids) / len(ids)
    return s


def histogram(truth_j, tools):
    rows = {}
    for (lo, hi) in BUCKETS:
        rows[f"{lo:.2f}-{hi:.2f}"] = {"pairs": 0, **{t: 0 for t in tools}}
    for p, j in truth_j.items():
        b = bucket_of(j)
        rows[b]["pairs"] += 1
        for t, res in tools.items():
            if p in res["pairs"]:
                rows[b][t] += 1
    return rows


# --- the report ---------------------------------------------------------------------------

ROWS = [  # (key, label)
    ("winnow", "winnow"),
    ("winnow-ds", "winnow, datasketch's"),
    ("winnow-m61", "winnow, mersenne61"),
    ("datasketch", "datasketch"),
    ("datasketch-confirm", "datasketch +confirm"),
    ("datasketch-same", "datasketch bxr+confirm"),
    ("rensa", "rensa"),
    ("rensa-confirm", "rensa +confirm"),
    ("datatrove", "datatrove char5"),
    ("datatrove-words", "datatrove words5"),
    ("datasketch-seed2", "datasketch seed 2"),
    ("datasketch-confirm-seed2", "ds +confirm seed 2"),
    ("exact", "exact J (no MinHash)"),
]


def print_report(report):
    c = report["corpus"]
    print()
    print(f"winnow dedup bench: {c['documents']} documents, {c['bytes'] / MB:.1f} MB of text (seed {c['seed']}); "
          f"char-5 shingles, {PERMS} perms, threshold {THRESHOLD}; MB = 10^6 bytes of UTF-8 text; "
          f"one core ({report['pinned']})")
    cols = ["dropped", "pairs prec", "links prec", "rec J>=.85", "rec J>=.8", "J<0.6", "agree ds", "agree ds+c",
            "agree bxr", "agree exJ", "agree rns", "docs/s", "MB/s"]
    print(f"  {'':<21}" + "".join(f"{x:>11}" for x in cols))
    for key, label in ROWS:
        t = report["tools"].get(key)
        if t is None:
            continue
        if not t.get("ok"):
            print(f"  {label:<21}  not run: {t.get('error', '?')[:200]}")
            continue
        s = t["score"]
        vals = [str(s["dropped"]), fnum(s["precision"], ".4f"), fnum(s["link_precision"], ".4f"),
                fnum(s["recall_085"], ".4f"), fnum(s["recall_080"], ".4f"), str(s["merged_below_06"]),
                fnum(s.get("agreement"), ".2%"), fnum(s.get("agreement_confirm"), ".2%"), fnum(s.get("agreement_same"), ".2%"),
                fnum(s.get("agreement_exact"), ".2%"), fnum(s.get("agreement_rensa"), ".2%"), fnum(t.get("docs_per_s"), ",.0f"), fnum(t.get("mb_per_s"), ".2f")]
        print(f"  {label:<21}" + "".join(f"{v:>11}" for v in vals))
    print("  links prec: the pairs found (each dropped document and the document kept for it) with true J >= 0.8;"
          " pairs prec: the same over all pairs inside a cluster (two copies of one kept document can be < 0.8 apart);")
    print(f"  recall: share of the true pairs found (in one cluster); J<0.6: pairs inside a cluster with true J < 0.6; "
          f"agree ds / ds+c / bxr / exJ / rns: documents both keep or both drop, vs datasketch (LSH query) / (+confirm) / "
          f"(winnow's bands x rows, +confirm) / exact Jaccard in the same order (no MinHash) / rensa (LSH query)")
    tl = report["tools"]
    if tl.get("datasketch-seed2", {}).get("ok") and tl.get("datasketch-confirm-seed2", {}).get("ok"):
        print(f"  ceiling: datasketch with other permutations (seed 2) agrees with itself (seed 1) on "
              f"{fnum(tl['datasketch-seed2']['score'].get('agreement'), '.2%')} of documents "
              f"({fnum(tl['datasketch-confirm-seed2']['score'].get('agreement_confirm'), '.2%')} with +confirm): "
              f"near the threshold MinHash decisions depend on the permutations drawn")
    w = report["tools"].get("winnow", {})
    if w.get("ok"):
        d = w.get("dedup_summary") or {}
        lsh = f"{d['bands']} bands x {d['rows']} rows; " if d.get("bands") else ""
        print(f"winnow: {lsh}signatures {fnum(w.get('signature_mb_s'), '.1f')} MB/s per core "
              f"({d.get('signature_bytes', 0) / MB:.1f} MB in {fnum(w.get('signature_seconds'), '.3f')} s); "
              f"buckets {fnum(d.get('bucket_seconds'), '.3f')} s, cluster {fnum(d.get('cluster_seconds'), '.3f')} s, "
              f"filter {fnum(d.get('filter_seconds'), '.3f')} s; index {fnum((d.get('index_bytes') or 0) / MB, '.1f')} MB; "
              f"run {w['seconds']:.2f} s wall (median of {len(w['runs'])}), peak RSS {w['peak_rss'] / MB:.0f} MB")
        wo = report["tools"].get("winnow-m61", {})
        if wo.get("ok"):
            print(f"winnow, mersenne61 (permutation: mersenne61, the earlier default): signatures {fnum(wo.get('signature_mb_s'), '.1f')} MB/s per core; "
                  f"run {wo['seconds']:.2f} s wall (median of {len(wo['runs'])})")
        print(f"  dropped by reason: " + ", ".join(f"{k} {v}" for k, v in sorted(w["reasons"].items()))
              + (f"; other stages dropped {w['other_rejects']}" if w["other_rejects"] else ""))
        if w.get("similarity_error"):
            e = w["similarity_error"]
            print(f"  reported similarity vs true J of (dropped, kept): mean |error| {e['mean_abs']:.4f}, "
                  f"max {e['max_abs']:.4f} over {e['pairs']} drops; {w.get('drops_below_threshold', 0)} drops "
                  f"reported below {THRESHOLD}")
    r = report["ratios"]
    print(f"speed ratio (docs/s, winnow / peer): rensa {fnum(r.get('rensa'), '.1f')}x, "
          f"rensa +confirm {fnum(r.get('rensa-confirm'), '.1f')}x, datasketch {fnum(r.get('datasketch'), '.1f')}x, "
          f"datasketch +confirm {fnum(r.get('datasketch-confirm'), '.1f')}x, datatrove char5 "
          f"{fnum(r.get('datatrove'), '.1f')}x, datatrove words5 {fnum(r.get('datatrove-words'), '.1f')}x")
    cr, w, rn = report.get("cpu_ratios") or {}, report["tools"].get("winnow", {}), report["tools"].get("rensa", {})
    if cr.get("rensa"):
        print(f"CPU seconds (user + system, one core): winnow {w['cpu_seconds']:.2f} s (whole process, median of "
              f"{len(w['runs'])}), rensa {rn['cpu_seconds']:.2f} s (its timed span): rensa / winnow "
              f"{cr['rensa']:.1f}x, rensa +confirm / winnow {fnum(cr.get('rensa-confirm'), '.1f')}x")
    print("true pairs by exact Jaccard, and how many each tool put in one cluster:")
    tools = [k for k, _ in ROWS if report["tools"].get(k, {}).get("ok")]
    labels = {k: lab for k, lab in ROWS}
    print(f"  {'J':<11}{'pairs':>8}" + "".join(f"{labels[t]:>21}" for t in tools))
    for b, row in report["histogram"].items():
        print(f"  {b:<11}{row['pairs']:>8}" + "".join(
            f"{row[t]:>13} ({(row[t] / row['pairs'] if row['pairs'] else 0):>5.1%})" for t in tools))
    x = report["cross_sample"]
    print(f"  pairs scored: {report['pairs']['group']} inside generated groups (all), {report['pairs']['extra']} "
          f"other pairs some tool clustered{' (sampled)' if report['pairs'].get('sampled') else ''}; "
          f"check of {x['pairs']} random pairs across groups: max J {x['max']:.3f}, 99th pct {x['p99']:.3f}, "
          f"{x['at_least_0_6']} with J >= 0.6")
    print("targets (winnow):")
    for t in report["targets"]:
        v = t["value"]
        if v is None:
            shown = "not run"
        elif t["key"].startswith("ratio"):
            shown = f"{v:.1f}x"
        elif t["key"] == "merged_below_06":
            shown = str(v)
        elif t["key"] == "signature_mb_s":
            shown = f"{v:.1f}"
        else:
            shown = f"{v:.4f}"
        thr = f"{t['threshold']:g}" + ("x" if t["key"].startswith("ratio") else "")
        verdict = "—" if v is None else "PASS" if t["pass"] else "FAIL"  # a peer not run is no verdict
        print(f"  {t['name']:<42} {t['op']:>2} {thr:<6} measured {shown:>9}   {verdict}")
    for n in report["notes"]:
        print("note: " + n)
    print(f"everything: {OUT}/report.json (bench took {report['bench_seconds']:.0f} s)")


def jsonable(tool):
    out = {k: v for k, v in tool.items() if k not in ("cluster", "dropped", "pairs", "links", "members", "similarity", "sizes")}
    return out


def main_bench(a):
    started = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)
    notes = []
    stats, made = dedup_corpus.ensure(OUT, a.docs, a.seed, log=log)
    corpus = OUT / "corpus.jsonl"
    ids, texts = read_corpus(corpus)
    truth = dedup_corpus.read_truth(OUT / "truth.jsonl")
    total_bytes = sum(len(t.encode("utf-8")) for t in texts.values())
    cpu = None if a.no_pin else (a.cpu if a.cpu is not None else max(os.sched_getaffinity(0)))
    tools = {}

    reason = winnow_has_dedup(a.winnow)
    if reason:
        tools["winnow"] = {"tool": "winnow", "ok": False, "error": reason}
        log(f"winnow: not run: {reason}")
    else:
        tools["winnow"] = run_winnow(a.winnow, corpus, OUT, a.repeat, cpu)
        if not tools["winnow"]["ok"]:
            log(f"winnow failed: {tools['winnow']['error']}")
        # The same stage configured to compute datasketch's own signatures and bands.
        tools["winnow-ds"] = run_winnow(a.winnow, corpus, OUT, 1, cpu, pipeline=PIPELINE_DATASKETCH, name="winnow-ds")
        # The earlier default scheme (128 modular permutations), other options at the defaults.
        tools["winnow-m61"] = run_winnow(a.winnow, corpus, OUT, a.repeat, cpu, pipeline=PIPELINE_M61, name="winnow-m61")

    versions = {}
    if not a.no_peers:
        py, v = ensure_venv(log)
        if py is None:
            for k in ("datasketch", "datasketch-confirm", "rensa", "rensa-confirm", "datatrove", "datatrove-words"):
                tools[k] = {"tool": k, "ok": False, "error": f"peer environment: {v}"}
        else:
            versions = v
            c = str(corpus)
            tools["datasketch"] = run_peer(py, "datasketch", ["datasketch", c, "--hash", a.datasketch_hash], OUT, cpu)
            tools["datasketch-confirm"] = run_peer(py, "datasketch-confirm",
                                                   ["datasketch", c, "--hash", a.datasketch_hash, "--confirm"], OUT, cpu)
            w0 = tools.get("winnow") or {}
            wb = (w0.get("dedup_summary") or {}) if w0.get("ok") else {}
            if wb.get("bands"):
                tools["datasketch-same"] = run_peer(
                    py, "datasketch-same", ["datasketch", c, "--hash", a.datasketch_hash, "--confirm",
                                            "--lsh-params", f"{int(wb['bands'])},{int(wb['rows'])}"], OUT, cpu)
                # rensa, the fastest MinHash people install (Rust), with winnow's bands.
                for name, extra in (("rensa", []), ("rensa-confirm", ["--confirm"])):
                    tools[name] = run_peer(py, name, ["rensa", c, "--bands", str(int(wb["bands"])), *extra], OUT, cpu)
            # The same tool with other permutations: how far datasketch agrees with itself.
            tools["datasketch-seed2"] = run_peer(py, "datasketch-seed2",
                                                 ["datasketch", c, "--hash", a.datasketch_hash, "--seed", "2"], OUT, cpu)
            tools["datasketch-confirm-seed2"] = run_peer(
                py, "datasketch-confirm-seed2", ["datasketch", c, "--hash", a.datasketch_hash, "--confirm", "--seed", "2"], OUT, cpu)
            ds = tools["datasketch"]
            bands = ["--bands", str(ds["config"]["bands"]), "--rows", str(ds["config"]["rows"])] if ds.get("ok") else []
            tools["datatrove"] = run_peer(py, "datatrove", ["datatrove", c, "--work", str(OUT / "datatrove-char5"),
                                                            "--tokenizer", "char5", *bands], OUT, cpu)
            tools["datatrove-words"] = run_peer(py, "datatrove-words",
                                                ["datatrove", c, "--work", str(OUT / "datatrove-words"),
                                                 "--tokenizer", "words", *bands], OUT, cpu)

    tools["exact"] = exact_oracle(ids, texts, truth)

    # scoring
    log("scoring: exact Jaccard of the pairs inside generated groups and of every clustered pair ...")
    ok = {k: t for k, t in tools.items() if t.get("ok")}
    tj = Truth(ids, texts, truth)
    tj.group_pass()
    for t in ok.values():
        t["pairs"], t["members"] = cluster_pairs(t["cluster"])
        t["links"] = link_pairs(t["cluster"], t["dropped"])
    extra = set()
    for t in ok.values():
        extra.update(p for p in t["pairs"] if p not in tj.j)
    sampled = False
    if len(extra) > MAX_EXTRA_PAIRS:  # a runaway cluster: score a sample, drop the rest from every set
        sampled = True
        keep = set(random.Random(a.seed).sample(sorted(extra), MAX_EXTRA_PAIRS))
        notes.append(f"{len(extra)} clustered pairs outside the generated groups: {MAX_EXTRA_PAIRS} sampled, "
                     "the rest left out of every figure")
        for t in ok.values():
            t["pairs"] = {p for p in t["pairs"] if p in tj.j or p in keep}
        extra = keep
    n_extra = tj.score_pairs(extra)
    positives_085 = {p for p, j in tj.j.items() if j >= 0.85}
    positives_080 = {p for p, j in tj.j.items() if j >= THRESHOLD}
    cross = tj.cross_sample(a.cross_sample, a.seed)
    reference = ok.get("datasketch")
    for k, t in ok.items():
        t["score"] = score_tool(t, tj.j, positives_085, positives_080, reference, ok.get("datasketch-confirm"), ids,
                                ok.get("datasketch-same"), ok.get("exact"), ok.get("rensa"))
        t["docs_per_s"] = len(ids) / t["seconds"] if t.get("seconds") else None
        t["mb_per_s"] = total_bytes / MB / t["seconds"] if t.get("seconds") else None
    w = ok.get("winnow")
    if w:
        errs = [abs(w["similarity"][d] - tj.j[tuple(sorted((d, w["cluster"][d])))]) for d in w["dropped"]
                if isinstance(w["similarity"].get(d), (int, float)) and tuple(sorted((d, w["cluster"][d]))) in tj.j]
        if errs:
            w["similarity_error"] = {"pairs": len(errs), "mean_abs": sum(errs) / len(errs), "max_abs": max(errs)}
        below = [d for d in w["dropped"] if isinstance(w["similarity"].get(d), (int, float))
                 and w["similarity"][d] < THRESHOLD]
        w["drops_below_threshold"] = len(below)
        if below:
            notes.append(f"winnow dropped {len(below)} documents whose reported similarity to their kept document "
                         f"is below {THRESHOLD} (e.g. {sorted(below)[0]}: {w['similarity'][sorted(below)[0]]}): "
                         "the cluster was joined through other documents (transitively)")
        if w.get("documents") not in (None, len(ids)):
            notes.append(f"winnow read {w['documents']} documents, the corpus has {len(ids)}")
        bad = sum(1 for k, n in w["sizes"].items() if len(w["members"].get(k, ())) != n)
        if bad:
            notes.append(f"winnow: {bad} kept documents whose dedup.size differs from the number of documents "
                         "naming them (itself and its rejects)")
        if w["kept"] + len(w["dropped"]) + sum(w["other_rejects"].values()) != len(ids):
            notes.append(f"winnow: kept {w['kept']} + dropped {len(w['dropped'])} != {len(ids)} documents")
    ratios = {}
    for k in ("rensa", "rensa-confirm", "datasketch", "datasketch-confirm", "datasketch-same", "datatrove", "datatrove-words"):
        if w and k in ok:
            ratios[k] = w["docs_per_s"] / ok[k]["docs_per_s"]
    # The same ratio on CPU seconds (user + system) instead of wall time: on a machine other
    # processes share, a pinned process also waits for its core, and CPU time leaves that out.
    # winnow: the whole process (start-up included); rensa: its timed span.
    cpu_ratios = {}
    for k in ("rensa", "rensa-confirm"):
        if w and w.get("cpu_seconds") and ok.get(k, {}).get("cpu_seconds"):
            cpu_ratios[k] = ok[k]["cpu_seconds"] / w["cpu_seconds"]
    hist = histogram(tj.j, ok)

    def wv(key):
        return w["score"].get(key) if w else None

    dt_ratios = [ratios[k] for k in ("datatrove", "datatrove-words") if k in ratios]
    values = {
        "link_precision": wv("link_precision"), "recall_085": wv("recall_085"), "merged_below_06": wv("merged_below_06"),
        "agreement": wv("agreement"), "agreement_confirm": wv("agreement_confirm"), "agreement_same": wv("agreement_same"),
        "agreement_ds_mode": ok["winnow-ds"]["score"].get("agreement_confirm") if "winnow-ds" in ok else None,
        "signature_mb_s": w.get("signature_mb_s") if w else None,
        "ratio_rensa": ratios.get("rensa"),
        "ratio_datasketch": ratios.get("datasketch"),
        "ratio_datatrove": min(dt_ratios) if dt_ratios else None,  # against the faster datatrove run
    }
    targets = []
    for key, label, op, thr in TARGETS:
        v = values[key]
        passed = v is not None and (v >= thr if op == ">=" else v <= thr)
        targets.append({"key": key, "name": label, "op": op, "threshold": thr, "value": v, "pass": passed})
    if cross["at_least_0_6"]:
        notes.append(f"{cross['at_least_0_6']} of {cross['pairs']} random cross-group pairs have J >= 0.6: "
                     "unpredicted cross-group pairs are not all non-duplicates")
    if cpu is None:
        notes.append("not pinned to one CPU (--no-pin): winnow's reader and writer threads may use other cores")
    for k, t in tools.items():
        if not t.get("ok"):
            notes.append(f"{k} not run: {t.get('error', '?')[:300]}")
    report = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "host": {"machine": platform.machine(), "python": platform.python_version(), "cpus": os.cpu_count()},
        "pinned": f"pinned to CPU {cpu}" if cpu is not None else "not pinned",
        "corpus": {"documents": len(ids), "bytes": total_bytes, "seed": a.seed, "generated": made,
                   "kinds": stats.get("kinds"), "path": str(corpus)},
        "peer_versions": versions,
        "pairs": {"group": tj.group_pairs, "extra": n_extra, "sampled": sampled,
                  "true_085": len(positives_085), "true_080": len(positives_080)},
        "cross_sample": cross,
        "tools": {k: jsonable(t) for k, t in tools.items()},
        "ratios": ratios,
        "cpu_ratios": cpu_ratios,
        "histogram": hist,
        "targets": targets,
        "notes": notes,
    }
    report["bench_seconds"] = time.perf_counter() - started
    (OUT / "report.json").write_text(json.dumps(report, indent=1, default=str) + "\n")
    print_report(report)
    return 0 if w else 1


def main_memory(a):
    started = time.perf_counter()
    OUT_MEMORY.mkdir(parents=True, exist_ok=True)
    stats, _ = dedup_corpus.ensure(OUT_MEMORY, a.docs, a.seed, short=True, log=log)
    corpus = OUT_MEMORY / "corpus.jsonl"
    reason = winnow_has_dedup(a.winnow)
    if reason:
        print(f"winnow dedup memory bench: not run: {reason}")
        return 1
    kept, rej, summ = OUT_MEMORY / "winnow.jsonl", OUT_MEMORY / "winnow-rejects.jsonl", OUT_MEMORY / "winnow-summary.json"
    for p in (kept, rej, summ):
        p.unlink(missing_ok=True)
    cmd = [str(a.winnow), "run", PIPELINE, "--input", str(corpus), "--output", str(kept), "--rejects", str(rej),
           "--jobs", str(a.jobs), "--quiet", "--summary-json", str(summ)]
    os.sync()
    log(f"running winnow --jobs {a.jobs} on {stats['documents']} documents ...")
    rc, seconds, rss, anon, mapped = run_sampled(cmd, OUT_MEMORY / "winnow.log")
    if rc != 0:
        print(f"winnow dedup memory bench: winnow exited {rc}: {tail(OUT_MEMORY / 'winnow.log', 800)}")
        return 1
    s = json.loads(summ.read_text())
    d = s.get("dedup") or {}
    n = stats["documents"]
    result = {"documents": n, "bytes": stats["bytes"], "mean_doc_bytes": stats["bytes"] / n, "jobs": a.jobs,
              "wall_seconds": seconds, "docs_per_s": n / seconds, "peak_rss": rss, "peak_rss_anon": anon,
              "peak_rss_file": mapped, "summary_seconds": s.get("seconds"),
              "kept": s.get("kept"), "rejected": s.get("rejected"), "dedup": d,
              "index_bytes_per_doc": d["index_bytes"] / n if d.get("index_bytes") else None, "command": " ".join(cmd)}
    (OUT_MEMORY / "report.json").write_text(json.dumps(result, indent=1) + "\n")
    print()
    print(f"winnow dedup memory bench: {n:,} documents ({stats['bytes'] / MB:.0f} MB of text, "
          f"{stats['bytes'] / n:.0f} bytes each on average), --jobs {a.jobs}")
    print(f"  peak RSS            {rss / MB:,.0f} MB ({rss / n:,.0f} bytes per document)")
    print(f"    of which heap     {anon / MB:,.0f} MB at most ({anon / n:,.0f} bytes per document; RssAnon, sampled every 20 ms)")
    print(f"    mapped files      {mapped / MB:,.0f} MB at most (RssFile: the records and shingle sets on disk, "
          "which the kernel pages out under pressure)")
    print(f"  wall time           {seconds:.1f} s")
    print(f"  documents/s         {n / seconds:,.0f} ({stats['bytes'] / MB / seconds:.1f} MB/s)")
    print(f"  index bytes / doc   {fnum(result['index_bytes_per_doc'], ',.1f')} (summary.dedup.index_bytes "
          f"{fnum((d.get('index_bytes') or 0) / MB, ',.1f')} MB)")
    print(f"  kept {s.get('kept')}, rejected {s.get('rejected')}")
    print(f"everything: {OUT_MEMORY}/report.json (bench took {time.perf_counter() - started:.0f} s)")
    return 0


def main():
    ap = argparse.ArgumentParser(description="winnow dedup bench (see harness/benchmarks/README.md)")
    ap.add_argument("--winnow", required=True, help="winnow binary (e.g. .build/release/winnow)")
    ap.add_argument("--docs", type=int, help="documents to generate (20,000; --memory: 1,000,000)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=3, help="winnow runs (median wall time)")
    ap.add_argument("--no-peers", action="store_true", help="winnow only")
    ap.add_argument("--datasketch-hash", choices=["xxh32", "sha1"], default="xxh32",
                    help="datasketch's hashfunc: xxhash.xxh32_intdigest (default) or its sha1_hash32")
    ap.add_argument("--cross-sample", type=int, default=20_000, help="random cross-group pairs checked")
    ap.add_argument("--cpu", type=int, help="CPU every timed process is pinned to (default: the last allowed)")
    ap.add_argument("--no-pin", action="store_true", help="do not pin to one CPU")
    ap.add_argument("--memory", action="store_true", help="the 1M-document peak-memory run instead")
    ap.add_argument("--jobs", type=int, default=2, help="--memory: winnow --jobs (2)")
    a = ap.parse_args()
    os.chdir(ROOT)
    a.winnow = Path(a.winnow)
    if not a.winnow.exists():
        print(f"error: no winnow binary at {a.winnow} (run `make build`)", file=sys.stderr)
        sys.exit(2)
    if a.docs is None:
        a.docs = 1_000_000 if a.memory else 20_000
    sys.exit(main_memory(a) if a.memory else main_bench(a))


if __name__ == "__main__":
    main()
