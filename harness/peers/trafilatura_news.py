#!/usr/bin/env python3
"""Peer for `make eval`: trafilatura on the HTML pages of the evaluation set, one process.

    .venv/bin/python -m harness.peers.trafilatura_news --set out/eval [--clean FILE] [--json FILE]

For each HTML page of DIR/truth.jsonl (in truth order): read the raw bytes (trafilatura decodes
them itself), run `trafilatura.bare_extraction(data, favor_precision=False,
include_comments=False, include_tables=True, with_metadata=True)`, and write one record
{"id", "text", "title", "published" (trafilatura's date, YYYY-MM-DD), "authors", "outlet"} to
--clean; a page with no extraction goes to the rejects (stage "trafilatura", reason "empty").
The output is scored with harness/scoring/news.py's line metric on the HTML subset (the "- " that
trafilatura puts before list items is taken off first, so a list item can match its line). The timing covers
reading and extraction only (wall clock and CPU), on one core, after a warm-up page.
Prints a summary; --json writes the figures and the score. Needs trafilatura (`make eval` installs
it into .venv/); otherwise standard library.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

from harness.common import MB
from harness.scoring import news as score

try:
    import trafilatura
    from trafilatura import bare_extraction
except ImportError as e:  # pragma: no cover - reported to eval.py
    print(f"peer_trafilatura: trafilatura is not importable here ({e}); run it with .venv/bin/python", file=sys.stderr)
    sys.exit(3)


def extract(data):
    doc = bare_extraction(data, favor_precision=False, include_comments=False, include_tables=True,
                          with_metadata=True)
    if doc is None or not (doc.text or "").strip():
        return None
    # trafilatura writes list items as "- item"; the contract's line is the item itself
    text = "\n".join(x[2:] if x.startswith("- ") else x for x in doc.text.split("\n"))
    rec = {"text": text}
    if doc.title:
        rec["title"] = doc.title
    if doc.date:
        rec["published"] = doc.date
    if doc.author:
        rec["authors"] = [a.strip() for a in doc.author.split(";") if a.strip()]
    if doc.sitename:
        rec["outlet"] = doc.sitename
    return rec


def main():
    ap = argparse.ArgumentParser(description="trafilatura peer for the winnow eval (see harness/evals/README.md)")
    ap.add_argument("--set", required=True, help="evaluation set directory (truth.jsonl, pages/)")
    ap.add_argument("--clean", help="write trafilatura's records here (default: SET/trafilatura.clean.jsonl)")
    ap.add_argument("--json", help="write figures and score as JSON here")
    ap.add_argument("--limit", type=int, default=0, help="only the first N HTML pages (0: all)")
    args = ap.parse_args()
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the brief of the peer says
    except (AttributeError, OSError):
        pass
    root = Path(args.set)
    truth = score.read_jsonl(root / "truth.jsonl")
    html_pages = [t for t in truth if t["format"] == "html"]
    if args.limit:
        html_pages = html_pages[: args.limit]
    clean_path = Path(args.clean) if args.clean else root / "trafilatura.clean.jsonl"

    datas = []
    for t in html_pages:
        with open(root / "pages" / t["id"], "rb") as f:
            datas.append(f.read())
    extract(datas[0])  # warm-up: imports, lazy tables
    clean, rejects, errors = [], [], 0
    total = 0
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for t, data in zip(html_pages, datas):
        total += len(data)
        try:
            rec = extract(data)
        except Exception as e:  # noqa: BLE001 - one bad page must not stop the peer
            errors += 1
            rejects.append({"id": t["id"], "stage": "trafilatura", "reason": "error", "detail": str(e)[:200]})
            continue
        if rec is None:
            rejects.append({"id": t["id"], "stage": "trafilatura", "reason": "empty"})
        else:
            clean.append({"id": t["id"], **rec})
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    with open(clean_path, "w", encoding="utf-8") as f:
        for rec in clean:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")

    res = score.score_run(html_pages, clean, rejects, {"html"})
    out = {"package": "trafilatura", "version": trafilatura.__version__, "pages": len(html_pages), "bytes": total,
           "mb": total / MB, "seconds": wall, "cpu_seconds": cpu, "pages_per_s": len(html_pages) / wall,
           "mb_per_s": total / MB / wall, "errors": errors, "empty": len(rejects) - errors,
           "clean": str(clean_path), "score": res}
    b = res["body"]
    print(f"trafilatura {trafilatura.__version__}: {len(html_pages)} HTML pages, {total / MB:.2f} MB in {wall:.2f} s "
          f"(CPU {cpu:.2f} s): {out['pages_per_s']:.1f} pages/s, {out['mb_per_s']:.3f} MB/s on one core; "
          f"{len(rejects)} pages without text ({errors} errors)")
    print(f"  body P {100 * b['precision']:.2f}%  R {100 * b['recall']:.2f}%  F1 {100 * b['f1']:.2f}%;  "
          f"title {100 * res['metadata']['title']:.2f}%  published {100 * res['metadata']['published']:.2f}%  "
          f"published day {100 * res['metadata']['published_day']:.2f}%;  spam dropped {res['spam']['dropped_as_spam']}/{res['spam_pages']};  "
          f"e-mails left {res['emails_left']}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(out, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
