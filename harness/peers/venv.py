"""The peers' shared virtualenv (.venv/ at the repository root), for bench/bench.py and
eval/eval.py: create it, ask a module's version, pip-install into it."""

import subprocess
import sys
from pathlib import Path

VENV = Path(".venv")


def python(root):
    """The venv's python; the venv is created when missing. Returns (path, None) or (None, reason)."""
    path = root / VENV / "bin" / "python"
    if not path.exists():
        print(f"creating {VENV}/ ...", file=sys.stderr, flush=True)
        r = subprocess.run([sys.executable, "-m", "venv", str(VENV)], cwd=root, capture_output=True, text=True)
        if r.returncode != 0:
            return None, f"python3 -m venv {VENV} failed: {r.stderr.strip()[-400:]}"
    return path, None


def version(python_path, module, root):
    """`module.__version__` inside the venv, or None when it does not import."""
    r = subprocess.run([str(python_path), "-c", f"import {module} as m; print(m.__version__)"],
                       cwd=root, capture_output=True, text=True)
    return r.stdout.strip() if r.returncode == 0 else None


def pip(python_path, specs, root, log):
    """pip install `specs` (a list) into the venv; True when it worked."""
    log(f"installing {' '.join(specs)} into {VENV}/ ...")
    r = subprocess.run([str(python_path), "-m", "pip", "install", "-q", "--disable-pip-version-check", *specs],
                       cwd=root, capture_output=True, text=True)
    if r.returncode != 0:
        log(f"pip install {' '.join(specs)} failed: {r.stderr.strip()[-400:]}")
    return r.returncode == 0
