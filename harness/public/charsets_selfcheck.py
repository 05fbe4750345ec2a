#!/usr/bin/env python3
"""Self-check of the charset harness's scoring (harness/scoring/charsets.py): no network, no winnow,
no peers. Prints each check and a closing 'N passed, N failed' line; exit 1 if any failed.

    python3 -m harness.public.charsets_selfcheck
"""

import sys

from harness.common import Checks
from harness.scoring import charsets as score

check = Checks()


russian = "Привет, мир".encode("koi8-r")
check("a folder's language suffix is dropped", score.canonical("windows-1250-czech") == score.canonical("cp1250"))
check("WHATWG spellings fold", score.canonical("x-mac-cyrillic") == score.canonical("MacCyrillic") == "mac_cyrillic")
check("the label itself is right", score.charset_correct(russian, "KOI8-R", "koi8_r"))
check("another Cyrillic code page is wrong", not score.charset_correct(russian, "KOI8-R", "windows-1251"))
check("no answer is wrong", not score.charset_correct(russian, "KOI8-R", None))
korean = "안녕하세요".encode("euc-kr")
check("a superset decoding to the same text is right", score.charset_correct(korean, "EUC-KR", "CP949"))
check("ASCII under any ASCII-compatible guess is right", score.charset_correct(b"plain text", "ascii", "windows-1252"))
check("a BOM is not part of the text", score.charset_correct(b"\xff\xfe" + "abc".encode("utf-16-le"), "UTF-16", "UTF-16LE"))
check("a charset Python lacks is right only by name", score.charset_correct(b"\x8e\xa2\xa1\xa1", "EUC-TW", "euc-tw")
      and not score.charset_correct(b"\x8e\xa2\xa1\xa1", "EUC-TW", "Big5"))
check("groups", [score.group(x) for x in ("iso-8859-2-czech", "IBM866", "iso-8859-7-greek", "windows-1255-hebrew",
                                          "SHIFT_JIS", "Johab", "TIS-620", "UTF-16LE", "iso-8859-15")]
      == ["Latin", "Cyrillic", "Greek", "Hebrew/Arabic", "CJK", "Korean", "Thai", "Unicode", "Latin"])
items = [{"id": "a", "label": "KOI8-R", "data": russian}, {"id": "b", "label": "EUC-KR", "data": korean}]
measured = score.charset_score(items, {"a": "windows-1251", "b": "EUC-KR"})
check("charset_score: accuracy, groups, Korean", measured["accuracy"] == 0.5 and measured["groups"]["Cyrillic"]["right"] == 0
      and measured["korean"] == {"right": 1, "files": 1} and measured["misses"][0]["id"] == "a", str(measured))
cases = [{"id": "1", "kind": "synthetic", "original": "cafÃ©", "fixed": "café"},
         {"id": "2", "kind": "negative", "original": "“x”", "fixed-encoding": "“x”", "fixed": '"x"'}]
m = score.mojibake_score(cases, {"1": "café", "2": "“x”"})
check("mojibake: the charset part and fix_text's output are scored apart",
      m["kinds"]["synthetic"]["accuracy"] == 1 and m["kinds"]["negative"]["accuracy"] == 1
      and m["kinds_fixed"]["negative"]["accuracy"] == 0 and not m["misses"], str(m))

sys.exit(check.done())
