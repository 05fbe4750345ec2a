"""Markup-heavy article pages for `make bench-web` (harness/benchmarks/web.py times and scores them).

Each page is a UTF-8 news or blog article of about page_kb KB (0.9x-1.1x), made
the way real CMS output is heavy: a big inline <style>, inline and JSON <script> blocks (one
family repeats the article in a __NEXT_DATA__-style state blob), an inline SVG icon sprite
and icons in share bars, mega-menus, 6-14 levels of wrapper <div>s, HTML comments, ad slots,
related-post grids, a comment thread, sidebars and a long footer. The article body is 3-8 KB
of text (paragraphs, sub-headings, sometimes a list). Four page families (WordPress-like,
news CMS, anonymous div soup, React-app class soup) and eight languages (en, de, fr, es, ru,
ko, ja, zh) vary per page. Everything comes from random.Random(seed, page), so the same
--seed/--pages/--page-kb give byte-identical pages. They are written to bench-data/web/pages/
(git-ignored); bench-data/web/stamp.json records the parameters and the pages are reused while
it matches.

Beside pages/, manifest.jsonl holds one line per page in the shape of the hand-written
fixtures (Tests/winnowTests/Fixtures/web/*.expected.json) plus "id": the body lines, title,
published and authors: what the bench scores a run's output against.

Each language has a small word list of its own (the pages' Korean is one of eight languages;
the Korean news pages of the eval set come from harness/corpus/korean.py). Standard library only.
"""

import html
import json
import random
import shutil
import time

from harness import common
from harness.common import MB, logger

GENERATOR_VERSION = 1


log = logger("web_bench")  # the bench's name: its lines read as before


# --- vocabulary --------------------------------------------------------------------------------
# Small word lists per language; sentences are random but sentence-shaped (capital, commas,
# a full stop, a quotation now and then), which is what an extractor's prose tests look at.

