#!/usr/bin/env bash
# make fuzz: run the libFuzzer build of winnow (Sources/WinnowLibFuzzer) on each target for a
# fixed time, from seed corpora made of our samples, the shared seeds and the pipeline files.
#   Tests/fuzz.sh BINARY SECONDS TARGET...      TARGET: decode | html | config | jsonl | passthrough | normalize
# Prints executions, coverage and crashes per target; a crashing input is saved as
# out/fuzz/TARGET/crash-* (a hang over 20 s as timeout-*). Exit 0 when nothing crashed.
set -uo pipefail
binary=$1 seconds=$2
shift 2
status=0
for target in "$@"; do
  dir=out/fuzz/$target
  mkdir -p "$dir/corpus" "$dir/seeds"
  case $target in
    decode|html) cp samples/*.txt samples/*.html ../shared/seeds/* Tests/winnowTests/Fixtures/web/* "$dir/seeds/" 2>/dev/null ;;
    config) cp pipelines/*.yaml pipelines/rules/*.yaml Examples/*.yaml "$dir/seeds/" 2>/dev/null ;;
    jsonl|passthrough) cp samples/*.jsonl "$dir/seeds/" 2>/dev/null
           printf '{"id":"a","text":"본문","title":"t","n":[1,2,{"x":null}]}\n' > "$dir/seeds/record.jsonl"
           printf '{"id":"s","text":"a\\ud800","x":["\\udc00",{"\\ud83d\\ude00":"\\udbff\\u0041"}],"y":"\\\\ud800"}\n' > "$dir/seeds/surrogates.jsonl" ;;
    normalize) cp samples/*.txt ../shared/seeds/* "$dir/seeds/" 2>/dev/null
           printf 'a\xcc\x81\xcc\x96\xcc\x81\xcc\x96\xcc\x81\xcc\x96 e\xcc\x81 \xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab\n' > "$dir/seeds/marks.txt" ;;
    *) echo "fuzz: unknown target '$target'"; exit 2 ;;
  esac
  # Crashes of earlier runs are kept, apart: only this run's count.
  if ls "$dir"/crash-* "$dir"/timeout-* "$dir"/oom-* >/dev/null 2>&1; then
    mkdir -p "$dir/earlier" && mv "$dir"/crash-* "$dir"/timeout-* "$dir"/oom-* "$dir/earlier/" 2>/dev/null
  fi
  log=$dir/libfuzzer.log
  WINNOW_FUZZ_TARGET=$target "$binary" -max_total_time="$seconds" -max_len=262144 -timeout=20 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$dir/" "$dir/corpus" "$dir/seeds" > "$log" 2>&1
  result=$?
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$')
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1)
  crashes=$(ls "$dir"/crash-* "$dir"/timeout-* "$dir"/oom-* 2>/dev/null | wc -l)
  echo "fuzz $target: ${runs:-?} executions in $seconds s, ${cov:-cov: ?} edges, $(ls "$dir/corpus" | wc -l) corpus inputs, $crashes crashes (log: $log)"
  if [ "$result" -ne 0 ] || [ "$crashes" -ne 0 ]; then
    status=1
    grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -5
  fi
done
exit $status
