"""The simulated news sites of the winnow evaluation set: one template (and its quirks) per site.

A renderer takes a `Page` (story variant, authors, dates, chrome material; see generate.py)
and returns the page as a str. What the page shows (the truth) is decided here too, by each
site's `Site` record: whether the byline names the authors, how precise the date is, whether
the outlet's name appears. generate.py turns that into truth.jsonl and checks that every truth
body line is really on the page.

Standard library only.
"""

import html
import json

from harness.corpus import korean as k

# --- small helpers ------------------------------------------------------------------------

ENTITY_STYLES = ("min", "named", "numeric")
_NAMED = {"\"": "&quot;", "'": "&#39;", "“": "&ldquo;", "”": "&rdquo;", "‘": "&lsquo;", "’": "&rsquo;",
          "…": "&hellip;", "·": "&middot;", "%": "%"}


def esc(s, style="min"):
    """HTML-escape text for element content: & < > always; quotes and typographic marks as named
    or numeric references in the 'named' and 'numeric' styles."""
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if style == "named":
        for ch, ent in _NAMED.items():
            s = s.replace(ch, ent)
    elif style == "numeric":
        out = []
        for ch in s:
            if ch in "\"'“”‘’…·":
                out.append(f"&#{ord(ch)};" if ord(ch) % 2 else f"&#x{ord(ch):X};")
            else:
                out.append(ch)
        s = "".join(out)
    return s


def attr(s):
    return html.escape(s, quote=True)


