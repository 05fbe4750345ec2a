#!/usr/bin/env python3
"""Generate the winnow evaluation set: labelled, simulated Korean news pages.

    python3 -m harness.corpus.news_set --out DIR [--pages N] [--seed S]

Writes DIR/pages/<site>/<nnnn>.html|.txt (24 simulated sites, half HTML and half plain-text
browser copies, in UTF-8, CP949, EUC-KR and UTF-16LE), DIR/truth.jsonl (one line per page: the
true body lines after PII redaction, title, published, authors, outlet, spam flag, story id) and
DIR/stamp.json (parameters and sizes, so `make eval` can reuse a set). Deterministic for a seed.
Every truth body line is checked to be on its page before anything is written.
See harness/evals/README.md for the labelling conventions. Python 3 standard library only.
"""

import argparse
import copy
import datetime
import html
import json
import os
import random
import re
import shutil
import sys
import time
from pathlib import Path

from harness import common
from harness.corpus import korean as k
from harness.corpus import sites as S

GENERATOR_VERSION = 2
DEFAULT_PAGES = 2400
DEFAULT_SEED = 20250123
SPAM_SHARE = 0.08
SYNDICATED_SHARE = 0.15  # share of stories that appear on 2-4 sites
NO_BYLINE_SHARE = 0.04
CP949_ONLY_SENTENCE = "현장에서는 “으쌰으쌰” 하는 구호가 곳곳에서 터져 나왔다."  # 쌰 is outside KS X 1001

KST_START = datetime.datetime(2024, 1, 2, 6, 0)
SPAN_DAYS = 690


log = common.logger("generate")


def params(pages, seed):
    """What a set is made with: its stamp's params (harness/common.py)."""
    return {"generator": GENERATOR_VERSION, "seed": seed, "pages": pages}


# --- stories ------------------------------------------------------------------------------


def make_story(seed, sid, seen=None):
    r = random.Random(f"{seed}:story:{sid}")
    day = KST_START + datetime.timedelta(days=r.randrange(SPAN_DAYS))
    pub = day.replace(hour=r.randrange(6, 23), minute=r.randrange(60), second=r.randrange(60))
    ctx = k.new_context(r, sid, pub)
    n = r.choice([4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 10, 11, 12, 13, 14, 16, 18, 20])
    items = k.story_body(r, ctx, n, seen)
    decks = []
    for _ in range(12):
        d = k.deck_line(r, ctx)
        if d not in decks:
            decks.append(d)
        if len(decks) == 3:
            break
    authors = [k.person_name(r) for _ in range(1 if r.random() < 0.85 else 2)]
    captions = [k.caption(r, ctx, "{outlet}") for _ in range(2)]
    return {"id": sid, "ctx": ctx, "pub": pub, "headline": k.headline(r, ctx), "decks": decks,
            "items": items, "authors": authors, "captions": captions}


VERB_SWAPS = [("밝혔다", "전했다"), ("말했다", "설명했다"), ("전망이다", "것으로 보인다"), ("예정이다", "계획이다"),
              ("나타났다", "드러났다"), ("집계됐다", "파악됐다")]


def syndicated_copy(story, r):
    """A copy of a story for another site: same reporting, small edits (a dropped closing
    paragraph or sub-heading, a swapped verb, a reworded headline), later publication."""
    s = copy.deepcopy(story)
    items = s["items"]
    if r.random() < 0.35 and sum(1 for it in items if it["kind"] == "p") >= 5:
        items.pop()
        while items and items[-1]["kind"] != "p":
            items.pop()
    if r.random() < 0.25:
        subs = [i for i, it in enumerate(items) if it["kind"] == "sub"]
        if subs:
            items.pop(r.choice(subs))
    if r.random() < 0.5:
        ps = [it for it in items if it["kind"] == "p"]
        r.shuffle(ps)
        for it in ps:
            a, b = r.choice(VERB_SWAPS)
            if a in it["raw"]:
                it["raw"] = it["raw"].replace(a, b, 1)
                it["clean"] = it["clean"].replace(a, b, 1)
                break
    x = r.random()
    if x < 0.2 and "…" in s["headline"]:
        s["headline"] = s["headline"].replace("…", ", ", 1)
    elif x < 0.35:
        s["headline"] += " (종합)"
    if r.random() < 0.5:
        s["authors"] = [k.person_name(r) for _ in range(1 if r.random() < 0.85 else 2)]
    s["pub"] = s["pub"] + datetime.timedelta(minutes=r.randrange(5, 300))
    return s


