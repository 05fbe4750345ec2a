#!/usr/bin/env python3
"""The Python assembly of the crawl job, for harness/benchmarks/crawl_bench.py: what a team would put
together from the libraries `make eval` runs as peers.

    .venv/bin/python -m harness.peers.crawl_assembly PAGES_DIR OUT.jsonl

Every file under PAGES_DIR in sorted order: HTML pages through trafilatura.bare_extraction
(it decodes the bytes itself), text pages decoded by charset-normalizer's best guess; then
near duplicates dropped with datasketch (MinHash of char 5-grams of the casefolded text
without whitespace and punctuation, 128 permutations, MinHashLSH at threshold 0.7, query
then insert in input order, as pipelines/ko-news.yaml's dedup stage decides). Kept documents
go to OUT.jsonl. Prints one JSON line: pages, kept, seconds (the whole run, imports excluded).
"""

import json
import os
import sys
import time
import unicodedata

import charset_normalizer
import trafilatura
from datasketch import MinHash, MinHashLSH

SHINGLE = 5
PERMS = 128
THRESHOLD = 0.7


def text_of(path, data):
    if path.endswith((".html", ".htm")):
        doc = trafilatura.bare_extraction(data, include_comments=False, include_tables=True, with_metadata=True)
        return (doc.text or "") if doc is not None else ""
    best = charset_normalizer.from_bytes(data).best()
    return str(best) if best is not None else ""


def shingles(text):
    folded = "".join(c for c in text.casefold() if not c.isspace() and not unicodedata.category(c).startswith("P"))
    return {folded[i:i + SHINGLE].encode("utf-8") for i in range(max(1, len(folded) - SHINGLE + 1))} if folded else set()


def main():
    pages, out = sys.argv[1], sys.argv[2]
    started = time.perf_counter()
    paths = sorted(os.path.join(d, f) for d, _, files in os.walk(pages) for f in files)
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=PERMS)
    kept = 0
    with open(out, "w", encoding="utf-8") as f:
        for path in paths:
            with open(path, "rb") as page:
                data = page.read()
            text = text_of(path, data).strip()
            if not text:
                continue
            m = MinHash(num_perm=PERMS)
            m.update_batch(list(shingles(text)))
            if lsh.query(m):
                continue
            lsh.insert(path, m)
            kept += 1
            f.write(json.dumps({"id": os.path.relpath(path, pages), "text": text}, ensure_ascii=False) + "\n")
    print(json.dumps({"pages": len(paths), "kept": kept, "seconds": round(time.perf_counter() - started, 3)}))


if __name__ == "__main__":
    main()
