#!/usr/bin/env python3
"""Writes the non-UTF-8 web fixtures and checks every fixture in this folder.

    python3 make_fixtures.py            # write the non-UTF-8 pages, then check all fixtures
    python3 make_fixtures.py --check    # check only (exit 1 on any problem)
    python3 make_fixtures.py --lines NAME   # print NAME.html's block lines, numbered,
                                            # body lines marked with '*'

Every other NAME.html here was written by hand as a UTF-8 file. Two pages must be bytes in a
legacy charset, so their text lives below as Python strings and is encoded on write:

* ru-regional-news-cp1251.html: windows-1251, declared with <meta charset="windows-1251">
* ja-shop-blog-shiftjis.html: Shift_JIS (Microsoft's CP932 flavour, what pages labelled
  Shift_JIS actually use), declared with <meta charset="Shift_JIS">

The check is not an extractor. It splits each page into block lines the way
docs/CLEAN-TEXT.md describes (block elements and <br> end a line, white space collapses,
entities are decoded, NBSP becomes a space and soft hyphens / zero-width characters go, as
`normalize` does) and confirms that:

* NAME.expected.json has only text_lines, title, published, authors, well-formed;
* every expected text line is one of the page's lines, in order (so an expected line is
  never a typo, nor two block lines glued together);
* the title occurs in og:title, <h1> or <title>; published is YYYY-MM-DD or
  YYYY-MM-DDTHH:MM:SS+HH:MM; each author name occurs in the page;
* each page is 5-60 KB.

Python 3 standard library only.
"""

import difflib
import html.parser
import json
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent

BLOCK = {
    "address", "article", "aside", "blockquote", "body", "button", "caption", "dd", "details",
    "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1",
    "h2", "h3", "h4", "h5", "h6", "header", "hr", "html", "iframe", "input", "label", "legend",
    "li", "main", "menu", "nav", "ol", "option", "p", "pre", "section", "select", "summary",
    "table", "tbody", "td", "textarea", "tfoot", "th", "thead", "tr", "ul", "center", "font-block",
}
SKIP = {"script", "style", "svg", "template", "head", "title", "noscript", "iframe", "textarea", "select"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2})?$")
MIN_BYTES, MAX_BYTES = 5 * 1024, 60 * 1024


def clean(text):
    """White space as the contract and `normalize` treat it."""
    out = []
    for ch in text:
        if ch in "\u00ad\u200b\u200c\u200d\u2060\ufeff":
            continue
        out.append(" " if ch.isspace() or unicodedata.category(ch) == "Zs" else ch)
    return re.sub(r" +", " ", "".join(out)).strip()


