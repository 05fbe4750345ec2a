"""Labelled corpus for `make bench-dedup`: Korean news-like articles, near-copies of them at
known edit rates, same-topic stories that share a few sentences, and singletons.

Also the shingles every tool in the bench is given (winnow's defaults): normalize the text
(drop whitespace and Unicode punctuation, lower-case a code point when that gives one code
point), then take every window of 5 code points as a set. The ground truth of a pair is the
exact Jaccard of those sets.

Standard library only (the peers import `shingles` from here under .venv/bin/python). The
prose comes from harness/corpus/korean.py; the edits are ours. Deterministic for a
seed.

usage: python3 harness/corpus/dedup.py [--docs N] [--seed S] [--short] OUT_DIR
  writes OUT_DIR/corpus.jsonl ({"id", "text"}) and OUT_DIR/truth.jsonl
  ({"id", "key", "topic", "family", "kind", "rate", "source_key"}), OUT_DIR/stamp.json
"""

import argparse
import datetime
import hashlib
import json
import random
import re
import sys
import unicodedata
from pathlib import Path

from harness import common
from harness.corpus import korean

HERE = Path(__file__).resolve().parent

SHINGLE = 5

# --- shingles (the contract with winnow's `dedup: {shingle: char5}`) ---------------------


class _NormTable(dict):
    """str.translate table, filled one code point at a time: whitespace and punctuation go,
    a letter whose lower case is one code point is lower-cased, the rest stays."""

    def __init__(self, digits=False):
        super().__init__()
        self.digits = digits

    def __missing__(self, code):
        ch = chr(code)
        cat = unicodedata.category(ch)
        if ch.isspace() or cat.startswith("P"):
            value = None
        elif self.digits and cat == "Nd":
            value = "0"
        else:
            low = ch.lower()
            value = low if len(low) == 1 else ch
        self[code] = value
        return value


_TABLE = _NormTable()
_TABLE_DIGITS = _NormTable(digits=True)


def normalize(text, digits=False):
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text.translate(_TABLE_DIGITS if digits else _TABLE)


def shingles(text, n=SHINGLE):
    """The set of character n-grams of normalize(text); a shorter non-empty string is one."""
    s = normalize(text)
    if not s:
        return set()
    if len(s) < n:
        return {s}
    return {s[i:i + n] for i in range(len(s) - n + 1)}


def jaccard(a, b):
    if not a and not b:
        return 1.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


# --- edits --------------------------------------------------------------------------------

# Word-level edit rates of the near-copies, equally likely: the true Jaccards of the copies
# spread over 0.15-1.0 (a changed word changes about its length + 4 shingles), not only far
# from the 0.8 threshold, and not piled up around it either.
WORD_RATES = [0.01, 0.02, 0.03, 0.05, 0.07, 0.10, 0.15, 0.20, 0.30, 0.50]
WORD_RATE_WEIGHTS = [1] * len(WORD_RATES)

# (kind, weight) of a copy.
COPY_KINDS = [("exact", 8), ("format", 12), ("words", 62), ("trim", 8), ("footer", 6), ("chain", 4)]

OUTLETS = ["한빛일보", "누리경제", "가람뉴스", "새봄타임스", "바다신문", "솔내방송", "미르통신", "하늘저널"]

_SENTENCE_END = re.compile(r"(?<=[.!?…”])\s+")


def _weighted(r, pairs):
    return r.choices([k for k, _ in pairs], weights=[w for _, w in pairs])[0]


def edit_words(r, text, rate, vocabulary):
    """Each word (space-separated, layout kept) is, with probability `rate`, replaced (60%),
    deleted (20%) or followed by an inserted word (20%)."""
    lines = []
    for line in text.split("\n"):
        out = []
        for word in line.split(" "):
            if not word or r.random() >= rate:
                out.append(word)
                continue
            x = r.random()
            if x < 0.6:
                new = r.choice(vocabulary)
                out.append(new if new != word else r.choice(vocabulary))
            elif x < 0.8:
                continue
            else:
                out.extend([word, r.choice(vocabulary)])
        lines.append(" ".join(out))
    return "\n".join(lines)


def edit_format(r, text):
    """Only whitespace, punctuation and ASCII case change: the normalized text (so every
    shingle) stays the same. Every character added is whitespace or category P."""
    paras = text.split("\n\n")
    out = []
    for p in paras:
        x = r.random()
        if x < 0.25:
            p = p.replace(". ", ".  ")
        elif x < 0.45:
            p = _SENTENCE_END.sub("\n", p)
        elif x < 0.6:
            p = p.replace(",", "").replace("“", "\"").replace("”", "\"")
        elif x < 0.75:
            p = "“" + p.rstrip(".") + "…”"
        elif x < 0.85:
            p = p.upper() if r.random() < 0.5 else p.lower()
        out.append(p)
    sep = r.choice(["\n\n", "\n", "\n \n", "\n\n\n"])
    head = r.choice(["", " ", "\t", "- ", "[", "(("])
    return head + sep.join(out) + r.choice(["", "\n", " ", ")", "!!"])