# --- pages --------------------------------------------------------------------------------


class Page:
    """Everything a site's renderer needs (see sites.py)."""


def page_id(site, n):
    return f"{site.slug}/{n:04d}.{site.ext}"


def split_sentences(text):
    return [x for x in re.split(r"(?<=다\.) (?=\S)", text) if x]


def build_article_page(seed, site, n, story):
    r = random.Random(f"{seed}:page:{page_id(site, n)}")
    p = Page()
    p.r, p.site, p.n, p.spam = r, site, n, None
    p.ctx = story["ctx"]
    p.story = story["id"]
    p.headline = story["headline"]
    lo, hi = site.decks
    p.decks = story["decks"][: r.randint(lo, hi)] if hi else []
    items = copy.deepcopy(story["items"])
    if site.cp949_extension and r.random() < 0.35:
        mids = [i for i, it in enumerate(items) if it["kind"] == "p"][1:-1]
        if mids:
            it = items[r.choice(mids)]
            it["raw"] += " " + CP949_ONLY_SENTENCE
            it["clean"] += " " + CP949_ONLY_SENTENCE
    if "quote" in site.kinds:  # magazine: a quote paragraph as <blockquote>, one paragraph as a list
        ps = [i for i, it in enumerate(items) if it["kind"] == "p"][1:-1]
        for i in ps:
            if "“" in items[i]["raw"] and len(split_sentences(items[i]["raw"])) == 1:
                items[i]["kind"] = "quote"
                break
        ps = [i for i in ps if items[i]["kind"] == "p" and "<" not in items[i]["clean"] and len(split_sentences(items[i]["raw"])) >= 2]
        if ps and r.random() < 0.6:
            i = r.choice(ps)
            parts = split_sentences(items[i]["raw"])
            items[i:i + 1] = [{"kind": "li", "raw": x, "clean": x} for x in parts]
    p.items = items
    outlet = site.name
    caps = [c.replace("{outlet}", outlet) for c in story["captions"]]
    lo, hi = site.captions
    ncap = r.randint(lo, hi) if hi else 0
    p.captions = [(r.randrange(-1, max(0, len(items) - 2)), caps[i]) for i in range(ncap)]
    if r.random() < NO_BYLINE_SHARE:
        p.authors = []
    else:
        p.authors = [{"name": name, "email": k.email_for(r, name, site.domain)} for name in story["authors"]]
    p.pub = story["pub"]
    if not site.seconds:
        p.pub = p.pub.replace(second=0)
    p.mod = None
    if not (site.date_only or site.no_date) and r.random() < site.mod_p:
        p.mod = p.pub + datetime.timedelta(minutes=r.randrange(30, 2880))
        if not site.seconds:
            p.mod = p.mod.replace(second=0)
    p.pub_iso = p.pub.strftime("%Y-%m-%d") if site.date_only else S.iso(p.pub, site.seconds)
    p.crawl = p.pub + datetime.timedelta(days=r.randrange(1, 400), hours=r.randrange(0, 12))
    p.foreign = site.prefix == "agency" and r.random() < 0.2
    p.dateline = r.choice(k.FOREIGN) if p.foreign else r.choice(k.CITIES)
    p.prefix = make_prefix(site, p, r)
    p.show_outlet = r.random() < site.outlet_p
    p.inject_top, p.inject_bottom = [], []
    if r.random() < site.spam_inject:
        where = r.choice(["top", "bottom", "both"])
        if where in ("top", "both"):
            p.inject_top = [k.spam_line(r) for _ in range(r.randint(1, 2))]
        if where in ("bottom", "both"):
            p.inject_bottom = [k.spam_line(r) for _ in range(r.randint(1, 2))]
    return p


