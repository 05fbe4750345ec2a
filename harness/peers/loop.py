"""The timed loop every in-process peer runs (peers/public.py, peers/charsets.py): one untimed
warm-up call (imports, model loading, lazy tables), then timed passes over inputs already in
memory (one unless asked for more; the median counts); a call that raises is a miss, as the
sets' own scripts count it. Standard library only."""

import json
import statistics
import time


def timed(run, inputs, miss, passes=1):
    """inputs: [(id, value)]. Returns ({id: run(value) or miss(error)} of the first pass, median
    seconds of the `passes` passes)."""
    outputs, seconds = timed_passes(run, inputs, miss, passes)
    return outputs, statistics.median(seconds)


def timed_passes(run, inputs, miss, passes=1, warm_pass=False):
    """As `timed`, with the seconds of every pass. `warm_pass`: the untimed warm-up is a whole
    pass over the inputs, not one call (for peers that load a model per language or charset
    the first time it is needed: without it the first timed pass pays for the loading)."""
    for _, value in inputs if warm_pass else inputs[:1]:
        try:
            run(value)
        except Exception:
            pass
    outputs, seconds = {}, []
    for number in range(max(1, passes)):
        started = time.perf_counter()
        for key, value in inputs:
            try:
                answer = run(value)
            except Exception as err:
                answer = miss(err)
            if number == 0:
                outputs[key] = answer
        seconds.append(time.perf_counter() - started)
    return outputs, seconds


def write(path, **result):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False)
