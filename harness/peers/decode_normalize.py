"""Python peer for the winnow bench: the same job as `decode` + `normalize`, in one process.

For each file: read the bytes, detect the charset with charset_normalizer
(`from_bytes(...).best()`), decode, NFC-normalize with unicodedata, write one JSONL line.
Run with the bench virtualenv; harness/benchmarks/decode_normalize.py times it from outside.

usage: .venv/bin/python -m harness.peers.decode_normalize ROOT LIST OUTPUT SUMMARY
  ROOT     directory the listed paths are relative to
  LIST     file with one relative path per line
  OUTPUT   JSONL to write ({"id", "text", "encoding"})
  SUMMARY  JSON to write ({"documents", "bytes", "encodings", "undetected", "version"})
"""

import json
import os
import sys
import unicodedata

import charset_normalizer
from charset_normalizer import from_bytes


def main():
    root, listing, output, summary_path = sys.argv[1:5]
    with open(listing, encoding="utf-8") as f:
        paths = [line.rstrip("\n") for line in f if line.strip()]
    encodings, undetected, total = {}, 0, 0
    with open(output, "w", encoding="utf-8") as out:
        for rel in paths:
            with open(os.path.join(root, rel), "rb") as f:
                data = f.read()
            total += len(data)
            best = from_bytes(data).best()
            if best is None:  # nothing fits: keep the document, as winnow would, with U+FFFD
                undetected += 1
                encoding, text = "undetected", data.decode("utf-8", "replace")
            else:
                encoding, text = best.encoding, str(best)
            encodings[encoding] = encodings.get(encoding, 0) + 1
            text = unicodedata.normalize("NFC", text)
            out.write(json.dumps({"id": rel, "text": text, "encoding": encoding}, ensure_ascii=False) + "\n")
    with open(summary_path, "w", encoding="utf-8") as f:
        json.dump({"documents": len(paths), "bytes": total, "encodings": encodings,
                   "undetected": undetected, "version": charset_normalizer.__version__}, f)


if __name__ == "__main__":
    main()
