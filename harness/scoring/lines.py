"""Body precision and recall by lines: the one scorer of how much of a page's body an output
kept and how much else it kept, used by `make eval` (scoring/news.py, its trafilatura peer) and
`make bench-web` (benchmarks/web.py).

* An output text is split on "\\n"; each line is stripped and NFC-normalized, empty lines are
  dropped. Truth lines are used as they are.
* Per page, `matched` is the characters of the multiset intersection of its output lines with
  its truth lines (a line counts as often as it occurs in both).
* Precision is Σmatched / Σoutput characters and recall Σmatched / Σtruth characters, summed
  over the pages scored (micro average): a long paragraph weighs more than a menu line, and a
  page with no output keeps its truth in the recall denominator.

The public sets are scored by their own scripts' definitions instead (scoring/public.py).
"""

import collections
import unicodedata


def lines_of(text):
    """Output text as scored: split on newlines, stripped, NFC, empty lines dropped."""
    if not isinstance(text, str):
        return []
    out = []
    for line in text.split("\n"):
        line = unicodedata.normalize("NFC", line.strip())
        if line:
            out.append(line)
    return out


def chars(lines):
    """Characters of a Counter of lines."""
    return sum(len(x) * c for x, c in lines.items())


Page = collections.namedtuple("Page", "matched out_chars truth_chars truth_lines out_lines")


def page(truth_lines, text):
    """One page: truth_lines (a list) against an output text (None: nothing kept)."""
    truth = collections.Counter(truth_lines)
    out = collections.Counter(lines_of(text))
    matched = sum(len(x) * min(c, out[x]) for x, c in truth.items())
    return Page(matched, chars(out), chars(truth), truth, out)


def prf(matched, out_chars, truth_chars):
    p = matched / out_chars if out_chars else (1.0 if truth_chars == 0 else 0.0)
    r = matched / truth_chars if truth_chars else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f