WORDS = {
    "en": """the council said new plan would change how residents travel between town centre and
        station after years of delays while local businesses hoped visitors return to streets
        in summer because prices rose sharply last winter many families already pay more for
        energy and rent than they expected when the project first began officials admitted
        that schools hospitals roads and buses needed investment before any decision could be
        made about housing near river where flooding remains serious concern for older people
        living alone volunteers helped clear gardens on saturday morning despite heavy rain and
        wind warnings issued by forecasters who expect another storm early next week""".split(),
    "de": """die stadt hat am montag einen neuen plan für den verkehr in der innenstadt
        vorgestellt nach jahren der verzögerung hoffen viele händler dass wieder mehr besucher
        kommen weil die preise im winter stark gestiegen sind zahlen familien heute mehr für
        energie und miete als erwartet der gemeinderat will im herbst entscheiden ob die
        straßenbahn bis zum neuen wohngebiet verlängert wird anwohner befürchten lärm und
        baustellen über mehrere jahre während die verwaltung auf bessere verbindungen setzt""".split(),
    "fr": """la mairie a présenté lundi un nouveau plan pour les transports du centre ville
        après plusieurs années de retard les commerçants espèrent le retour des visiteurs
        parce que les prix ont fortement augmenté cet hiver beaucoup de familles paient
        davantage pour l'énergie et le loyer le conseil municipal doit décider à l'automne si
        la ligne de tramway sera prolongée jusqu'au nouveau quartier les habitants craignent
        le bruit des travaux tandis que la commune mise sur de meilleures liaisons""".split(),
    "es": """el ayuntamiento presentó el lunes un nuevo plan para el transporte del centro de
        la ciudad tras varios años de retraso los comerciantes esperan que vuelvan los
        visitantes porque los precios subieron mucho durante el invierno muchas familias pagan
        más por la energía y el alquiler el pleno decidirá en otoño si la línea de tranvía
        llegará hasta el nuevo barrio los vecinos temen el ruido de las obras mientras el
        consistorio confía en mejorar las conexiones con los pueblos cercanos""".split(),
    "ru": """в понедельник администрация города представила новый план развития транспорта в
        центре после нескольких лет задержек местные предприниматели надеются что туристы
        вернутся потому что цены зимой сильно выросли многие семьи платят за отопление и
        аренду больше чем ожидали депутаты решат осенью продлят ли трамвайную линию до
        нового района жители опасаются шума и многолетней стройки а чиновники обещают
        удобные пересадки и новые остановки рядом со школами""".split(),
    "ko": """시는 월요일 도심 교통 체계를 바꾸는 새 계획을 발표했다 수년간 지연된 사업이
        다시 속도를 내면서 상인들은 방문객이 늘어날 것으로 기대하고 있다 겨울 동안 물가가
        크게 올라 많은 가정이 난방비와 임대료 부담을 호소했다 시의회는 가을에 노면전차 노선을
        새 주거 단지까지 연장할지 결정할 예정이다 주민들은 공사 소음과 교통 혼잡을 우려하고
        있으며 시는 학교와 병원 주변 정류장을 늘리겠다고 밝혔다""".split(),
    "ja": """市は 月曜日 中心部の 交通 計画を 発表した 数年 遅れていた 事業が 動き出し
        商店街は 観光客の 回復に 期待を 寄せている 冬の 間に 物価が 大きく 上がり 多くの
        家庭が 光熱費や 家賃の 負担を 訴えている 市議会は 秋に 路面電車の 延伸を 判断する
        予定で 住民は 工事の 騒音を 心配している 市は 学校や 病院の 近くに 停留所を
        増やす 方針だ""".split(),
    "zh": """市政府 周一 公布了 城区 交通 新方案 这项 推迟 多年的 工程 重新 启动 商户们
        期待 游客 回流 冬季 物价 明显 上涨 许多 家庭 反映 取暖费 和 房租 负担 加重 市人大
        将在 秋季 决定 是否 把 有轨电车 延伸到 新区 居民 担心 施工 噪音 和 交通 拥堵
        政府 表示 将在 学校 和 医院 附近 增设 站点""".split(),
}
NAMES = {
    "en": ["Helen Marsh", "Tom Fahy", "Priya Raman", "James Holloway", "Aoife Kelly", "Daniel Okafor"],
    "de": ["Katrin Vogel", "Jonas Brandt", "Miriam Scholz", "Tobias Engel"],
    "fr": ["Claire Morvan", "Julien Le Bras", "Sophie Garnier", "Yann Kervella"],
    "es": ["Lucía Morales", "Javier Ortega", "Elena Ruiz", "Pablo Serrano"],
    "ru": ["Ольга Сафронова", "Игорь Белов", "Анна Кузнецова", "Дмитрий Орлов"],
    "ko": ["박지훈", "정수민", "김하늘", "이서준"],
    "ja": ["佐藤美咲", "高橋健太", "山本彩", "中村翔"],
    "zh": ["陈晓雯", "王磊", "刘婷", "张伟"],
}
UI = {  # (read also, advertisement, comments, related, share, most read)
    "en": ("Read more", "Advertisement", "Comments", "Related stories", "Share", "Most read"),
    "de": ("Lesen Sie auch", "Anzeige", "Kommentare", "Mehr zum Thema", "Teilen", "Meistgelesen"),
    "fr": ("À lire aussi", "Publicité", "Commentaires", "Sur le même sujet", "Partager", "Les plus lus"),
    "es": ("Lee también", "Publicidad", "Comentarios", "Noticias relacionadas", "Compartir", "Lo más leído"),
    "ru": ("Читайте также", "Реклама", "Комментарии", "По теме", "Поделиться", "Самое читаемое"),
    "ko": ("관련기사", "광고", "댓글", "함께 볼 기사", "공유하기", "많이 본 뉴스"),
    "ja": ("あわせて読みたい", "広告", "コメント", "関連記事", "シェア", "アクセスランキング"),
    "zh": ("相关阅读", "广告", "网友评论", "相关新闻", "分享到", "热点排行"),
}
LANGS = ["en"] * 8 + ["de"] * 2 + ["fr"] * 2 + ["es"] * 2 + ["ru"] * 2 + ["ko"] * 2 + ["ja"] + ["zh"]
NO_SPACES = {"ja", "zh"}
ZONES = ["+00:00", "+01:00", "+02:00", "-03:00", "-05:00", "+03:00", "+08:00", "+09:00"]