def make_prefix(site, p, r):
    """The inline byline/outlet prefix of the first paragraph (cut from the truth body line)."""
    sp = "\u00a0" if (site.format == "txt" and r.random() < 0.4) else " "
    names = "·".join(a["name"] for a in p.authors)
    if site.prefix == "outlet":
        return f"[{site.name}]{sp}"
    if not p.authors:
        return ""
    if site.prefix == "eq":
        return f"[{site.name}={names}{sp}기자]{sp}"
    if site.prefix == "space":
        return f"[{site.name} {names} 기자]{sp}"
    if site.prefix == "agency":
        title = "특파원" if p.foreign else "기자"
        return f"({p.dateline}={site.name}) {names} {title} = "
    return ""


def build_spam_page(seed, site, n):
    r = random.Random(f"{seed}:spam:{page_id(site, n)}")
    kind = r.choice(["casino", "casino", "casino", "loan", "adult", "linkfarm", "brands"])
    p = Page()
    p.r, p.site, p.n, p.spam, p.story = r, site, n, kind, None
    day = KST_START + datetime.timedelta(days=r.randrange(SPAN_DAYS))
    p.pub = day.replace(hour=r.randrange(0, 24), minute=r.randrange(60), second=0)
    p.ctx = k.new_context(r, "spam", p.pub)
    p.headline = k.spam_title(r, kind)
    paras = k.spam_paragraphs(r, kind)
    if r.random() < 0.25:  # a hacked article: one news paragraph, then spam
        paras = [k.paragraph(r, p.ctx, 2)] + paras
    p.items = [{"kind": "p", "raw": x, "clean": x} for x in paras]
    p.decks, p.captions, p.authors = [], [], []
    p.mod = None
    p.pub_iso = S.iso(p.pub, False)
    p.crawl = p.pub + datetime.timedelta(days=3)
    p.foreign, p.dateline, p.prefix = False, "서울", ""
    p.show_outlet = r.random() < 0.5
    p.inject_top = [k.spam_line(r)] if r.random() < 0.5 else []
    p.inject_bottom = [k.spam_line(r) for _ in range(r.randint(1, 3))]
    p.standalone = r.random() < 0.4
    return p


def render_standalone_spam(p):
    """A spam page outside any news template: a link farm or a keyword page."""
    r = p.r
    lines = [p.headline] + [x["raw"] for x in p.items]
    urls = [f"{k.pick(r, k.CASINO_TERMS + k.LOAN_TERMS)} {k.spam_url(r)}" for _ in range(r.randrange(8, 30))]
    if p.site.format == "txt":
        return lines + [""] + urls
    body = "".join(f"<p>{S.esc(x)}</p>" for x in lines[1:])
    links = "".join(f'<li><a href="{u.split()[-1]}">{S.esc(u)}</a></li>' for u in urls)
    charset = {"UTF-8": "utf-8", "CP949": "euc-kr", "EUC-KR": "euc-kr", "UTF-16LE": "utf-16"}[p.site.encoding]
    return ["<!DOCTYPE html>", f'<html><head><meta charset="{charset}"><title>{S.esc(p.headline)}</title>',
            f'<meta name="keywords" content="{",".join(r.sample(k.CASINO_TERMS, 8))}"></head><body>',
            f"<h1>{S.esc(p.headline)}</h1>", f'<div class="content">{body}</div>', f"<ul>{links}</ul>",
            '<div class="tags">' + " ".join("#" + x.replace(" ", "") for x in r.sample(k.CASINO_TERMS, 10)) + "</div>",
            "</body></html>"]


# --- truth and checks ---------------------------------------------------------------------


