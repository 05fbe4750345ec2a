#!/usr/bin/env python3
"""A winnow exec stage: score each document by a word list, drop the worst."""
import json
import sys

BAD_WORDS = {"바보", "멍청이", "쓰레기", "idiot", "stupid"}
LIMIT = 0.02  # the largest share of bad words a kept document may have

for line in sys.stdin:  # one document per line, as JSON
    doc = json.loads(line)
    words = doc["text"].split()
    bad = sum(1 for word in words if word.strip(".,!?\"'") in BAD_WORDS)
    score = bad / max(len(words), 1)
    if score > LIMIT:
        answer = {"id": doc["id"], "drop": "toxic", "detail": f"score {score:.3f}"}
    else:
        answer = {"id": doc["id"], "toxicity": round(score, 4)}  # adds a field
    print(json.dumps(answer, ensure_ascii=False), flush=True)  # one line per document, now
