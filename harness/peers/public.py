"""The peers of `make eval-public` (harness/public/extraction.py), run in its virtualenv:

    .venv-public/bin/python -m harness.peers.public SET_FOLDER PEER OUTPUT.json [--meta]

Reads SET_FOLDER/items.jsonl and the pages into memory, runs one peer over every page after a
warm-up page (imports and first-call set-up not timed), and writes
{"peer", "version", "seconds", "pages", "bytes", "outputs": {id: {"text", "title", "date",
"author"}}}. A page that raises is recorded with "error" and scores as a miss.

Peers (the calls people use):
  trafilatura        extract(html, include_comments=False, include_tables=True,
                     include_formatting=False) as trafilatura's own evaluation does; with
                     --meta, title/date/author from bare_extraction(..., with_metadata=True)
                     in a second, untimed pass
  trafilatura-fast   the same with fast=True
  resiliparse        extract_plain_text(HTMLTree.parse(bytes_to_str(html, detect_encoding(html))),
                     main_content=True)
  turbohtml          turbohtml.parse(html).article(): text, title, byline, date
  htmldate           find_date(html, original_date=True, extensive_search=True)
"""

import json
import sys
from importlib.metadata import version

from harness.peers import loop


def runner(peer):
    if peer in ("trafilatura", "trafilatura-fast"):
        from trafilatura import bare_extraction, extract

        fast = peer == "trafilatura-fast"
        options = {"fast": fast, "include_comments": False, "include_tables": True, "include_formatting": False}

        def run(data):
            return {"text": extract(data, **options)}

        def meta(data):
            doc = bare_extraction(data, with_metadata=True, **options)
            return {} if doc is None else {"title": doc.title, "date": doc.date, "author": doc.author}
        return run, meta, version("trafilatura")
    if peer == "resiliparse":
        from resiliparse.extract.html2text import extract_plain_text
        from resiliparse.parse.encoding import bytes_to_str, detect_encoding
        from resiliparse.parse.html import HTMLTree

        def run(data):
            tree = HTMLTree.parse(bytes_to_str(data, detect_encoding(data)))
            return {"text": extract_plain_text(tree, main_content=True)}
        return run, None, version("resiliparse")
    if peer == "turbohtml":
        import turbohtml

        def run(data):
            article = turbohtml.parse(data).article()
            if article is None:
                return {"text": None}
            byline = article.byline
            date = article.date
            return {"text": article.text, "title": article.title, "author": byline,
                    "date": date.isoformat() if hasattr(date, "isoformat") else date}
        return run, None, version("turbohtml")
    if peer == "htmldate":
        from htmldate import find_date

        def run(data):
            return {"date": find_date(data, original_date=True, extensive_search=True)}
        return run, None, version("htmldate")
    raise SystemExit(f"unknown peer '{peer}'")


def main():
    flags = [a for a in sys.argv[1:] if a.startswith("--")]
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 3:
        raise SystemExit(__doc__)
    folder, peer, output = args
    with open(f"{folder}/items.jsonl", encoding="utf-8") as f:
        ids = [json.loads(line)["id"] for line in f]
    pages = []
    for page_id in ids:
        with open(f"{folder}/pages/{page_id}", "rb") as f:
            pages.append((page_id, f.read()))
    run, meta, peer_version = runner(peer)
    outputs, seconds = loop.timed(run, pages, lambda err: {"text": None, "error": f"{type(err).__name__}: {err}"[:200]})
    # Metadata through the peer's metadata call, after the timed loop (not timed).
    if meta is not None and "--meta" in flags:
        for page_id, data in pages:
            try:
                outputs[page_id].update(meta(data))
            except Exception:
                pass
    loop.write(output, peer=peer, version=peer_version, seconds=seconds, pages=len(pages),
               bytes=sum(len(d) for _, d in pages), outputs=outputs)


if __name__ == "__main__":
    main()
