"""The peers of `make eval-charsets` (harness/public/charsets.py), run in its virtualenv as
`.venv-charsets/bin/python -m harness.peers.charsets ARGS`:

    detect FOLDER PEER OUTPUT.json [PASSES]    PEER: chardet | charset-normalizer
    fix CASES.jsonl PEER OUTPUT.json [PASSES]  PEER: fix_encoding | fix_text

detect: reads FOLDER/items.jsonl and the files into memory, then times PASSES loops (default 1)
of the peer's detection over them (after an untimed warm-up pass over all of them: imports,
models loaded as first needed):
  chardet             chardet.detect(data)["encoding"]
  charset-normalizer  charset_normalizer.from_bytes(data).best().encoding (None when no best)
fix: ftfy 6's ftfy.fix_encoding(text) or ftfy.fix_text(text) over every case, timed the same way.
Writes {"peer", "version", "seconds" (the median pass), "passes" (every pass's seconds), "count",
"bytes", "outputs": {id: answer}}.
"""

import json
import statistics
import sys
from importlib.metadata import version

from harness.peers import loop


def detector(peer):
    if peer == "chardet":
        import chardet

        return (lambda data: chardet.detect(data)["encoding"]), version("chardet")
    if peer == "charset-normalizer":
        from charset_normalizer import from_bytes

        def run(data):
            best = from_bytes(data).best()
            return best.encoding if best is not None else None
        return run, version("charset-normalizer")
    if peer in ("fix_encoding", "fix_text"):
        import ftfy

        return getattr(ftfy, peer), version("ftfy")
    raise SystemExit(f"unknown peer '{peer}'")


def main():
    if len(sys.argv) not in (5, 6) or sys.argv[1] not in ("detect", "fix"):
        raise SystemExit(__doc__)
    mode, source, peer, output = sys.argv[1:5]
    passes = int(sys.argv[5]) if len(sys.argv) == 6 else 1
    inputs = []
    if mode == "detect":
        with open(f"{source}/items.jsonl", encoding="utf-8") as f:
            for line in f:
                item = json.loads(line)
                with open(f"{source}/files/{item['id']}", "rb") as g:
                    inputs.append((item["id"], g.read()))
    else:
        with open(source, encoding="utf-8") as f:
            inputs = [(case["id"], case["original"]) for case in map(json.loads, f)]
    run, peer_version = detector(peer)
    # chardet loads each language's model when first needed: the warm-up is a whole pass.
    outputs, passes = loop.timed_passes(run, inputs, lambda err: None, passes, warm_pass=True)
    size = sum(len(v) if isinstance(v, bytes) else len(v.encode("utf-8")) for _, v in inputs)
    loop.write(output, peer=peer, version=peer_version, seconds=statistics.median(passes), passes=passes,
               count=len(inputs), bytes=size, outputs=outputs)


if __name__ == "__main__":
    main()
