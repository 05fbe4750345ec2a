"""Deterministic synthetic Korean news corpus for the winnow bench (stdlib only).

Every document is built from the plain-text articles' words in harness/corpus/korean.py
(korean.PLAIN) and its particle rule (korean.j) by a random.Random seeded with (seed, index),
so document i is the same text whatever the corpus size. The text is NFC, has no double
spaces, no leading or trailing spaces on a line and one blank line between paragraphs, so a
correct decode+normalize returns it unchanged (minus the file's final newline). Every
character is CP949-encodable; the characters whose CP949 mapping differs between code-page
tables (U+00B7, U+2015, U+223C, U+FF5E, ...) are deliberately not used.
"""

import hashlib
import random
import unicodedata

from harness.corpus.korean import PLAIN as W, j

# Bump when the generated text changes, so bench-data/ is regenerated.
GENERATOR_VERSION = 1


class DocumentWriter:
    """Builds one document from a random.Random."""

    def __init__(self, rng):
        self.r = rng

    def number(self):
        """A percentage, an amount of money or a head count."""
        r = self.r
        kind = r.random()
        if kind < 0.4:
            return f"{r.randint(1, 99)}.{r.randint(0, 9)}%"
        if kind < 0.75:
            return f"{r.randint(1, 9)},{r.randint(0, 999):03d}억 원"
        return f"{r.randint(2, 999)}만 명"

    def date(self):
        return f"{self.r.randint(1, 12)}월 {self.r.randint(1, 28)}일"

    def noun(self):
        r = self.r
        x = r.random()
        if x < 0.12:
            return r.choice(W.ADJ) + " " + r.choice(W.NOUNS)
        if x < 0.18:
            return r.choice(W.ASCII) + " " + r.choice(W.NOUNS)
        if x < 0.182:  # rare: about one in 500 nouns
            return r.choice(W.RARE)
        return r.choice(W.NOUNS)

    def person(self):
        r = self.r
        return r.choice(W.SURNAMES) + r.choice(W.GIVEN)

    def sentence(self):
        r = self.r
        n1, n2, org = self.noun(), self.noun(), r.choice(W.ORGS)
        k = r.randrange(8)
        if k == 0:
            s = f"{j(org, '은는')} {r.choice(W.PLACES)}에서 {j(n1, '과와')} 관련한 {j(n2, '을를')} {r.choice(W.PAST)}"
        elif k == 1:
            who = self.person()
            s = f"{who} {r.choice(W.ORGS)} {j(r.choice(W.TITLES), '은는')} “{r.choice(W.QUOTES)}”고 말했다"
        elif k == 2:
            s = f"{j(n1, '은는')} 전년 같은 기간보다 {self.number()} {r.choice(W.CHANGE)}"
        elif k == 3:
            s = f"{r.choice(W.CONNECT)} {j(org, '은는')} {self.number()} 규모의 {j(n1, '을를')} {r.choice(W.FUTURE)} 계획이다"
        elif k == 4:
            s = f"업계에서는 {j(n1, '이가')} {r.choice(W.ADVERBS)} {j(n2, '으로')} 이어질 것으로 보고 있다"
        elif k == 5:
            s = f"{r.randint(2019, 2025)}년 기준 {n1} 관련 {j(n2, '은는')} {j(self.number(), '으로')} 집계됐다"
        elif k == 6:
            s = f"{r.choice(W.CONNECT)} {j(n1, '과와')} {n2} 문제를 두고 ‘{r.choice(W.ADJ)} 대책’이 필요하다는 지적도 나온다"
        else:
            s = f"{j(org, '은는')} 지난 {self.date()} {n1}({r.choice(W.ASCII)}) 분야에서 {j(n2, '을를')} {r.choice(W.ADVERBS)} {r.choice(W.PAST)}"
        return s + "."

    def paragraph(self):
        return " ".join(self.sentence() for _ in range(self.r.randint(3, 6)))

    def document(self, target_bytes):
        r = self.r
        reporter = self.person()
        headline = f"{r.choice(W.HANJA)} {j(self.noun(), '은는')} {r.choice(W.ADVERBS)} {r.choice(W.HEADLINE)}…“{r.choice(W.QUOTES)}”"
        lead = f"({r.choice(W.PLACES)}={r.choice(W.OUTLETS)}) {reporter} 기자 = " + self.paragraph()
        parts, size = [headline, lead], len(headline) * 3 + len(lead) * 3
        while size < target_bytes:
            para = self.paragraph()
            parts.append(para)
            size += len(para.encode("utf-8")) + 2
        email = f"reporter{r.randint(1, 99):02d}@{r.choice(W.DOMAINS)}"
        parts.append(f"{reporter} 기자 {email}")
        return "\n\n".join(parts)


def make_document(seed, index, mean_bytes=20_000):
    """Document `index` of the corpus with `seed`: (text without final newline)."""
    rng = random.Random(seed * 1_000_003 + index)
    target = rng.randint(int(mean_bytes * 0.6), int(mean_bytes * 1.4))
    return DocumentWriter(rng).document(target)


def check_vocabulary():
    """Every vocabulary character must be NFC and CP949-encodable."""
    for w in W.all_words() + ["“”‘’…()=@.,%"]:
        assert unicodedata.is_normalized("NFC", w), w
        w.encode("cp949")  # raises on a character CP949 cannot hold


def sha256_text(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