class Lines(html.parser.HTMLParser):
    """Block lines of the whole page (head, script, style, svg, noscript skipped)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines, self.buffer, self.skip = [], [], []
        self.meta, self.h1, self.title, self.in_h1, self.in_title = {}, [], [], 0, 0

    def flush(self):
        line = clean("".join(self.buffer))
        if line:
            self.lines.append(line)
        self.buffer = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop")
            if key and attrs.get("content") is not None:
                self.meta.setdefault(key.lower(), attrs["content"])
        if tag == "title":
            self.in_title += 1
        if tag == "body" and self.skip == ["head"]:
            self.skip.pop()  # a page without </head>
        if tag in SKIP and tag not in VOID and tag != "title":
            self.skip.append(tag)
            return
        if tag == "h1":
            self.in_h1 += 1
        if tag == "br" or tag in BLOCK:
            self.flush()

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = max(0, self.in_title - 1)
        if self.skip and tag == self.skip[-1]:
            self.skip.pop()
            return
        if tag in SKIP:
            return
        if tag == "h1":
            self.in_h1 = max(0, self.in_h1 - 1)
        if tag in BLOCK:
            self.flush()

    def handle_data(self, data):
        if self.in_title and (not self.skip or self.skip == ["head"]):
            self.title.append(data)
        if self.skip:
            return
        if self.in_h1:
            self.h1.append(data)
        self.buffer.append(data)

    def close(self):
        super().close()
        self.flush()


def declared_charset(raw):
    match = re.search(rb"<meta[^>]*charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", raw[:4096], re.I)
    if not match:
        return "utf-8"
    name = match.group(1).decode("ascii").lower()
    return {"shift_jis": "cp932", "windows-1251": "cp1251"}.get(name, name)


def parse(path):
    raw = path.read_bytes()
    parser = Lines()
    parser.feed(raw.decode(declared_charset(raw)))
    parser.close()
    return raw, parser


def check(path, verbose=False):
    """Problems with one fixture (empty list when it is fine)."""
    problems = []
    name = path.name[: -len(".html")]
    expected_path = path.with_name(name + ".expected.json")
    raw, page = parse(path)
    if not MIN_BYTES <= len(raw) <= MAX_BYTES:
        problems.append(f"size {len(raw)} bytes outside 5-60 KB")
    if not expected_path.exists():
        return problems + ["no expected.json"]
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    extra = set(expected) - {"text_lines", "title", "published", "authors"}
    if extra:
        problems.append(f"unknown keys {sorted(extra)}")
    lines = expected.get("text_lines")
    if not lines or not all(isinstance(line, str) and line == clean(line) and line for line in lines):
        problems.append("text_lines missing, empty, or not trimmed/collapsed")
        lines = [line for line in lines or [] if isinstance(line, str)]
    # In order, each an exact page line.
    position, matched = 0, []
    for line in lines:
        try:
            index = page.lines.index(line, position)
        except ValueError:
            near = difflib.get_close_matches(line, page.lines, n=1, cutoff=0.5)
            problems.append(f"line not found in order: {line[:70]!r}" + (f"\n      nearest page line: {near[0][:70]!r}" if near else ""))
            continue
        matched.append(index)
        position = index + 1
    title = expected.get("title")
    if title is not None:
        sources = [page.meta.get("og:title", ""), clean("".join(page.h1)), clean("".join(page.title))]
        if not title or not any(title in clean(source) for source in sources):
            problems.append(f"title {title!r} not in og:title, h1 or <title>")
    published = expected.get("published")
    if published is not None and not ISO.match(published):
        problems.append(f"published {published!r} not normalized ISO 8601")
    text = raw.decode(declared_charset(raw))
    for author in expected.get("authors", []) or []:
        if not author or author not in text:
            problems.append(f"author {author!r} not in page")
    if "authors" in expected and not expected["authors"]:
        problems.append("authors present but empty (omit instead)")
    if verbose and matched:
        body_chars = sum(len(line) for line in lines)
        other_chars = sum(len(line) for line in page.lines) - body_chars
        print(f"  {name}: {len(raw)} bytes, {len(page.lines)} page lines, {len(lines)} body lines, "
              f"body {body_chars} chars, everything else {other_chars} chars")
        skipped = [page.lines[i] for i in range(matched[0], matched[-1] + 1) if i not in matched]
        for line in skipped:
            print(f"    dropped inside the body span: {line[:90]!r}")
    return problems


def print_lines(name):
    _, page = parse(HERE / f"{name}.html")
    expected_path = HERE / f"{name}.expected.json"
    body = set()
    if expected_path.exists():
        body = set(json.loads(expected_path.read_text(encoding="utf-8"))["text_lines"])
    for number, line in enumerate(page.lines):
        print(f"{'*' if line in body else ' '}{number:4d} {line}")


# ---------------------------------------------------------------------------------------------
# The non-UTF-8 pages. Written by hand like the others; only their bytes come from here.

RU_REGIONAL_NEWS = """<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">
<html lang="ru">
<head>
<meta charset="windows-1251">
<title>В Кондрово после ремонта открылась районная библиотека :: Вести Заречья</title>
<meta name="keywords" content="Кондрово, библиотека, ремонт, Дзержинский район, новости">
<meta name="description" content="Районная библиотека в Кондрово вновь принимает читателей после полутора лет ремонта.">
<meta property="og:type" content="article">
<meta property="og:title" content="В Кондрово после ремонта открылась районная библиотека">
<meta property="og:site_name" content="Вести Заречья">
<meta property="article:published_time" content="2023-10-05T11:40:00+03:00">
<meta name="author" content="Ольга Сафронова">
<link rel="stylesheet" type="text/css" href="/css/main.css?v=17">
<link rel="shortcut icon" href="/favicon.ico">
<style type="text/css">
body { margin:0; background:#e9e4d8; font: 13px/1.45 Tahoma, Verdana, sans-serif; }
table.layout { width: 980px; margin: 0 auto; background: #fff; border-collapse: collapse; }
td.left { width: 190px; vertical-align: top; background: #f4f1ea; padding: 10px; }
td.content { vertical-align: top; padding: 12px 18px; }
td.right { width: 200px; vertical-align: top; padding: 10px; border-left: 1px solid #ddd; }
.menu a { display:block; padding:3px 0; color:#24426b; text-decoration:none; }
.newsdate { color:#888; font-size:11px; }
.text p { text-indent: 1.5em; margin: 0 0 .7em; }
.foto-podpis { font-size: 11px; color:#666; font-style: italic; }
.counters img { margin-right: 4px; }
</style>
<script type="text/javascript">
var _tmr = window._tmr || (_tmr = []);
_tmr.push({id: "2984117", type: "pageView", start: (new Date()).getTime()});
function showMore(id){ var el=document.getElementById(id); if(el){ el.style.display = el.style.display=='none' ? 'block' : 'none'; } }
</script>
</head>
<body>
<table class="layout" cellpadding="0" cellspacing="0">
<tr>
<td colspan="3" class="shapka">
<a href="/"><img src="/img/logo.gif" width="320" height="70" alt="Вести Заречья" border="0"></a>
<div class="shapka-info">Общественно-политическая газета Дзержинского района. Выходит с 1931 года.</div>
<div class="weather">Кондрово: +9&deg;, облачно</div>
</td>
</tr>
<tr>
<td class="left">
<div class="menu">
<b>Разделы</b><br>
<a href="/news/">Новости</a>
<a href="/society/">Общество</a>
<a href="/economy/">Экономика</a>
<a href="/culture/">Культура</a>
<a href="/sport/">Спорт</a>
<a href="/history/">Краеведение</a>
<a href="/official/">Официально</a>
<a href="/ads/">Объявления</a>
<a href="/archive/">Архив номеров</a>
<a href="/contacts/">Контакты</a>
</div>
<br>
<div class="menu">
<b>Поселения района</b><br>
<a href="/tag/kondrovo/">Кондрово</a>
<a href="/tag/polotnyany/">Полотняный Завод</a>
<a href="/tag/pyatovsky/">Пятовский</a>
<a href="/tag/tovarkovo/">Товарково</a>
<a href="/tag/lyudinovo/">Льнозавод</a>
<a href="/tag/nikolskoe/">Никольское</a>
</div>
<br>
<form action="/search/" method="get">Поиск по сайту:<br><input type="text" name="q" size="16"> <input type="submit" value="Найти"></form>
</td>
<td class="content">
<div class="path"><a href="/">Главная</a> &raquo; <a href="/culture/">Культура</a></div>
<h1>В Кондрово после ремонта открылась районная библиотека</h1>
<div class="newsdate">05.10.2023 11:40 &nbsp;|&nbsp; Просмотров: 1284</div>
<div class="text">
<p>В четверг районная библиотека на улице Ленина снова открыла двери для читателей. Ремонт здания, построенного ещё в 1958 году, занял почти полтора года вместо запланированных девяти месяцев, и всё это время абонемент работал в двух тесных комнатах Дома культуры.</p>
<p>За время ремонта в здании заменили кровлю, окна и всю систему отопления, которая, по словам сотрудников, последние зимы едва справлялась с холодами. В читальном зале теперь светлые стены, новые стеллажи и отдельный угол с компьютерами, где можно поработать с электронными каталогами областной библиотеки.</p>
<div align="center"><img src="/upload/news/2023/10/bibl1.jpg" width="480" height="320" alt=""><br><span class="foto-podpis">Читальный зал после ремонта. Фото автора</span></div>
<p>Директор библиотеки Нина Громова признаётся, что переезд обратно оказался едва ли не сложнее самого ремонта. Больше сорока тысяч книг пришлось упаковать, пересчитать и расставить заново, и помогали в этом не только сотрудники, но и волонтёры из местного колледжа.</p>
<p>&laquo;Мы боялись, что за полтора года люди отвыкнут к нам ходить, &mdash; говорит Нина Громова. &mdash; Но в первый же день пришло больше ста человек, и многие спрашивали не про новые книги, а про то, вернётся ли клуб любителей краеведения&raquo;.</p>
<p>Клуб вернётся: первое заседание назначено на вторую субботу ноября. Кроме того, библиотека впервые за много лет начнёт работать по воскресеньям, а для школьников по будним дням будет открыт отдельный зал для занятий.</p>
<p>Ремонт обошёлся в 23,6 миллиона рублей, большую часть средств выделил областной бюджет. В администрации района говорят, что следующей на очереди стоит сельская библиотека в Товарково, где до сих пор печное отопление.</p>
</div>
<div class="avtor">Ольга САФРОНОВА</div>
<div class="share">Поделиться: <a href="#">ВКонтакте</a> | <a href="#">Одноклассники</a> | <a href="#">Telegram</a></div>
<div class="other-news">
<b>Другие новости раздела:</b>
<ul>
<li><a href="/culture/2023/10/03/">В Полотняном Заводе покажут выставку старинных открыток</a> <span class="newsdate">03.10.2023</span></li>
<li><a href="/culture/2023/09/29/">Хор ветеранов стал лауреатом областного конкурса</a> <span class="newsdate">29.09.2023</span></li>
<li><a href="/culture/2023/09/26/">В музее Гончаровых прошла ночь краеведения</a> <span class="newsdate">26.09.2023</span></li>
<li><a href="/culture/2023/09/21/">Школьники собрали архив воспоминаний о фабрике</a> <span class="newsdate">21.09.2023</span></li>
</ul>
</div>
<div class="comments-block">
<b>Комментарии (2)</b>
<div class="comment"><span class="c-name">Валентина П.</span> <span class="newsdate">05.10.2023 13:02</span><br>Наконец-то! Ходили туда ещё с мамой, очень рада, что здание спасли.</div>
<div class="comment"><span class="c-name">Сергей</span> <span class="newsdate">05.10.2023 15:47</span><br>А парковку возле библиотеки сделают? Там же вечно машины на газоне.</div>
<div class="c-form">Оставить комментарий могут только зарегистрированные пользователи. <a href="/login/">Войти</a></div>
</div>
</td>
<td class="right">
<div class="block-title">Официально</div>
<div class="menu">
<a href="/official/2023/10/04/">Постановление о подготовке к отопительному сезону</a>
<a href="/official/2023/10/02/">График приёма граждан главой администрации</a>
<a href="/official/2023/09/28/">Объявление о публичных слушаниях</a>
</div>
<br>
<div class="block-title">Самое читаемое</div>
<ol>
<li><a href="/news/2023/10/01/">На трассе у Кондрово начался ремонт моста</a></li>
<li><a href="/society/2023/09/30/">Автобус до Калуги будет ходить чаще</a></li>
<li><a href="/sport/2023/09/30/">Районные лыжники готовятся к сезону</a></li>
<li><a href="/economy/2023/09/27/">Бумажная фабрика набирает сотрудников</a></li>
</ol>
<br>
<div class="banner"><a href="/ads/"><img src="/banners/apteka.gif" width="200" height="200" alt="Реклама"></a></div>
</td>
</tr>
<tr>
<td colspan="3" class="podval">
&copy; 2005&ndash;2023 &laquo;Вести Заречья&raquo;. Свидетельство о регистрации СМИ ПИ № ТУ40-00112. При использовании материалов ссылка на сайт обязательна.<br>
Адрес редакции: 249830, Калужская обл., г. Кондрово, ул. Пушкина, д. 2. Телефон: (48434) 0-00-00.<br>
<span class="counters"><img src="/img/li.gif" width="88" height="31" alt=""> <img src="/img/top.gif" width="88" height="31" alt=""></span>
</td>
</tr>
</table>
</body>
</html>
"""

JA_SHOP_BLOG = """<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="Shift_JIS">
<title>梅干しの土用干し、今年は三日で終わりました｜小川商店の店主日記</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="紀州の小さな梅干し屋、小川商店の店主日記。今年の土用干しの記録です。">
<meta property="og:title" content="梅干しの土用干し、今年は三日で終わりました">
<meta property="og:site_name" content="小川商店の店主日記">
<meta name="author" content="小川健一">
<link rel="stylesheet" href="/diary/style.css">
<style>
body{font-family:"MS PGothic","Hiragino Kaku Gothic ProN",sans-serif;background:#fffaf0;color:#333;margin:0}
#wrap{width:860px;margin:0 auto;background:#fff}
#head{background:#7a1f1f;color:#fff;padding:16px}
#head a{color:#fff}
#side{float:right;width:220px;font-size:12px}
#main{float:left;width:600px;padding:10px 20px}
.entry-date{color:#999;font-size:12px}
.entry-body{line-height:1.9}
.clear{clear:both}
#foot{font-size:11px;text-align:center;color:#888;padding:12px}
</style>
</head>
<body>
<div id="wrap">
<div id="head">
<a href="/">紀州 南高梅の小川商店</a><br>
<span>創業昭和三十二年　手づくりの梅干しをお届けします</span>
</div>
<div id="navi">
<a href="/">トップ</a>｜<a href="/products/">商品一覧</a>｜<a href="/order/">ご注文方法</a>｜<a href="/diary/">店主日記</a>｜<a href="/access/">アクセス</a>｜<a href="/contact/">お問い合わせ</a>
</div>
<div id="main">
<div class="entry">
<h2 class="entry-title">梅干しの土用干し、今年は三日で終わりました</h2>
<div class="entry-date"><time datetime="2022-08-03">2022年8月3日（水）</time>　カテゴリー：<a href="/diary/cat/ume/">梅しごと</a></div>
<div class="entry-body">
毎年この時期の店主日記は土用干しの話ばかりですが、今年もお付き合いください。<br>
<br>
六月に漬け込んだ南高梅を、七月の終わりから裏の畑に並べて干していました。例年なら梅雨明けが遅れて一週間近くかかることもあるのですが、今年は晴れが続いたおかげで、三日三晩でしっかり干し上がりました。<br>
<br>
土用干しは、ただ乾かせばよいというものではありません。昼のあいだは日に当て、夜は夜露に当てることで皮がやわらかくなり、果肉がしっとりと落ち着きます。父はよく「梅は夜に育つ」と言っていましたが、四十年近くやってきて、その意味がようやく分かってきた気がします。<br>
<br>
三日目の朝、ざるの梅を一粒ずつ裏返していると、近所の小学生が三人、自由研究の取材に来てくれました。どうして干すのか、なぜしょっぱいのか、次々に質問が飛んできて、こちらもつい話し込んでしまいました。<br>
<br>
今年は粒がやや小ぶりですが、皮が薄く、香りはここ数年でいちばん良いと思います。塩分は例年どおり十八％の昔ながらの白干しと、食べやすい八％のはちみつ漬けの二種類をご用意します。<br>
<br>
干し上がった梅は、いったん樽に戻して梅酢にくぐらせ、秋まで寝かせます。すぐに食べても美味しいのですが、ひと月ほど置くと塩の角が取れて、ぐっとまろやかになります。<br>
<br>
小学生たちには、お土産に干したての梅を一粒ずつ持って帰ってもらいました。酸っぱい顔をしながらも「また来年も来ていいですか」と言ってくれたので、来年の土用干しにも楽しみが一つ増えました。<br>
<br>
新物の発送は九月の中旬からを予定しています。ご予約いただいているお客様には、発送日が決まり次第あらためてご連絡いたします。<br>
</div>
<div class="entry-foot">投稿者：店主　｜　<a href="/diary/2022/08/03/#comments">コメント（3）</a>　｜　<a href="/diary/2022/08/03/">固定リンク</a></div>
</div>
<div id="comments">
<h3>コメント</h3>
<div class="comment">
<p>毎年この日記を楽しみに読んでいます。今年のはちみつ梅も、さっそく予約させていただきました。</p>
<div class="comment-meta">Posted by: 大阪の梅好き ｜ 2022年8月3日 20:14</div>
</div>
<div class="comment">
<p>「梅は夜に育つ」、いい言葉ですね。うちの祖母も同じようなことを言っていたのを思い出しました。</p>
<div class="comment-meta">Posted by: みなべ出身 ｜ 2022年8月4日 07:52</div>
</div>
<div class="comment">
<p>店主より：お二人ともありがとうございます。新物が届きましたら、ぜひ感想をお聞かせください。</p>
<div class="comment-meta">Posted by: 店主 ｜ 2022年8月4日 12:30</div>
</div>
<form method="post" action="/diary/comment.cgi">
<p>名前：<input type="text" name="author" size="30"></p>
<p>メール（公開されません）：<input type="text" name="email" size="30"></p>
<p>コメント：<br><textarea name="text" rows="6" cols="50"></textarea></p>
<p><input type="submit" value="送信する"></p>
<p>※いたずら防止のため、コメントは店主が確認してから表示されます。</p>
</form>
</div>
<div class="pager"><a href="/diary/2022/07/18/">&laquo; 前の記事：梅酢の使い道あれこれ</a>　｜　<a href="/diary/2022/08/21/">次の記事：台風の前に &raquo;</a></div>
</div>
<div id="side">
<h3>商品のご案内</h3>
<ul>
<li><a href="/products/shiraboshi/">白干し梅（塩分18％）</a></li>
<li><a href="/products/hachimitsu/">はちみつ梅（塩分8％）</a></li>
<li><a href="/products/shiso/">しそ漬け梅</a></li>
<li><a href="/products/umeboshi-set/">贈答用詰め合わせ</a></li>
</ul>
<h3>最近の記事</h3>
<ul>
<li><a href="/diary/2022/08/03/">梅干しの土用干し、今年は三日で終わりました</a></li>
<li><a href="/diary/2022/07/18/">梅酢の使い道あれこれ</a></li>
<li><a href="/diary/2022/06/20/">今年の漬け込みが始まりました</a></li>
<li><a href="/diary/2022/06/02/">青梅の収穫</a></li>
</ul>
<h3>月別アーカイブ</h3>
<ul>
<li><a href="/diary/2022/08/">2022年8月（2）</a></li>
<li><a href="/diary/2022/07/">2022年7月（3）</a></li>
<li><a href="/diary/2022/06/">2022年6月（4）</a></li>
<li><a href="/diary/2022/05/">2022年5月（2）</a></li>
<li><a href="/diary/2022/04/">2022年4月（1）</a></li>
<li><a href="/diary/2022/03/">2022年3月（2）</a></li>
<li><a href="/diary/2022/02/">2022年2月（1）</a></li>
<li><a href="/diary/2022/01/">2022年1月（3）</a></li>
</ul>
<h3>リンク</h3>
<ul>
<li><a href="https://www.minabe-ume.example/">みなべ町梅振興協議会</a></li>
<li><a href="https://www.kishu-kanko.example/">紀州観光ガイド</a></li>
</ul>
<h3>営業日カレンダー</h3>
<p>土日祝は定休日です。ご注文はネットで二十四時間受け付けております。</p>
</div>
<div class="clear"></div>
<div id="foot">
有限会社 小川商店　和歌山県日高郡みなべ町晩稲000-0　TEL 0739-00-0000<br>
Copyright &copy; Ogawa Shoten. All Rights Reserved.
</div>
</div>
</body>
</html>
"""

NON_UTF8 = {
    "ru-regional-news-cp1251": ("cp1251", RU_REGIONAL_NEWS),
    "ja-shop-blog-shiftjis": ("cp932", JA_SHOP_BLOG),
}


def write_non_utf8():
    for name, (codec, page) in NON_UTF8.items():
        data = page.encode(codec)  # strict: a character outside the charset is an error here
        try:
            data.decode("utf-8")
            raise SystemExit(f"{name}: the bytes are also valid UTF-8; the fixture would test nothing")
        except UnicodeDecodeError:
            pass
        (HERE / f"{name}.html").write_bytes(data)
        print(f"wrote {name}.html ({codec}, {len(data)} bytes)")


def main(argv):
    if len(argv) == 2 and argv[0] == "--lines":
        print_lines(argv[1])
        return 0
    if argv not in ([], ["--check"], ["--check", "-v"], ["-v"]):
        print(__doc__, file=sys.stderr)
        return 2
    if "--check" not in argv:
        write_non_utf8()
    failures = 0
    pages = sorted(HERE.glob("*.html"))
    for page in pages:
        problems = check(page, verbose="-v" in argv)
        for problem in problems:
            print(f"{page.name}: {problem}")
        failures += bool(problems)
    print(f"{len(pages)} fixtures, {failures} with problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
