#!/usr/bin/env python3
"""winnow on public labelled web pages, beside the tools people use, in one command.

    python3 -m harness.public.extraction --winnow .build/release/winnow [--mirror DIR] [--sets aeb,trafilatura,mediacloud]
                                        [--no-peer] [--repeat 3] [--pipeline pipelines/web.yaml] [--json FILE]

Sets (harness/public/sets.py pins their commits): Scrapinghub's article-extraction-benchmark
(181 pages, body text), trafilatura's tests/eval (990 pages: body segments, and title, date
and author on 851), htmldate's MediaCloud 2020 pages (200, publication day). They are read
from bare clones in --mirror DIR (named OWNER+NAME), else cloned from GitHub, and laid out
under out/public/<set>/; nothing of them is committed.

winnow runs `winnow run PIPELINE --input out/public/<set>/pages --jobs 1` as a user would
(the whole process: start-up, reading, every stage, writing), --repeat times, the median wall
time reported with its range. The peers (harness/peers/public.py, in .venv-public/ with the
pins below) loop over the same pages already in memory; the fast ones (resiliparse,
turbohtml) run --repeat times too, each run right after one of winnow's, and their median is
compared with winnow's. Every process is pinned to one CPU with taskset when
it is there, so pages/s is per core. Scoring is harness/scoring/public.py, one function per metric
for every tool; the AEB scorer is checked first against the baseline outputs the AEB
repository ships (their published F1 must come out).

Prints one table and writes out/public/report.json. Exit status 0 whatever the figures; 1
when a winnow run or the scorer check failed; 2 on bad usage or a set that cannot be had.
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

from harness.common import ROOT, logger
from harness.peers import venv
from harness.public import sets
from harness.public.runs import run_peer, run_winnow
from harness.scoring import public as score

VENV = ".venv-public"
# lxml_html_clean: trafilatura imports justext, which needs lxml.html.clean, a separate
# package since lxml 5.2 (pip does not pull it in with lxml 6).
PINS = ["trafilatura==2.3.1", "resiliparse==2.0.0", "turbohtml==1.15.4", "htmldate==1.11.0", "lxml_html_clean==0.4.7"]
PEERS = {
    "aeb": ["trafilatura", "trafilatura-fast", "resiliparse", "turbohtml"],
    "trafilatura": ["trafilatura", "trafilatura-fast", "resiliparse", "turbohtml"],
    "mediacloud": ["htmldate"],
}
# Peers as fast as winnow: their timed loop runs --repeat times, each run between two of
# winnow's, so that the machine's drift (a third from one minute to the next here) falls on
# both; the medians are compared. The slow peers run once.
INTERLEAVED = ("resiliparse", "turbohtml")
# The F1 the AEB README publishes for baselines whose output it ships.
AEB_PUBLISHED = {"trafilatura": 0.958, "readability": 0.922, "html-text": 0.665}


log = logger("eval-public")


def venv_python():
    python, found = venv.ensure(VENV, PINS, log, modules=["trafilatura", "resiliparse", "turbohtml", "htmldate"])
    if python is None:
        log(f"peers not run: {found}")
    return python


def winnow_on(args, folder, label, repeat):
    """winnow on the set `repeat` times: (records by id, stage/reason by id, seconds, stage seconds)."""
    records, rejects, times, stage_times = run_winnow(args.winnow, args.pipeline, folder / "pages", folder / "winnow",
                                                      label, repeat, args.cpu)
    dropped = {key: f"{row.get('stage', '?')}/{row.get('reason', '?')}" for key, row in rejects.items()}
    return records, dropped, times, stage_times


def winnow_outputs(items, records):
    """{id: {text, title, date, author}} in the peers' shape (a dropped page has no text)."""
    outputs = {}
    for item in items:
        record = records.get(item["id"])
        if record is None:
            outputs[item["id"]] = {"text": None}
            continue
        outputs[item["id"]] = {"text": record.get("text"), "title": record.get("title"), "date": record.get("published"),
                               "author": record.get("authors") or None}
    return outputs


def peer_on(python, folder, peer, cpu, meta):
    out = folder / "peers"
    out.mkdir(exist_ok=True)
    path = out / f"{peer}.json"
    return run_peer(python, "public", [folder, peer, path] + (["--meta"] if meta else []), path, cpu, log,
                    f"{peer} on {folder.name}")


def score_set(name, items, outputs):
    """The set's own measures for one tool's outputs."""
    if name == "aeb":
        truths = {item["id"]: item["body"] for item in items}
        return score.aeb_score(truths, {k: (v.get("text") or "") for k, v in outputs.items()})
    if name == "trafilatura":
        result = score.segment_score(items, {k: v.get("text") for k, v in outputs.items()})
        result["meta"] = score.metadata_score(items, outputs)
        return result
    days = {k: v.get("date") for k, v in outputs.items()}
    return score.day_score(items, days)