def truth_record(p):
    site = p.site
    rec = {"id": page_id(site, p.n), "site": site.slug, "format": site.format, "encoding": site.encoding,
           "spam": p.spam is not None}
    if p.spam:
        rec["body"] = []
        rec["spam_kind"] = p.spam
        return rec
    rec["body"] = [it["clean"] for it in p.items]
    rec["title"] = p.headline
    if not site.no_date:
        rec["published"] = p.pub_iso
    if p.authors:
        rec["authors"] = [a["name"] for a in p.authors]
    if p.show_outlet:
        rec["outlet"] = site.name
    rec["story"] = p.story
    return rec


_TAG = re.compile(r"<[^>]*>")
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)
_WS = re.compile(r"\s+")


def visible_text(page_text, fmt):
    """A crude rendering of what a page shows, for the generator's own checks: for HTML, scripts
    and tags dropped, entities decoded, white space collapsed; for text, white space collapsed."""
    if fmt == "html":
        t = _SCRIPT.sub(" ", page_text)
        t = _TAG.sub(" ", t)
        t = html.unescape(t)
    else:
        t = page_text
    return _WS.sub(" ", t)


def check_page(p, page_text):
    """Every truth body line (before redaction) must be on the page, and the headline too."""
    vis = visible_text(page_text, p.site.format)
    vis_tight = _WS.sub(" ", _TAG.sub("", _SCRIPT.sub(" ", page_text))) if p.site.format == "html" else vis
    vis_tight = html.unescape(vis_tight)
    for it in p.items:
        raw = _WS.sub(" ", it["raw"])
        if raw not in vis and raw not in vis_tight:
            raise AssertionError(f"{page_id(p.site, p.n)}: body line not on the page: {raw[:80]}")
    if p.headline not in vis and p.headline not in vis_tight:
        raise AssertionError(f"{page_id(p.site, p.n)}: headline not on the page")


def encode(text, site, r):
    enc = site.encoding
    if enc in ("CP949", "EUC-KR"):
        text = text.replace("\u00a0", " ")  # no NBSP in KS X 1001: a copy saved in CP949 has spaces
        text = text.replace("©", "&copy;" if site.format == "html" else "ⓒ")  # nor ©
    if enc == "UTF-8":
        data = text.encode("utf-8")
        if site.slug == "solnae" and r.random() < 0.35:
            data = b"\xef\xbb\xbf" + data
        return data
    if enc == "CP949":
        return text.encode("cp949")
    if enc == "EUC-KR":
        for ch in set(text):
            if ord(ch) >= 0x80 and len(ch.encode("euc_kr")) != 2:
                raise AssertionError(f"{site.slug}: {ch!r} is not in KS X 1001")
        return text.encode("euc_kr")
    if enc == "UTF-16LE":
        return b"\xff\xfe" + text.encode("utf-16-le")
    raise ValueError(enc)


def check_vocabulary():
    """Names and vocabulary must be in KS X 1001, so EUC-KR sites can carry any story."""
    words = k.SURNAMES + k.GIVEN + k.CITIES + k.COMPANIES + k.PRODUCTS + k.QUOTES + k.CASINO_BRANDS
    for w in words:
        for ch in w:
            if ord(ch) >= 0x80 and len(ch.encode("euc_kr")) != 2:
                raise AssertionError(f"vocabulary {w!r}: {ch!r} is not in KS X 1001")
    missing = {ch for w in k.SURNAMES + k.GIVEN for ch in w if ch not in k.ROMAN}
    if missing:
        raise AssertionError(f"no romanisation for {sorted(missing)}")


# --- planning -----------------------------------------------------------------------------


