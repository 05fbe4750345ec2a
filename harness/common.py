"""What every harness program shares: the repository root, logging, running a child measured,
the stamp cache of generated folders, reading JSONL, formatting. Standard library only (the
peers import the harness under their virtualenvs' python too)."""

import json
import os
import subprocess
import sys
import time
from collections import namedtuple
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # every relative path is from the repository root
MB = 1_000_000  # MB means 10^6 bytes throughout, as in winnow's own summary


def logger(prefix):
    """log(message) to stderr as `prefix: message`."""
    def log(message):
        print(f"{prefix}: {message}", file=sys.stderr, flush=True)
    return log


def cpu_count():
    try:
        return len(os.sched_getaffinity(0))  # what `nproc` reports
    except AttributeError:
        return os.cpu_count() or 1


def pinned(cmd, cpu):
    """cmd under `taskset -c cpu` (cpu None: as it is)."""
    return (["taskset", "-c", str(cpu)] + list(cmd)) if cpu is not None else list(cmd)


# --- running a child measured ---------------------------------------------------------------

Run = namedtuple("Run", "exit seconds cpu_seconds peak_rss")  # peak_rss in bytes


def run_measured(cmd, log_path, cpu=None, env=None):
    """Run cmd from the repository root, its stdout and stderr into log_path, pinned to `cpu`
    when given. os.wait4 gives this child's own rusage: its CPU seconds and its peak RSS."""
    affinity = (lambda: os.sched_setaffinity(0, {cpu})) if cpu is not None else None
    with open(log_path, "wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=err, stderr=err,
                                preexec_fn=affinity, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped: tell Popen
    rss_kib = usage.ru_maxrss if sys.platform != "darwin" else usage.ru_maxrss / 1024
    return Run(proc.returncode, seconds, usage.ru_utime + usage.ru_stime, rss_kib * 1024)


def tail(path, n=600):
    try:
        return Path(path).read_text(errors="replace").strip()[-n:]
    except OSError:
        return ""


# --- the stamp cache ------------------------------------------------------------------------
# A generated folder holds stamp.json: {"params": what made it, ...facts about it}. It is reused
# while the params are the same and its contents check out; the stamp is removed before the
# folder is (re)written and written last, so a half-written folder never looks finished.


def reuse(folder, params, check=None):
    """folder's stamp when it was made with `params` (and check(stamp) holds), else None."""
    try:
        stamp = json.loads((Path(folder) / "stamp.json").read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(stamp, dict) or stamp.get("params") != params:
        return None
    try:
        return stamp if check is None or check(stamp) else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def unstamp(folder):
    """Before (re)writing folder: it must not look finished until stamp() is called."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    (Path(folder) / "stamp.json").unlink(missing_ok=True)


def stamp(folder, params, **facts):
    """Mark folder finished, made with params; returns the stamp."""
    value = {"params": params, **facts}
    (Path(folder) / "stamp.json").write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n")
    return value


# --- reading and formatting -----------------------------------------------------------------


def read_jsonl(path, who="harness"):
    """The records of a JSONL file (blank lines skipped); a bad line exits naming file and line."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except ValueError as e:
                raise SystemExit(f"{who}: {path}:{n}: not JSON: {e}")
    return rows


def fnum(v, fmt=".2%"):
    return "-" if v is None else format(v, fmt)


class Checks:
    """A self-check's checks: check(name, ok, detail) prints each as it is made; done() prints
    'N passed, N failed' and returns the exit code (1 if any check failed)."""

    def __init__(self):
        self.results = []

    def __call__(self, name, ok, detail=""):
        self.results.append(bool(ok))
        print(f"{'ok  ' if ok else 'FAIL'} {name}" + (f"  ({detail})" if detail and not ok else ""))

    def done(self):
        failed = self.results.count(False)
        print(f"{len(self.results) - failed} passed, {failed} failed")
        return 1 if failed else 0