def wrap_source(r, s, p=0.35):
    """Break a long escaped paragraph over two source lines at a space (HTML white space
    collapses, so the text is unchanged)."""
    if len(s) < 80 or r.random() > p:
        return s
    spaces = [i for i, ch in enumerate(s) if ch == " "]
    if not spaces:
        return s
    i = spaces[len(spaces) // 2]
    return s[:i] + "\n" + r.choice(["\t\t", "    ", "        ", ""]) + s[i + 1:]


def link_company(r, s, company, p=0.3):
    if company in s and r.random() < p:
        kind = r.randrange(3)
        if kind == 0:
            return s.replace(company, f'<a href="/tag/{abs(hash_str(company)) % 9999}">{company}</a>', 1)
        if kind == 1:
            return s.replace(company, f"<strong>{company}</strong>", 1)
        return s.replace(company, f'<span class="kwd">{company}</span>', 1)
    return s


def hash_str(s):
    h = 0
    for ch in s:
        h = (h * 131 + ord(ch)) & 0xFFFFFFFF
    return h


def mailto(s, p=0.5, r=None):
    """Wrap e-mail addresses in mailto links (the text stays the same)."""
    import re
    if r is not None and r.random() > p:
        return s
    return re.sub(r"([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})", r'<a href="mailto:\1">\1</a>', s)


def iso(dt, seconds=True):
    s = dt.strftime("%Y-%m-%dT%H:%M:%S") if seconds else dt.strftime("%Y-%m-%dT%H:%M:00")
    return s + "+09:00"


def ampm(dt):
    h = dt.hour
    half = "오전" if h < 12 else "오후"
    h12 = h % 12 or 12
    return half, h12


def d_dot(dt):
    return dt.strftime("%Y.%m.%d %H:%M")


def d_dash_sec(dt):
    return dt.strftime("%Y-%m-%d %H:%M:%S")


def d_dash(dt):
    return dt.strftime("%Y-%m-%d %H:%M")


def d_korean(dt):
    half, h12 = ampm(dt)
    return f"{dt.year}년 {dt.month}월 {dt.day}일 {half} {h12}:{dt.minute:02d}"


def d_korean_date(dt):
    return f"{dt.year}년 {dt.month}월 {dt.day}일"


def d_dot_weekday(dt, time=True):
    s = f"{dt.strftime('%Y.%m.%d')} ({k.WEEKDAYS[dt.weekday()]})"
    return s + (f" {dt.strftime('%H:%M')}" if time else "")


def d_naver(dt):
    half, h12 = ampm(dt)
    return f"{dt.strftime('%Y.%m.%d')}. {half} {h12}:{dt.minute:02d}"


def names_joined(authors, sep="·"):
    return sep.join(a["name"] for a in authors)


def weather_widget(r, crawl, bullet="  • "):
    lines = [d_dot_weekday(crawl, time=False), ""]
    base = r.randrange(-3, 28)
    for place in r.sample(k.WEATHER_PLACES, 12):
        lines.append(f"{bullet}{k.pick(r, k.WEATHER)}{place} {base + r.randrange(-4, 5)}.{r.randrange(10)}℃")
    lines.append("기상청 제공")
    return lines


def related_headlines(r, n, date):
    out = []
    for _ in range(n):
        ctx = k.new_context(r, "rel", date)
        out.append(k.headline(r, ctx))
    return out


def related_teasers(r, n, date, outlet):
    """[(headline, teaser sentence with an inline byline prefix)]: the related-article blocks
    whose teaser is real prose, as on many Korean CMS pages."""
    out = []
    for _ in range(n):
        ctx = k.new_context(r, "rel", date)
        out.append((k.headline(r, ctx), f"[{outlet}={k.person_name(r)} 기자] " + k.paragraph(r, ctx, 1)))
    return out


def comments(r, n):
    out = []
    for _ in range(n):
        nick = k.pick(r, ["독자", "시민", "구독자", "익명", "주민"]) + "".join(r.choice("abcdefghkmnpqrstuvwxyz") for _ in range(2)) + "***"
        out.append((nick, k.pick(r, k.COMMENTS), f"{r.randrange(1, 24)}시간 전"))
    return out


def numbered(lines):
    return [f"{i + 1} {s}" for i, s in enumerate(lines)]


# --- the body as a site emits it --------------------------------------------------------------


def body_plan(page):
    """[(kind, text)] in page order: items (with the inline prefix on the first paragraph when the
    site uses one) and captions; kinds: p, sub, quote, li, caption, headline_repeat."""
    out = []
    caps = {}
    for after, text in page.captions:
        caps.setdefault(after, []).append(text)
    for c in caps.get(-1, []):
        out.append(("caption", c))
    first_p = True
    for i, it in enumerate(page.items):
        text = it["raw"]
        if it["kind"] == "p" and first_p:
            text = page.prefix + text
            first_p = False
        out.append((it["kind"], text))
        for c in caps.get(i, []):
            out.append(("caption", c))
    return out


# --- plain-text sites ---------------------------------------------------------------------


def txt_paragraphs(page, sep="blank"):
    """Lines of the body area of a txt page: paragraphs with the site's separator between them."""
    r = page.r
    lines = []
    for kind, text in body_plan(page):
        if lines:
            if sep == "blank":
                lines.append("")
            elif sep == "nbsp":
                lines += ["", "\u00a0", ""]
            elif sep == "mixed":
                lines += r.choice([[""], [""], ["", ""], ["", "\u00a0", ""]])
        lines.append(text)
    return lines


def t_hanul(page):
    """Weather widget on top, section, headline, deck, '[사이트=기자]' prefix, NBSP spacer lines,
    banner lines, related-article list with prose teasers, copyright."""
    r, s = page.r, page.site
    L = weather_widget(r, page.crawl)
    L += ["", k.pick(r, k.SECTIONS), "", page.headline, ""]
    L += page.decks
    if page.decks:
        L.append("")
    date = f"입력 {d_dot(page.pub)}"
    if page.mod:
        date += f"  |  수정 {d_dot(page.mod)}"
    L += [date, "", "\u00a0", ""]
    L += page.inject_top
    L += txt_paragraphs(page, "nbsp")
    L += ["", "\u00a0", ""] + ["배너"] * r.randrange(1, 4) + ["", "관련기사", "",
                                                            f"{r.randrange(12, 140)}건의 관련기사 더보기", "", ""]
    for h, t in related_teasers(r, r.randrange(1, 4), page.pub, s.name):
        L += [f"[{k.pick(r, k.SECTIONS)}] {h}", "", t, ""]
    L += page.inject_bottom
    if page.show_outlet:
        L += [f"저작권자 © {s.name} 무단전재 및 재배포 금지"]
    return L


def t_bizon(page):
    """Latin masthead twice, byline line 'NAME 기자 e-mail YYYY-MM-DD HH:MM:SS', share bar,
    headline repeated before photo captions inside the body, '[Outlet]' prefix, latest-news list,
    comment rules."""
    r, s = page.r, page.site
    L = [s.masthead, s.masthead, f"{k.pick(r, k.SECTIONS)}  {k.pick(r, ['산업', '금융', '유통', '인터넷·게임', '부동산'])}", "",
         page.headline, ""]
    if page.authors:
        L.append(f"{names_joined(page.authors)} 기자\u00a0{page.authors[0]['email']} {page.pub.strftime('%Y-%m-%d')}\u00a0{page.pub.strftime('%H:%M:%S')}")
    else:
        L.append(f"{page.pub.strftime('%Y-%m-%d')}\u00a0{page.pub.strftime('%H:%M:%S')}")
    L += ["확대 축소", "공유하기", " ".join(f"{x} 공유하기" for x in ["페이스북", "X", "네이버", "카카오톡", "url"]) + " 인쇄하기", ""]
    L += page.inject_top
    plan = body_plan(page)
    for i, (kind, text) in enumerate(plan):
        if kind == "caption":
            if L and L[-1] != "":
                L.append("")
            L += [page.headline, text]
            continue
        if i and plan[i - 1][0] != "caption":
            L.append("")
        L.append(text)
    L += ["", "최신기사", ""] + related_headlines(r, r.randrange(6, 11), page.pub) + [s.masthead.lower(), ""]
    L += page.inject_bottom
    L += [f"댓글 ({r.randrange(0, 5)})", ""] + [f"  • {x}" for x in k.COMMENT_RULES]
    return L


def t_mideum(page):
    """One line per paragraph, no blank lines; registration date line; trailing byline line;
    related-article links with URLs and ' - Outlet' suffixed titles; copyright."""
    r, s = page.r, page.site
    L = list(page.inject_top) + [page.headline, f"등록 {d_dash(page.pub)}"]
    L += page.decks
    L += [text for _, text in body_plan(page)]
    if page.authors:
        L.append(f"{names_joined(page.authors, ', ')} 기자")
    L.append("관련기사 링크")
    for h, t in related_teasers(r, r.randrange(2, 4), page.pub, s.name):
        L += [f"http://{s.domain}/View.aspx?No={r.randrange(100000, 999999)}", f"{h} - {s.name}", t[t.index("]") + 2:], f"http://{s.domain}"]
    L += page.inject_bottom
    if page.show_outlet:
        L.append(f"저작권자 ⓒ {s.name}, 무단 전재 및 재배포 금지")
    return L


def t_gaon(page):
    """Spam line on top (often), headline, 'YYYY.MM.DD (요일) HH:MM' date line, deck lines,
    sub-headings, trailing 'NAME 기자 e-mail' line, brand-list spam at the bottom."""
    r, s = page.r, page.site
    L = []
    if page.inject_top:
        L += page.inject_top + [""]
    L += [page.headline, "", d_dot_weekday(page.pub), ""]
    L += page.decks
    L += txt_paragraphs(page, "blank")
    if page.authors:
        L += [""] + [f"{a['name']} 기자 {a['email']}" for a in page.authors]
    if page.show_outlet:
        L += ["", f"Copyright ⓒ {s.name}. All rights reserved."]
    if page.inject_bottom:
        L += [""] + page.inject_bottom
    return L


def t_newsone(page):
    """News agency: menu, headline, '송고시간' line, '(도시=뉴스원) 기자 = ' prefix, trailing e-mail
    line, agency copyright, '… 송고' line, most-read list."""
    r, s = page.r, page.site
    L = [s.name, "", "전체메뉴 | " + " | ".join(r.sample(k.SECTIONS, 7)), "", page.headline, ""]
    L += [f"송고시간 {d_dash(page.pub)}", "", "공유 | 댓글 | 글자크기조정 | 인쇄", ""]
    L += page.inject_top
    L += txt_paragraphs(page, "blank")
    if page.authors:
        L += ["", " ".join(a["email"] for a in page.authors)]
    if page.show_outlet:
        L += ["", f"<저작권자(c) {s.name}, 무단 전재-재배포, AI 학습 및 활용 금지>"]
    L += ["", page.pub.strftime("%Y/%m/%d %H:%M") + " 송고", "", "많이 본 뉴스"]
    L += numbered(related_headlines(r, 5, page.pub))
    L += page.inject_bottom
    return L


def t_saeul(page):
    """Login/menu chrome, breadcrumb, '글: NAME 기자' line, '2025년 1월 23일 오후 2:05' date,
    NBSP-only spacer lines, copyright, comment box."""
    r, s = page.r, page.site
    L = [s.name, "로그인 회원가입", "", f"홈 > {k.pick(r, k.SECTIONS)}", "", page.headline]
    L += page.decks
    L.append("")
    if page.authors:
        L.append(f"글: {names_joined(page.authors, ', ')} 기자")
    L.append(d_korean(page.pub))
    if page.mod:
        L.append(f"수정 {d_korean(page.mod)}")
    L.append("")
    L += page.inject_top
    for line in txt_paragraphs(page, "mixed"):
        L.append("\u00a0" if line == "" and r.random() < 0.3 else line)
    L += page.inject_bottom
    if page.show_outlet:
        L += ["", f"ⓒ {s.name} (무단전재 및 재배포 금지)"]
    L += ["", "이 기사를 공유합니다", "", f"댓글 {r.randrange(0, 9)}", "로그인 후 댓글을 남길 수 있습니다."]
    return L


def t_haneul(page):
    """'기사입력 … | 최종수정 …', '(워싱턴=Outlet) NAME 특파원 = ' prefix, trailing
    'City=NAME 특파원 e-mail' line, 'Copyright ⓒ … All rights reserved.'"""
    r, s = page.r, page.site
    L = [f"{s.name} | {k.pick(r, ['국제', '경제', '사회', '정치'])}", "", page.headline, ""]
    date = f"기사입력 {d_dash(page.pub)}"
    if page.mod:
        date += f" | 최종수정 {d_dash(page.mod)}"
    L += [date, ""]
    L += page.inject_top
    L += txt_paragraphs(page, "blank")
    if page.authors:
        title = "특파원" if page.foreign else "기자"
        L += ["", f"{page.dateline}={names_joined(page.authors)} {title} {page.authors[0]['email']}"]
    L += page.inject_bottom
    if page.show_outlet:
        L += ["", f"Copyright ⓒ {s.name} All rights reserved."]
    return L


def t_baram(page):
    """UTF-16LE with CRLF: menu, headline, deck, '입력 … 수정 …' line, byline line, related list."""
    r, s = page.r, page.site
    L = [s.name, "", "뉴스 | 정치 | 경제 | 사회 | 문화 | 스포츠 | 오피니언", "", page.headline]
    L += page.decks
    date = f"입력 {d_dot(page.pub)}"
    if page.mod:
        date += f"  수정 {d_dot(page.mod)}"
    L.append(date)
    if page.authors:
        L.append(f"{names_joined(page.authors, ', ')} 기자")
    L.append("")
    L += page.inject_top
    L += txt_paragraphs(page, "blank")
    L += ["", "관련기사"] + [f" - {h}" for h in related_headlines(r, r.randrange(2, 6), page.pub)]
    L += page.inject_bottom
    if page.show_outlet:
        L.append(f"저작권자 © {s.name}, 무단 전재 및 재배포 금지")
    return L


def t_dasom(page):
    """Byline line 'NAME·NAME 기자  YYYY-MM-DD HH:MM:SS', font-size bar, reactions, most-read."""
    r, s = page.r, page.site
    L = [s.name, "", k.pick(r, k.SECTIONS), page.headline]
    if page.authors:
        L.append(f"{names_joined(page.authors)} 기자  {d_dash_sec(page.pub)}")
    else:
        L.append(d_dash_sec(page.pub))
    L += ["글씨크기 가 가 가 가", ""]
    L += page.inject_top
    L += txt_paragraphs(page, "blank")
    L += ["", "이 기사가 마음에 드셨나요?",
          f"좋아요 {r.randrange(0, 40)}  훈훈해요 {r.randrange(0, 9)}  슬퍼요 {r.randrange(0, 9)}  화나요 {r.randrange(0, 9)}", "", "많이 본 기사"]
    L += numbered(related_headlines(r, 5, page.pub))
    L += page.inject_bottom
    if page.show_outlet:
        L += ["", f"Copyright © {s.name}. All rights reserved."]
    return L


def t_sori(page):
    """Magazine: no masthead text (an image logo), menu, headline, deck, 'NAME 기자' line, no date
    at all; copyright only on some pages."""
    r, s = page.r, page.site
    L = ["매거진 | 인터뷰 | 칼럼 | 리뷰 | 구독하기", "", page.headline]
    L += page.decks
    L.append("")
    if page.authors:
        L += [f"{names_joined(page.authors, ', ')} 기자", ""]
    L += page.inject_top
    L += txt_paragraphs(page, "blank")
    L += ["", "구독하기 | 후원하기", "", "추천 기사"] + related_headlines(r, r.randrange(3, 6), page.pub)
    L += page.inject_bottom
    if page.show_outlet:
        L += ["", f"Copyright ⓒ {s.name}. All rights reserved."]
    return L


def t_jangteo(page):
    """Regional weekly (CP949): date-only '발행일 YYYY-MM-DD', section, headline, deck, byline,
    captions mid-body, '<저작권자 © …>' line, reader-opinion box."""
    r, s = page.r, page.site
    L = [s.name, "", f"발행일 {page.pub.strftime('%Y-%m-%d')}", k.pick(r, k.SECTIONS), page.headline]
    L += page.decks
    if page.authors:
        L.append(f"{names_joined(page.authors, ', ')} 기자")
    L.append("")
    L += page.inject_top
    L += txt_paragraphs(page, "blank")
    L += page.inject_bottom
    if page.show_outlet:
        L += ["", f"<저작권자 © {s.name} 무단전재 및 재배포금지>"]
    L += ["", f"독자의견 {r.randrange(0, 5)}", ""] + k.COMMENT_RULES
    return L


def t_ieum(page):
    """Second weather-widget site: '-' bullets, '등록 …' date, '[Outlet NAME 기자]' prefix (no '='),
    share bar, comments with nicknames."""
    r, s = page.r, page.site
    L = [s.name, ""] + weather_widget(r, page.crawl, bullet="- ")
    L += ["", page.headline, ""]
    L += page.decks
    L += [f"등록 {d_dash(page.pub)}", "", "페이스북 트위터 카카오톡 링크복사", ""]
    L += page.inject_top
    L += txt_paragraphs(page, "mixed")
    L += ["", "댓글"]
    for nick, text, when in comments(r, r.randrange(0, 4)):
        L += [nick, text, when]
    L += page.inject_bottom
    if page.show_outlet:
        L += ["", f"저작권자 © {s.name}, 무단 전재 및 재배포 금지"]
    return L


# --- HTML sites ---------------------------------------------------------------------------


def head(page, charset="utf-8", title=None, og=True, jsonld=False, published_meta=True, extra=""):
    s = page.site
    t = title if title is not None else f"{page.headline} - {s.name}"
    parts = ["<!DOCTYPE html>", '<html lang="ko">', "<head>"]
    if charset:
        parts.append(f'<meta charset="{charset}">')
    parts += ['<meta name="viewport" content="width=device-width, initial-scale=1">',
              f"<title>{esc(t, 'named')}</title>"]
    if og:
        parts += [f'<meta property="og:type" content="article">',
                  f'<meta property="og:title" content="{attr(page.headline)}">',
                  f'<meta property="og:url" content="https://{s.domain}/news/articleView.html?idxno={page.n + 100000}">',
                  f'<meta property="og:image" content="https://img.{s.domain}/photo/{page.n}.jpg">',
                  f'<meta property="og:description" content="{attr(page.items[0]["raw"][:80])}…">']
        if page.show_outlet:
            parts.append(f'<meta property="og:site_name" content="{attr(s.name)}">')
    if published_meta:
        parts.append(f'<meta property="article:published_time" content="{page.pub_iso}">')
        if page.mod and not s.date_only:
            parts.append(f'<meta property="article:modified_time" content="{iso(page.mod, s.seconds)}">')
    if jsonld:
        parts.append('<script type="application/ld+json">' + json.dumps(jsonld_obj(page), ensure_ascii=False) + "</script>")
    parts += ['<link rel="stylesheet" href="/css/style.css">',
              "<style>.ad{margin:10px 0}.share a{display:inline-block}</style>",
              '<script>window.dataLayer=window.dataLayer||[];var msg="로그인이 필요한 서비스입니다.";</script>']
    if extra:
        parts.append(extra)
    parts.append("</head>")
    return "\n".join(parts)


def jsonld_obj(page):
    s = page.site
    obj = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": page.headline,
           "datePublished": page.pub_iso}
    if page.mod and not s.date_only:
        obj["dateModified"] = iso(page.mod, s.seconds)
    if page.authors:
        obj["author"] = [{"@type": "Person", "name": a["name"]} for a in page.authors]
    if page.show_outlet:
        obj["publisher"] = {"@type": "Organization", "name": s.name,
                            "logo": {"@type": "ImageObject", "url": f"https://{s.domain}/logo.png"}}
    return obj