def edit_trim(r, text):
    """Syndicated copies cut short: keep the first 60–95% of the paragraphs (at least one)."""
    paras = text.split("\n\n")
    keep = max(1, round(len(paras) * r.uniform(0.6, 0.95)))
    if keep >= len(paras) and len(paras) > 1:
        keep = len(paras) - 1
    return "\n\n".join(paras[:keep])


def edit_footer(r, text, person_name):
    """A byline and a copyright line added by the outlet that re-published the story."""
    outlet = r.choice(OUTLETS)
    byline = f"[{outlet} {person_name(r)} 기자]"
    footer = r.choice([f"<저작권자 © {outlet} 무단전재 및 재배포 금지>",
                       f"ⓒ {outlet}, 무단 전재-재배포, AI 학습 및 활용 금지",
                       f"{person_name(r)} 기자 기사 더보기 {outlet} 구독하기"])
    return f"{byline}\n{text}\n\n{footer}"


# --- stories ------------------------------------------------------------------------------


def _korean():
    return korean


class Stories:
    """Distinct news stories (headline + paragraphs) from harness/corpus/korean.py's templates."""

    def __init__(self, r, short=False):
        self.K = _korean()
        self.r = r
        self.short = short
        self.seen = set() if not short else None  # no verbatim paragraph shared by two stories
        self.count = 0

    def context(self, like=None):
        day = datetime.date(2024, 1, 1) + datetime.timedelta(days=self.r.randrange(700))
        ctx = self.K.new_context(self.r, self.count, day)
        self.count += 1
        if like is not None:  # same topic and entities, its own story
            for k, v in like.items():
                if k not in ("id", "used"):
                    ctx[k] = v
        return ctx

    def story(self, ctx):
        K, r = self.K, self.r
        if self.short:
            body = [K.paragraph(r, ctx, 2, lede=True), K.paragraph(r, ctx, r.choice([1, 2]))]
        else:
            items = K.story_body(r, ctx, r.randint(6, 10), self.seen)
            body = [it["raw"] for it in items]
        return "\n\n".join([K.headline(r, ctx)] + body)

    def vocabulary(self, n=300):
        words = set()
        for _ in range(n):
            words.update(w for w in self.story(self.context()).split() if len(w) >= 2)
        return sorted(words)


def share_sentences(r, own, other, fraction):
    """`own` with about `fraction` of its sentences replaced, in place, by sentences of `other`
    (in their order): a distinct story that reuses some background or quotes."""
    own_paras = [_SENTENCE_END.split(p) for p in own.split("\n\n")]
    other_sents = [s for p in other.split("\n\n")[1:] for s in _SENTENCE_END.split(p)]
    slots = [(i, j) for i in range(1, len(own_paras)) for j in range(len(own_paras[i]))]
    k = min(len(other_sents), len(slots), max(1, round(len(slots) * fraction)))
    chosen = sorted(r.sample(slots, k))
    start = r.randrange(0, len(other_sents) - k + 1)
    for (i, j), s in zip(chosen, other_sents[start:start + k]):
        own_paras[i][j] = s
    return "\n\n".join(" ".join(p) for p in own_paras)


# --- the corpus ---------------------------------------------------------------------------


def groups(seed, short=False):
    """Yield groups of documents: lists of (text, truth) where truth is
    {"topic", "family", "kind", "rate", "source"} and source is an index into the group."""
    r = random.Random(seed)
    st = Stories(random.Random(seed + 1), short=short)
    vocab = Stories(random.Random(seed + 2), short=True).vocabulary()
    person_name = st.K.person_name
    topic = 0
    family = 0
    p_single, p_family = (0.55, 0.33) if not short else (0.70, 0.25)
    while True:
        x = r.random()
        group = []
        if x < p_single:
            group.append((st.story(st.context()), {"family": family, "kind": "single", "rate": None, "source": None}))
            family += 1
        else:
            n_stories = 1 if x < p_single + p_family else r.randint(2, 4)
            first_ctx = None
            for s in range(n_stories):
                ctx = st.context(like=first_ctx)
                text = st.story(ctx)
                if s == 0:
                    first_ctx = ctx
                    kind, rate, source = "original", None, None
                else:
                    base = r.randrange(len(group))
                    while group[base][1]["kind"] not in ("original", "sibling"):
                        base = r.randrange(len(group))
                    rate = round(r.uniform(0.05, 0.45), 2)  # share of its sentences taken
                    text = share_sentences(r, text, group[base][0], rate)
                    kind, source = "sibling", base
                origin = len(group)
                group.append((text, {"family": family, "kind": kind, "rate": rate, "source": source}))
                n_copies = 0
                if s == 0 and x < p_single + p_family:
                    n_copies = r.choice([1, 1, 1, 2, 2, 3, 4, 5]) if not short else r.choice([1, 1, 2])
                elif r.random() < 0.3:
                    n_copies = r.choice([1, 1, 2])
                for _ in range(n_copies):
                    kind = _weighted(r, COPY_KINDS)
                    src, rate = origin, None
                    if kind == "chain":  # a copy of an earlier copy of this family
                        copies = [i for i in range(origin + 1, len(group))]
                        if copies:
                            src = r.choice(copies)
                        kind = "words"
                    base_text = group[src][0]
                    if kind == "exact":
                        text = base_text
                    elif kind == "format":
                        text = edit_format(r, base_text)
                    elif kind == "trim":
                        text = edit_trim(r, base_text)
                    elif kind == "footer":
                        text = edit_footer(r, base_text, person_name)
                    else:
                        rate = r.choices(WORD_RATES, weights=WORD_RATE_WEIGHTS)[0]
                        text = edit_words(r, base_text, rate, vocab)
                    group.append((text, {"family": family, "kind": kind, "rate": rate, "source": src}))
                family += 1
        for _, t in group:
            t["topic"] = topic
        topic += 1
        yield group


