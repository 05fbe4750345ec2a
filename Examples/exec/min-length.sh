#!/bin/sh
# A winnow exec stage in jq: drop documents under 200 characters, record the length of the
# others. --unbuffered writes each answer as soon as it is made.
exec jq -c --unbuffered '
  (.text | length) as $n
  | if $n < 200 then {id, drop: "too_short", detail: "\($n) characters"}
    else {id, chars: $n} end'