def nav(r, cls="gnb"):
    return f'<nav class="{cls}"><ul>' + "".join(f'<li><a href="/section/{i}">{x}</a></li>' for i, x in enumerate(r.sample(k.SECTIONS, 8))) + "</ul></nav>"


def related_aside(r, page, title="관련기사", n=(4, 9)):
    items = related_headlines(r, r.randrange(*n), page.pub)
    return (f'<aside class="related"><h3>{title}</h3><ul>'
            + "".join(f'<li><a href="/news/{r.randrange(10000, 99999)}">{esc(h)}</a></li>' for h in items) + "</ul></aside>")


def share_bar(r):
    return '<div class="share">' + "".join(f'<a href="#" class="sns{i}">{x}</a>' for i, x in enumerate(r.sample(k.SHARE, 5))) + "</div>"


def comment_box(r, n=None):
    cs = comments(r, r.randrange(0, 5) if n is None else n)
    out = [f'<div class="comments"><h4>댓글 {len(cs)}</h4><ul>']
    for nick, text, when in cs:
        out.append(f'<li><span class="nick">{nick}</span><p>{esc(text)}</p><span class="time">{when}</span></li>')
    out.append("</ul><p class=\"rule\">" + esc(k.COMMENT_RULES[1]) + "</p></div>")
    return "".join(out)


