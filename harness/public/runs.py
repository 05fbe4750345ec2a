"""How the public-set harness runs winnow and the peers (`make eval-public`, `make eval-charsets`).

winnow runs as a user would: `winnow run PIPELINE --input SOURCE --jobs 1 --quiet --no-gates`,
the whole process timed, --repeat times. A peer runs once over inputs already in memory
(harness/peers/loop.py). Both are pinned to one CPU with taskset when one is given.
"""

import json
from pathlib import Path

from harness.common import pinned, read_jsonl, run_measured, tail
from harness.peers import venv


def run_winnow(winnow, pipeline, source, out, label, repeat, cpu):
    """winnow on `source` `repeat` times: (records by id, reject rows by id, wall seconds of
    each run, seconds inside the stages of each run). Raises RuntimeError when a run fails."""
    out.mkdir(parents=True, exist_ok=True)
    clean, rejects, summary = out / "clean.jsonl", out / "rejects.jsonl", out / "summary.json"
    cmd = [str(Path(winnow).resolve()), "run", str(Path(pipeline).resolve()), "--input", str(source),
           "--output", str(clean), "--rejects", str(rejects), "--jobs", "1", "--quiet", "--no-gates",
           "--summary-json", str(summary)]
    times, stage_times = [], []
    for _ in range(repeat):
        run = run_measured(pinned(cmd, cpu), out / "winnow.log")
        times.append(run.seconds)
        if run.exit != 0:
            raise RuntimeError(f"winnow on {label} exited {run.exit}: {tail(out / 'winnow.log')}")
        stages = json.loads(summary.read_text()).get("stages") or []
        stage_times.append(sum(stage.get("seconds", 0) for stage in stages))
    records = {record["id"]: record for record in read_jsonl(clean)}
    dropped = {record["id"]: record for record in read_jsonl(rejects)}
    return records, dropped, times, stage_times


def run_peer(python, peer_module, args, result, cpu, log, label):
    """`python -m harness.peers.PEER_MODULE ARGS` writing `result` (JSON): its content, or None."""
    result.parent.mkdir(parents=True, exist_ok=True)
    log_path = result.with_suffix(".log")
    run = run_measured(venv.peer_command(python, peer_module, args, cpu), log_path)
    if run.exit != 0:
        log(f"{label} failed: {tail(log_path, 300)}")
        return None
    return json.loads(result.read_text(encoding="utf-8"))