def sentence(rng, lang, low=8, high=22):
    words = [rng.choice(WORDS[lang]) for _ in range(rng.randint(low, high))]
    if lang in NO_SPACES:
        for i in range(3, len(words) - 2, rng.randint(4, 7)):
            words[i] += "、" if lang == "ja" else "，"
        return "".join(words) + "。"
    if lang == "ko":
        return " ".join(words) + "다."
    for i in range(4, len(words) - 3, rng.randint(5, 9)):
        words[i] += ","
    text = " ".join(words)
    text = text[0].upper() + text[1:] + "."
    if rng.random() < 0.12:
        name = rng.choice(NAMES[lang])
        text = f"“{text[:-1]},” {name} said." if lang == "en" else f"«{text}» — {name}."
    return text


def paragraph(rng, lang):
    return " ".join(sentence(rng, lang) for _ in range(rng.randint(2, 5))).replace("。 ", "。")


def heading(rng, lang):
    return sentence(rng, lang, 3, 6).rstrip(".。다")


def ident(rng, length=None):
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(length or rng.randint(3, 9)))


def esc(text):
    return html.escape(text, quote=False)


def attr(text):
    return html.escape(text, quote=True)


# --- heavy parts ---------------------------------------------------------------------------------


def css(rng, size):
    props = ["display:flex", "display:block", "margin:0", "padding:0 16px", "color:#222",
             "background:#fff", "font-size:14px", "line-height:1.5", "position:relative",
             "border-bottom:1px solid #e5e5e5", "grid-template-columns:repeat(3,1fr)",
             "transition:opacity .2s ease-in-out", "font-family:-apple-system,BlinkMacSystemFont,sans-serif",
             "box-shadow:0 2px 8px rgba(0,0,0,.12)", "align-items:center", "gap:12px", "z-index:10"]
    out, total = [], 0
    while total < size:
        selector = "." + ident(rng) + rng.choice(["", "__" + ident(rng), "--" + ident(rng), " > ." + ident(rng), ":hover"])
        rule = selector + "{" + ";".join(rng.sample(props, rng.randint(2, 6))) + "}"
        if rng.random() < 0.05:
            rule = "@media (max-width:" + str(rng.choice([480, 768, 1024])) + "px){" + rule + "}"
        out.append(rule)
        total += len(rule)
    return "".join(out)


def minified_js(rng, size):
    out, total = [], 0
    while total < size:
        names = [ident(rng, rng.randint(1, 2)) for _ in range(4)]
        chunk = (f"function {ident(rng)}({names[0]},{names[1]}){{var {names[2]}={names[0]}.{ident(rng)}||[];"
                 f"for(var {names[3]}=0;{names[3]}<{names[2]}.length;{names[3]}++){{if({names[2]}[{names[3]}]==="
                 f"\"{ident(rng)}\")return {names[1]}({names[2]}[{names[3]}],{rng.randint(0, 999)});}}"
                 f"return {names[0]}&&{names[0]}.{ident(rng)}?{names[0]}.{ident(rng)}(\"{ident(rng)}\"):null}}")
        out.append(chunk)
        total += len(chunk)
    return "!function(){" + "".join(out) + "}();"


