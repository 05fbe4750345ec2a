#!/usr/bin/env python3
"""Self-check of the evaluation tooling (no winnow needed).

    python3 -m harness.evals.selfcheck [--pages N]

Generates a small set twice into a temporary directory (same seed: byte-identical), then scores
  * a perfect output built from the truth: every figure must be exactly 1.0 / 0;
  * a damaged output with known damage: the scorer's figures must equal the ones computed here
    independently (one body line dropped per page, a boilerplate line added, a spam page kept,
    an article dropped as spam, an article dropped by quality, wrong titles, e-mails left).
Prints each check and a closing 'N passed, N failed' line; exit 1 if any check failed.
Python 3 standard library only.
"""

import argparse
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

from harness.common import Checks
from harness.corpus import layouts
from harness.corpus import news_set as generate
from harness.scoring import layouts as layout_score
from harness.scoring import news as score

check = Checks()


def tree_hash(root):
    h = hashlib.sha256()
    for dirpath, _, files in sorted(os.walk(root)):
        for name in sorted(files):
            p = Path(dirpath) / name
            if name == "stamp.json":
                continue
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def close(a, b):
    return a is not None and abs(a - b) < 1e-12


def check_layouts(tmp):
    """The layout set: deterministic, held-out pairs only in held-out layouts, and its scorer
    on a perfect output and on one with known damage (a widget date taken, a title lost)."""
    a, b = tmp / "lay-a", tmp / "lay-b"
    layouts.generate(a, 16, 3, 5)
    layouts.generate(b, 16, 3, 5)
    check("layouts: same seed gives byte-identical pages and truth", tree_hash(a) == tree_hash(b))
    drawn = json.loads((a / "layouts.json").read_text(encoding="utf-8"))
    check("layouts: a held-out layout holds a held-out pair, a tuned one none",
          all(layouts.held_out(x["choice"]) == x["held_out"] for x in drawn) and any(x["held_out"] for x in drawn))
    truth = [json.loads(x) for x in (a / "truth.jsonl").read_text(encoding="utf-8").splitlines()]
    perfect = [{"id": t["id"], **{f: t[f] for f in layout_score.FIELDS}} for t in truth]
    res = layout_score.score(truth, perfect)
    check("layouts: perfect output scores 1.0 and no widget date",
          all(res[g][f] == 1.0 for g in ("tuned", "held_out") for f in layout_score.FIELDS)
          and res["tuned"]["widget_dates"] == res["held_out"]["widget_dates"] == 0)
    widget = next(t for t in truth if t.get("widget_date") and t["widget_date"] != t["published"][:10])
    damaged = [dict(x) for x in perfect]
    for row in damaged:
        if row["id"] == widget["id"]:
            row["published"] = widget["widget_date"]
            row["title"] = "경제 사회 국제"
    res = layout_score.score(truth, damaged)
    group = "held_out" if widget["held_out"] else "tuned"
    n = res[group]["pages"]
    check("layouts: a widget date taken is counted, and misses its page's date and title",
          res[group]["widget_dates"] == 1 and res[group]["published"] == res[group]["title"] == (n - 1) / n)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=240)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        a, b = Path(tmp) / "a", Path(tmp) / "b"
        generate.generate(a, args.pages, 11)
        generate.generate(b, args.pages, 11)
        check("same seed gives byte-identical pages and truth", tree_hash(a) == tree_hash(b))
        truth = score.read_jsonl(a / "truth.jsonl")
        check("one truth line per page", len(truth) == args.pages == sum(len(f) for _, _, f in os.walk(a / "pages")))
        check("every page id is its path under pages/", all((a / "pages" / t["id"]).is_file() for t in truth))
        articles = [t for t in truth if not t["spam"]]
        spam = [t for t in truth if t["spam"]]
        check("spam pages and articles both present", bool(spam) and bool(articles))

        # perfect
        clean, rejects = [], []
        for t in truth:
            if t["spam"]:
                rejects.append({"id": t["id"], "stage": "spam", "reason": "spam"})
                continue
            rec = {"id": t["id"], "text": "\n\n".join(t["body"])}
            rec.update({f: t[f] for f in score.FIELDS if f in t})
            clean.append(rec)
        res = score.score_run(truth, clean, rejects)
        check("perfect: body P = R = F1 = 1", res["body"]["precision"] == res["body"]["recall"] == res["body"]["f1"] == 1.0)
        check("perfect: all spam dropped as spam", res["spam"]["drop_rate"] == 1.0)
        check("perfect: no article dropped", res["nonspam_dropped"]["count"] == 0)
        check("perfect: every metadata field 1.0", all(res["metadata"][f] == 1.0 for f in score.FIELDS))
        check("perfect: no e-mail left", res["emails_left"] == 0)

        # damaged, with the expected figures computed here
        clean, rejects = [], []
        truth_chars = matched = out_chars = 0
        title_ok = 0
        kept_spam = spam[0]["id"]
        dropped_spam_article, dropped_quality_article = articles[0]["id"], articles[1]["id"]
        for i, t in enumerate(truth):
            if t["spam"]:
                if t["id"] == kept_spam:
                    clean.append({"id": t["id"], "text": "카지노사이트 추천 spam@casino.example"})
                else:
                    rejects.append({"id": t["id"], "stage": "spam", "reason": "spam"})
                continue
            truth_chars += sum(len(x) for x in t["body"])
            if t["id"] in (dropped_spam_article, dropped_quality_article):
                stage = "spam" if t["id"] == dropped_spam_article else "quality"
                rejects.append({"id": t["id"], "stage": stage, "reason": stage})
                continue
            body = t["body"][1:]  # the first line lost
            extra = "기상청 제공"  # a boilerplate line kept
            lines = [extra] + body + (["홍길동 기자 hong@example.co.kr"] if i % 2 else [])
            matched += sum(len(x) for x in body)
            out_chars += sum(len(x) for x in lines)
            rec = {"id": t["id"], "text": "\n\n".join("  " + x + " " for x in lines)}  # padding is stripped
            rec.update({f: t[f] for f in score.FIELDS if f in t})
            if i % 3 == 0:
                rec["title"] = t["title"] + " - 사이트"
            else:
                title_ok += 1
            clean.append(rec)
        res = score.score_run(truth, clean, rejects)
        n = len(articles)
        check("damaged: precision as computed", close(res["body"]["precision"], matched / out_chars),
              f"{res['body']['precision']} vs {matched / out_chars}")
        check("damaged: recall as computed (dropped pages count in the denominator)",
              close(res["body"]["recall"], matched / truth_chars), f"{res['body']['recall']} vs {matched / truth_chars}")
        check("damaged: spam drop rate", close(res["spam"]["drop_rate"], (len(spam) - 1) / len(spam)))
        check("damaged: one spam page kept", res["spam"]["kept"] == 1 and res["spam"]["kept_ids"] == [kept_spam])
        check("damaged: articles dropped as spam", res["nonspam_dropped"]["as_spam"] == 1
              and close(res["nonspam_dropped"]["as_spam_share"], 1 / n))
        check("damaged: articles dropped by reason", res["nonspam_dropped"]["by_reason"] == {"spam/spam": 1, "quality/quality": 1})
        check("damaged: title rate", close(res["metadata"]["title"], title_ok / n), f"{res['metadata']['title']} vs {title_ok / n}")
        check("damaged: dropped pages miss their metadata", close(res["metadata"]["outlet"],
              (n - 2 + sum(1 for t in articles[:2] if "outlet" not in t)) / n))
        expected_emails = 1 + sum(1 for i, t in enumerate(truth) if not t["spam"] and i % 2
                                  and t["id"] not in (dropped_spam_article, dropped_quality_article))
        check("damaged: e-mails left", res["emails_left"] == expected_emails, f"{res['emails_left']} vs {expected_emails}")
        worst = res["worst"][0]
        check("damaged: worst pages are the dropped ones", worst["f1"] == 0.0 and worst["id"] in (dropped_spam_article, dropped_quality_article))
        check_layouts(Path(tmp))
    sys.exit(check.done())


if __name__ == "__main__":
    main()