def plan(seed, pages):
    """[(site, n, story or None)]: which page of which site carries which story (None: spam)."""
    r = random.Random(f"{seed}:plan")
    nsites = len(S.SITES)
    counts = [pages // nsites + (1 if i < pages % nsites else 0) for i in range(nsites)]
    slots = {}
    free = {}
    for si, site in enumerate(S.SITES):
        ns = list(range(1, counts[si] + 1))
        n_spam = round(counts[si] * SPAM_SHARE)
        spam = set(r.sample(ns, n_spam)) if n_spam else set()
        for n in ns:
            slots[(si, n)] = "spam" if n in spam else None
        free[si] = [n for n in ns if n not in spam]
        r.shuffle(free[si])
    order = [(si, n) for (si, n), v in slots.items() if v is None]
    r.shuffle(order)
    stories = []
    seen_paragraphs = set()
    for si, n in order:
        if slots[(si, n)] is not None:
            continue
        sid = f"s{len(stories):05d}"
        story = make_story(seed, sid, seen_paragraphs)
        stories.append(story)
        free[si].remove(n)
        copies = [(si, n, story)]
        if r.random() < SYNDICATED_SHARE:
            want = r.choice([2, 2, 2, 3, 3, 4]) - 1
            others = [sj for sj in range(nsites) if sj != si and free[sj]]
            r.shuffle(others)
            for sj in others[:want]:
                m = free[sj].pop()
                cr = random.Random(f"{seed}:copy:{sid}:{sj}")
                copies.append((sj, m, syndicated_copy(story, cr)))
        for sj, m, st in copies:
            slots[(sj, m)] = st
    return [(S.SITES[si], n, (None if v == "spam" else v)) for (si, n), v in sorted(slots.items())], len(stories)


def generate(out, pages, seed):
    started = time.perf_counter()
    check_vocabulary()
    out = Path(out)
    common.unstamp(out)
    shutil.rmtree(out / "pages", ignore_errors=True)
    layout, n_stories = plan(seed, pages)
    truth_lines = []
    total_bytes = {"html": 0, "txt": 0}
    counts = {"html": 0, "txt": 0, "spam": 0, "syndicated": 0}
    story_copies = {}
    for site, n, story in layout:
        if story is None:
            p = build_spam_page(seed, site, n)
            lines = render_standalone_spam(p) if p.standalone else site.render(p)
        else:
            p = build_article_page(seed, site, n, story)
            lines = site.render(p)
            story_copies[story["id"]] = story_copies.get(story["id"], 0) + 1
        lines = [x for x in lines if x is not None]
        nl = "\r\n" if site.slug == "baram" else "\n"
        text = nl.join(lines) + nl
        if story is not None:
            check_page(p, text)
        data = encode(text, site, p.r)
        path = out / "pages" / page_id(site, n)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        total_bytes[site.format] += len(data)
        counts[site.format] += 1
        rec = truth_record(p)
        counts["spam"] += rec["spam"]
        truth_lines.append(json.dumps(rec, ensure_ascii=False))
    syndicated_stories = sum(1 for v in story_copies.values() if v > 1)
    counts["syndicated"] = sum(v for v in story_copies.values() if v > 1)
    with open(out / "truth.jsonl", "w", encoding="utf-8") as f:
        f.write("\n".join(truth_lines) + "\n")
    return common.stamp(out, params(pages, seed), sites=len(S.SITES), stories=n_stories,
                        syndicated_stories=syndicated_stories, syndicated_pages=counts["syndicated"],
                        spam_pages=counts["spam"], html_pages=counts["html"], txt_pages=counts["txt"],
                        bytes=total_bytes, seconds=round(time.perf_counter() - started, 2))


def main():
    ap = argparse.ArgumentParser(description="generate the winnow evaluation set (see harness/evals/README.md)")
    ap.add_argument("--out", required=True, help="output directory (pages/, truth.jsonl, stamp.json)")
    ap.add_argument("--pages", type=int, default=DEFAULT_PAGES, help="number of pages (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default: %(default)s)")
    args = ap.parse_args()
    if args.pages < len(S.SITES):
        ap.error(f"--pages must be at least {len(S.SITES)} (one per site)")
    stamp = generate(args.out, args.pages, args.seed)
    log(f"{stamp['params']['pages']} pages ({stamp['html_pages']} HTML, {stamp['txt_pages']} txt, {stamp['spam_pages']} spam) "
        f"from {stamp['sites']} sites, {stamp['stories']} stories ({stamp['syndicated_stories']} syndicated on "
        f"{stamp['syndicated_pages']} pages), {sum(stamp['bytes'].values()) / 1e6:.1f} MB in {stamp['seconds']} s -> {args.out}")


if __name__ == "__main__":
    main()