def json_state(rng, size, body_lines=None):
    items, total = [], 0
    while total < size:
        item = {"id": rng.randint(10000, 99999), "slug": "-".join(ident(rng) for _ in range(4)),
                "flags": [ident(rng) for _ in range(rng.randint(1, 4))], "score": round(rng.random(), 4),
                "image": {"src": f"https://img.example/{ident(rng, 12)}.jpg", "w": 1200, "h": 675}}
        items.append(item)
        total += len(json.dumps(item))
    state = {"props": {"pageProps": {"teasers": items}}, "buildId": ident(rng, 20)}
    if body_lines:
        state["props"]["pageProps"]["article"] = {"body": [{"type": "paragraph", "text": line} for line in body_lines]}
    # As frameworks do: < > & escaped so the JSON is safe inside <script>.
    return json.dumps(state, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def svg_path(rng):
    x, y = rng.randint(0, 24), rng.randint(0, 24)
    parts = [f"M{x}.{rng.randint(0, 99)} {y}.{rng.randint(0, 99)}"]
    for _ in range(rng.randint(6, 18)):
        parts.append(f"{rng.choice('lLcCqQhHvV')}{rng.uniform(-12, 12):.2f} {rng.uniform(-12, 12):.2f}")
    return "".join(parts) + "z"


def svg_sprite(rng, size):
    symbols, total = [], 0
    while total < size:
        paths = "".join(f'<path d="{svg_path(rng)}"/>' for _ in range(rng.randint(1, 3)))
        symbols.append(f'<symbol id="icon-{ident(rng)}" viewBox="0 0 24 24"><title>{ident(rng)}</title>{paths}</symbol>')
        total += len(symbols[-1])
    return '<svg xmlns="http://www.w3.org/2000/svg" style="display:none" aria-hidden="true">' + "".join(symbols) + "</svg>"


def icon(rng):
    return (f'<svg class="icon icon-{ident(rng)}" width="20" height="20" viewBox="0 0 24 24" aria-hidden="true">'
            f'<path fill="currentColor" d="{svg_path(rng)}"/></svg>')


def link_list(rng, lang, count, cls="menu"):
    return (f'<ul class="{cls}">' + "".join(
        f'<li class="{cls}__item"><a href="/{ident(rng)}/{ident(rng)}-{rng.randint(1000, 99999)}">{esc(heading(rng, lang))}</a></li>'
        for _ in range(count)) + "</ul>")


def mega_menu(rng, lang):
    sections = []
    for _ in range(rng.randint(6, 10)):
        sub = "".join(f'<li><a href="/{ident(rng)}/{ident(rng)}">{esc(rng.choice(WORDS[lang]).capitalize())}</a></li>'
                      for _ in range(rng.randint(6, 14)))
        sections.append(f'<li class="nav__item has-children"><a href="/{ident(rng)}/">{esc(rng.choice(WORDS[lang]).capitalize())}</a>'
                        f'<div class="nav__dropdown"><div class="nav__dropdown-inner"><ul class="nav__sub">{sub}</ul></div></div></li>')
    return f'<nav class="nav nav--primary" aria-label="Main"><ul class="nav__list">{"".join(sections)}</ul></nav>'


def card_rail(rng, lang, size):
    """A "more stories" rail: element-dense cards (nested divs, picture, icons, time)."""
    cards, total = [], 0
    while total < size:
        slug = f"/{ident(rng)}/{ident(rng)}-{rng.randint(1000, 99999)}"
        image = ident(rng, 12)
        card = (f'<div class="card card--{rng.choice(["small", "medium", "wide"])}"><div class="card__inner"><a class="card__link" href="{slug}">'
                f'<div class="card__media"><picture><source type="image/avif" srcset="/i/{image}-320.avif 320w, /i/{image}-640.avif 640w">'
                f'<source type="image/webp" srcset="/i/{image}-320.webp 320w, /i/{image}-640.webp 640w">'
                f'<img src="/i/{image}-640.jpg" alt="" width="640" height="360" loading="lazy" decoding="async"></picture></div>'
                f'<div class="card__body"><div class="card__kicker"><span>{esc(rng.choice(WORDS[lang]))}</span></div>'
                f'<h3 class="card__title"><span>{esc(heading(rng, lang))}</span></h3></div></a>'
                f'<div class="card__meta"><span class="card__icon">{icon(rng)}</span><time datetime="2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}">'
                f'{rng.randint(1, 23)}h</time><button class="card__save" aria-label="save">{icon(rng)}</button></div></div></div>\n'
                f"<!-- /card -->")
        cards.append(card)
        total += len(card.encode())
    return f'<section class="rail rail--more"><h2 class="rail__title">{esc(heading(rng, lang))}</h2><div class="rail__grid">{"".join(cards)}</div></section>'


def comments(rng, lang, count):
    def one(depth):
        paras = "".join(f"<p>{esc(sentence(rng, lang, 6, 20))}</p>" for _ in range(rng.randint(1, 3)))
        replies = ""
        if depth < 3 and rng.random() < 0.3:
            replies = '<ol class="children">' + "".join(one(depth + 1) for _ in range(rng.randint(1, 2))) + "</ol>"
        when = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z"
        return (f'<li class="comment depth-{depth}" id="comment-{rng.randint(1000, 999999)}"><article class="comment-body">'
                f'<footer class="comment-meta"><div class="comment-author vcard"><img class="avatar" src="/avatar/{ident(rng)}.png" alt="" width="40" height="40">'
                f'<b class="fn">{esc(ident(rng).capitalize())}{rng.randint(1, 99)}</b></div>'
                f'<div class="comment-metadata"><time datetime="{when}">{when[:10]}</time></div></footer>'
                f'<div class="comment-content">{paras}</div><div class="reply"><a class="comment-reply-link" href="#">Reply</a></div>'
                f"</article>{replies}</li>")
    return (f'<section id="comments" class="comments-area"><h2 class="comments-title">{esc(UI[lang][2])} ({count})</h2>'
            f'<ol class="comment-list">{"".join(one(1) for _ in range(count))}</ol>'
            f'<form class="comment-form" method="post"><textarea name="comment"></textarea><button>{esc(UI[lang][2])}</button></form></section>')


def footer(rng, lang):
    cols = "".join(f'<div class="footer__col"><h3>{esc(heading(rng, lang))}</h3>{link_list(rng, lang, rng.randint(6, 12), "footer__links")}</div>'
                   for _ in range(rng.randint(3, 6)))
    return (f'<footer class="site-footer"><!-- footer --><div class="footer__cols">{cols}</div>'
            f'<p class="footer__about">{esc(paragraph(rng, lang))}</p>'
            f'<p class="footer__copy">© {rng.randint(1998, 2024)} {esc(ident(rng).capitalize())} Media</p></footer>')


# --- one page ------------------------------------------------------------------------------------


def make_body(rng, lang, target):
    """[(kind, text)] with kind p, h2 or li; the text is at least `target` UTF-8 bytes."""
    blocks, total = [], 0
    while total < target:
        if blocks and rng.random() < 0.12:
            blocks.append(("h2", heading(rng, lang)))
        elif blocks and rng.random() < 0.05:
            for _ in range(rng.randint(3, 5)):
                blocks.append(("li", sentence(rng, lang, 5, 12)))
        blocks.append(("p", paragraph(rng, lang)))
        total = sum(len(text.encode()) for _, text in blocks)
    return blocks


def inline_markup(rng, text, lang):
    """Wraps a few words in <a>/<em>/<strong>; the text content stays `text`."""
    if lang in NO_SPACES or rng.random() < 0.4:
        return esc(text)
    words = text.split(" ")
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(words))
        tag = rng.choice(["a", "em", "strong"])
        open_tag = f'<a href="/{ident(rng)}/{ident(rng)}">' if tag == "a" else f"<{tag}>"
        words[i] = f"{open_tag}{esc(words[i])}</{tag}>" if "<" not in words[i] else words[i]
    return " ".join(w if "<" in w else esc(w) for w in words)


