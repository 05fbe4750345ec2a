#!/usr/bin/env python3
"""The layout set: Korean news pages whose layout is drawn from independent choices, for
measuring metadata (title, published, authors, outlet) on layouts no rule was tuned on.

    python3 -m harness.corpus.layouts --out DIR [--layouts 64] [--pages-per-layout 20] [--seed S]
    python3 -m harness.corpus.layouts --score DIR --clean CLEAN.jsonl [--rejects REJECTS.jsonl]

Each layout is one simulated site (its own directory, so a corpus rule learns its recurring
lines as it would on a real crawl) built from one value of each axis in AXES: where the menu
line goes, whether a section line stands above the headline, byline before or after the date,
the date on its own line or on the byline line, the date's format and label, a weather or
clock widget at the top, the byline in the header or the footer, text or HTML and which
elements carry the chrome. A layout that holds any pair in HELD_OUT is held out: it is scored
apart, and nothing is tuned on it (see harness/evals/README.md). Truth rows say what the page shows,
plus `widget_date`, the day the widget prints (the crawl's), which is never `published`.
Python 3 standard library only; deterministic for a seed.
"""

import argparse
import datetime
import html
import json
import random
import shutil
import sys
import unicodedata
from pathlib import Path

from harness import common
from harness.corpus import korean as k
from harness.corpus import news_set as G
from harness.scoring import layouts as scoring

LAYOUTS_VERSION = 2
DEFAULT_LAYOUTS = 64
DEFAULT_PAGES_PER_LAYOUT = 20
DEFAULT_SEED = 20250218

# Date formats as Korean sites print them; `time` says whether the format shows a time.
DATE_FORMATS = {
    "dot": (lambda d: d.strftime("%Y.%m.%d"), False),
    "dot_weekday": (lambda d: f"{d.strftime('%Y.%m.%d')} ({k.WEEKDAYS[d.weekday()]})", False),
    "dot_spaced": (lambda d: f"{d.year}. {d.month}. {d.day}.", False),
    "slash": (lambda d: d.strftime("%Y/%m/%d"), False),
    "korean": (lambda d: f"{d.year}년 {d.month}월 {d.day}일", False),
    "dot_time": (lambda d: d.strftime("%Y.%m.%d %H:%M"), True),
    "dash_seconds": (lambda d: d.strftime("%Y-%m-%d %H:%M:%S"), True),
    "korean_ampm": (lambda d: f"{d.year}년 {d.month:02d}월 {d.day:02d}일 ({k.WEEKDAYS[d.weekday()]}) {ampm(d)}", True),
    "dot_ampm": (lambda d: f"{d.strftime('%Y.%m.%d')}. {ampm(d)}", True),
    "dash_kst": (lambda d: d.strftime("%Y-%m-%d %H:%M") + " KST", True),
}

AXES = {
    "format": ["txt", "html"],
    "menu": ["none", "before", "after"],
    "section": ["no", "yes"],
    "order": ["byline_first", "date_first"],
    "date_place": ["own_line", "inline"],
    "date_format": list(DATE_FORMATS),
    "label": ["none", "입력", "등록", "기사입력", "승인", "게재", "발행"],
    "modified": ["no", "after", "before"],
    "widget": ["none", "weather", "clock"],
    "byline_place": ["header", "footer"],
    "chrome": ["div", "p", "span"],
    "encoding": ["UTF-8", "CP949", "UTF-16LE"],
}

# Pairs of choices no tuned layout holds: the held-out layouts are the combinations with one.
HELD_OUT = [
    (("menu", "after"), ("section", "yes")),
    (("date_format", "korean"), ("label", "none")),
    (("date_format", "dot_weekday"), ("byline_place", "footer")),
    (("widget", "clock"), ("format", "txt")),
    (("order", "date_first"), ("date_format", "dash_kst")),
    (("chrome", "span"), ("menu", "before")),
    (("label", "승인"), ("modified", "before")),
    (("date_format", "dot_spaced"), ("date_place", "own_line")),
]

# Section names for menus and section lines: the common ones, and some a rule pack may not
# list (a site's own sections), which only the corpus pass can tell from a headline.
MENU_WORDS = ["정치", "경제", "사회", "국제", "문화", "스포츠", "IT·과학", "오피니언", "전국", "연예", "라이프", "증권",
              "부동산", "산업", "금융", "빅테크", "기업과산업", "유통", "바이오", "테크", "피플", "월드", "글로벌",
              "인사·부고", "지역", "교육", "환경", "건강", "모빌리티", "에너지", "여행", "푸드", "리빙", "커버스토리"]