def injected_html(lines, style="div"):
    """Spam lines injected into a hacked page: visible link divs, or a hidden (display:none) div
    of links inside the body container (an SEO-spam injection)."""
    if not lines:
        return ""
    if style == "hidden":
        return '<div style="display:none">' + " ".join(f'<a href="https://spam{hash_str(x) % 997}.example/">{esc(x)}</a>' for x in lines) + "</div>"
    return "".join(f'<div class="top-link"><a href="https://ad{hash_str(x) % 997}.example/">{esc(x)}</a></div>' for x in lines)


def html_paragraphs(page, style, *, sub_tag="h3", caption="figure", link_p=0.3, wrap_p=0.35, mail_p=0.5,
                    spacer_p=0.0, sub_style=None):
    """<p> paragraphs (and sub-headings, captions) of an HTML body."""
    r = page.r
    out = []
    for kind, text in body_plan(page):
        e = esc(text, style)
        if kind == "caption":
            if caption == "figure":
                out.append(f'<figure class="photo"><img src="/photo/{r.randrange(10**5, 10**6)}.jpg" alt=""><figcaption>{e}</figcaption></figure>')
            elif caption == "p":
                out.append(f'<p style="text-align:center"><img src="/photo/{r.randrange(10**5, 10**6)}.jpg" alt=""></p>\n<p class="caption">{e}</p>')
            elif caption == "table":
                out.append(f'<table class="photo" align="center"><tr><td><img src="/photo/{r.randrange(10**5, 10**6)}.jpg"></td></tr><tr><td class="caption">{e}</td></tr></table>')
            elif caption == "div":
                out.append(f'<div class="img"><img src="/p/{r.randrange(10**5, 10**6)}.jpg"></div><div class="cap">{e}</div>')
            continue
        if kind == "sub":
            if sub_style == "pstrong":
                out.append(f"<p><strong>{e}</strong></p>")
            elif sub_style == "div":
                out.append(f'<div class="stit">{e}</div>')
            else:
                out.append(f"<{sub_tag}>{e}</{sub_tag}>")
            continue
        e = link_company(r, e, page.ctx["company"], link_p)
        e = mailto(e, mail_p, r)
        e = wrap_source(r, e, wrap_p)
        if kind == "quote":
            out.append(f"<blockquote><p>{e}</p></blockquote>")
        elif kind == "li":
            out.append(f"<li>{e}</li>")
        else:
            out.append(f"<p>{e}</p>")
        if spacer_p and r.random() < spacer_p:
            out.append("<p>&nbsp;</p>")
    # consecutive <li> into one <ul>
    merged = []
    for x in out:
        if x.startswith("<li>") and merged and merged[-1].endswith("</li>"):
            merged[-1] += x
        elif x.startswith("<li>"):
            merged.append('<ul class="points">' + x)
        else:
            if merged and merged[-1].startswith('<ul class="points">') and not merged[-1].endswith("</ul>"):
                merged[-1] += "</ul>"
            merged.append(x)
    if merged and merged[-1].startswith('<ul class="points">') and not merged[-1].endswith("</ul>"):
        merged[-1] += "</ul>"
    return merged


def br_runs(page, style, caption_fmt, sub_bold=True, sep="<br><br>"):
    """A <br><br>-separated body (no <p>): one run per paragraph."""
    r = page.r
    runs = []
    for kind, text in body_plan(page):
        e = esc(text, style)
        if kind == "caption":
            runs.append(caption_fmt(e))
        elif kind == "sub" and sub_bold:
            runs.append(f"<b>{e}</b>")
        else:
            if kind == "p":
                e = link_company(r, e, page.ctx["company"], 0.2)
                e = wrap_source(r, e, 0.25)
            runs.append(e)
    return ("\n" + sep + "\n").join(runs)


def h_hanbit(page):
    """HTML5 semantic page: header/nav/main/article/aside/footer, og + article:published_time,
    <time datetime>, figure/figcaption, h2 sub-headings, byline <p> at the end of the article."""
    r, s = page.r, page.site
    st = s.entities
    H = [head(page), "<body>", '<header class="site-header"><a class="logo" href="/">' + s.name + "</a>" + nav(r) + "</header>",
         '<main class="container">']
    H.append(injected_html(page.inject_top))
    H.append('<article class="news-article">')
    H.append(f'<header class="article-header"><p class="section">{k.pick(r, k.SECTIONS)}</p><h1 class="headline">{esc(page.headline, st)}</h1>')
    for d in page.decks:
        H.append(f'<p class="deck">{esc(d, st)}</p>')
    times = f'<time datetime="{page.pub_iso}">입력 {d_dot(page.pub)}</time>'
    if page.mod:
        times += f' <time class="updated" datetime="{iso(page.mod, False)}">수정 {d_dot(page.mod)}</time>'
    H.append(f'<div class="meta">{times}</div>{share_bar(r)}</header>')
    H.append('<div class="article-body">')
    H += html_paragraphs(page, st, sub_tag="h2")
    if page.authors:
        H.append('<p class="byline">' + ", ".join(f"{a['name']} 기자 {a['email']}" for a in page.authors) + "</p>")
    H.append("</div>")
    H.append(share_bar(r) + "</article>")
    H.append(related_aside(r, page, n=(8, 20)))
    H.append(injected_html(page.inject_bottom))
    H.append("</main>")
    H.append(f'<footer class="site-footer"><p>서울특별시 중구 세종대로 {r.randrange(1, 200)} | 대표전화 02-{r.randrange(200, 999)}-{r.randrange(1000, 9999)}</p>'
             + (f"<p>Copyright © {s.name}. All rights reserved.</p>" if page.show_outlet else "") + "</footer>")
    H.append("</body></html>")
    return H


