#!/usr/bin/env python3
"""winnow's `decode` stage on public charset and mojibake test data, beside chardet,
charset-normalizer and ftfy, in one command.

    python3 -m harness.public.charsets --winnow .build/release/winnow [--mirror DIR] [--no-peer]
                                      [--repeat 3] [--cpu N|none] [--json FILE] [--misses]

Sets (pinned below; nothing of them is committed):
* chardet's test suite (chardet/chardet, tests/: the folder a file sits in is its charset,
  with a language after it for some: "windows-1250-czech"). Laid out under
  out/charsets/chardet/files/ with .html for markup (.html, .xml) and .txt for the rest, so
  that winnow reads them as a user's crawl would.
* ftfy's test cases (rspeer/python-ftfy, tests/test-cases/{in-the-wild,synthetic,negative}.json,
  the cases marked "expect": "pass"), as JSONL under out/charsets/ftfy/cases.jsonl.
Each is read from a bare clone in --mirror DIR (named OWNER+NAME), else cloned from GitHub.

winnow runs as a user would: `winnow run` of a pipeline that is only `decode: {}` (written to
out/charsets/decode.yaml), --jobs 1, the whole process timed, median of --repeat runs (on
chardet's suite taking turns with chardet, one run each per round; the speed ratios are the
median of the rounds' ratios, as this machine's speed drifts from one minute to the next); its
answer is each record's source.encoding (a reject is a miss), and for ftfy's cases the text it
keeps; "inside its decode stage" is the stage's own seconds from the run summary (its tables
and models load when the pipeline is built, as the peers' load in their untimed warm-up pass).
The peers (harness/peers/charsets.py in .venv-charsets/, pins below) loop over the same inputs
in memory, --repeat passes after an untimed warm-up pass over them all, the median pass
counting. Every process is pinned to one CPU with taskset when there is one. Scoring is
harness/scoring/charsets.py, the same functions for every tool.

Prints one table and writes out/charsets/report.json. Exit 0 whatever the figures; 1 when a
winnow run failed; 2 on bad usage or a set that cannot be had.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from harness import common
from harness.common import ROOT, logger
from harness.peers import venv
from harness.public import sets  # bare_repository, extract: the same clone and archive steps
from harness.public.runs import run_peer, run_winnow
from harness.scoring import charsets as score

VENV = ".venv-charsets"
PINS = ["chardet==7.7.0", "charset-normalizer==3.4.7", "ftfy==6.3.1"]
REPOS = {
    "chardet/chardet": "1355907628bff3148cc81ec77093b41d922436a7",
    "rspeer/python-ftfy": "74dd0452b48286a3770013b3a02755313bd5575e",
}
FTFY_KINDS = ["in-the-wild", "synthetic", "negative"]
LAYOUT_VERSION = 1
MB = 1_000_000


log = logger("eval-charsets")


def materialize_chardet(mirror, work):
    repo = "chardet/chardet"
    folder = work / "chardet"
    params = {"repo": repo, "commit": REPOS[repo], "layout": LAYOUT_VERSION}
    if common.reuse(folder, params) is None:
        common.unstamp(folder)
        src = folder / "src"
        sets.extract(sets.bare_repository(repo, mirror, work), REPOS[repo], ["tests"], src)
        files = folder / "files"
        if files.exists():
            shutil.rmtree(files)
        with open(folder / "items.jsonl", "w", encoding="utf-8") as out:
            for path in sorted((src / "tests").glob("*/*")):
                if not path.is_file():
                    continue
                label = path.parent.name
                ext = ".html" if path.suffix.lower() in (".html", ".htm", ".xml") else ".txt"
                name = f"{label}/{path.stem}{ext}"
                (files / label).mkdir(parents=True, exist_ok=True)
                (files / name).write_bytes(path.read_bytes())
                out.write(json.dumps({"id": name, "label": label, "source": str(path.relative_to(src))}) + "\n")
        common.stamp(folder, params)
    items = [json.loads(line) for line in open(folder / "items.jsonl", encoding="utf-8")]
    for item in items:
        item["data"] = (folder / "files" / item["id"]).read_bytes()
    return folder, items


def materialize_ftfy(mirror, work):
    repo = "rspeer/python-ftfy"
    folder = work / "ftfy"
    params = {"repo": repo, "commit": REPOS[repo], "layout": LAYOUT_VERSION}
    if common.reuse(folder, params) is None:
        common.unstamp(folder)
        src = folder / "src"
        sets.extract(sets.bare_repository(repo, mirror, work), REPOS[repo], ["tests/test-cases"], src)
        with open(folder / "cases.jsonl", "w", encoding="utf-8") as out:
            for kind in FTFY_KINDS:
                cases = json.loads((src / "tests" / "test-cases" / f"{kind}.json").read_text(encoding="utf-8"))
                for number, case in enumerate(cases):
                    if case.get("expect") != "pass":
                        continue
                    record = {"id": f"{kind}-{number:03d}", "kind": kind, "text": case["original"], **case}
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
        common.stamp(folder, params)
    return folder, [json.loads(line) for line in open(folder / "cases.jsonl", encoding="utf-8")]


def venv_python():
    python, found = venv.ensure(VENV, PINS, log)
    if python is None:
        log(f"peers not run: {found}")
    return python


# decode with every text fix it offers: what ftfy's fix_text does beside the charset repair.
FIX_TEXT = "{fix_text: [entities, controls, ligatures, width, quotes]}"


def winnow_on(args, work, source, name, options="{}", repeat=None):
    """winnow run of decode alone (with `options`) on `source` `repeat` (else --repeat) times:
    (records by id, reasons by id, median seconds, median seconds inside decode)."""
    suffix = "" if options == "{}" else "-fix-text"
    pipeline = work / f"decode{suffix}.yaml"
    pipeline.write_text(f"version: 1\nstages:\n  - decode: {options}\n")
    records, rejects, times, stage_times = run_winnow(args.winnow, pipeline, source, work / name / f"winnow{suffix}",
                                                      name, repeat or args.repeat, args.cpu)
    dropped = {key: row.get("reason", "?") for key, row in rejects.items()}
    return records, dropped, statistics.median(times), statistics.median(stage_times)


def peer_on(python, mode, source, peer, cpu, work, passes):
    path = work / "peers" / f"{peer}.json"
    return run_peer(python, "charsets", [mode, source, peer, path, str(passes)], path, cpu, log, peer)


def fmt(value, digits=3):
    return "—" if value is None else f"{value:.{digits}f}"


GROUP_ORDER = ["Latin", "Cyrillic", "Greek", "Hebrew/Arabic", "CJK", "Korean", "Thai", "Unicode", "other"]


def print_charsets(result, with_labels):
    tools = result["tools"]
    groups = [g for g in GROUP_ORDER if any(g in m["groups"] for m in tools.values())]
    print(f"\nchardet test suite ({result['files']} files, {result['bytes'] / MB:.1f} MB; chardet/chardet@{REPOS['chardet/chardet'][:7]})"
          f"; winnow rejects: " + (", ".join(f"{k} {v}" for k, v in sorted(result["winnow_rejects"].items())) or "none"))
    head = f"  {'tool':<19} {'version':<10} {'overall':>7} " + " ".join(f"{g[:8]:>8}" for g in groups)
    head += f" {'Korean':>7} {'files/s':>8} {'MB/s':>6} {'winnow ×':>8}"
    print(head)
    winnow = tools.get("winnow", {})
    for tool, m in tools.items():
        ratio = winnow["files_per_second"] / m["files_per_second"] if tool != "winnow" and m.get("files_per_second") else None
        cells = " ".join(f"{fmt(m['groups'][g]['accuracy']) if g in m['groups'] else '—':>8}" for g in groups)
        korean = f"{m['korean']['right']}/{m['korean']['files']}"
        print(f"  {tool:<19} {str(m['version']):<10} {fmt(m['accuracy']):>7} {cells} {korean:>7} "
              f"{fmt(m['files_per_second'], 0):>8} {fmt(m['mb_per_second'], 2):>6} {fmt(ratio, 1):>8}")
    files = {g: next(iter(tools.values()))["groups"][g]["files"] for g in groups}
    print("  files per group: " + ", ".join(f"{g} {files[g]}" for g in groups))
    inside = result.get("winnow_decode_seconds")
    if inside:
        print(f"  winnow inside its decode stage (as the peers, files already read): {result['files'] / inside:.0f} files/s, "
              f"{result['bytes'] / MB / inside:.1f} MB/s")
    ratios = round_ratios(result)
    if ratios:
        whole, inside = ratios
        print(f"  winnow ÷ chardet, files/s, per round (each round runs both, one after the other): whole process "
              f"{statistics.median(whole):.2f}× ({min(whole):.2f}–{max(whole):.2f}), inside decode "
              f"{statistics.median(inside):.2f}× ({min(inside):.2f}–{max(inside):.2f})")
    if with_labels:
        labels = sorted({label for m in tools.values() for label in m["labels"]})
        print(f"\n  {'label':<24} " + " ".join(f"{t[:10]:>10}" for t in tools))
        for label in labels:
            print(f"  {label:<24} " + " ".join(
                f"{str(m['labels'][label]['right']) + '/' + str(m['labels'][label]['files']):>10}" for m in tools.values()))


def round_ratios(result):
    """winnow's files/s over chardet's in each round that ran both: (whole process, inside
    decode), or None."""
    rounds = [row for row in result.get("rounds", []) if "chardet" in row and row["winnow"] and row["winnow_decode"]]
    if not rounds:
        return None
    return ([row["chardet"] / row["winnow"] for row in rounds], [row["chardet"] / row["winnow_decode"] for row in rounds])


def print_mojibake(result):
    tools = result["tools"]
    inside = result.get("winnow_decode_seconds")
    counts = result["cases"]
    print(f"\nftfy test cases (rspeer/python-ftfy@{REPOS['rspeer/python-ftfy'][:7]}, \"expect\": \"pass\"): "
          + ", ".join(f"{k} {v}" for k, v in counts.items()))
    print(f"  {'':<26} {'':<10} {'charset part (fixed-encoding, else fixed)':^44}  {'fix_text output (fixed)':^36}")
    print(f"  {'tool':<26} {'version':<10} " + " ".join(f"{k:>14}" for k in counts) + "  "
          + " ".join(f"{k:>11}" for k in counts) + f" {'texts/s':>9}")
    for tool, m in tools.items():
        cells = " ".join(f"{fmt(m['kinds'][k]['accuracy']) if k in m['kinds'] else '—':>14}" for k in counts)
        cells += "  " + " ".join(f"{fmt(m['kinds_fixed'][k]['accuracy']) if k in m['kinds_fixed'] else '—':>11}" for k in counts)
        print(f"  {tool:<26} {str(m['version']):<10} {cells} {fmt(m['texts_per_second'], 0):>9}")
    if inside:
        print(f"  winnow inside its decode stage: {sum(counts.values()) / inside:.0f} texts/s")


def targets(charsets, mojibake):
    rows = []
    w = (charsets or {}).get("tools", {}).get("winnow")
    if w:
        rows.append(("chardet suite overall", ">=", 0.98, w["accuracy"]))
        rows.append(("Korean files right", ">=", 1.0, w["korean"]["right"] / max(1, w["korean"]["files"])))
        for g in ("Latin", "Cyrillic", "Greek", "Hebrew/Arabic", "CJK"):
            if g in w["groups"]:
                rows.append((f"{g} group", ">=", 0.95, w["groups"][g]["accuracy"]))
        ratios = round_ratios(charsets)
        if ratios:
            rows.append(("files/s / chardet (median of rounds)", ">=", 3.0, statistics.median(ratios[0])))
            rows.append(("files/s in decode / chardet (median)", ">=", 3.0, statistics.median(ratios[1])))
    m = (mojibake or {}).get("tools", {}).get("winnow decode")
    if m:
        for kind, target in (("in-the-wild", 0.80), ("synthetic", 0.80), ("negative", 0.95)):
            if kind in m["kinds"]:
                rows.append((f"ftfy {kind} (charset part)", ">=", target, m["kinds"][kind]["accuracy"]))
    m = (mojibake or {}).get("tools", {}).get("winnow decode fix_text")
    if m:
        for kind, target in (("in-the-wild", 0.80), ("synthetic", 0.80), ("negative", 0.95)):
            if kind in m["kinds_fixed"]:
                rows.append((f"ftfy {kind} (fixed, fix_text)", ">=", target, m["kinds_fixed"][kind]["accuracy"]))
    print("\ntargets:")
    result = []
    for label, op, target, value in rows:
        ok = value is not None and value >= target
        print(f"  {label:<28} {op} {target:<5} measured {fmt(value):>7}   {'PASS' if ok else 'FAIL'}")
        result.append({"target": label, "op": op, "value": target, "measured": value, "pass": ok})
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--winnow", required=True)
    parser.add_argument("--mirror", default=os.environ.get("WINNOW_PUBLIC_MIRROR") or None)
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", default="out/charsets")
    parser.add_argument("--json", default=None)
    parser.add_argument("--cpu", default="auto", help="CPU to pin every process to ('none': no pinning)")
    parser.add_argument("--misses", action="store_true", help="also print every label's counts and winnow's misses")
    args = parser.parse_args()
    if not Path(args.winnow).exists():
        parser.error(f"no winnow binary at {args.winnow} (make build)")
    if args.cpu == "auto":
        args.cpu = 1 if shutil.which("taskset") and (os.cpu_count() or 1) > 1 else (0 if shutil.which("taskset") else None)
    elif args.cpu == "none":
        args.cpu = None
    work = (ROOT / args.out).resolve()
    work.mkdir(parents=True, exist_ok=True)
    try:
        chardet_folder, items = materialize_chardet(args.mirror, work)
        ftfy_folder, cases = materialize_ftfy(args.mirror, work)
    except sets.SetError as err:
        log(str(err))
        return 2
    python = None if args.no_peer else venv_python()
    report = {"cpu": args.cpu, "repeat": args.repeat, "commits": REPOS, "pins": PINS}
    failed = False

    # Charset detection.
    size = sum(len(item["data"]) for item in items)
    charsets = {"files": len(items), "bytes": size, "tools": {}}
    try:
        # winnow and chardet take turns, one run each per round, so that both meet the same
        # moment of this machine's speed; the speed ratio is the median of the rounds' ratios.
        rounds = []
        for round_number in range(args.repeat):
            log(f"chardet suite: round {round_number + 1} of {args.repeat}: winnow" + (", chardet" if python else "") + " ...")
            records, dropped, seconds, stage_seconds = winnow_on(args, work, chardet_folder / "files", "chardet", repeat=1)
            row = {"winnow": seconds, "winnow_decode": stage_seconds}
            if python is not None:
                result = peer_on(python, "detect", chardet_folder, "chardet", args.cpu, work / "chardet", 1)
                if result:
                    row["chardet"] = result["seconds"]
                    answers_chardet = (result["version"], result["outputs"])
            rounds.append(row)
        charsets["rounds"] = rounds
        seconds = statistics.median(row["winnow"] for row in rounds)
        stage_seconds = statistics.median(row["winnow_decode"] for row in rounds)
        charsets["winnow_decode_seconds"] = stage_seconds
        guesses = {i["id"]: (records[i["id"]].get("source") or {}).get("encoding") if i["id"] in records else None for i in items}
        charsets["winnow_rejects"] = {}
        for reason in dropped.values():
            charsets["winnow_rejects"][reason] = charsets["winnow_rejects"].get(reason, 0) + 1
        answers = {"winnow": ("decode: {}", guesses, seconds)}
    except RuntimeError as err:
        log(str(err))
        failed, answers = True, {}
        charsets["winnow_rejects"] = {}
    chardet_rounds = [row["chardet"] for row in charsets.get("rounds", []) if "chardet" in row]
    if chardet_rounds:
        answers["chardet"] = answers_chardet + (statistics.median(chardet_rounds),)
    if python is not None:
        log("chardet suite: charset-normalizer ...")
        result = peer_on(python, "detect", chardet_folder, "charset-normalizer", args.cpu, work / "chardet", args.repeat)
        if result:
            answers["charset-normalizer"] = (result["version"], result["outputs"], result["seconds"])
    for tool, (version, guesses, seconds) in answers.items():
        measured = score.charset_score(items, guesses)
        measured.update(version=version, seconds=seconds, files_per_second=len(items) / seconds if seconds else None,
                        mb_per_second=size / MB / seconds if seconds else None)
        charsets["tools"][tool] = measured
    if charsets["tools"]:
        print_charsets(charsets, args.misses)
    if args.misses and "winnow" in charsets["tools"]:
        print("\n  winnow misses: " + ", ".join(f"{m['id']} → {m['guess']}" for m in charsets["tools"]["winnow"]["misses"]))
    report["charsets"] = charsets

    # Mojibake.
    kinds = {}
    for case in cases:
        kinds[case["kind"]] = kinds.get(case["kind"], 0) + 1
    mojibake = {"cases": kinds, "tools": {}}
    fixes = {}
    try:
        log(f"ftfy cases: winnow × {args.repeat} ...")
        records, _, seconds, stage_seconds = winnow_on(args, work, ftfy_folder / "cases.jsonl", "ftfy")
        mojibake["winnow_decode_seconds"] = stage_seconds
        fixes["winnow decode"] = ("decode: {}", {c["id"]: (records.get(c["id"]) or {}).get("text") for c in cases},
                                  seconds)
        records, _, seconds, _ = winnow_on(args, work, ftfy_folder / "cases.jsonl", "ftfy", FIX_TEXT)
        fixes["winnow decode fix_text"] = ("all fixes", {c["id"]: (records.get(c["id"]) or {}).get("text") for c in cases},
                                           seconds)
    except RuntimeError as err:
        log(str(err))
        failed = True
    if python is not None:
        for peer in ("fix_encoding", "fix_text"):
            log(f"ftfy cases: ftfy {peer} ...")
            result = peer_on(python, "fix", ftfy_folder / "cases.jsonl", peer, args.cpu, work / "ftfy", args.repeat)
            if result:
                fixes[f"ftfy {peer}"] = (result["version"], result["outputs"], result["seconds"])
    for tool, (version, outputs, seconds) in fixes.items():
        measured = score.mojibake_score(cases, outputs)
        measured.update(version=version, seconds=seconds, texts_per_second=len(cases) / seconds if seconds else None)
        mojibake["tools"][tool] = measured
    if mojibake["tools"]:
        print_mojibake(mojibake)
    if args.misses and "winnow decode" in mojibake["tools"]:
        for miss in mojibake["tools"]["winnow decode"]["misses"]:
            print(f"  miss {miss['id']}: {miss['output']!r} ≠ {miss['expected']!r}")
    report["mojibake"] = mojibake
    report["targets"] = targets(charsets, mojibake)
    path = Path(args.json) if args.json else work / "report.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\nJSON: {path}   (pinned to CPU {args.cpu}; winnow: whole process, median of {args.repeat}; "
          f"peers: their loop over inputs in memory, median of {args.repeat} passes)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