SUB_SECTIONS = ["인터넷·게임·콘텐츠", "반도체·디스플레이", "자동차", "금융일반", "정책", "지방자치", "전자·통신", "제약·바이오"]
OUTLET_STEMS = ["가람", "나래", "다온", "라온", "마루", "바로", "새솔", "아라", "자람", "차돌", "하람", "누림", "도담",
                "보람", "소담", "온새", "으뜸", "한결", "해솔", "별찌", "미리", "시나", "여울", "다래"]
OUTLET_ENDS = ["일보", "뉴스", "경제", "타임스", "신문", "미디어", "투데이", "데일리", "포스트", "저널"]
CLASS_WORDS = ["box", "area", "wrap", "info", "top", "cont", "inner", "item", "col", "blk"]


def ampm(d):
    half = "오전" if d.hour < 12 else "오후"
    return f"{half} {d.hour % 12 or 12}:{d.minute:02d}"


def held_out(choice):
    return any(all(choice[axis] == value for axis, value in pair) for pair in HELD_OUT)


def draw_layouts(seed, n):
    """n distinct layouts, each axis drawn independently; about a quarter held out (drawn until
    both groups have their share)."""
    r = random.Random(f"{seed}:layouts")
    want_held = max(1, n // 4)
    tuned, held, seen = [], [], set()
    names = [s + e for s in OUTLET_STEMS for e in OUTLET_ENDS]
    r.shuffle(names)
    while len(tuned) + len(held) < n:
        choice = {axis: r.choice(values) for axis, values in AXES.items()}
        key = tuple(sorted(choice.items()))
        if key in seen:
            continue
        is_held = held_out(choice)
        if is_held and len(held) >= want_held or not is_held and len(tuned) >= n - want_held:
            continue
        seen.add(key)
        (held if is_held else tuned).append(choice)
    layouts = []
    for index, choice in enumerate(tuned + held):
        name = names[index]
        slug = f"l{index:03d}"
        layouts.append({"slug": slug, "name": name, "domain": f"{slug}.example.kr", "held_out": index >= len(tuned),
                        "choice": choice, "menu": r.sample(MENU_WORDS, r.randrange(3, 8)),
                        "class": r.choice(CLASS_WORDS) + str(r.randrange(1, 9))})
    return layouts


# --- pages -----------------------------------------------------------------------------------


def page_parts(layout, story, r, avoid=frozenset()):
    """The page's parts in reading order, each (kind, text): kinds are site, widget, menu,
    section, headline, deck, byline, date, body, copyright, related."""
    c = layout["choice"]
    fmt, with_time = DATE_FORMATS[c["date_format"]]
    pub = story["pub"].replace(second=story["pub"].second if c["date_format"] == "dash_seconds" else 0)
    authors = story["authors"]
    byline = "·".join(authors) + " 기자"
    if r.random() < 0.5:
        byline += " " + k.email_for(r, authors[0], layout["domain"])
    label = "" if c["label"] == "none" else c["label"] + " "
    date = label + fmt(pub)
    mod = None
    if c["modified"] != "no" and c["label"] != "none" and r.random() < 0.6:
        mod = "수정 " + fmt(pub + datetime.timedelta(minutes=r.randrange(30, 2000)))
    crawl = pub + datetime.timedelta(days=r.randrange(1, 300), hours=r.randrange(0, 8))
    parts = [("site", layout["name"])]
    if c["widget"] == "weather":
        parts.append(("widget", crawl.strftime("%Y.%m.%d") + f" ({k.WEEKDAYS[crawl.weekday()]})"))
        for place in r.sample(k.WEATHER_PLACES, 6):
            parts.append(("widget", f"{k.pick(r, k.WEATHER)}{place} {r.randrange(-5, 30)}.{r.randrange(10)}℃"))
        parts.append(("widget", "기상청 제공"))
    elif c["widget"] == "clock":
        parts.append(("widget", crawl.strftime("%Y.%m.%d") + f" ({k.WEEKDAYS[crawl.weekday()]}) " + crawl.strftime("%H:%M")))
        parts.append(("widget", f"코스피 {r.randrange(2300, 2900)}.{r.randrange(10, 99)} ▲{r.randrange(1, 40)}.{r.randrange(10, 99)}"))
        parts.append(("widget", f"코스닥 {r.randrange(650, 900)}.{r.randrange(10, 99)} ▼{r.randrange(1, 20)}.{r.randrange(10, 99)}"))
        parts.append(("widget", f"원/달러 {r.randrange(1250, 1450)}.{r.randrange(0, 9)}"))
    menu = " ".join(layout["menu"])
    if c["menu"] == "before":
        parts.append(("menu", menu))
    if c["section"] == "yes":
        section = r.choice(MENU_WORDS)
        parts.append(("section", section + ("  " + r.choice(SUB_SECTIONS) if r.random() < 0.4 else "")))
    parts.append(("headline", story["headline"]))
    if c["menu"] == "after":
        parts.append(("menu", menu))
    for deck in story["decks"][: r.randrange(0, 3)]:
        parts.append(("deck", deck))
    dates = [("date", date)] + ([("date", mod)] if mod else [])
    if c["modified"] == "before":
        dates.reverse()
    head = []
    if c["date_place"] == "inline":
        line = byline + "  " + "  ".join(text for _, text in dates) if c["order"] == "byline_first" else \
            "  ".join(text for _, text in dates) + "  " + byline
        if c["byline_place"] == "footer":
            foot = [("byline", line)]
        else:
            head, foot = [("byline", line)], []
    else:
        foot = [("byline", byline)] if c["byline_place"] == "footer" else []
        head = dates + ([] if foot else [("byline", byline)])
        if c["order"] == "byline_first" and not foot:
            head = [("byline", byline)] + dates
    parts += head
    for item in story["items"]:
        parts.append(("body", item["raw"]))
    parts += foot
    parts.append(("related", "관련기사"))
    for _ in range(r.randrange(2, 5)):
        # Other stories: never a headline of this site's pages (the generator's few headline
        # shapes would otherwise put one page's headline on most of its site's pages).
        related = k.headline(r, k.new_context(r, "rel", pub))
        if related not in avoid:
            parts.append(("related", related))
    parts.append(("copyright", r.choice(["저작권자 © {} 무단전재 및 재배포 금지", "Copyright ⓒ {}. All rights reserved.",
                                         "ⓒ {} 무단 전재-재배포 금지"]).format(layout["name"])))
    truth = {"title": story["headline"], "published": G.S.iso(pub, c["date_format"] == "dash_seconds") if with_time else pub.strftime("%Y-%m-%d"),
             "authors": list(authors), "outlet": layout["name"]}
    if c["widget"] != "none":
        truth["widget_date"] = crawl.strftime("%Y-%m-%d")
    return parts, truth


def render_txt(parts, r):
    lines = []
    for kind, text in parts:
        lines += [text, ""] if kind in ("body", "headline") or r.random() < 0.5 else [text]
    return lines


def render_html(layout, parts, r):
    c = layout["choice"]
    tag = c["chrome"]
    cls = layout["class"]
    name = layout["name"]
    headline = next(text for kind, text in parts if kind == "headline")
    title = r.choice([f"{headline} - {name}", f"{name} - {headline}", f"{headline} | {name}", f"{headline} : {name}"])
    charset = {"UTF-8": "utf-8", "CP949": "euc-kr", "UTF-16LE": "utf-16"}[c["encoding"]]
    out = ["<!DOCTYPE html>", '<html lang="ko"><head>', f'<meta charset="{charset}">', f"<title>{html.escape(title)}</title>"]
    if r.random() < 0.5:
        out.append(f'<meta property="og:title" content="{html.escape(headline, quote=True)}">')
    out += ["</head><body>", f'<div class="{cls}">']
    body_open = False
    for kind, text in parts:
        e = html.escape(text, quote=False)
        if kind == "body":
            if not body_open:
                out.append(f'<div class="{cls}_txt">')
                body_open = True
            out.append(f"<p>{e}</p>")
            continue
        if body_open:
            out.append("</div>")
            body_open = False
        if kind == "menu":
            out.append(f'<div class="{cls}_m">' + " ".join(f'<a href="/s/{i}">{html.escape(w)}</a>' for i, w in enumerate(text.split())) + "</div>")
        elif kind == "headline":
            out.append(f'<{tag} class="{cls}_t">{e}</{tag}>' if tag != "span" else f'<div><span class="{cls}_t">{e}</span></div>')
        elif kind == "related":
            out.append(f'<div class="{cls}_r"><a href="/n/{r.randrange(10**5, 10**6)}">{e}</a></div>')
        elif tag == "span":
            out.append(f"<div><span>{e}</span></div>")
        else:
            out.append(f"<{tag}>{e}</{tag}>")
    out += ["</div>", "</body></html>"]
    return out


def encode(text, encoding, fmt):
    if encoding in ("CP949", "EUC-KR"):
        text = text.replace("\u00a0", " ").replace("©", "&copy;" if fmt == "html" else "ⓒ")
        return text.encode("cp949")
    if encoding == "UTF-16LE":
        return b"\xff\xfe" + text.encode("utf-16-le")
    return text.encode("utf-8")


def params(layouts=DEFAULT_LAYOUTS, per_layout=DEFAULT_PAGES_PER_LAYOUT, seed=DEFAULT_SEED):
    """What a layout set is made with: its stamp's params (harness/common.py)."""
    return {"version": LAYOUTS_VERSION, "seed": seed, "layouts": layouts, "pages_per_layout": per_layout}


def generate(out, layouts=DEFAULT_LAYOUTS, per_layout=DEFAULT_PAGES_PER_LAYOUT, seed=DEFAULT_SEED):
    out = Path(out)
    common.unstamp(out)
    shutil.rmtree(out / "pages", ignore_errors=True)
    drawn = draw_layouts(seed, layouts)
    rows, seen = [], set()
    for layout in drawn:
        c = layout["choice"]
        ext = "html" if c["format"] == "html" else "txt"
        headlines = set()
        stories = []
        for n in range(1, per_layout + 1):
            # A site never prints one headline on two pages (a recurring line is its chrome).
            story = G.make_story(seed, f"{layout['slug']}-{n}", seen)
            retry = 0
            while story["headline"] in headlines:
                retry += 1
                story = G.make_story(seed, f"{layout['slug']}-{n}-{retry}", seen)
            headlines.add(story["headline"])
            story["authors"] = story["authors"][:2]
            stories.append(story)
        for n, story in enumerate(stories, 1):
            r = random.Random(f"{seed}:{layout['slug']}:{n}")
            parts, truth = page_parts(layout, story, r, headlines)
            lines = render_html(layout, parts, r) if ext == "html" else render_txt(parts, r)
            text = "\n".join(lines) + "\n"
            page_id = f"{layout['slug']}/{n:04d}.{ext}"
            path = out / "pages" / page_id
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(encode(text, c["encoding"], c["format"]))
            rows.append({"id": page_id, "layout": layout["slug"], "held_out": layout["held_out"], "format": c["format"], **truth})
    (out / "truth.jsonl").write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in rows), encoding="utf-8")
    (out / "layouts.json").write_text(json.dumps(drawn, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return common.stamp(out, params(layouts, per_layout, seed), pages=len(rows),
                        held_out_layouts=sum(1 for x in drawn if x["held_out"]))


def main():
    ap = argparse.ArgumentParser(description="the layout set for metadata on unseen layouts (see harness/evals/README.md)")
    ap.add_argument("--out", help="generate the set into this directory")
    ap.add_argument("--layouts", type=int, default=DEFAULT_LAYOUTS)
    ap.add_argument("--pages-per-layout", type=int, default=DEFAULT_PAGES_PER_LAYOUT)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--score", help="score the set in this directory against --clean")
    ap.add_argument("--clean", help="winnow's clean.jsonl for --score")
    ap.add_argument("--examples", type=int, default=3, help="missed layouts shown per field and group")
    args = ap.parse_args()
    if args.out:
        stamp = generate(args.out, args.layouts, args.pages_per_layout, args.seed)
        print(f"layouts: {stamp['pages']} pages, {stamp['params']['layouts']} layouts ({stamp['held_out_layouts']} held out) -> {args.out}", file=sys.stderr)
    if args.score:
        truth = [json.loads(x) for x in open(Path(args.score) / "truth.jsonl", encoding="utf-8") if x.strip()]
        clean = [json.loads(x) for x in open(args.clean, encoding="utf-8") if x.strip()]
        scoring.print_score(scoring.score(truth, clean), examples=args.examples)
    if not args.out and not args.score:
        ap.error("give --out or --score")


if __name__ == "__main__":
    main()
