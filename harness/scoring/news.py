#!/usr/bin/env python3
"""Score a winnow run (or any extractor's output) against the evaluation set's truth.

    python3 -m harness.scoring.news --truth DIR/truth.jsonl --clean CLEAN.jsonl --rejects REJECTS.jsonl
                                    [--json FILE|-] [--format all|html|txt] [--worst N]

Metrics (see harness/evals/README.md for the exact definitions):
  * body precision / recall / F1 by characters over non-spam pages (scoring/lines.py); a dropped
    non-spam page keeps its truth characters in the recall denominator and matches 0;
  * spam pages dropped as spam (a rejects row whose reason or stage is "spam");
  * non-spam pages dropped as spam, and dropped at all (by stage/reason);
  * exact-match rates of title, published, authors (list equality) and outlet over non-spam
    pages (a field missing from the output is a miss; absent from both is a match), plus the
    published day (first 10 characters) for extractors that give dates only;
  * e-mail addresses (and phone numbers) left in any kept text;
  * a per-site breakdown and the worst pages, with missing and extra lines.

Python 3 standard library only; importable (score_run) for evals/news.py and the peer.
"""

import argparse
import collections
import json
import re
import sys
import unicodedata

from harness import common
from harness.scoring.lines import lines_of, page, prf

FIELDS = ("title", "published", "authors", "outlet")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PHONE = re.compile(r"(?<![\d-])(?:\+82[ -]?)?(?:0\d{1,2}|1\d{3})-\d{3,4}(?:-\d{4})?(?![\d-])")


def read_jsonl(path):
    return common.read_jsonl(path, "score")



def is_spam_reject(row):
    return row.get("reason") == "spam" or row.get("stage") == "spam"


def is_dedup_reject(row):
    return row.get("stage") == "dedup" or row.get("reason") in ("duplicate", "near_duplicate")


def reject_key(row):
    return f"{row.get('stage', '?')}/{row.get('reason', '?')}"



def field_match(truth, rec, field):
    t = truth.get(field)
    o = rec.get(field) if rec is not None else None
    if isinstance(o, str):
        o = unicodedata.normalize("NFC", o.strip()) or None
    if isinstance(o, list):
        o = [unicodedata.normalize("NFC", x.strip()) if isinstance(x, str) else x for x in o] or None
    if t is None:
        return o is None
    return o == t