def body_html(rng, lang, blocks, family):
    out, in_list = [], False
    inserted_related = inserted_ad = False
    for index, (kind, text) in enumerate(blocks):
        if kind != "li" and in_list:
            out.append("</ul>")
            in_list = False
        if kind == "li":
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append(f"<li>{esc(text)}</li>")
            continue
        if kind == "h2":
            out.append(f"<h2>{esc(text)}</h2>" if family != "soup" else f'<div class="{ident(rng)}"><b>{esc(text)}</b></div>')
            continue
        content = inline_markup(rng, text, lang)
        if family == "soup":
            # Hard-wrapped source lines, as hand-edited or templated HTML often is.
            if lang not in NO_SPACES:
                words = content.split(" ")
                content = "\n        ".join(" ".join(words[i:i + 12]) for i in range(0, len(words), 12))
            out.append(f"<div>{content}</div>")
        else:
            out.append(f"<p>{content}</p>")
        # The div-soup family gets the same inserts without telling class names or tags.
        soup = family == "soup"
        if not inserted_related and index >= 2:
            out.append(f'<div class="{ident(rng, 3)}"><a href="/{ident(rng)}/">{esc(UI[lang][0])}: {esc(heading(rng, lang))}</a></div>' if soup else
                       f'<aside class="related-inline"><span>{esc(UI[lang][0])}</span> <a href="/{ident(rng)}/">{esc(heading(rng, lang))}</a></aside>')
            inserted_related = True
        elif not inserted_ad and index >= 4:
            out.append(f'<div class="{ident(rng, 3)}"><div style="font-size:11px;color:#999">{esc(UI[lang][1])}</div><div id="{ident(rng, 8)}"></div></div>' if soup else
                       f'<div class="ad ad--inarticle" data-slot="{ident(rng)}"><!-- ad slot --><span class="ad__label">{esc(UI[lang][1])}</span><div id="div-gpt-ad-{rng.randint(100, 999)}"></div></div>')
            inserted_ad = True
        if index == 1:
            caption = esc(sentence(rng, lang, 5, 10))
            out.append(f'<div><img src="/media/{ident(rng, 10)}.jpg" width="1024" height="576" alt=""><div class="{ident(rng, 3)}">{caption}</div></div>' if soup else
                       f'<figure class="wp-block-image"><img src="/media/{ident(rng, 10)}.jpg" width="1024" height="576" alt="">'
                       f"<figcaption>{caption}</figcaption></figure>")
    if in_list:
        out.append("</ul>")
    return "\n".join(out)


