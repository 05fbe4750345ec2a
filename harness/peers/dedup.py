"""Peers for `make bench-dedup`, run as `.venv/bin/python -m harness.peers.dedup ARGS` by
harness/benchmarks/dedup.py.

  datasketch CORPUS RESULT [--hash xxh32|sha1] [--confirm] [--threshold T] [--perms N]
      For each document in input order: its char-5 shingles (harness/corpus/dedup.py, the
      same sets as winnow's), a MinHash of them, `MinHashLSH.query`; a document with a
      candidate is a duplicate of it (dropped), otherwise it is inserted (kept). --confirm
      keeps only candidates whose estimated Jaccard (`MinHash.jaccard`) is >= the threshold,
      as winnow does. A dropped document's cluster is its best candidate: the earliest
      inserted (the most similar with --confirm).
  rensa CORPUS RESULT --bands B [--confirm] [--threshold T] [--perms N]
      rensa's `RMinHash` and `RMinHashLSH(threshold, num_perm, num_bands)` as a rensa user
      runs them: for each document in input order its char-5 shingles made in Python (the
      same sets), `RMinHash(num_perm, seed=1).update(list(shingles))`, `lsh.query`; a
      document with a candidate is dropped (its cluster: the earliest inserted candidate),
      otherwise inserted. --confirm keeps only candidates whose `RMinHash.jaccard` is >= the
      threshold (the most similar is the cluster).
  datatrove CORPUS RESULT --work DIR [--tokenizer char5|words] [--bands B --rows R]
      datatrove's four MinHash stages (signature, buckets, cluster, filter) with
      LocalPipelineExecutor, workers=1, on CORPUS; clusters from `minhash_cluster_id`.

RESULT is JSON: {"tool", "version", "config", "seconds", "signature_seconds", "documents",
"bytes", "dropped": [id, ...], "cluster": {id: kept id}} where "cluster" holds only the
documents of clusters of two or more. The timings start after the imports (interpreter and
library start-up are not counted) and include reading CORPUS.
"""

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

from harness.corpus.dedup import normalize, shingles


def read_corpus(path):
    docs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            docs.append((d["id"], d["text"]))
    return docs


# --- datasketch ---------------------------------------------------------------------------


def run_datasketch(a):
    import datasketch
    from datasketch import MinHash, MinHashLSH

    if a.hash == "xxh32":
        import xxhash

        hashfunc = xxhash.xxh32_intdigest
    else:
        from datasketch.hashfunc import sha1_hash32 as hashfunc
    template = MinHash(num_perm=a.perms, hashfunc=hashfunc, seed=a.seed)
    perms, scheme = template.permutations, template.scheme

    started = time.perf_counter()
    docs = read_corpus(a.corpus)
    if a.lsh_params:
        b, r = (int(x) for x in a.lsh_params.split(","))
        lsh = MinHashLSH(threshold=a.threshold, num_perm=a.perms, params=(b, r))
    else:
        lsh = MinHashLSH(threshold=a.threshold, num_perm=a.perms)
    order = {}
    sketches = {}
    dropped, cluster = [], {}
    sig_seconds = 0.0
    total_bytes = 0
    for doc_id, text in docs:
        total_bytes += len(text.encode("utf-8"))
        t0 = time.perf_counter()
        sh = shingles(text)
        if not sh:
            sig_seconds += time.perf_counter() - t0
            continue  # nothing to compare: kept, never a candidate
        m = MinHash(num_perm=a.perms, hashfunc=hashfunc, permutations=perms, scheme=scheme)
        m.update_batch([s.encode("utf-8") for s in sh])
        sig_seconds += time.perf_counter() - t0
        candidates = lsh.query(m)
        if a.confirm:
            scored = [(m.jaccard(sketches[c]), -order[c], c) for c in candidates]
            scored = [s for s in scored if s[0] >= a.threshold]
            best = max(scored)[2] if scored else None
        else:
            best = min(candidates, key=order.__getitem__) if candidates else None
        if best is None:
            order[doc_id] = len(order)
            lsh.insert(doc_id, m)
            if a.confirm:
                sketches[doc_id] = m
        else:
            dropped.append(doc_id)
            cluster[doc_id] = best
            cluster[best] = best
    seconds = time.perf_counter() - started
    return {
        "tool": "datasketch", "version": datasketch.__version__,
        "config": {"num_perm": a.perms, "threshold": a.threshold, "bands": lsh.b, "rows": lsh.r, "seed": a.seed,
                   "hashfunc": "xxhash.xxh32_intdigest" if a.hash == "xxh32" else "datasketch.hashfunc.sha1_hash32",
                   "scheme": scheme, "confirm": a.confirm,
                   "shingles": "char5 of the normalized text (harness/corpus/dedup.py), the same sets as winnow"},
        "seconds": seconds, "signature_seconds": sig_seconds, "documents": len(docs), "bytes": total_bytes,
        "dropped": dropped, "cluster": cluster,
    }