def h_nuri(page):
    """schema.org microdata (itemprop=articleBody, div#articleBody), JSON-LD NewsArticle,
    '[Outlet=NAME 기자]' prefix, comment section, named entities."""
    r, s = page.r, page.site
    st = s.entities
    H = [head(page, title=f"{page.headline} | {s.name}", jsonld=True, published_meta=False), "<body>",
         f'<div id="wrap"><div id="header"><h1 class="logo"><a href="/"><img src="/img/logo.png" alt="{s.name}"></a></h1>{nav(r)}</div>',
         '<div id="container" itemscope itemtype="https://schema.org/NewsArticle">',
         f'<h2 class="title" itemprop="headline">{esc(page.headline, st)}</h2>']
    if page.decks:
        H.append('<div class="subtitle">' + "<br>".join(esc(d, st) for d in page.decks) + "</div>")
    H.append(f'<div class="info"><span>입력 <time itemprop="datePublished" datetime="{page.pub_iso}">{d_dash_sec(page.pub) if s.seconds else d_dash(page.pub)}</time></span>'
             + (f"<span>수정 {d_dash(page.mod)}</span>" if page.mod else "") + "</div>")
    H.append(injected_html(page.inject_top))
    H.append('<div id="articleBody" itemprop="articleBody">')
    H += html_paragraphs(page, st, sub_style="pstrong", caption="table")
    H.append("</div>")
    H.append(share_bar(r))
    H.append(related_aside(r, page, "이 기사와 함께 많이 본 뉴스"))
    H.append(comment_box(r))
    H.append(injected_html(page.inject_bottom))
    H.append(f'</div><div id="footer"><p>등록번호 서울 아{r.randrange(10000, 99999)} | 발행인 {k.person_name(r)}</p>'
             + (f"<p>ⓒ {s.name} All rights reserved.</p>" if page.show_outlet else "") + "</div></div>")
    H.append("</body></html>")
    return H


def h_dongbang(page):
    """Korean CMS (div#article-view-content-div), CP949 declared as euc-kr, 'ul.infomation' with
    입력/수정, view-copyright and view-editors boxes."""
    r, s = page.r, page.site
    st = s.entities
    H = [head(page, charset="euc-kr", title=f"{page.headline} - {s.name}"), "<body>",
         f'<div id="user-wrap"><header id="user-header"><div class="logo"><a href="/">{s.name}</a></div>{nav(r, "nav-menu")}</header>',
         '<div id="user-container"><section class="article-view">',
         '<header class="article-view-header">',
         f'<div class="article-head-title">{esc(page.headline, st)}</div>']
    if page.decks:
        H.append('<h4 class="article-head-sub">' + "<br />".join(esc(d, st) for d in page.decks) + "</h4>")
    H.append('<ul class="infomation">' + (f'<li><i class="icon-user"></i> {names_joined(page.authors)} 기자</li>' if page.authors else "")
             + f'<li><i class="icon-clock"></i> 입력 {d_dot(page.pub)}</li>' + (f"<li>수정 {d_dot(page.mod)}</li>" if page.mod else "")
             + "</ul></header>")
    H.append(injected_html(page.inject_top))
    H.append('<article id="article-view-content-div" class="article-veiw-body view-page font-size17" itemprop="articleBody">')
    H += html_paragraphs(page, st, sub_tag="h3", caption="figure", spacer_p=0.1)
    H.append("</article>")
    if page.show_outlet:
        H.append(f'<div class="view-copyright">저작권자 © {s.name} 무단전재 및 재배포 금지</div>')
    if page.authors:
        H.append('<div class="view-editors">' + "".join(f'<div class="profile"><strong>{a["name"]} 기자</strong> <a href="mailto:{a["email"]}">다른기사 보기</a></div>' for a in page.authors) + "</div>")
    H.append(related_aside(r, page, "관련뉴스"))
    H.append(injected_html(page.inject_bottom))
    H.append(f'</section></div><footer id="user-footer"><p>대표전화 : 02-{r.randrange(200, 999)}-{r.randrange(1000, 9999)}</p></footer></div>')
    H.append("</body></html>")
    return H


def h_saebyeok(page):
    """EUC-KR with a correct meta; <br><br>-separated body in div.article_txt; photo tables;
    Korean AM/PM date; no og tags; '<title>Outlet - headline</title>'."""
    r, s = page.r, page.site
    st = s.entities
    H = ['<html>', '<head>', '<meta http-equiv="Content-Type" content="text/html; charset=euc-kr">',
         f"<title>{s.name} - {esc(page.headline, 'named')}</title>",
         '<script type="text/javascript" src="/js/common.js"></script>', "</head>",
         '<body leftmargin="0" topmargin="0">',
         f'<div id="top"><h1><a href="/"><img src="/images/logo.gif" alt="{s.name}"></a></h1>{nav(r, "menu")}</div>',
         '<div id="content">',
         f'<h2 class="tit">{esc(page.headline, st)}</h2>',
         '<div class="info">' + (f'<span class="writer">{names_joined(page.authors, ", ")} 기자</span> | ' if page.authors else "")
         + f'<span class="date">{d_korean(page.pub)}</span></div>']
    H.append(injected_html(page.inject_top))
    cap = lambda e: f'<table align="center" width="500"><tr><td><img src="/data/{r.randrange(10**5, 10**6)}.jpg" width="500"></td></tr><tr><td class="caption">{e}</td></tr></table>'
    H.append('<div class="article_txt">' + br_runs(page, st, cap) + "</div>")
    H.append(injected_html(page.inject_bottom))
    H.append('<div class="list_btn"><a href="javascript:history.back()">목록</a> <a href="javascript:window.print()">인쇄</a></div>')
    H.append(related_aside(r, page, "많이 본 기사"))
    H.append('<div id="footer">' + (f"Copyright (c) {s.name} All rights reserved." if page.show_outlet else "") + "</div>")
    H.append("</div></body></html>")
    return H


