#!/usr/bin/env python3
"""Time one pathological document of each shape through a pipeline, against the stages'
timeout_ms: every stage is to be linear or n·log n, and a document of any shape up to the
default input.max_document_bytes (64 MiB) is to finish or time out within twice its limit.

  python3 -m harness.benchmarks.hostile_shapes --winnow .build/release/winnow --pipeline pipelines/web.yaml
  python3 -m harness.benchmarks.hostile_shapes --mb 8 --shape combining --shape attributes

Prints one row per shape: seconds, the limit (the largest timeout_ms of the pipeline's
stages, 30 s by default), the outcome (kept, or the stage and reason of the reject) and
whether it is within 2x the limit.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

SENTENCE = "The quick brown fox jumps over the lazy dog, and the dog sleeps on. "
HANGUL = "서울 시내버스 요금이 다음 달부터 오른다고 시는 밝혔다. "


def repeat_to(unit: bytes, size: int) -> bytes:
    return unit * max(1, size // len(unit))


def html(body: bytes) -> bytes:
    return b"<html><head><title>t</title></head><body>" + body + b"</body></html>"


# name -> (file name, generator of about `size` bytes)
SHAPES = {
    # normalize: one base letter and a run of marks ICU's canonical reordering sorts.
    "combining": ("doc.txt", lambda n: b"a" + repeat_to("\u0301\u0316".encode(), n)),
    # html: libxml2 checks each attribute against the tag's others.
    "attributes": ("doc.html", lambda n: html(b"<div " + b" ".join(b"a%d=x" % i for i in range(n // 11)) + b">text</div>")),
    "deep-nesting": ("doc.html", lambda n: html(repeat_to(b"<div>", n - 20) + b"text")),
    "deep-nesting-unmatched-ends": ("doc.html", lambda n: html(repeat_to(b"<div>", n // 2) + repeat_to(b"</x>", n // 2))),
    # Under the depth limit, every end tag libxml2 cannot match still scans its open elements.
    "unmatched-ends-at-depth-250": ("doc.html", lambda n: html(b"<div>" * 250 + repeat_to(b"</x>", n - 1300))),
    "body-tags-at-depth-250": ("doc.html", lambda n: html(b"<div>" * 250 + repeat_to(b"<body>", n - 1300))),
    # Every attribute name new to libxml2's dictionary (256 per tag).
    "distinct-attribute-names": ("doc.html", lambda n: html(b"".join(
        b"<i " + b" ".join(b"a%x" % (t * 256 + a) for a in range(256)) + b">x</i>" for t in range(n // 2500)))),
    "repeated-attribute-names": ("doc.html", lambda n: html(b"".join(
        b"<i " + b" ".join(b"a%x" % a for a in range(256)) + b">x</i>" for t in range(n // 2500)))),
    "distinct-tag-names": ("doc.html", lambda n: html(b"".join(b"<t%x>x</t%x>" % (t, t) for t in range(n // 20)))),
    "deep-spans-itemprop": ("doc.html", lambda n: html(repeat_to(b'<span itemprop="author">', n))),
    "huge-attribute-value": ("doc.html", lambda n: html(b'<div class="' + repeat_to(b"content ", n) + b'">text</div>')),
    "huge-text-node": ("doc.html", lambda n: html(b"<p>" + repeat_to(SENTENCE.encode(), n) + b"</p>")),
    "tiny-tags": ("doc.html", lambda n: html(repeat_to(b"<b>x</b>", n))),
    "many-br": ("doc.html", lambda n: html(b"<p>" + repeat_to(b"word<br>", n) + b"</p>")),
    "prose-siblings": ("doc.html", lambda n: html(repeat_to(b"<div><p>" + SENTENCE.encode() * 2 + b"</p></div>", n))),
    "long-and-short-paragraphs": ("doc.html", lambda n: html(b"<article>" + repeat_to(
        b"<p>" + SENTENCE.encode() * 8 + b"</p><p>" + SENTENCE.encode() * 2 + b"</p>", n) + b"</article>")),
    "one-huge-line": ("doc.txt", lambda n: repeat_to(SENTENCE.encode(), n)),
    "many-short-lines": ("doc.txt", lambda n: repeat_to(b"ab\n", n)),
    "one-character-run": ("doc.txt", lambda n: repeat_to(b"a", n)),
    "hangul-run": ("doc.txt", lambda n: repeat_to("가".encode(), n)),
    "duplicate-sentences": ("doc.txt", lambda n: repeat_to((HANGUL + "\n").encode(), n)),
}


def limit_seconds(pipeline: str) -> float:
    """The largest timeout_ms in the pipeline file (30 s when none is given)."""
    limit = 30_000
    with open(pipeline, encoding="utf-8") as handle:
        for line in handle:
            if "timeout_ms" in line:
                digits = line.split("timeout_ms", 1)[1].lstrip(": ").split(",")[0].split("}")[0]
                if digits.strip().isdigit():
                    limit = max(limit, int(digits))
    return limit / 1000


def reads_txt(pipeline: str) -> bool:
    """Whether the pipeline's input.formats take .txt files (else text goes in as JSONL)."""
    with open(pipeline, encoding="utf-8") as handle:
        for line in handle:
            if line.strip().startswith("formats:"):
                return "txt" in line
    return True