def check_aeb_scorer(folder):
    """Re-scores the baselines AEB ships; returns (rows, ok)."""
    items = sets.load_items(folder)
    truths = {item["key"]: item["body"] for item in items}
    shipped = sets.shipped_outputs(folder)
    rows, ok = [], True
    for name, published in AEB_PUBLISHED.items():
        if name not in shipped:
            rows.append((name, None, published, False))
            ok = False
            continue
        version, preds = shipped[name]
        f1 = score.aeb_score(truths, preds)["f1"]
        good = abs(round(f1, 3) - published) < 0.0005
        ok = ok and good
        rows.append((f"{name} {version}".strip(), f1, published, good))
    return rows, ok


def fmt(value, digits=3):
    return "—" if value is None else f"{value:.{digits}f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--winnow", required=True)
    parser.add_argument("--mirror", default=os.environ.get("WINNOW_PUBLIC_MIRROR") or None)
    parser.add_argument("--sets", default="aeb,trafilatura,mediacloud")
    parser.add_argument("--pipeline", default="pipelines/web.yaml")
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", default="out/public")
    parser.add_argument("--json", default=None)
    parser.add_argument("--cpu", default="auto", help="CPU to pin every process to ('none': no pinning)")
    parser.add_argument("--markdown", default=None, help="also write the results as one Markdown table to this file")
    args = parser.parse_args()
    names = [s for s in args.sets.split(",") if s]
    for name in names:
        if name not in sets.SETS:
            parser.error(f"unknown set '{name}' (sets: {', '.join(sets.SETS)})")
    if not Path(args.winnow).exists():
        parser.error(f"no winnow binary at {args.winnow} (make build)")
    if args.cpu == "auto":
        args.cpu = 1 if shutil.which("taskset") and (os.cpu_count() or 1) > 1 else (0 if shutil.which("taskset") else None)
    elif args.cpu == "none":
        args.cpu = None
    work = (ROOT / args.out).resolve()
    work.mkdir(parents=True, exist_ok=True)

    folders = {}
    for name in names:
        try:
            folders[name] = sets.materialize(name, args.mirror, work)
        except sets.SetError as err:
            log(str(err))
            return 2
    python = None if args.no_peer else venv_python()

    report = {"pipeline": args.pipeline, "cpu": args.cpu, "repeat": args.repeat,
              "commits": {repo: commit for repo, commit in sets.REPOS.items()}, "sets": {}}
    failed = False
    if "aeb" in folders:
        rows, ok = check_aeb_scorer(folders["aeb"])
        report["aeb_scorer_check"] = [{"baseline": n, "f1": f, "published": p, "ok": g} for n, f, p, g in rows]
        print("AEB scorer check (shipped baseline outputs re-scored):  " +
              ",  ".join(f"{n} {fmt(f)} (published {p:.3f}) {'ok' if g else 'MISMATCH'}" for n, f, p, g in rows))
        failed |= not ok

    for name, folder in folders.items():
        items = sets.load_items(folder)
        label = sets.SETS[name][2]
        peers = PEERS[name] if python is not None else []
        interleaved = [peer for peer in peers if peer in INTERLEAVED]
        log(f"{label}: winnow × {args.repeat}" + (f", each run followed by {' and '.join(interleaved)}" if interleaved else "") + " ...")
        times, stage_times, peer_runs = [], [], {}
        try:
            for _ in range(args.repeat):
                records, dropped, seconds, stage_seconds = winnow_on(args, folder, label, repeat=1)
                times += seconds
                stage_times += stage_seconds
                for peer in interleaved:
                    result = peer_on(python, folder, peer, args.cpu, meta=False)
                    if result is not None:
                        peer_runs.setdefault(peer, []).append(result)
        except RuntimeError as err:
            log(str(err))
            failed = True
            continue
        seconds = statistics.median(times)
        tools = {"winnow": {"version": "web.yaml", "seconds": seconds, "runs": times,
                            "stage_seconds": statistics.median(stage_times), "stage_runs": stage_times,
                            "outputs": winnow_outputs(items, records)}}
        reasons = {}
        for reason in dropped.values():
            reasons[reason] = reasons.get(reason, 0) + 1
        for peer in peers:
            if peer in interleaved:
                runs = peer_runs.get(peer)
                if runs:
                    # Outputs are the same every run; the time is the runs' median.
                    tools[peer] = dict(runs[0], seconds=statistics.median(r["seconds"] for r in runs),
                                       runs=[r["seconds"] for r in runs])
                continue
            log(f"{label}: {peer} ...")
            result = peer_on(python, folder, peer, args.cpu, meta=(name == "trafilatura" and peer.startswith("trafilatura")))
            if result is not None:
                tools[peer] = result
        entry = {"pages": len(items), "winnow_rejects": reasons, "tools": {}}
        for tool, result in tools.items():
            measured = score_set(name, items, result["outputs"])
            measured["pages_per_second"] = len(items) / result["seconds"] if result["seconds"] else None
            measured["version"] = result.get("version")
            measured["seconds"] = result["seconds"]
            if "runs" in result:
                measured["runs"] = result["runs"]
            if "stage_runs" in result:
                measured["stage_seconds"] = result["stage_seconds"]
                measured["stage_runs"] = result["stage_runs"]
                measured["pages_per_second_in_stages"] = len(items) / result["stage_seconds"] if result["stage_seconds"] else None
            entry["tools"][tool] = measured
        report["sets"][name] = entry
        print_set(name, label, entry)

    report["targets"] = print_targets(report["sets"])
    if args.markdown:
        Path(args.markdown).write_text(markdown(report))
    path = Path(args.json) if args.json else work / "report.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\nJSON: {path}   (pinned to CPU {args.cpu}; winnow: whole process, median of {args.repeat}; "
          f"peers: their loop over pages in memory, {' and '.join(INTERLEAVED)} median of {args.repeat} runs interleaved with winnow's)")
    return 1 if failed else 0