def h_pyeongwha(page):
    """Portal-style div#articleBodyContents: a script first, text runs with <br><br>, photos in
    span.end_photo_org/em.img_desc, trailing byline and copyright runs inside the container."""
    r, s = page.r, page.site
    st = s.entities
    H = [head(page, title=f"{page.headline} : {s.name}", published_meta=False), "<body>",
         f'<div id="wrap"><div id="header">{nav(r)}</div><div class="article_header">',
         f'<h3 id="articleTitle">{esc(page.headline, st)}</h3>',
         f'<div class="sponsor"><span class="t11">기사입력 {d_naver(page.pub)}</span>'
         + (f' <span class="t11">최종수정 {d_naver(page.mod)}</span>' if page.mod else "") + "</div>", "</div>"]
    H.append(injected_html(page.inject_top))
    cap = lambda e: f'<span class="end_photo_org"><img src="https://imgnews.{s.domain}/{r.randrange(10**5, 10**6)}.jpg"><em class="img_desc">{e}</em></span>'
    body = br_runs(page, st, cap, sub_bold=True)
    tail = []
    if page.authors:
        title = "특파원" if page.foreign else "기자"
        tail.append(" ".join(f"{a['name']} {title} {a['email']}" for a in page.authors))
    if page.show_outlet:
        tail.append(f"Copyright ⓒ {s.name}. All rights reserved.")
    H.append('<div id="articleBodyContents" class="_article_body_contents">\n'
             "<!-- 본문 내용 -->\n<script type=\"text/javascript\">\n// flash 오류를 우회하기 위한 함수 추가\nfunction _flash_removeCallback() {}\n</script>\n"
             + body + ("\n<br><br>\n" + "\n<br><br>\n".join(tail) if tail else "") + "\n<!-- // 본문 내용 -->\n</div>")
    H.append(injected_html(page.inject_bottom))
    H.append('<div class="reporter_area">' + (f"<p>{names_joined(page.authors, ', ')} 기자의 기사 더보기</p>" if page.authors else "") + "</div>")
    H.append(related_aside(r, page, "이 언론사 주요 뉴스"))
    H.append(comment_box(r))
    H.append("</div></body></html>")
    return H


def h_gangbyeon(page):
    """UTF-16LE with BOM (meta charset=utf-16); section.news_view with <p>; '등록 …' date and
    <time>; reporter box with a mailto link after the body."""
    r, s = page.r, page.site
    st = s.entities
    H = [head(page, charset="utf-16", title=f"{page.headline} - {s.name}"), "<body>",
         f'<header><div class="logo">{s.name}</div>{nav(r)}</header>', '<div class="wrap">',
         f'<h1 class="news_tit">{esc(page.headline, st)}</h1>']
    for d in page.decks:
        H.append(f'<h2 class="news_sub">{esc(d, st)}</h2>')
    H.append(f'<div class="date">등록 {d_dash(page.pub)} <time datetime="{page.pub_iso}"></time></div>')
    H.append(injected_html(page.inject_top))
    H.append('<section class="news_view">')
    H += html_paragraphs(page, st, sub_tag="h4", caption="p")
    H.append("</section>")
    if page.authors:
        H.append('<div class="reporter">' + ", ".join(f'{a["name"]} 기자 <a href="mailto:{a["email"]}">{a["email"]}</a>' for a in page.authors) + "</div>")
    H.append(share_bar(r))
    H.append(related_aside(r, page))
    H.append(injected_html(page.inject_bottom))
    H.append("<footer>" + (f"<p>저작권자 © {s.name}, 무단 전재 및 재배포 금지</p>" if page.show_outlet else "") + "</footer></div>")
    H.append("</body></html>")
    return H


def h_mirae(page):
    """No semantic tags, ids or meaningful classes: nested anonymous divs; one div per paragraph;
    long link-list sidebars; comment divs; CP949 with no meta charset."""
    r, s = page.r, page.site
    st = s.entities

    def c():
        return f"c{r.randrange(16**3, 16**4):x}"

    H = ["<html><head>", f"<title>{esc(page.headline, 'named')} : {s.name}</title>", "</head><body>",
         f'<div class="{c()}"><div class="{c()}"><div class="{c()}"><a href="/"><img src="/l.png" alt=""></a></div>'
         + "".join(f'<div class="{c()}"><a href="/s/{i}">{x}</a></div>' for i, x in enumerate(r.sample(k.SECTIONS, 8))) + "</div>"]
    H.append(f'<div class="{c()}"><div class="{c()}">')
    side = related_headlines(r, r.randrange(10, 25), page.pub)
    H.append(f'<div class="{c()}">' + "".join(f'<div><a href="/n/{r.randrange(10**5, 10**6)}">{esc(h)}</a></div>' for h in side) + "</div>")
    H.append(f'<div class="{c()}"><div class="{c()}">{esc(page.headline, st)}</div>')
    for d in page.decks:
        H.append(f'<div class="{c()}">{esc(d, st)}</div>')
    H.append(f'<div class="{c()}"><div>' + (f"{names_joined(page.authors, ', ')} 기자" if page.authors else "") + f"</div><div>입력 {d_dot(page.pub)}</div></div>")
    H.append(injected_html(page.inject_top))
    H.append(f'<div class="{c()}"><div class="{c()}">')
    for kind, text in body_plan(page):
        e = esc(text, st)
        if kind == "caption":
            H.append(f'<div class="{c()}"><div><img src="/p/{r.randrange(10**5, 10**6)}.jpg"></div><div>{e}</div></div>')
        else:
            H.append(f"<div>{wrap_source(r, link_company(r, e, page.ctx['company']))}</div>")
    H.append("</div></div>")
    if page.authors:
        H.append(f'<div class="{c()}">' + " ".join(f"{a['name']} 기자 {a['email']}" for a in page.authors) + "</div>")
    H.append(f'<div class="{c()}">' + "".join(f"<div><span>{x}</span></div>" for x in r.sample(k.SHARE, 4)) + "</div>")
    H.append(f'<div class="{c()}">' + "".join(f"<div><div>{n}</div><div>{esc(t)}</div><div>{w}</div></div>" for n, t, w in comments(r, r.randrange(1, 5))) + "</div>")
    H.append(injected_html(page.inject_bottom))
    H.append("</div>")
    side2 = related_headlines(r, r.randrange(10, 20), page.pub)
    H.append(f'<div class="{c()}">' + "".join(f'<div><a href="/n/{r.randrange(10**5, 10**6)}">{esc(h)}</a></div>' for h in side2) + "</div>")
    H.append("</div>")
    H.append(f'<div class="{c()}">' + (f"<div>Copyright ⓒ {s.name} All Rights Reserved</div>" if page.show_outlet else "") + "</div></div>")
    H.append("</body></html>")
    return H


