"""The peers' virtualenvs at the repository root and the one way to run a peer in them.

* `.venv/`: trafilatura for `make eval`, charset-normalizer for `make bench`, datasketch,
  datatrove and rensa for `make bench-dedup` (pins that fit together; see each caller);
* `.venv-public/`: trafilatura, resiliparse, turbohtml and htmldate for `make eval-public`;
* `.venv-charsets/`: chardet, charset-normalizer and ftfy for `make eval-charsets`.

`ensure` creates a virtualenv when missing and pip-installs the pins when an installed version
differs from them (or a module does not import); `peer_command` is how every harness program
starts a peer: `python -m harness.peers.NAME ARGS` from the repository root, pinned to a core.
"""

import json
import subprocess
import sys

from harness.common import ROOT, pinned


def dist(spec):
    """The distribution name of a pip spec: 'xxhash<4' -> 'xxhash'."""
    for sep in ("==", "<", ">", "~", "!", "["):
        spec = spec.split(sep)[0]
    return spec.strip()


def versions(python, dists):
    """{distribution: installed version or None} inside the venv."""
    probe = ("import importlib.metadata as m, json, sys; v = {}\n"
             "for d in json.loads(sys.argv[1]):\n"
             "    try: v[d] = m.version(d)\n"
             "    except Exception: v[d] = None\n"
             "print(json.dumps(v))")
    r = subprocess.run([str(python), "-c", probe, json.dumps(list(dists))], cwd=ROOT, capture_output=True, text=True)
    return json.loads(r.stdout) if r.returncode == 0 else {d: None for d in dists}


def imports(python, modules):
    if not modules:
        return True
    r = subprocess.run([str(python), "-c", "import " + ", ".join(modules)], cwd=ROOT, capture_output=True, text=True)
    return r.returncode == 0


def pip(python, specs, venv, log):
    """pip install `specs` into the venv; True when it worked."""
    log(f"installing {' '.join(specs)} into {venv}/ ...")
    r = subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *specs],
                       cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        log(f"pip install {' '.join(specs)} failed: {r.stderr.strip()[-400:]}")
    return r.returncode == 0


def ensure(venv, pins, log, modules=(), latest=None, ready=None):
    """The python of ROOT/venv with `pins` installed: (python, {distribution: version}) or
    (None, reason). A pin `name==V` must be installed at V, any other spec just installed; every
    module in `modules` must import, and ready(versions) hold when given. When the pins cannot
    be installed, `latest` (specs) is installed instead and the caller warns of the versions."""
    python = ROOT / venv / "bin" / "python"
    if not python.exists():
        log(f"creating {venv}/ ...")
        r = subprocess.run([sys.executable, "-m", "venv", str(venv)], cwd=ROOT, capture_output=True, text=True)
        if r.returncode != 0:
            return None, f"python3 -m venv {venv} failed: {r.stderr.strip()[-400:]}"
    wanted = {dist(spec): spec.split("==")[1] if "==" in spec else None for spec in pins}

    def fits(found):
        return (all(found.get(d) is not None and (want is None or found[d] == want) for d, want in wanted.items())
                and imports(python, modules) and (ready is None or ready(found)))

    found = versions(python, wanted)
    if not fits(found):
        if not pip(python, pins, venv, log) and latest:
            pip(python, latest, venv, log)  # the pinned versions are not available: the latest
        found = versions(python, wanted)
        if not all(found.get(d) for d in wanted) or not imports(python, modules) or (ready and not ready(found)):
            return None, f"could not install {' '.join(pins)} into {venv}/"
    return python, found


def peer_command(python, peer, args, cpu=None):
    """The command line of peer `harness/peers/PEER.py` with args, under `python`."""
    return pinned([str(python), "-m", f"harness.peers.{peer}", *map(str, args)], cpu)