# --- rensa -------------------------------------------------------------------------------


def run_rensa(a):
    import importlib.metadata
    from rensa import RMinHash, RMinHashLSH

    started = time.perf_counter()
    cpu_started = time.process_time()  # this process's CPU seconds over the same span
    docs = read_corpus(a.corpus)
    lsh = RMinHashLSH(threshold=a.threshold, num_perm=a.perms, num_bands=a.bands)
    keys, sketches = [], []  # RMinHashLSH keys are integers: the position in `keys`
    dropped, cluster = [], {}
    sig_seconds = 0.0
    total_bytes = 0
    for doc_id, text in docs:
        total_bytes += len(text.encode("utf-8"))
        t0 = time.perf_counter()
        sh = shingles(text)
        if not sh:
            sig_seconds += time.perf_counter() - t0
            continue  # nothing to compare: kept, never a candidate
        m = RMinHash(num_perm=a.perms, seed=1)
        m.update(list(sh))
        sig_seconds += time.perf_counter() - t0
        candidates = lsh.query(m)
        if a.confirm:
            scored = [(m.jaccard(sketches[c]), -c) for c in candidates]
            scored = [x for x in scored if x[0] >= a.threshold]
            best = -max(scored)[1] if scored else None
        else:
            best = min(candidates) if candidates else None
        if best is None:
            lsh.insert(len(keys), m)
            keys.append(doc_id)
            if a.confirm:
                sketches.append(m)
        else:
            dropped.append(doc_id)
            cluster[doc_id] = keys[best]
            cluster[keys[best]] = keys[best]
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    return {
        "tool": "rensa", "version": importlib.metadata.version("rensa"),
        "config": {"num_perm": a.perms, "threshold": a.threshold, "bands": a.bands, "rows": a.perms // a.bands,
                   "seed": 1, "class": "RMinHash + RMinHashLSH", "confirm": a.confirm,
                   "shingles": "char5 of the normalized text made in Python (harness/corpus/dedup.py), the same sets "
                               "as winnow, passed to RMinHash.update as a list of str"},
        "seconds": seconds, "cpu_seconds": cpu_seconds, "signature_seconds": sig_seconds, "documents": len(docs),
        "bytes": total_bytes, "dropped": dropped, "cluster": cluster,
    }


# --- datatrove ----------------------------------------------------------------------------


