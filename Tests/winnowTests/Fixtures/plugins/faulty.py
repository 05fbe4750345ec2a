#!/usr/bin/env python3
# An exec stage that misbehaves on purpose, by document id: crash-* exits, garbage-* answers
# with a line that is not JSON, swap-* answers with another id, hang-* never answers,
# double-* answers twice, partial-* writes half a line and exits, anon-* drops without an id,
# exitafter-* answers and then exits, slowstart-* sleeps 1.5 s before its first answer,
# upper-* changes the text; everything else comes back with a field added.
import json, os, sys, time

first = True
for line in sys.stdin:
    doc = json.loads(line)
    kind = doc["id"].split("-")[0]
    if first and kind == "slowstart":
        time.sleep(1.5)
    first = False
    if kind == "crash":
        os._exit(3)
    elif kind == "garbage":
        print("this is not json", flush=True)
    elif kind == "swap":
        print(json.dumps({"id": "someone-else", "text": "x"}), flush=True)
    elif kind == "hang":
        time.sleep(60)
    elif kind == "partial":
        sys.stdout.write('{"id": "' + doc["id"])
        sys.stdout.flush()
        os._exit(0)
    elif kind == "anon":
        print(json.dumps({"drop": "no_id"}), flush=True)
    else:
        if kind == "upper":
            doc["text"] = doc["text"].upper()
        doc["seen_by"] = "faulty"
        print(json.dumps(doc, ensure_ascii=False), flush=True)
        if kind == "double":
            print(json.dumps(doc, ensure_ascii=False), flush=True)
        if kind == "exitafter":
            os._exit(0)