def generate(n_docs, seed, short=False, window=None):
    """Yield (id, text, truth) for n_docs documents in a shuffled order. window=None shuffles
    the whole corpus; otherwise blocks of `window` documents are shuffled (for huge corpora)."""
    r = random.Random(seed + 3)
    it = groups(seed, short=short)
    produced = 0
    index = 0
    while produced < n_docs:
        block = []
        limit = n_docs - produced if window is None else min(window, n_docs - produced)
        while len(block) < limit:
            g = next(it)
            base = produced + len(block)
            for k, (text, truth) in enumerate(g[:limit - len(block)]):
                truth = dict(truth)
                truth["key"] = base + k
                truth["source"] = None if truth["source"] is None else base + truth["source"]
                block.append((text, truth))
        produced += len(block)
        r.shuffle(block)
        for text, truth in block:
            yield index, text, truth
            index += 1


def doc_id(i):
    return f"d{i:07d}"


def write(out_dir, n_docs, seed, short=False):
    """Write corpus.jsonl and truth.jsonl; return a stats dict. Truth's "key" is the position
    before the shuffle and "source_key" the key of the document a copy was made from."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    window = None if n_docs <= 200_000 else 20_000
    stats = {"documents": 0, "bytes": 0, "kinds": {}}
    with open(out_dir / "corpus.jsonl.partial", "w", encoding="utf-8") as corpus, \
         open(out_dir / "truth.jsonl.partial", "w", encoding="utf-8") as truths:
        for index, text, truth in generate(n_docs, seed, short=short, window=window):
            did = doc_id(index)
            corpus.write(json.dumps({"id": did, "text": text}, ensure_ascii=False) + "\n")
            truths.write(json.dumps({"id": did, "key": truth["key"], "topic": truth["topic"],
                                     "family": truth["family"], "kind": truth["kind"], "rate": truth["rate"],
                                     "source_key": truth["source"]}) + "\n")
            stats["documents"] += 1
            stats["bytes"] += len(text.encode("utf-8"))
            stats["kinds"][truth["kind"]] = stats["kinds"].get(truth["kind"], 0) + 1
    (out_dir / "corpus.jsonl.partial").replace(out_dir / "corpus.jsonl")
    (out_dir / "truth.jsonl.partial").replace(out_dir / "truth.jsonl")
    return stats


def read_truth(path):
    """{id: truth row}, with "source" (the id a copy was made from, or None) resolved."""
    rows = {}
    by_key = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            rows[row["id"]] = row
            by_key[row["key"]] = row["id"]
    for row in rows.values():
        sk = row.pop("source_key")
        row["source"] = None if sk is None else by_key.get(sk)
    return rows


def generator_hash():
    h = hashlib.sha256()
    for p in (HERE / "dedup.py", HERE / "korean.py"):
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def ensure(out_dir, n_docs, seed, short=False, log=print):
    """Generate unless out_dir/stamp.json says this exact corpus is already there."""
    out_dir = Path(out_dir)
    params = {"docs": n_docs, "seed": seed, "short": short, "generator": generator_hash()}
    old = common.reuse(out_dir, params, lambda st: (out_dir / "truth.jsonl").exists()
                       and (out_dir / "corpus.jsonl").stat().st_size == st["stats"]["file_bytes"])
    if old is not None:
        return old["stats"], False
    common.unstamp(out_dir)
    log(f"generating {n_docs} documents (seed {seed}{', short' if short else ''}) into {out_dir}/ ...")
    stats = write(out_dir, n_docs, seed, short=short)
    stats["file_bytes"] = (out_dir / "corpus.jsonl").stat().st_size
    common.stamp(out_dir, params, stats=stats)
    return stats, True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--docs", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--short", action="store_true", help="~300-600 byte documents (the memory bench)")
    a = ap.parse_args()
    stats, _ = ensure(a.out_dir, a.docs, a.seed, short=a.short, log=lambda m: print(m, file=sys.stderr))
    print(json.dumps(stats))


if __name__ == "__main__":
    main()