def wrap(rng, inner, depth):
    for _ in range(depth):
        cls = rng.choice(["", f' class="{ident(rng)}"', f' class="{ident(rng)} {ident(rng)}"', f' class="css-{ident(rng, 6)}"'])
        inner = f"<div{cls}>{inner}</div>"
    return inner


def make_page(seed, index, page_kb):
    rng = random.Random(seed * 1_000_003 + index)
    lang = rng.choice(LANGS)
    family = rng.choice(["wp", "news", "soup", "app"])
    title = heading(rng, lang)
    site = ident(rng).capitalize() + " " + rng.choice(["Times", "Post", "Herald", "Daily", "Journal", "Blog"])
    authors = rng.sample(NAMES[lang], rng.choice([1, 1, 1, 2]))
    zone = rng.choice(ZONES)
    published = (f"{rng.randint(2019, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                 f"T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}{zone}")
    blocks = make_body(rng, lang, rng.randint(3000, 8000))
    lines = [text for _, text in blocks]
    target = int(page_kb * 1024 * rng.uniform(0.9, 1.1))

    byline = " · ".join(f'<a rel="author" href="/author/{ident(rng)}">{esc(name)}</a>' for name in authors)
    share = (f'<div class="share-bar"><span>{esc(UI[lang][4])}</span>'
             + "".join(f'<a class="share-bar__{ident(rng)}" href="#">{icon(rng)}<span class="sr-only">{ident(rng)}</span></a>' for _ in range(5))
             + "</div>")
    article_header = (f'<header class="entry-header"><a class="kicker" href="/{ident(rng)}/">{esc(rng.choice(WORDS[lang]))}</a>'
                      f'<h1 class="entry-title">{esc(title)}</h1><p class="deck">{esc(sentence(rng, lang, 6, 12))}</p>'
                      f'<div class="byline">{byline} <time datetime="{published}">{published[:10]}</time></div>{share}</header>')
    if family == "soup":
        article_header = (f'<div class="{ident(rng)}"><div style="font-size:30px;font-weight:700">{esc(title)}</div>'
                          f'<div>{byline} · {published[:10]}</div></div>')
    body = body_html(rng, lang, blocks, family)
    tags = "".join(f'<a rel="tag" href="/tag/{ident(rng)}">{esc(rng.choice(WORDS[lang]))}</a>' for _ in range(rng.randint(3, 7)))
    author_box = (f'<div class="author-box"><img src="/a/{ident(rng)}.jpg" alt="" width="64" height="64"><p class="author-box__name">{esc(authors[0])}</p>'
                  f'<p class="author-box__bio">{esc(sentence(rng, lang, 8, 16))}</p></div>')
    related = (f'<section class="related"><h2>{esc(UI[lang][3])}</h2><div class="related__grid">'
               + "".join(f'<article class="card"><a href="/{ident(rng)}/{rng.randint(1000, 99999)}"><img src="/t/{ident(rng, 10)}.jpg" alt="" loading="lazy">'
                         f'<h3 class="card__title">{esc(heading(rng, lang))}</h3></a><time datetime="2024-01-{rng.randint(1, 28):02d}">{rng.randint(1, 28)}</time></article>'
                         for _ in range(rng.randint(4, 9)))
               + "</div></section>")
    microdata = ' itemprop="articleBody"' if rng.random() < 0.3 else ""
    article = (f'<article class="post hentry" id="post-{rng.randint(1000, 99999)}">{article_header}'
               f'<div class="entry-content"{microdata}>\n{body}\n</div>'
               f'<footer class="entry-footer"><div class="tags">{tags}</div>{author_box}</footer></article>')
    if family == "soup":
        article = f'<div>{article_header}<div class="{ident(rng, 2)}">\n{body}\n</div><div>{tags}</div></div>'
    sidebar = (f'<aside class="sidebar widget-area"><section class="widget"><h2 class="widget-title">{esc(UI[lang][5])}</h2>'
               f'{link_list(rng, lang, rng.randint(8, 20), "widget-list")}</section>'
               f'<section class="widget widget--newsletter"><h2>{esc(heading(rng, lang))}</h2><p>{esc(sentence(rng, lang))}</p>'
               f'<form><input type="email" placeholder="email"><button>OK</button></form></section>'
               f'<div class="ad ad--sidebar"><!-- ad: sidebar 300x600 --><span>{esc(UI[lang][1])}</span></div></aside>')
    cookie = (f'<div id="cookie-banner" class="cmp" role="dialog"><p>{esc(paragraph(rng, lang))}</p>'
              f'<button class="cmp__accept">OK</button><button class="cmp__settings">{esc(rng.choice(WORDS[lang]))}</button></div>')
    content = wrap(rng, article + related + comments(rng, lang, rng.randint(5, 30)), rng.randint(3, 8))
    layout = wrap(rng, f'<main id="main" class="site-main">{content}</main>{sidebar}', rng.randint(3, 6))
    header = (f'<header class="site-header"><div class="site-header__inner"><a class="logo" href="/">{icon(rng)}<span>{esc(site)}</span></a>'
              f"{mega_menu(rng, lang)}<button class=\"search-toggle\">{icon(rng)}</button></div></header>")
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": title, "datePublished": published,
                     "author": [{"@type": "Person", "name": name} for name in authors], "publisher": {"@type": "Organization", "name": site}},
                    ensure_ascii=False).replace("<", "\\u003c")
    head = (f'<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">'
            f"<title>{esc(title)} | {esc(site)}</title>"
            f'<meta property="og:title" content="{attr(title)}"><meta property="og:site_name" content="{attr(site)}">'
            f'<meta property="article:published_time" content="{published}"><meta name="author" content="{attr(", ".join(authors))}">'
            + "".join(f'<link rel="preload" href="/static/{ident(rng, 8)}.woff2" as="font" crossorigin>' for _ in range(rng.randint(2, 6)))
            + f'<script type="application/ld+json">{ld}</script>'
            "<!--[if lt IE 9]><script src=\"/js/html5shiv.js\"></script><![endif]-->")

    fixed = head + "</head><body>" + header + layout + footer(rng, lang) + cookie
    state_lines = lines if family == "app" else None
    # Fill the rest: an SVG sprite, a rail of cards, CSS, JS and JSON state.
    rest = max(0, target - len(fixed.encode()) - 300)
    sprite = svg_sprite(rng, int(rest * 0.12))
    rail = card_rail(rng, lang, int(rest * 0.30))
    style = css(rng, int(rest * 0.18))
    script = minified_js(rng, int(rest * 0.18))
    state = json_state(rng, max(1000, int(rest * 0.20) - sum(len(x.encode()) for x in lines) * (family == "app")), state_lines)
    page = ("<!DOCTYPE html>\n" + f'<html lang="{lang}" class="no-js">' + head + f'<style id="critical-css">{style}</style>'
            f"<script>{script}</script></head>\n<body class=\"{family} single lang-{lang}\">{sprite}" + header + layout
            + rail + footer(rng, lang) + cookie
            + f'<script id="__NEXT_DATA__" type="application/json">{state}</script>'
            + f'<script async src="/static/js/app.{ident(rng, 8)}.js"></script></body></html>\n')
    expected = {"text_lines": lines, "title": title, "published": published, "authors": authors}
    return page, expected, lang, family