def h_bada(page):
    """Old table layout, CP949 declared as utf-8 (wrong); body in td.view_text as <br>-runs with
    <font>; caption in a nested table; '등록일 : YYYY-MM-DD HH:MM:SS'."""
    r, s = page.r, page.site
    st = s.entities
    H = ['<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">',
         f"<title>{s.name}</title></head>", '<body bgcolor="#ffffff">',
         '<table width="980" border="0" cellspacing="0" cellpadding="0" align="center">',
         f'<tr><td colspan="2"><img src="/img/top_logo.gif" alt=""></td></tr>',
         '<tr><td colspan="2" class="menu">' + " | ".join(f'<a href="/m/{i}">{x}</a>' for i, x in enumerate(r.sample(k.SECTIONS, 7))) + "</td></tr>",
         '<tr><td width="200" valign="top" class="left">'
         + "".join(f'<a href="/b/{r.randrange(1000, 9999)}">{esc(h)}</a><br>' for h in related_headlines(r, r.randrange(8, 16), page.pub))
         + '</td><td width="780" valign="top">',
         '<table width="100%"><tr>' + f'<td class="view_title"><font size="4"><b>{esc(page.headline, st)}</b></font></td></tr>',
         f'<tr><td class="view_date">등록일 : {d_dash_sec(page.pub)}'
         + (f" &nbsp;|&nbsp; {names_joined(page.authors, ', ')} 기자" if page.authors else "") + "</td></tr>"]
    if page.inject_top:
        H.append('<tr><td>' + injected_html(page.inject_top) + "</td></tr>")
    cap = lambda e: f'</font><table align="center"><tr><td align="center"><img src="/up/{r.randrange(10**5, 10**6)}.jpg"></td></tr><tr><td align="center">{e}</td></tr></table><font size="3">'
    body = br_runs(page, st, cap, sub_bold=True, sep="<br>\n<br>")
    H.append(f'<tr><td class="view_text" style="line-height:180%"><font size="3">{body}</font></td></tr>')
    if page.authors:
        H.append("<tr><td>" + " ".join(f"{a['name']} 기자 ({a['email']})" for a in page.authors) + "</td></tr>")
    if page.inject_bottom:
        H.append('<tr><td>' + injected_html(page.inject_bottom) + "</td></tr>")
    H.append("</table></td></tr>")
    H.append('<tr><td colspan="2" class="copy">' + (f"Copyright ⓒ {s.name}. All rights reserved." if page.show_outlet else "&nbsp;") + "</td></tr>")
    H.append("</table></body></html>")
    return H


def h_eunha(page):
    """JSON-LD is the only metadata (no og); div.story-body; ad slots with scripts between
    paragraphs; the same <time datetime> twice."""
    r, s = page.r, page.site
    st = s.entities
    H = [head(page, og=False, jsonld=True, published_meta=False, title=f"{page.headline} | {s.name}"), "<body>",
         f'<div class="page"><div class="topbar"><span class="brand">{s.name}</span>{nav(r)}</div>',
         '<div class="story">', f'<h1 class="story-title">{esc(page.headline, st)}</h1>']
    for d in page.decks:
        H.append(f'<p class="story-summary">{esc(d, st)}</p>')
    H.append('<div class="story-meta">' + (f'<span class="by">{names_joined(page.authors, ", ")} 기자</span>' if page.authors else "")
             + f' <time datetime="{page.pub_iso}">{d_dot(page.pub)}</time></div>')
    H.append(injected_html(page.inject_top))
    H.append('<div class="story-body">')
    paras = html_paragraphs(page, st, sub_tag="h2", caption="div")
    for i, p in enumerate(paras):
        H.append(p)
        if i in (1, 4, 8) and i < len(paras) - 1:
            H.append(f'<div class="ad-slot" data-slot="mid{i}"><script>googletag.cmd.push(function(){{googletag.display("mid{i}");}});</script><span class="ad-label">AD</span></div>')
    H.append("</div>")
    H.append(f'<div class="story-foot"><time datetime="{page.pub_iso}">{d_dot(page.pub)}</time> {share_bar(r)}</div>')
    H.append(related_aside(r, page, "추천 기사"))
    H.append(injected_html(page.inject_bottom))
    H.append('</div><div class="footer">' + (f"© {s.name}" if page.show_outlet and r.random() < 0.5 else "") + "</div></div>")
    H.append("</body></html>")
    return H


def h_byeolbit(page):
    """Magazine: <article class="post"> with h2 sub-headings, blockquote and <ul> of sentences in
    the body, inline ads and an inline related box inside the article, '글: NAME 기자', date only."""
    r, s = page.r, page.site
    st = s.entities
    H = [head(page, title=f"{page.headline} - {s.name}"), "<body>",
         f'<header><a href="/" class="logo">{s.name}</a>{nav(r)}</header>', "<main>", '<article class="post">',
         f'<h1 class="post-title">{esc(page.headline, st)}</h1>']
    for d in page.decks:
        H.append(f'<p class="post-deck">{esc(d, st)}</p>')
    H.append('<div class="post-meta">' + (f'<span class="author">글: {names_joined(page.authors, ", ")} 기자</span> ' if page.authors else "")
             + f'<span class="date">{d_korean_date(page.pub)}</span></div>')
    H.append(injected_html(page.inject_top))
    H.append('<div class="post-content">')
    paras = html_paragraphs(page, st, sub_tag="h2", caption="figure")
    for i, p in enumerate(paras):
        H.append(p)
        if i == 2 and len(paras) > 5:
            H.append('<div class="ad-inline">광고</div><ins class="adsbygoogle" data-ad-client="ca-pub-0000"></ins>')
        if i == 3 and len(paras) > 6:
            rel = related_headlines(r, 3, page.pub)
            H.append('<aside class="related-inline"><strong>함께 읽으면 좋은 기사</strong><ul>' + "".join(f'<li><a href="/p/{r.randrange(1000, 9999)}">{esc(h)}</a></li>' for h in rel) + "</ul></aside>")
    H.append("</div>")
    H.append('<div class="tags">' + " ".join(f"#{x}" for x in r.sample(k.MARKETS, 4)) + "</div>")
    H.append("</article>")
    H.append(related_aside(r, page, "인기 기사"))
    H.append(injected_html(page.inject_bottom))
    H.append("</main><footer>" + (f"<p>Copyright ⓒ {s.name}. All rights reserved.</p>" if page.show_outlet else "") + "</footer>")
    H.append("</body></html>")
    return H


def h_pureun(page):
    """Portal-style div#newsEndContents: deck in <strong> inside the container (<br>-separated),
    text runs with <br>, photos with em.img_desc, numeric entities, byline div after the body,
    data-date-time attributes, comment box."""
    r, s = page.r, page.site
    st = s.entities
    H = [head(page, title=f"{page.headline} - {s.name}"), "<body>", f'<div id="ct">{nav(r)}',
         f'<div class="media_end_head"><h2 class="media_end_head_headline">{esc(page.headline, st)}</h2>',
         f'<div class="media_end_head_info"><span>입력</span><span class="datestamp" data-date-time="{d_dash_sec(page.pub)}">{d_naver(page.pub)}</span>'
         + (f'<span>수정</span><span class="datestamp" data-modify-date-time="{d_dash_sec(page.mod)}">{d_naver(page.mod)}</span>' if page.mod else "")
         + "</div></div>"]
    H.append(injected_html(page.inject_top))
    cap = lambda e: f'<span class="end_photo_org"><img src="/p/{r.randrange(10**5, 10**6)}.jpg"><em class="img_desc">{e}</em></span>'
    deck = ('<strong class="media_end_summary">' + "<br>".join(esc(d, st) for d in page.decks) + "</strong><br><br>\n") if page.decks else ""
    H.append('<div id="newsEndContents" class="newsct_article">' + deck + br_runs(page, st, cap, sub_bold=False, sep="<br><br>") + "</div>")
    if page.authors:
        H.append('<div class="byline">' + "".join(f"<p>{a['name']} 기자 ({a['email']})</p>" for a in page.authors) + "</div>")
    if page.show_outlet:
        H.append(f'<div class="copyright"><p>Copyright ⓒ {s.name}. All rights reserved.</p></div>')
    H.append(injected_html(page.inject_bottom))
    H.append('<div class="u_cbox">' + comment_box(r) + "</div>")
    H.append(related_aside(r, page, "언론사 PICK"))
    H.append("</div></body></html>")
    return H