def run_datatrove(a):
    import importlib.metadata
    from datatrove.executor import LocalPipelineExecutor
    # the module itself: datatrove.pipeline.dedup's __init__ also imports stages that need more packages
    from datatrove.pipeline.dedup.minhash import (MinhashConfig, MinhashDedupBuckets, MinhashDedupCluster,
                                                  MinhashDedupFilter, MinhashDedupSignature)
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from datatrove.utils.hashing import HashConfig
    from datatrove.utils.text import TextNormConfig
    from datatrove.utils.word_tokenizers import WordTokenizer

    class CharTokenizer(WordTokenizer):
        """Tokens = the code points of winnow's normalized text, so that datatrove's word
        5-grams are exactly the char-5 shingles the other tools get."""

        def word_tokenize(self, text):
            return list(normalize(text))

        def sent_tokenize(self, text):
            return [text]

        def span_tokenize(self, text):
            return [(0, len(text))]

    class WhitespaceSplit(WordTokenizer):
        """Words = runs between whitespace, after datatrove's own simplify_text (datatrove
        assigns Kiwi to Korean; kiwipiepy is not installed here)."""

        def word_tokenize(self, text):
            return text.split()

        def sent_tokenize(self, text):
            return [text]

        def span_tokenize(self, text):
            return [(0, len(text))]

    if a.tokenizer == "char5":
        tokenizer = CharTokenizer()
        norm = TextNormConfig(lowercase=False, norm_whitespace=False, remove_punctuation=False,
                              norm_unicode_diacritics=False, norm_numbers=False)
    else:
        tokenizer = WhitespaceSplit()
        norm = TextNormConfig()  # datatrove's defaults
    config = MinhashConfig(n_grams=5, num_buckets=a.bands, hashes_per_bucket=a.rows, seed=1,
                           norm_config=norm, hash_config=HashConfig(precision=64, hash_fc="xxhash"))

    corpus = Path(a.corpus).resolve()
    work = Path(a.work)
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)

    def reader():
        return JsonlReader(str(corpus.parent), glob_pattern=corpus.name, text_key="text", id_key="id",
                           compression=None, add_file_path=False)

    stages = {
        "signatures": LocalPipelineExecutor(
            pipeline=[reader(), MinhashDedupSignature(output_folder=str(work / "signatures"), config=config,
                                                      language=tokenizer)],
            tasks=1, workers=1, logging_dir=str(work / "logs/signatures"), skip_completed=False),
        "buckets": LocalPipelineExecutor(
            pipeline=[MinhashDedupBuckets(input_folder=str(work / "signatures"), output_folder=str(work / "buckets"),
                                          config=config)],
            tasks=config.num_buckets, workers=1, logging_dir=str(work / "logs/buckets"), skip_completed=False),
        "cluster": LocalPipelineExecutor(
            pipeline=[MinhashDedupCluster(input_folder=str(work / "buckets"), output_folder=str(work / "remove_ids"),
                                          config=config, save_cluster_id=True)],
            tasks=1, workers=1, logging_dir=str(work / "logs/cluster"), skip_completed=False),
        "filter": LocalPipelineExecutor(
            pipeline=[reader(),
                      MinhashDedupFilter(input_folder=str(work / "remove_ids"), load_cluster_ids=True,
                                         exclusion_writer=JsonlWriter(str(work / "removed"), compression=None,
                                                                      output_filename="removed.jsonl")),
                      JsonlWriter(str(work / "kept"), compression=None, output_filename="kept.jsonl")],
            tasks=1, workers=1, logging_dir=str(work / "logs/filter"), skip_completed=False),
    }
    seconds = {}
    started = time.perf_counter()
    for name, executor in stages.items():
        t0 = time.perf_counter()
        executor.run()
        seconds[name] = time.perf_counter() - t0
    total = time.perf_counter() - started

    members, kept_ids, dropped = {}, {}, []
    documents = total_bytes = 0
    for part, was_kept in (("kept/kept.jsonl", True), ("removed/removed.jsonl", False)):
        path = work / part
        if not path.exists():
            continue
        with open(path, encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                documents += 1
                total_bytes += len(d["text"].encode("utf-8"))
                cid = d.get("metadata", {}).get("minhash_cluster_id", -1)
                if not was_kept:
                    dropped.append(d["id"])
                if cid != -1:
                    members.setdefault(cid, []).append(d["id"])
                    if was_kept:
                        kept_ids[cid] = d["id"]
    cluster = {}
    for cid, ids in members.items():
        if len(ids) > 1:
            for i in ids:
                cluster[i] = kept_ids.get(cid, min(ids))
    return {
        "tool": "datatrove", "version": importlib.metadata.version("datatrove"),
        "config": {"n_grams": 5, "num_buckets": config.num_buckets, "hashes_per_bucket": config.hashes_per_bucket,
                   "hashes": config.num_buckets * config.hashes_per_bucket, "seed": 1,
                   "hash_config": "HashConfig(precision=64, hash_fc='xxhash')",
                   "norm_config": repr(norm), "tokenizer": a.tokenizer,
                   "shingles": ("the code points of the normalized text (harness/corpus/dedup.py) as 'words': the same "
                                "char-5 sets as winnow" if a.tokenizer == "char5" else
                                "word 5-grams: datatrove's simplify_text defaults, then split on whitespace; "
                                "not the same shingles as winnow"),
                   "executor": "LocalPipelineExecutor(workers=1); tasks=1 except buckets (tasks=num_buckets)"},
        "seconds": total, "signature_seconds": seconds["signatures"], "stage_seconds": seconds,
        "documents": documents, "bytes": total_bytes, "dropped": dropped, "cluster": cluster,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tool", choices=["datasketch", "rensa", "datatrove"])
    ap.add_argument("corpus")
    ap.add_argument("result")
    ap.add_argument("--hash", choices=["xxh32", "sha1"], default="xxh32")
    ap.add_argument("--confirm", action="store_true")
    ap.add_argument("--seed", type=int, default=1, help="datasketch: MinHash's seed (its permutations)")
    ap.add_argument("--threshold", type=float, default=0.8)
    ap.add_argument("--perms", type=int, default=128)
    ap.add_argument("--work")
    ap.add_argument("--tokenizer", choices=["char5", "words"], default="char5")
    ap.add_argument("--lsh-params", help="datasketch: bands,rows instead of MinHashLSH's own choice")
    ap.add_argument("--bands", type=int, default=9, help="datatrove and rensa: bands")
    ap.add_argument("--rows", type=int, default=13, help="datatrove: rows per band (rensa: perms / bands)")
    a = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    result = {"datasketch": run_datasketch, "rensa": run_rensa, "datatrove": run_datatrove}[a.tool](a)
    with open(a.result, "w", encoding="utf-8") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
