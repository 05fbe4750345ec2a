"""Scorers for the public sets, each as its set's own evaluation script defines it. One scorer
per metric: winnow, every peer and the shipped baselines go through the same function.

* AEB (scrapinghub/article-extraction-benchmark, evaluate.py): per page, word 4-gram
  shingles of `\\w+` tokens; tp/fp/fn are multiset overlaps, normalized by their sum so a long
  page weighs as much as a short one. Precision is the mean over pages that predicted
  something, recall the mean over pages with a truth, F1 = 2PR/(P+R) of those means.
* trafilatura tests/eval (eval_common.count_item): per page, each 'with' chunk found in the
  white-space-normalized output is a tp (else fn), each 'without' chunk found is a fp (else
  tn); counts are summed over pages, F1 = 2tp/(2tp+fp+fn).
* Metadata exact match (trafilatura set): per field, over the pages whose label is not
  empty (845 titles, 726 dates, 538 authors), the output equals the label; several authors
  are joined with "; " as trafilatura does; a date is compared by its day (YYYY-MM-DD).
* MediaCloud (htmldate tests/comparison.py): the day found equals the label's day.
"""

import re
from collections import Counter

_TOKEN = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)
_SPACE = re.compile(r"\s+")


# --- AEB ---------------------------------------------------------------------------------

def _shingles(text, n=4):
    tokens = _TOKEN.findall(text or "")
    # A text shorter than n words is one shingle of all its words; no words, none.
    return Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i:i + n])


def aeb_counts(truth, pred):
    """(tp, fp, fn) of one page, normalized to sum to 1 (all zero when both are empty)."""
    t, p = _shingles(truth), _shingles(pred)
    tp = fp = fn = 0
    for key in t.keys() | p.keys():
        a, b = t.get(key, 0), p.get(key, 0)
        tp += min(a, b)
        fp += max(0, b - a)
        fn += max(0, a - b)
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp, fp, fn):
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp, fp, fn):
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def aeb_score(truths, preds):
    """truths, preds: {key: text}. Returns {f1, precision, recall, accuracy, empty}."""
    counts = [aeb_counts(truths[k], preds.get(k, "") or "") for k in truths]
    precisions = [_precision(*c) for c in counts if c[0] + c[1] > 0]
    recalls = [_recall(*c) for c in counts if c[0] + c[2] > 0]
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    exact = sum(1 for k in truths if _TOKEN.findall(truths[k] or "") == _TOKEN.findall(preds.get(k, "") or ""))
    return {"f1": 2 * p * r / (p + r) if p + r else 0.0, "precision": p, "recall": r,
            "accuracy": exact / len(truths) if truths else 0.0,
            "empty": sum(1 for k in truths if not (preds.get(k) or "").strip())}


# --- trafilatura tests/eval --------------------------------------------------------------

def _norm(text):
    return _SPACE.sub(" ", text).strip()


def segment_counts(item, text):
    """(tp, fp, fn, tn) of one page; None (a crash, no output) finds nothing."""
    if isinstance(text, str):
        normed = _norm(text)
        tp = sum(1 for w in item["with"] if _norm(w) in normed)
        fp = sum(1 for w in item["without"] if _norm(w) in normed)
    else:
        tp = fp = 0
    return tp, fp, len(item["with"]) - tp, len(item["without"]) - fp


def segment_score(items, preds):
    """items: the set's labelled pages; preds: {id: text or None}."""
    tp = fp = fn = tn = 0
    for item in items:
        a, b, c, d = segment_counts(item, preds.get(item["id"]))
        tp, fp, fn, tn = tp + a, fp + b, fn + c, tn + d
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {"f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0, "precision": precision, "recall": recall,
            "accuracy": (tp + tn) / (tp + fp + fn + tn) if items else 0.0,
            "empty": sum(1 for item in items if not (preds.get(item["id"]) or "").strip())}


# --- metadata ----------------------------------------------------------------------------

def author_string(value):
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return str(value)


def day(value):
    """The YYYY-MM-DD a value starts with, or ''."""
    if not value:
        return ""
    match = re.match(r"\d{4}-\d{2}-\d{2}", str(value))
    return match.group(0) if match else ""


def metadata_score(items, metas):
    """items with title/date/author labels; metas: {id: {title, date, author}}. Per field, the
    share of the pages whose label is not empty that the output matches exactly."""
    labelled = [item for item in items if "title" in item]
    result = {"pages": len(labelled)}
    for field in ("title", "date", "author"):
        hits = total = 0
        for item in labelled:
            meta = metas.get(item["id"]) or {}
            if field == "author":
                got, want = author_string(meta.get("author")), author_string(item["author"])
            elif field == "date":
                got, want = day(meta.get("date")), day(item["date"])
            else:
                got, want = (meta.get("title") or "").strip(), (item["title"] or "").strip()
            if not want:
                continue
            total += 1
            hits += got == want
        result[field] = hits / total if total else 0.0
        result[f"{field}_pages"] = total
    return result


def day_score(items, days):
    """MediaCloud: share of pages whose day found equals the label's."""
    hits = sum(1 for item in items if day(days.get(item["id"])) == day(item["date"]) and day(item["date"]))
    return {"accuracy": hits / len(items) if items else 0.0, "found": sum(1 for item in items if day(days.get(item["id"])))}