# --- corpus on disk ------------------------------------------------------------------------------


def ensure_pages(out, pages, seed, page_kb):
    params = {"generator": GENERATOR_VERSION, "pages": pages, "seed": seed, "page_kb": page_kb}
    files = sorted((out / "pages").glob("page-*.html"))
    stamp = common.reuse(out, params, lambda st: len(files) == pages and sum(f.stat().st_size for f in files) == st["bytes"])
    if stamp is not None:
        log(f"reusing {out}/ ({pages} pages, stamp matches)")
        return files, stamp
    log(f"generating {pages} pages of ~{page_kb} KB into {out}/ (seed {seed}) ...")
    started = time.perf_counter()
    shutil.rmtree(out, ignore_errors=True)
    common.unstamp(out)
    (out / "pages").mkdir(parents=True)
    total, langs, families = 0, {}, {}
    with open(out / "manifest.jsonl", "w", encoding="utf-8") as manifest:
        for i in range(pages):
            page, expected, lang, family = make_page(seed, i, page_kb)
            name = f"page-{i:05d}.html"
            data = page.encode("utf-8")
            (out / "pages" / name).write_bytes(data)
            manifest.write(json.dumps({"id": name, **expected}, ensure_ascii=False) + "\n")
            total += len(data)
            langs[lang] = langs.get(lang, 0) + 1
            families[family] = families.get(family, 0) + 1
    stamp = common.stamp(out, params, bytes=total, languages=dict(sorted(langs.items())),
                         families=dict(sorted(families.items())))
    log(f"generated {total / MB:.1f} MB in {time.perf_counter() - started:.1f} s "
        f"(mean {total / pages / 1024:.0f} KB/page; {stamp['languages']}; {stamp['families']})")
    return sorted((out / "pages").glob("page-*.html")), stamp