def score_run(truth_rows, clean_rows, reject_rows, formats=None, worst=10):
    """Return the metrics dict for the truth pages whose format is in `formats` (None: all)."""
    clean = {}
    duplicates = 0
    for rec in clean_rows:
        if rec.get("id") in clean:
            duplicates += 1
        clean[rec.get("id")] = rec
    rejects = {}
    for row in reject_rows:
        rejects.setdefault(row.get("id"), row)
    truth_ids = {t["id"] for t in truth_rows}
    unknown = sorted(i for i in list(clean) + list(rejects) if i not in truth_ids)

    pages = [t for t in truth_rows if formats is None or t["format"] in formats]
    tot = collections.Counter()
    by_reason = collections.Counter()
    spam_reasons = collections.Counter()
    field_hits = collections.Counter()
    field_hits_kept = collections.Counter()
    sites = collections.OrderedDict()
    page_scores = []
    spam_kept_ids, nonspam_spam_ids, emails_left, phones_left = [], [], [], []

    # Stories (truth "story" id) → what happened to their pages, for the dedup figures.
    stories = collections.defaultdict(lambda: {"pages": 0, "kept": 0, "dedup": 0, "wrong": 0})
    story_of = {t["id"]: t.get("story") for t in truth_rows}
    for t in pages:
        rec = clean.get(t["id"])
        rej = rejects.get(t["id"])
        if not t["spam"] and t.get("story") is not None:
            st = stories[t["story"]]
            if rec is not None:
                st["pages"] += 1
                st["kept"] += 1
            elif rej is not None and is_dedup_reject(rej):
                st["pages"] += 1
                st["dedup"] += 1
                if story_of.get(rej.get("kept")) != t["story"]:
                    st["wrong"] += 1
        # A page dedup dropped as a copy was extracted like a kept one: its cleaned text and
        # metadata are in its rejects row and are scored as output.
        if rec is None and rej is not None and is_dedup_reject(rej):
            rec = rej
        s = sites.setdefault(t["site"], collections.Counter())
        s["pages"] += 1
        if rec is not None:
            text = rec.get("text") if isinstance(rec.get("text"), str) else ""
            for m in EMAIL.findall(text) + EMAIL.findall(str(rec.get("title", ""))):
                emails_left.append((t["id"], m))
            for m in PHONE.findall(text):
                phones_left.append((t["id"], m))
        if t["spam"]:
            tot["spam_pages"] += 1
            s["spam_pages"] += 1
            if rec is None and rej is not None and is_spam_reject(rej):
                tot["spam_dropped_as_spam"] += 1
                s["spam_dropped_as_spam"] += 1
            elif rec is None and rej is not None:
                tot["spam_dropped_other"] += 1
                spam_reasons[reject_key(rej)] += 1
            elif rec is not None:
                tot["spam_kept"] += 1
                tot["spam_kept_chars"] += sum(len(x) for x in lines_of(rec.get("text")))
                spam_kept_ids.append(t["id"])
            else:
                tot["spam_missing"] += 1
            continue

        tot["pages"] += 1
        s["nonspam"] += 1
        matched, out_chars, truth_chars, truth_lines, out_lines = page(t["body"], rec.get("text") if rec is not None else None)
        tot["truth_chars"] += truth_chars
        tot["out_chars"] += out_chars
        tot["matched_chars"] += matched
        s["truth_chars"] += truth_chars
        s["out_chars"] += out_chars
        s["matched_chars"] += matched
        if rec is None:
            tot["dropped"] += 1
            s["dropped"] += 1
            key = reject_key(rej) if rej is not None else "missing/not in output or rejects"
            by_reason[key] += 1
            if rej is not None and is_spam_reject(rej):
                tot["dropped_as_spam"] += 1
                nonspam_spam_ids.append(t["id"])
        for field in FIELDS:
            ok = field_match(t, rec, field)
            field_hits[field] += ok
            s[f"{field}_ok"] += ok
            if rec is not None:
                field_hits_kept[field] += ok
        day_t = (t.get("published") or "")[:10] or None
        pub_o = rec.get("published") if rec is not None else None
        day_o = pub_o[:10] if isinstance(pub_o, str) and pub_o else None
        field_hits["published_day"] += day_t == day_o
        p, r, f = prf(matched, out_chars, truth_chars)
        missing = list((truth_lines - out_lines).elements())
        extra = list((out_lines - truth_lines).elements())
        page_scores.append({"id": t["id"], "site": t["site"], "p": p, "r": r, "f1": f,
                            "dropped": reject_key(rej) if rec is None and rej is not None else ("missing" if rec is None else None),
                            "truth_chars": truth_chars, "missing": missing, "extra": extra})

    n = tot["pages"]
    kept = n - tot["dropped"]
    # Dedup: a story's pages that reached dedup are one original and copies; every copy should
    # be dropped (recall), one page kept, and no page dropped as a copy of another story.
    copies = sum(max(0, st["pages"] - 1) for st in stories.values())
    copies_dropped = sum(min(st["dedup"] - st["wrong"], max(0, st["pages"] - 1)) for st in stories.values())
    reached = [st for st in stories.values() if st["pages"] > 0]
    syndicated = [st for st in reached if st["pages"] > 1]
    dedup = None if formats is not None else {
        "stories": len(reached), "syndicated_stories": len(syndicated), "copies": copies,
        "copies_dropped": copies_dropped,
        "duplicate_recall": copies_dropped / copies if copies else None,
        "syndicated_kept_once": (sum(st["kept"] == 1 for st in syndicated) / len(syndicated)) if syndicated else None,
        "stories_lost": sum(st["kept"] == 0 for st in reached),
        "stories_lost_share": (sum(st["kept"] == 0 for st in reached) / len(reached)) if reached else None,
        "wrong_merges": sum(st["wrong"] for st in reached),
        "pages_dropped_as_copies": sum(st["dedup"] for st in reached),
    }
    p, r, f = prf(tot["matched_chars"], tot["out_chars"], tot["truth_chars"])
    result = {
        "formats": sorted(formats) if formats else ["html", "txt"],
        "pages": len(pages), "nonspam_pages": n, "spam_pages": tot["spam_pages"],
        "body": {"precision": p, "recall": r, "f1": f, "truth_chars": tot["truth_chars"],
                 "output_chars": tot["out_chars"], "matched_chars": tot["matched_chars"],
                 "macro_f1": (sum(x["f1"] for x in page_scores) / len(page_scores)) if page_scores else None},
        "spam": {"dropped_as_spam": tot["spam_dropped_as_spam"],
                 "drop_rate": tot["spam_dropped_as_spam"] / tot["spam_pages"] if tot["spam_pages"] else None,
                 "dropped_other": tot["spam_dropped_other"], "dropped_other_by_reason": dict(spam_reasons),
                 "kept": tot["spam_kept"], "kept_chars": tot["spam_kept_chars"], "missing": tot["spam_missing"],
                 "kept_ids": spam_kept_ids[:20]},
        "nonspam_dropped": {"count": tot["dropped"], "share": tot["dropped"] / n if n else None,
                            "as_spam": tot["dropped_as_spam"],
                            "as_spam_share": tot["dropped_as_spam"] / n if n else None,
                            "as_spam_ids": nonspam_spam_ids[:20],
                            "by_reason": dict(by_reason.most_common())},
        "metadata": {fld: field_hits[fld] / n if n else None for fld in FIELDS + ("published_day",)},
        "metadata_kept": {fld: field_hits_kept[fld] / kept if kept else None for fld in FIELDS},
        "emails_left": len(emails_left), "emails_left_examples": emails_left[:10],
        "phones_left": len(phones_left), "phones_left_examples": phones_left[:10],
        "dedup": dedup,
        "duplicate_output_ids": duplicates, "unknown_ids": len(unknown), "unknown_id_examples": unknown[:10],
        "sites": {},
    }
    for site, s in sites.items():
        sp, sr, sf = prf(s["matched_chars"], s["out_chars"], s["truth_chars"])
        ns = s["nonspam"]
        result["sites"][site] = {
            "pages": s["pages"], "nonspam": ns, "precision": sp, "recall": sr, "f1": sf,
            "dropped": s["dropped"], "spam_pages": s["spam_pages"], "spam_dropped": s["spam_dropped_as_spam"],
            **{fld: (s[f"{fld}_ok"] / ns if ns else None) for fld in FIELDS}}
    page_scores.sort(key=lambda x: (x["f1"], -x["truth_chars"], x["id"]))
    result["worst"] = [{"id": x["id"], "p": x["p"], "r": x["r"], "f1": x["f1"], "dropped": x["dropped"],
                        "missing": x["missing"], "extra": x["extra"]} for x in page_scores[:worst]]
    return result