def run(winnow: str, pipeline: str, shape: str, size: int, work: str) -> dict:
    name, make = SHAPES[shape]
    data = make(size)
    if name.endswith(".txt") and not reads_txt(pipeline):
        name = "doc.jsonl"
        record = json.dumps({"id": "doc", "text": data.decode()}, ensure_ascii=False).encode() + b"\n"
        # Escapes (a newline is two bytes) must not take the record over the limit.
        data = make(size * size // len(record)) if len(record) > size else data
        data = json.dumps({"id": "doc", "text": data.decode()}, ensure_ascii=False).encode() + b"\n"
    folder = os.path.join(work, shape)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(os.path.join(folder, "in"))
    with open(os.path.join(folder, "in", name), "wb") as handle:
        handle.write(data)
    out = os.path.join(folder, "out", "clean.jsonl")
    summary = os.path.join(folder, "summary.json")
    started = time.monotonic()
    process = subprocess.run(
        [winnow, "run", pipeline, "--input", os.path.join(folder, "in"), "--output", out,
         "--rejects", os.path.join(folder, "out", "rejects.jsonl"), "--jobs", "1", "--quiet",
         "--no-gates", "--summary-json", summary],
        capture_output=True, text=True)
    seconds = time.monotonic() - started
    outcome = f"exit {process.returncode}"
    stage_seconds = {}
    if os.path.exists(summary):
        with open(summary, encoding="utf-8") as handle:
            report = json.load(handle)
        stage_seconds = {stage["name"]: round(stage["seconds"], 2) for stage in report["stages"] if stage["seconds"] >= 0.05}
        if report["kept"]:
            outcome = "kept"
        else:
            with open(os.path.join(folder, "out", "rejects.jsonl"), "rb") as handle:
                row = json.loads(handle.readline())
            outcome = f"{row['stage']}/{row['reason']}"
    shutil.rmtree(folder, ignore_errors=True)
    return {"shape": shape, "bytes": len(data), "seconds": seconds, "outcome": outcome, "stages": stage_seconds,
            "stderr": process.stderr.strip()[-300:] if process.returncode else ""}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--winnow", default=".build/release/winnow")
    parser.add_argument("--pipeline", action="append", help="pipeline file (repeatable; default: web.yaml and ko-news.yaml)")
    parser.add_argument("--mb", type=float, default=64, help="document size in MiB (default 64: input.max_document_bytes)")
    parser.add_argument("--shape", action="append", choices=sorted(SHAPES), help="shapes to run (default: all)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON lines")
    args = parser.parse_args()
    pipelines = args.pipeline or ["pipelines/web.yaml", "pipelines/ko-news.yaml"]
    size = int(args.mb * 1024 * 1024) - 4096  # under the limit with the page's frame
    work = tempfile.mkdtemp(prefix="winnow-shapes-")
    failed = False
    try:
        for pipeline in pipelines:
            limit = limit_seconds(pipeline)
            for shape in args.shape or list(SHAPES):
                row = run(args.winnow, pipeline, shape, size, work)
                row.update(pipeline=os.path.basename(pipeline), limit=limit, within=row["seconds"] <= 2 * limit)
                failed = failed or not row["within"]
                if args.json:
                    print(json.dumps(row), flush=True)
                else:
                    print(f"{row['pipeline']:13} {shape:28} {row['bytes'] / 1048576:6.1f} MiB {row['seconds']:7.1f} s"
                          f"  limit {limit:.0f} s  {'ok ' if row['within'] else 'OVER'}  {row['outcome']}  {row['stages']}"
                          + (f"  {row['stderr']}" if row["stderr"] else ""), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
