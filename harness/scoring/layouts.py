"""Scoring of the layout set (harness/corpus/layouts.py): per group (tuned, held out), the
exact-match rate of title, published, authors and outlet as scoring/news.py counts them (a
dropped page misses every field), and the pages whose published day is the widget's."""

import sys

from harness.scoring.news import FIELDS, field_match

def score(truth_rows, clean_rows):
    """{'tuned': {...}, 'held_out': {...}}: per group the pages, the exact-match rate of each
    field (a dropped page misses every field), the pages whose published day is the widget's
    (and not the article's), and the missed pages by layout."""
    clean = {row["id"]: row for row in clean_rows}
    result = {}
    for group, want in (("tuned", False), ("held_out", True)):
        rows = [t for t in truth_rows if t["held_out"] == want]
        hits = {f: 0 for f in FIELDS}
        widget = 0
        misses = {}
        for t in rows:
            rec = clean.get(t["id"])
            for f in FIELDS:
                ok = rec is not None and field_match(t, rec, f)
                hits[f] += ok
                if not ok:
                    misses.setdefault(f, {}).setdefault(t["layout"], []).append((t["id"], t.get(f), rec.get(f) if rec else None))
            got = (rec or {}).get("published") or ""
            if t.get("widget_date") and got[:10] == t["widget_date"] and t["published"][:10] != t["widget_date"]:
                widget += 1
        n = len(rows)
        result[group] = {"pages": n, "layouts": len({t["layout"] for t in rows}), "widget_dates": widget,
                         **{f: hits[f] / n if n else None for f in FIELDS}, "misses": misses}
    return result


def print_score(result, out=sys.stdout, examples=0):
    out.write(f"  {'layouts':<22}{'pages':>7}{'title':>9}{'date':>9}{'authors':>9}{'outlet':>9}{'widget date':>13}\n")
    for group in ("tuned", "held_out"):
        g = result[group]
        cells = "".join(f"{g[f]:>9.2%}" if g[f] is not None else f"{'-':>9}" for f in FIELDS)
        label = group.replace("_", " ") + f" ({g['layouts']})"
        out.write(f"  {label:<22}{g['pages']:>7}{cells}{g['widget_dates']:>13}\n")
    if examples:
        for group in ("tuned", "held_out"):
            for f, by_layout in result[group]["misses"].items():
                for layout, items in sorted(by_layout.items(), key=lambda x: -len(x[1]))[:examples]:
                    page, want, got = items[0]
                    out.write(f"    {group} {f} {layout}: {len(items)} missed, e.g. {page}: want {want!r} got {got!r}\n")