def h_solnae(page):
    """Regional CMS: div.view_con with <p>, centred image <p> then '▲ caption' <p>, &nbsp; spacer
    paragraphs, a hidden SEO-spam div inside the body container on some pages, copyright <p>
    inside the container, '승인 …' date."""
    r, s = page.r, page.site
    st = s.entities
    H = [head(page, title=f"{page.headline} - {s.name}"), "<body>", f'<div id="header"><a href="/">{s.name}</a>{nav(r)}</div>',
         '<div id="contents">', f'<div class="view_title"><h3>{esc(page.headline, st)}</h3>']
    if page.decks:
        H.append('<p class="sub">' + "<br>".join(esc(d, st) for d in page.decks) + "</p>")
    H.append('<p class="date">' + (f"{names_joined(page.authors, ', ')} 기자 | " if page.authors else "") + f"승인 {d_dot(page.pub)}</p></div>")
    H.append('<div class="view_con">')
    if page.inject_top:
        H.append(injected_html(page.inject_top, "hidden"))
    H += html_paragraphs(page, st, sub_style="pstrong", caption="p", spacer_p=0.25)
    if page.authors:
        H.append("<p>" + ", ".join(f"{a['name']} 기자 {a['email']}" for a in page.authors) + "</p>")
    if page.show_outlet:
        H.append(f"<p>&lt;저작권자 © {s.name} 무단전재 및 재배포금지&gt;</p>")
    if page.inject_bottom:
        H.append(injected_html(page.inject_bottom, "hidden"))
    H.append("</div>")
    H.append(related_aside(r, page))
    H.append(comment_box(r))
    H.append("</div></body></html>")
    return H


# --- the sites ----------------------------------------------------------------------------


class Site:
    def __init__(self, slug, name, domain, fmt, encoding, render, *, date_only=False, no_date=False,
                 seconds=False, prefix=None, entities="min", masthead=None, spam_inject=0.08,
                 outlet_p=1.0, mod_p=0.3, decks=(0, 3), captions=(0, 2), cp949_extension=False,
                 kinds=("p", "sub")):
        self.slug, self.name, self.domain, self.format, self.encoding = slug, name, domain, fmt, encoding
        self.render = render
        self.date_only, self.no_date, self.seconds = date_only, no_date, seconds
        self.prefix = prefix  # None | 'eq' '[Outlet=NAME 기자] ' | 'outlet' '[Outlet] ' | 'agency' | 'space'
        self.entities, self.masthead = entities, masthead
        self.spam_inject, self.outlet_p, self.mod_p = spam_inject, outlet_p, mod_p
        self.decks, self.captions = decks, captions
        self.cp949_extension = cp949_extension
        self.kinds = kinds
        self.ext = "html" if fmt == "html" else "txt"


SITES = [
    # plain text (browser copies)
    Site("hanul", "한울뉴스", "hanulnews.co.kr", "txt", "UTF-8", t_hanul, prefix="eq"),
    Site("bizon", "비즈온", "bizon.co.kr", "txt", "UTF-8", t_bizon, prefix="outlet", seconds=True, masthead="BIZON", decks=(0, 0), captions=(1, 2)),
    Site("mideum", "믿음일보", "mideumilbo.com", "txt", "UTF-8", t_mideum, decks=(0, 1), captions=(0, 0)),
    Site("gaon", "가온경제", "gaoneco.co.kr", "txt", "CP949", t_gaon, spam_inject=0.45, decks=(1, 3), cp949_extension=True),
    Site("newsone", "뉴스원", "newsone.co.kr", "txt", "UTF-8", t_newsone, prefix="agency", decks=(0, 0), captions=(0, 0)),
    Site("saeul", "새울신문", "saeul.kr", "txt", "CP949", t_saeul, cp949_extension=True),
    Site("haneul", "하늘타임스", "haneultimes.com", "txt", "EUC-KR", t_haneul, prefix="agency", decks=(0, 0), captions=(0, 1)),
    Site("baram", "바람일보", "baramilbo.co.kr", "txt", "UTF-16LE", t_baram),
    Site("dasom", "다솜뉴스", "dasomnews.com", "txt", "UTF-8", t_dasom, seconds=True, decks=(0, 0)),
    Site("sori", "소리매거진", "sorimag.kr", "txt", "UTF-8", t_sori, no_date=True, outlet_p=0.6),
    Site("jangteo", "장터신문", "jangteo.co.kr", "txt", "CP949", t_jangteo, date_only=True, cp949_extension=True),
    Site("ieum", "이음뉴스", "ieumnews.kr", "txt", "UTF-8", t_ieum, prefix="space"),
    # HTML
    Site("hanbit", "한빛일보", "hanbitilbo.co.kr", "html", "UTF-8", h_hanbit, entities="named"),
    Site("nuri", "누리뉴스", "nurinews.co.kr", "html", "UTF-8", h_nuri, prefix="eq", entities="named", seconds=True),
    Site("dongbang", "동방경제", "dongbangeco.co.kr", "html", "CP949", h_dongbang, entities="numeric", cp949_extension=True),
    Site("saebyeok", "새벽신문", "saebyeok.kr", "html", "EUC-KR", h_saebyeok, decks=(0, 0)),
    Site("pyeongwha", "평화일보", "pyeongwha.com", "html", "UTF-8", h_pyeongwha, prefix="agency", decks=(0, 0)),
    Site("gangbyeon", "강변뉴스", "gangbyeon.co.kr", "html", "UTF-16LE", h_gangbyeon, entities="named"),
    Site("mirae", "미래일보", "miraeilbo.co.kr", "html", "CP949", h_mirae, cp949_extension=True),
    Site("bada", "바다신문", "badanews.co.kr", "html", "CP949", h_bada, seconds=True, decks=(0, 0)),
    Site("eunha", "은하데일리", "eunhadaily.com", "html", "UTF-8", h_eunha, entities="numeric"),
    Site("byeolbit", "별빛매거진", "byeolbitmag.com", "html", "UTF-8", h_byeolbit, date_only=True, kinds=("p", "sub", "quote", "li")),
    Site("pureun", "푸른일보", "pureunilbo.com", "html", "UTF-8", h_pureun, entities="numeric", prefix="outlet"),
    Site("solnae", "솔내뉴스", "solnaenews.co.kr", "html", "UTF-8", h_solnae, entities="named", spam_inject=0.3),
]
