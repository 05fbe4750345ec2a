#!/usr/bin/env python3
# An exec stage that misbehaves on purpose, by document id: crash-* exits, garbage-* answers
# with a line that is not JSON, swap-* answers with another id, hang-* never answers,
# upper-* changes the text, everything else comes back with a field added.
import json, os, sys, time

for line in sys.stdin:
    doc = json.loads(line)
    kind = doc["id"].split("-")[0]
    if kind == "crash":
        os._exit(3)
    elif kind == "garbage":
        print("this is not json", flush=True)
    elif kind == "swap":
        print(json.dumps({"id": "someone-else", "text": "x"}), flush=True)
    elif kind == "hang":
        time.sleep(60)
    else:
        if kind == "upper":
            doc["text"] = doc["text"].upper()
        doc["seen_by"] = "faulty"
        print(json.dumps(doc, ensure_ascii=False), flush=True)