def markdown(report):
    """The sets' figures as one Markdown table, a column per tool (for the README)."""
    sets_ = report["sets"]
    order = ["winnow", "trafilatura", "trafilatura-fast", "resiliparse", "turbohtml", "htmldate"]
    tools = [t for t in order if any(t in (e.get("tools") or {}) for e in sets_.values())]

    def name(tool):
        for entry in sets_.values():
            m = (entry.get("tools") or {}).get(tool)
            if m:
                version = m.get("version")
                label = "trafilatura fast" if tool == "trafilatura-fast" else tool
                return f"{label} {version}" if tool != "winnow" else "winnow `web.yaml`"
        return tool

    def cell(set_name, tool, fn):
        m = ((sets_.get(set_name) or {}).get("tools") or {}).get(tool)
        return fn(m) if m else ""

    rows = []
    if "aeb" in sets_:
        n = sets_["aeb"]["pages"]
        rows.append((f"AEB ({n} pages): body F1 (P / R)", lambda t: cell("aeb", t, lambda m: f"{m['f1']:.3f} ({m['precision']:.3f} / {m['recall']:.3f})")))
        rows.append(("AEB: pages with no text", lambda t: cell("aeb", t, lambda m: str(m["empty"]))))
    if "trafilatura" in sets_:
        n = sets_["trafilatura"]["pages"]
        rows.append((f"trafilatura set ({n} pages): body F1 (P / R)", lambda t: cell("trafilatura", t, lambda m: f"{m['f1']:.3f} ({m['precision']:.3f} / {m['recall']:.3f})")))
        rows.append(("trafilatura set: pages with no text", lambda t: cell("trafilatura", t, lambda m: str(m["empty"]))))
        rows.append(("trafilatura set: title / date / author exact", lambda t: cell("trafilatura", t, lambda m: (
            f"{m['meta']['title']:.3f} / {m['meta']['date']:.3f} / {m['meta']['author']:.3f}" if t in ("winnow", "trafilatura", "trafilatura-fast", "turbohtml") and m.get("meta") else ""))))
        rows.append(("trafilatura set: pages/s per core", lambda t: cell("trafilatura", t, lambda m: (
            f"{m['pages_per_second']:.0f} whole process, {m['pages_per_second_in_stages']:.0f} in its stages" if t == "winnow" else f"{m['pages_per_second']:.0f}"))))
    if "mediacloud" in sets_:
        n = sets_["mediacloud"]["pages"]
        rows.append((f"MediaCloud ({n} pages): publication day", lambda t: cell("mediacloud", t, lambda m: f"{m['accuracy']:.3f}")))
    lines = ["| | " + " | ".join(name(t) for t in tools) + " |", "|---" * (len(tools) + 1) + "|"]
    for label, fn in rows:
        lines.append(f"| {label} | " + " | ".join(fn(t) for t in tools) + " |")
    return "\n".join(lines) + "\n"