def score_files(truth, clean, rejects, formats=None, worst=10):
    return score_run(read_jsonl(truth), read_jsonl(clean) if clean else [],
                     read_jsonl(rejects) if rejects else [], formats, worst)


def pct(x):
    return "   -  " if x is None else f"{100 * x:6.2f}%"


def short(s, n=90):
    return s if len(s) <= n else s[: n - 1] + "…"


def print_report(res, out=sys.stdout, worst_lines=4):
    w = lambda s="": print(s, file=out)  # noqa: E731
    b = res["body"]
    w(f"pages {res['pages']} ({', '.join(res['formats'])}): {res['nonspam_pages']} articles, {res['spam_pages']} spam")
    w(f"body      P {pct(b['precision'])}  R {pct(b['recall'])}  F1 {pct(b['f1'])}   (chars: truth {b['truth_chars']}, "
      f"output {b['output_chars']}, matched {b['matched_chars']}; macro F1 {pct(b['macro_f1'])})")
    sp = res["spam"]
    w(f"spam      dropped as spam {sp['dropped_as_spam']}/{res['spam_pages']} = {pct(sp['drop_rate'])}; "
      f"dropped otherwise {sp['dropped_other']} {sp['dropped_other_by_reason'] or ''}; kept {sp['kept']} ({sp['kept_chars']} chars)")
    nd = res["nonspam_dropped"]
    w(f"articles  dropped {nd['count']} = {pct(nd['share'])}; as spam {nd['as_spam']} = {pct(nd['as_spam_share'])}")
    for reason, c in nd["by_reason"].items():
        w(f"            {reason}: {c}")
    m, mk = res["metadata"], res["metadata_kept"]
    w("metadata  " + "  ".join(f"{f} {pct(m[f])}" for f in ("title", "published", "authors", "outlet"))
      + f"   (published day {pct(m['published_day'])})")
    w("  on kept " + "  ".join(f"{f} {pct(mk[f])}" for f in ("title", "published", "authors", "outlet")))
    w(f"PII       e-mail addresses left in kept text: {res['emails_left']}"
      + (f" e.g. {res['emails_left_examples'][:3]}" if res["emails_left"] else "")
      + f"; phone numbers left: {res['phones_left']}")
    if res["unknown_ids"] or res["duplicate_output_ids"]:
        w(f"warning   {res['unknown_ids']} output ids not in the truth (e.g. {res['unknown_id_examples'][:3]}), "
          f"{res['duplicate_output_ids']} duplicate output ids")
    w()
    w(f"{'site':<11} {'pages':>5} {'spam':>4} {'P':>8} {'R':>8} {'F1':>8} {'drop':>5} {'title':>8} {'publ.':>8} {'authors':>8} {'outlet':>8}")
    for site, s in res["sites"].items():
        w(f"{site:<11} {s['pages']:>5} {s['spam_dropped']:>2}/{s['spam_pages']:<1} {pct(s['precision']):>8} {pct(s['recall']):>8} "
          f"{pct(s['f1']):>8} {s['dropped']:>5} {pct(s['title']):>8} {pct(s['published']):>8} {pct(s['authors']):>8} {pct(s['outlet']):>8}")
    if res["worst"]:
        w()
        w(f"worst {len(res['worst'])} pages:")
        for x in res["worst"]:
            w(f"  {x['id']}  P {pct(x['p'])} R {pct(x['r'])} F1 {pct(x['f1'])}" + (f"  dropped: {x['dropped']}" if x["dropped"] else ""))
            for line in x["missing"][:worst_lines]:
                w(f"      - {short(line)}")
            if len(x["missing"]) > worst_lines:
                w(f"      - … {len(x['missing']) - worst_lines} more missing")
            for line in x["extra"][:worst_lines]:
                w(f"      + {short(line)}")
            if len(x["extra"]) > worst_lines:
                w(f"      + … {len(x['extra']) - worst_lines} more extra")


def main():
    ap = argparse.ArgumentParser(description="score clean/rejects JSONL against the eval truth (see harness/evals/README.md)")
    ap.add_argument("--truth", required=True)
    ap.add_argument("--clean", required=True)
    ap.add_argument("--rejects", help="rejects JSONL (without it every page missing from --clean counts as dropped, reason 'missing')")
    ap.add_argument("--format", choices=["all", "html", "txt"], default="all", help="score only these pages")
    ap.add_argument("--worst", type=int, default=10, help="how many worst pages to list")
    ap.add_argument("--json", help="also write the metrics as JSON to this file ('-' for stdout, then no text report)")
    args = ap.parse_args()
    formats = None if args.format == "all" else {args.format}
    res = score_files(args.truth, args.clean, args.rejects, formats, args.worst)
    if args.json == "-":
        json.dump(res, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return
    print_report(res)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(res, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
