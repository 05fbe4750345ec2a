#!/usr/bin/env python3
"""Self-check of the public-set harness (no network, no winnow, no peers).

    python3 -m harness.public.selfcheck

* The scorers (harness/scoring/public.py) on hand-made cases whose figures are worked out here.
* The set layout (harness/public/sets.py) on a small repository in the AEB's shape, made in a
  temporary directory with git: the pinned commit is extracted, the pages materialized with
  their labels, the shipped outputs read, and a second call reuses the layout.
Prints each check and a closing 'N passed, N failed' line; exit 1 if any check failed.
"""

import gzip
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from harness.common import Checks
from harness.public import sets
from harness.scoring import public as score

check = Checks()


def close(a, b):
    return abs(a - b) < 1e-9


def scorers():
    # AEB: "a b c d e" has shingles abcd, bcde; "a b c d x" has abcd, bcdx.
    tp, fp, fn = score.aeb_counts("a b c d e", "a b c d x")
    check("aeb counts: one shared shingle of three, normalized", close(tp, 1 / 3) and close(fp, 1 / 3) and close(fn, 1 / 3))
    check("aeb counts: both empty is all zero", score.aeb_counts("", "") == (0.0, 0.0, 0.0))
    truths = {"p1": "a b c d e", "p2": "f g h i j"}
    perfect = score.aeb_score(truths, dict(truths))
    check("aeb score: identical outputs give F1 1 and accuracy 1", close(perfect["f1"], 1) and close(perfect["accuracy"], 1))
    # p2 predicted empty: no precision term for it, recall 0 for it.
    half = score.aeb_score(truths, {"p1": "a b c d e", "p2": ""})
    check("aeb score: an empty page counts in recall only", close(half["precision"], 1) and close(half["recall"], 0.5)
          and close(half["f1"], 2 / 3) and half["empty"] == 1)
    # Short texts are one shingle of all their words.
    check("aeb counts: a text of three words is one shingle", score.aeb_counts("a b c", "a b c") == (1.0, 0.0, 0.0))

    items = [{"id": "1", "with": ["Alpha  beta", "gamma"], "without": ["delta", "Impressum"]},
             {"id": "2", "with": ["eta"], "without": ["theta"]}]
    counts = score.segment_counts(items[0], "alpha x Alpha\nbeta  gamma Impressum")
    check("segments: white space normalized, case kept", counts == (2, 1, 0, 1), str(counts))
    check("segments: no output finds nothing", score.segment_counts(items[1], None) == (0, 0, 1, 1))
    total = score.segment_score(items, {"1": "Alpha beta gamma Impressum", "2": None})
    # tp 2, fp 1, fn 1: F1 = 4 / (4 + 1 + 1)
    check("segments: F1 from summed counts", close(total["f1"], 4 / 6) and total["empty"] == 1, str(total))

    labelled = [{"id": "1", "title": "T", "date": "2020-01-02", "author": ["A B", "C D"]},
                {"id": "2", "title": "U", "date": "", "author": ""},
                {"id": "3"}]
    metas = {"1": {"title": " T ", "date": "2020-01-02T10:00:00+01:00", "author": ["A B", "C D"]},
             "2": {"title": "V", "date": "2021-05-05", "author": "Someone"}}
    meta = score.metadata_score(labelled, metas)
    check("metadata: day of an ISO time, authors joined with '; ', empty labels not counted",
          close(meta["title"], 0.5) and close(meta["date"], 1) and close(meta["author"], 1)
          and meta["date_pages"] == 1 and meta["author_pages"] == 1 and meta["pages"] == 2, str(meta))
    days = score.day_score([{"id": "1", "date": "2020-06-07"}, {"id": "2", "date": "2020-06-08"}],
                           {"1": "2020-06-07T23:00:00", "2": "2020-06-07"})
    check("days: same day counts, another day does not", close(days["accuracy"], 0.5) and days["found"] == 2)


def layout():
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        repo = tmp / "mirror" / "scrapinghub+article-extraction-benchmark"
        (repo / "html").mkdir(parents=True)
        (repo / "output").mkdir()
        truth = {"k1": {"articleBody": "Body one."}, "k2": {"articleBody": "Body two."}}
        (repo / "ground-truth.json").write_text(json.dumps(truth))
        for key in truth:
            (repo / "html" / f"{key}.html.gz").write_bytes(gzip.compress(f"<p>{key}</p>".encode()))
        for name in ("trafilatura", "readability", "html-text"):
            (repo / "output" / f"{name}.json").write_text(json.dumps({"version": "1.0", "output": {"k1": {"articleBody": "x"}, "k2": {}}}))
        git = ["git", "-C", str(repo), "-c", "user.email=a@b", "-c", "user.name=a"]
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
        subprocess.run(git + ["add", "."], check=True)
        subprocess.run(git + ["commit", "-qm", "set"], check=True)
        commit = subprocess.run(git + ["rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
        pinned = sets.REPOS["scrapinghub/article-extraction-benchmark"]
        sets.REPOS["scrapinghub/article-extraction-benchmark"] = commit
        try:
            work = tmp / "work"
            folder = sets.materialize("aeb", str(tmp / "mirror"), work)
            items = sets.load_items(folder)
            check("layout: one page per label, named NNNN.html, in key order",
                  [i["id"] for i in items] == ["0000.html", "0001.html"] and [i["key"] for i in items] == ["k1", "k2"])
            check("layout: pages are the decompressed bytes", (folder / "pages" / "0001.html").read_bytes() == b"<p>k2</p>")
            check("layout: labels carried", items[0]["body"] == "Body one.")
            shipped = sets.shipped_outputs(folder)
            check("layout: shipped outputs read with their version",
                  shipped["readability"][0] == "1.0" and shipped["readability"][1] == {"k1": "x", "k2": ""})
            stamp = (folder / "stamp.json").stat().st_mtime_ns
            sets.materialize("aeb", str(tmp / "mirror"), work)
            check("layout: reused while the stamp matches", (folder / "stamp.json").stat().st_mtime_ns == stamp)
            sets.REPOS["scrapinghub/article-extraction-benchmark"] = "0" * 40
            try:
                sets.materialize("aeb", str(tmp / "mirror"), tmp / "other")
                check("layout: a commit missing from the clone is an error", False)
            except sets.SetError as err:
                check("layout: a commit missing from the clone is an error naming it", "0" * 40 in str(err))
        finally:
            sets.REPOS["scrapinghub/article-extraction-benchmark"] = pinned


def main():
    scorers()
    layout()
    return check.done()


if __name__ == "__main__":
    sys.exit(main())
