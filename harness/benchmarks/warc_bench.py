#!/usr/bin/env python3
"""WARC input: winnow's reader beside fastwarc (resiliparse) and warcio on the same .warc.gz.

    python3 -m harness.benchmarks.warc_bench --winnow .build/release/winnow [--copies 8] [--repeat 5] [--mirror DIR]

1. Test WARCs written by warcio (.venv-warc: pip install warcio fastwarc): the samples' txt
   and html pages and the evaluation set's pages (out/eval/pages, made by harness/corpus/news_set.py when
   missing), each as a request and a response record (Content-Type text/html or text/plain,
   a third with its charset, a third of the HTML sent gzip-encoded and chunked), --copies times
   over, one gzip member per record.
2. Records per second on one core (taskset -c 1), interleaved, median and range of --repeat:
   winnow run (formats: [warc], the decode stage, JSONL written: more work than the peers do),
   winnow run with every document rejected before decode (decode's max_bytes: 1; the reader,
   and every page's bytes written to the rejects file),
   fastwarc's ArchiveIterator reading every record's payload as stored (HTTP headers parsed,
   bodies not decoded), warcio's ArchiveIterator reading
   every record's decoded content (content_stream).
   The readers alone: winnow's reader thread's CPU time in the first run (the summary's
   read_seconds: gzip members inflated, headers parsed, chunked and gzip bodies decoded,
   documents made), beside the CPU time of the peers' iteration loops (time.process_time
   around the loop: single-threaded Python, so the loop's thread).
3. warcio's own test WARCs (DIR/webrecorder+warcio, a bare clone): documents and rejects by
   winnow per file beside the response records warcio and fastwarc find (text, 2xx), and
   whether they stop on an error.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.dont_write_bytecode = True
from harness.common import ROOT  # noqa: E402
VENV = ROOT / ".venv-warc"
OUT = ROOT / "out" / "warc-bench"


def pinned(cmd):
    return (["taskset", "-c", "1"] if shutil.which("taskset") else []) + cmd


WRITE = r'''
import gzip, io, sys, random
from pathlib import Path
from warcio.warcwriter import WARCWriter
from warcio.statusandheaders import StatusAndHeaders
out, copies = sys.argv[1], int(sys.argv[2])
files = [Path(p) for p in sys.argv[3:]]
rng = random.Random(7)
n = 0
with open(out, "wb") as f:
    w = WARCWriter(f, gzip=True)
    for copy in range(copies):
        for p in files:
            body = p.read_bytes()
            html = p.suffix == ".html"
            uri = f"http://example.com/{copy}/{p.parent.name}/{p.name}"
            req = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.com")], is_http_request=True)
            w.write_record(w.create_warc_record(uri, "request", payload=io.BytesIO(b""), http_headers=req))
            ctype = "text/html" if html else "text/plain"
            headers = [("Content-Type", ctype + ("; charset=utf-8" if n % 3 == 0 and body.isascii() else ""))]
            if html and n % 3 == 1:
                body = gzip.compress(body, mtime=0)
                headers.append(("Content-Encoding", "gzip"))
                chunks = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 4096]), body[i:i + 4096]) for i in range(0, len(body), 4096))
                body = chunks + b"0\r\n\r\n"
                headers.append(("Transfer-Encoding", "chunked"))
            headers.append(("Content-Length", str(len(body))))
            resp = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=resp))
            n += 1
print(n)
'''

PEERS = r'''
import sys, time, json
path, repeat = sys.argv[1], int(sys.argv[2])
def fastwarc():
    from fastwarc.warc import ArchiveIterator
    n = 0
    # HTTP headers parsed, payload read as stored (auto_decode left off: 'all' stopped after a
    # few records of this file in FastWARC 2.0.1).
    for r in ArchiveIterator(path, parse_http=True, fsspec_args=False):
        r.reader.read()
        n += 1
    return n
def warcio():
    from warcio.archiveiterator import ArchiveIterator
    n = 0
    with open(path, "rb") as f:
        for r in ArchiveIterator(f):
            r.content_stream().read()
            n += 1
    return n
which = sys.argv[3]
fn = fastwarc if which == "fastwarc" else warcio
start, cpu = time.perf_counter(), time.process_time()
n = fn()
print(json.dumps({"records": n, "seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu}))
'''

COUNT = r'''
import sys, json
def doc(ct, status):
    return ct.split(";")[0].strip().lower() in ("text/html", "text/plain", "application/xhtml+xml") and str(status).startswith("2")
out = {}
for path in sys.argv[1:]:
    res = {}
    try:
        from warcio.archiveiterator import ArchiveIterator
        n = 0
        with open(path, "rb") as f:
            for r in ArchiveIterator(f):
                if r.rec_type == "response" and r.http_headers and doc(r.http_headers.get_header("Content-Type") or "", r.http_headers.get_statuscode()):
                    n += 1
        res["warcio"] = n
    except Exception as e:
        res["warcio"] = f"{n}, then error"
    try:
        from fastwarc.warc import ArchiveIterator, WarcRecordType
        n = 0
        for r in ArchiveIterator(path, record_types=WarcRecordType.response, parse_http=True, fsspec_args=False):
            if r.http_headers and doc(r.http_headers.get("Content-Type", "") or "", r.http_headers.status_code):
                n += 1
        res["fastwarc"] = n
    except Exception as e:
        res["fastwarc"] = f"{n}, then error"
    out[path.split("/")[-1]] = res
print(json.dumps(out))
'''


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--winnow", required=True)
    ap.add_argument("--copies", type=int, default=8)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--mirror", default="/work/.mirror")
    a = ap.parse_args()
    winnow = str(Path(a.winnow).resolve())
    py = str(VENV / "bin" / "python")
    if not Path(py).exists():
        sys.exit("python3 -m venv .venv-warc && .venv-warc/bin/pip install warcio fastwarc")
    OUT.mkdir(parents=True, exist_ok=True)
    evalset = ROOT / "out" / "eval"
    if not (evalset / "pages").is_dir():
        subprocess.run([sys.executable, "-m", "harness.corpus.news_set", "--out", str(evalset)], cwd=ROOT, check=True)
    files = [p for p in sorted((ROOT / "samples").iterdir()) if p.suffix in (".txt", ".html")]
    files += [p for p in sorted((evalset / "pages").rglob("*")) if p.suffix in (".txt", ".html")]
    warc = OUT / "pages.warc.gz"
    responses = int(subprocess.run([py, "-c", WRITE, str(warc), str(a.copies)] + [str(p) for p in files],
                                   capture_output=True, text=True, check=True).stdout)
    records = 2 * responses
    size = warc.stat().st_size / 1e6
    (OUT / "warc.yaml").write_text(f"version: 1\ninput: {{path: {warc}, formats: [warc]}}\noutput: {{path: {OUT}/clean.jsonl}}\nstages:\n  - decode: {{}}\n")
    # The reader alone, as near as a run gets: every document rejected before decode by the
    # stage's max_bytes limit (the rejects file then holds every page's bytes).
    (OUT / "read.yaml").write_text(f"version: 1\ninput: {{path: {warc}, formats: [warc]}}\noutput: {{path: {OUT}/read.jsonl}}\nstages:\n  - decode: {{max_bytes: 1}}\n")
    times = {"winnow (read + decode + write)": [], "winnow (read, rejects written)": [], "fastwarc 2.0": [], "warcio": []}
    loops = {"winnow reader (read_seconds)": [], "fastwarc 2.0 loop": [], "warcio loop": []}
    for _ in range(a.repeat):
        start = time.perf_counter()
        subprocess.run(pinned([winnow, "run", str(OUT / "warc.yaml"), "--jobs", "1", "--quiet", "--summary-json", str(OUT / "summary.json")]), check=True)
        times["winnow (read + decode + write)"].append(time.perf_counter() - start)
        loops["winnow reader (read_seconds)"].append(json.load(open(OUT / "summary.json"))["read_seconds"])
        start = time.perf_counter()
        subprocess.run(pinned([winnow, "run", str(OUT / "read.yaml"), "--jobs", "1", "--quiet"]), check=True)
        times["winnow (read, rejects written)"].append(time.perf_counter() - start)
        for name, which in (("fastwarc 2.0", "fastwarc"), ("warcio", "warcio")):
            start = time.perf_counter()
            r = subprocess.run(pinned([py, "-c", PEERS, str(warc), "1", which]), capture_output=True, text=True, check=True)
            times[name].append(time.perf_counter() - start)
            assert json.loads(r.stdout)["records"] == records, r.stdout
            loops[name + " loop"].append(json.loads(r.stdout)["cpu_seconds"])
    summary = json.load(open(OUT / "summary.json"))
    print(f"{warc.name}: {size:.1f} MB, {records} records ({responses} responses, {summary['kept']} documents kept by winnow), "
          f"one core (taskset -c 1), {a.repeat} runs interleaved, whole process:")
    for name, values in times.items():
        rates = [records / t for t in values]
        print(f"  {name:32} {statistics.median(rates):8.0f} records/s ({min(rates):.0f}–{max(rates):.0f}), "
              f"{size / statistics.median(values):.1f} MB/s compressed")
    print("the readers alone, CPU time (winnow: its reader thread; peers: their iteration loop):")
    for name, values in loops.items():
        rates = [records / t for t in values]
        print(f"  {name:32} {statistics.median(rates):8.0f} records/s ({min(rates):.0f}–{max(rates):.0f}), "
              f"{size / statistics.median(values):.1f} MB/s compressed")

    # 3. warcio's test WARCs.
    repo = Path(a.mirror) / "webrecorder+warcio" / "repo"
    if not repo.exists():
        repo = Path(a.mirror) / "webrecorder+warcio"
    git = ["git", "--git-dir", str(repo)]
    names = [n for n in subprocess.run(git + ["ls-tree", "-r", "--name-only", "HEAD", "test/data"], capture_output=True, text=True, check=True).stdout.split()
             if ".warc" in n]
    public = OUT / "public"
    shutil.rmtree(public, ignore_errors=True)
    public.mkdir()
    paths = []
    for n in names:
        target = public / Path(n).name.replace(".warc.gz.bad", "-bad.warc.gz")
        target.write_bytes(subprocess.run(git + ["show", "HEAD:" + n], capture_output=True, check=True).stdout)
        paths.append(str(target))
    peers = json.loads(subprocess.run([py, "-c", COUNT] + paths, capture_output=True, text=True, check=True).stdout)
    print(f"\nwarcio's test WARCs ({len(paths)} files): HTML/text 2xx responses found")
    print("| file | winnow documents | winnow rejects | warcio | fastwarc |")
    print("|---|---:|---:|---:|---:|")
    for path in paths:
        name = Path(path).name
        (OUT / "one.yaml").write_text(f"version: 1\ninput: {{path: {path}, formats: [warc]}}\noutput: {{path: {OUT}/one/clean.jsonl}}\nstages:\n  - decode: {{}}\n")
        subprocess.run([winnow, "run", str(OUT / "one.yaml"), "--quiet", "--summary-json", str(OUT / "one.json")], check=True)
        s = json.load(open(OUT / "one.json"))
        print(f"| {name} | {s['kept']} | {s['rejected']} | {peers[name]['warcio']} | {peers[name]['fastwarc']} |")


if __name__ == "__main__":
    main()