def print_targets(measured):
    """The accuracy and speed winnow's web pipeline is held to on these sets, PASS or FAIL."""
    def tool(set_name, name):
        return ((measured.get(set_name) or {}).get("tools") or {}).get(name)

    rows = []
    aeb, traf, media = tool("aeb", "winnow"), tool("trafilatura", "winnow"), tool("mediacloud", "winnow")
    if aeb:
        rows.append(("AEB body F1", ">=", 0.965, aeb["f1"]))
        rows.append(("AEB pages empty", "<=", 0.01, aeb["empty"] / measured["aeb"]["pages"]))
    if traf:
        meta = traf.get("meta") or {}
        rows.append(("trafilatura set body F1", ">=", 0.930, traf["f1"]))
        rows.append(("trafilatura set pages empty", "<=", 0.01, traf["empty"] / measured["trafilatura"]["pages"]))
        rows.append(("trafilatura set title exact", ">=", 0.80, meta.get("title")))
        rows.append(("trafilatura set date (day) exact", ">=", 0.90, meta.get("date")))
        rows.append(("trafilatura set author exact", ">=", 0.60, meta.get("author")))
        rows.append(("trafilatura set pages/s per core", ">=", 450, traf.get("pages_per_second")))
        resiliparse = tool("trafilatura", "resiliparse")
        if resiliparse and resiliparse.get("pages_per_second"):
            rows.append(("trafilatura set speed / resiliparse", ">=", 0.9,
                         traf["pages_per_second"] / resiliparse["pages_per_second"]))
    if media:
        rows.append(("MediaCloud publication day", ">=", 0.90, media["accuracy"]))
    print("\ntargets:")
    result = []
    for label, op, target, value in rows:
        ok = value is not None and (value >= target if op == ">=" else value <= target)
        print(f"  {label:<38} {op} {target:<6} measured {fmt(value, 3):>8}   {'PASS' if ok else 'FAIL'}")
        result.append({"target": label, "op": op, "value": target, "measured": value, "pass": ok})
    return result


def speed_range(pages, m):
    """'lo–hi' pages/s over a tool's timed runs, when it ran more than once."""
    runs = [s for s in m.get("runs") or [] if s]
    if len(runs) < 2:
        return ""
    return f"{pages / max(runs):.0f}–{pages / min(runs):.0f}"


def print_set(name, label, entry):
    tools = entry["tools"]
    winnow = tools.get("winnow", {})
    print(f"\n{label} ({entry['pages']} pages); winnow rejects: "
          + (", ".join(f"{k} {v}" for k, v in sorted(entry["winnow_rejects"].items())) or "none"))
    if name == "mediacloud":
        print(f"  {'tool':<18} {'version':<9} {'day acc':>8} {'found':>6} {'pages/s':>8} {'winnow ×':>9}")
        for tool, m in tools.items():
            ratio = winnow.get("pages_per_second") / m["pages_per_second"] if tool != "winnow" and m.get("pages_per_second") else None
            print(f"  {tool:<18} {str(m.get('version')):<9} {fmt(m['accuracy']):>8} {m['found']:>6} "
                  f"{fmt(m.get('pages_per_second'), 0):>8} {fmt(ratio, 2):>9}")
        print_in_stages(tools)
        return
    meta = name == "trafilatura"
    head = f"  {'tool':<18} {'version':<9} {'F1':>6} {'P':>6} {'R':>6} {'empty':>6} {'pages/s':>8} {'range':>9} {'winnow ×':>9}"
    if meta:
        head += f"  {'title':>6} {'date':>6} {'author':>6}"
    print(head)
    for tool, m in tools.items():
        ratio = winnow.get("pages_per_second") / m["pages_per_second"] if tool != "winnow" and m.get("pages_per_second") else None
        line = (f"  {tool:<18} {str(m.get('version')):<9} {fmt(m['f1']):>6} {fmt(m['precision']):>6} {fmt(m['recall']):>6} "
                f"{m['empty']:>6} {fmt(m.get('pages_per_second'), 0):>8} {speed_range(entry['pages'], m):>9} {fmt(ratio, 2):>9}")
        if meta:
            mm = m.get("meta") or {}
            line += f"  {fmt(mm.get('title')):>6} {fmt(mm.get('date')):>6} {fmt(mm.get('author')):>6}" if "title" in mm and (tool == "winnow" or tool.startswith("trafilatura") or tool == "turbohtml") else ""
        print(line)
    print_in_stages(tools)


def print_in_stages(tools):
    """winnow's time inside its stages (pages in memory), beside the peers' in-memory loops."""
    winnow = tools.get("winnow") or {}
    inside = winnow.get("pages_per_second_in_stages")
    if not inside:
        return
    ratios = ", ".join(f"{inside / m['pages_per_second']:.2f}× {tool}" for tool, m in tools.items()
                       if tool != "winnow" and m.get("pages_per_second"))
    print(f"  winnow inside its stages (as the peers, pages already read): {inside:.0f} pages/s" + (f"; {ratios}" if ratios else ""))


if __name__ == "__main__":
    sys.exit(main())
