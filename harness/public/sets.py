"""The public labelled sets `make eval-public` (harness/public/extraction.py) measures winnow
on: where each comes from (a repository at a pinned commit), and how it is laid out for winnow
and the peers. `make eval-charsets` reads its two repositories the same way.

Nothing of these sets is committed to winnow. Each repository is read from a bare clone:
`--mirror DIR` (a folder of bare clones named OWNER+NAME, or OWNER+NAME/repo), else a bare
`git clone` into out/public/src/ when online. The pinned commit is extracted with
`git archive` into out/public/<set>/src/, then materialized as

    out/public/<set>/pages/NNNN.html   one page per labelled item, the bytes as published
    out/public/<set>/items.jsonl       {"id": "NNNN.html", "key": ..., labels ...} per page

so winnow (which names a document by its path) and the peers read the same files.
"""

import gzip
import json
import os
import shutil
import subprocess
import tarfile
import io
from pathlib import Path

from harness import common

# The repositories and the commits the figures were measured at.
REPOS = {
    "scrapinghub/article-extraction-benchmark": "4a3bc979f76c0df73cb95fe272e2fc1b96f9f010",
    "adbar/trafilatura": "e90b0ef51ab026fdb905fb6c5b3c84dd3d784fd5",
    "adbar/htmldate": "b8952828329abaeeb3be21387b526f2be614ce67",
}

# Set name -> (repository, paths to extract, human name).
SETS = {
    "aeb": ("scrapinghub/article-extraction-benchmark",
            ["html", "ground-truth.json", "output/trafilatura.json", "output/readability.json", "output/html-text.json"],
            "Scrapinghub article-extraction-benchmark"),
    "trafilatura": ("adbar/trafilatura", ["tests/eval", "tests/cache", "tests/evaldata.json"],
                    "trafilatura tests/eval"),
    "mediacloud": ("adbar/htmldate", ["tests/test_set", "tests/eval_mediacloud_2020.json"],
                   "htmldate MediaCloud 2020"),
}

LAYOUT_VERSION = 1


class SetError(Exception):
    pass


def bare_repository(repo, mirror, work):
    """A bare git directory holding `repo`: from the mirror folder, else cloned into work/src."""
    name = repo.replace("/", "+")
    candidates = []
    if mirror:
        candidates += [Path(mirror) / name, Path(mirror) / name / "repo", Path(mirror) / (name + ".git")]
    candidates.append(work / "src" / name)
    for path in candidates:
        if path.is_dir() and subprocess.run(["git", "-C", str(path), "rev-parse", "--git-dir"],
                                             capture_output=True).returncode == 0:
            return path
    target = work / "src" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    url = f"https://github.com/{repo}.git"
    r = subprocess.run(["git", "clone", "--bare", "--quiet", url, str(target)], capture_output=True, text=True)
    if r.returncode != 0:
        where = f" or in --mirror {mirror}" if mirror else " (pass --mirror DIR: a folder of bare clones named OWNER+NAME)"
        raise SetError(f"{repo}: not found{where}, and 'git clone {url}' failed: {r.stderr.strip()[-300:]}")
    return target


def extract(repo_dir, commit, paths, dest):
    """`git archive COMMIT PATHS` unpacked into dest (replaced)."""
    if subprocess.run(["git", "-C", str(repo_dir), "cat-file", "-e", f"{commit}^{{commit}}"],
                      capture_output=True).returncode != 0:
        raise SetError(f"{repo_dir}: commit {commit} is not in this clone (fetch it, or update the pin)")
    r = subprocess.run(["git", "-C", str(repo_dir), "archive", "--format=tar", commit, *paths], capture_output=True)
    if r.returncode != 0:
        raise SetError(f"git archive {commit} {' '.join(paths)} in {repo_dir}: {r.stderr.decode(errors='replace').strip()}")
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(r.stdout)) as tar:
        tar.extractall(dest, filter="data")


def materialize(name, mirror, work):
    """Lays out set `name` under work/name (reused while its stamp matches); returns its folder."""
    repo, paths, _ = SETS[name]
    commit = REPOS[repo]
    folder = work / name
    params = {"set": name, "repo": repo, "commit": commit, "layout": LAYOUT_VERSION}
    if common.reuse(folder, params, lambda _: (folder / "items.jsonl").exists()) is not None:
        return folder
    common.unstamp(folder)
    src = folder / "src"
    extract(bare_repository(repo, mirror, work), commit, paths, src)
    pages = folder / "pages"
    if pages.exists():
        shutil.rmtree(pages)
    pages.mkdir(parents=True)
    items = {"aeb": _aeb, "trafilatura": _trafilatura, "mediacloud": _mediacloud}[name](src)
    with open(folder / "items.jsonl", "w", encoding="utf-8") as out:
        for number, (data, item) in enumerate(items):
            item = {"id": f"{number:04d}.html", **item}
            (pages / item["id"]).write_bytes(data)
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
    common.stamp(folder, params)
    return folder


def load_items(folder):
    with open(folder / "items.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def _aeb(src):
    truth = json.loads((src / "ground-truth.json").read_text(encoding="utf-8"))
    for key in sorted(truth):
        data = gzip.decompress((src / "html" / f"{key}.html.gz").read_bytes())
        yield data, {"key": key, "body": truth[key].get("articleBody", "")}


def _trafilatura(src):
    evaldata = json.loads((src / "tests" / "evaldata.json").read_text(encoding="utf-8"))
    for url in sorted(evaldata):
        entry = evaldata[url]
        # As eval_common.resolve: tests/cache first, then tests/eval.
        path = next((p for p in (src / "tests" / "cache" / entry["file"], src / "tests" / "eval" / entry["file"]) if p.is_file()), None)
        if path is None:
            raise SetError(f"trafilatura set: {url}: file {entry['file']} not found")
        item = {"key": url, "with": entry["with"], "without": entry["without"]}
        for field in ("title", "date", "author"):
            if field in entry:
                item[field] = entry[field]
        yield path.read_bytes(), item


def _mediacloud(src):
    evaldata = json.loads((src / "tests" / "eval_mediacloud_2020.json").read_text(encoding="utf-8"))
    for url in sorted(evaldata):
        entry = evaldata[url]
        path = src / "tests" / "test_set" / entry["file"]
        if not path.is_file():
            raise SetError(f"mediacloud set: {url}: file {entry['file']} not found")
        yield path.read_bytes(), {"key": url, "date": entry["date"]}


def shipped_outputs(folder):
    """AEB's shipped baseline outputs: {name: (version, {key: articleBody})}."""
    result = {}
    for path in sorted((folder / "src" / "output").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        version = ""
        if isinstance(data, dict) and set(data) == {"version", "output"}:
            version, data = str(data.get("version") or ""), data["output"]
        result[path.stem] = (version, {k: (v or {}).get("articleBody", "") or "" for k, v in data.items()})
    return result
