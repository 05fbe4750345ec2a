"""The timed loop every in-process peer runs (peers/public.py, peers/charsets.py): one untimed
warm-up call (imports, model loading, lazy tables), then one timed pass over inputs already in
memory; a call that raises is a miss, as the sets' own scripts count it. Standard library only."""

import json
import time


def timed(run, inputs, miss):
    """inputs: [(id, value)]. Returns ({id: run(value) or miss(error)}, seconds of the pass)."""
    try:
        run(inputs[0][1])  # warm-up
    except Exception:
        pass
    outputs = {}
    started = time.perf_counter()
    for key, value in inputs:
        try:
            outputs[key] = run(value)
        except Exception as err:
            outputs[key] = miss(err)
    return outputs, time.perf_counter() - started


def write(path, **result):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False)
