#!/usr/bin/env python3
"""Print the expected clean record of each seed from its .expected.json.

The seeds themselves are not in this repository (policy: their text is not copied here);
they are read from ../shared/seeds relative to the repository root.

Usage:
  python3 Tests/winnowTests/Golden/seeds/render.py            # all seeds, human-readable
  python3 Tests/winnowTests/Golden/seeds/render.py 003_c40282b2ca46db17
  python3 Tests/winnowTests/Golden/seeds/render.py --jsonl    # one JSON record per seed
  python3 Tests/winnowTests/Golden/seeds/render.py --cuts     # also show what each cut removed

Rules (as in the expected.json files):
  * each entry's seed line (1-based) is stripped with str.strip() (NBSP counts as white space);
  * cut_prefix / cut_suffix scalars are removed from its start / end, then it is stripped again;
  * each [substring, replacement] pair in "redact" is replaced;
  * entries are joined with "\n\n".
  title: the given line, stripped, minus title_strip_suffix when present.
"""
import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[3]          # Tests/winnowTests/Golden/seeds -> repository root
SEEDS_DIR = REPO_ROOT.parent / "shared" / "seeds"


def render(spec, seeds_dir, cuts=None):
    seed_path = seeds_dir / spec["seed"]
    seed_lines = seed_path.read_text(encoding="utf-8").split("\n")

    def line(n):
        if not 1 <= n <= len(seed_lines):
            raise SystemExit(f"{spec['seed']}: line {n} out of range 1..{len(seed_lines)}")
        return seed_lines[n - 1].strip()

    paragraphs = []
    for entry in spec["lines"]:
        s = line(entry["line"])
        if not s:
            raise SystemExit(f"{spec['seed']}: line {entry['line']} is blank")
        pre, suf = entry.get("cut_prefix", 0), entry.get("cut_suffix", 0)
        if cuts is not None and (pre or suf):
            cuts.append((entry["line"], s[:pre], s[len(s) - suf:] if suf else ""))
        s = s[pre:len(s) - suf].strip()
        for old, new in entry.get("redact", []):
            if old not in s:
                raise SystemExit(f"{spec['seed']}: line {entry['line']}: redact target not found")
            s = s.replace(old, new)
        paragraphs.append(s)

    record = {"id": spec["seed"], "text": "\n\n".join(paragraphs)}
    if "title" in spec:
        title = line(spec["title"]["line"])
        suffix = spec.get("title_strip_suffix")
        if suffix and title.endswith(suffix):
            title = title[: -len(suffix)].strip()
        record["title"] = title
    for key in ("published", "authors", "outlet"):
        if key in spec:
            record[key] = spec[key]
    return record


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("seeds", nargs="*", help="seed basenames (with or without .txt); default: all")
    ap.add_argument("--seeds-dir", type=Path, default=SEEDS_DIR)
    ap.add_argument("--jsonl", action="store_true", help="print one JSON record per seed")
    ap.add_argument("--cuts", action="store_true", help="show the text removed by cut_prefix/cut_suffix")
    args = ap.parse_args()

    if args.seeds:
        names = [s[:-4] if s.endswith(".txt") else s.replace(".expected.json", "") for s in args.seeds]
        specs = [HERE / f"{Path(n).name}.expected.json" for n in names]
    else:
        specs = sorted(HERE.glob("*.expected.json"))

    for path in specs:
        spec = json.loads(path.read_text(encoding="utf-8"))
        cuts = [] if args.cuts else None
        record = render(spec, args.seeds_dir, cuts)
        if args.jsonl:
            print(json.dumps(record, ensure_ascii=False))
            continue
        print(f"===== {record['id']}")
        for key in ("title", "published", "authors", "outlet"):
            print(f"{key:>9}: {record.get(key, '(omitted)')}")
        print(f"    lines: {[e['line'] for e in spec['lines']]}")
        for n, pre, suf in cuts or []:
            print(f"      cut: line {n}: prefix {pre!r} suffix {suf!r}")
        print(f"    notes: {spec.get('notes', '')}")
        print("----- text")
        print(record["text"])
        print()


if __name__ == "__main__":
    sys.exit(main())
