"""Scoring for `harness/public/charsets.py`: one function per measure, used for winnow and every peer.

Charset detection (chardet's test suite: the folder a file sits in is its label):

* `canonical(name)` folds a label or a tool's answer to one codec name (Python's codec
  registry, after WHATWG-style spellings such as "x-mac-cyrillic" or "windows-31j"); a
  folder name with a language after the charset ("iso-8859-2-czech") loses the language.
* `charset_correct(data, label, guess)` is true when the guess folds to the label, or when the
  bytes decode under the guess to the same text as under the label (a superset that reads
  these bytes the same way: CP949 for an EUC-KR file, windows-1252 for a Latin-1 one). A
  leading byte-order mark is not part of the text. No guess (a reject, or None) is wrong.
* `group(label)` puts a label into the groups the targets name: Latin, Cyrillic, Greek,
  Hebrew/Arabic, CJK, Korean, Thai, Unicode.

ftfy's test cases: `mojibake_expected(case)` is the text a charset-only repair must give
(`fixed-encoding` when the case has one, else `fixed`), `fix_text_expected(case)` is `fixed`
(which also has fix_text's other changes: quotes uncurled, ligatures split, entities
decoded; 19 of the 70 in-the-wild cases and 7 of the 30 synthetic ones differ there, so no
charset repair alone can pass more than 0.73 and 0.77 of them against `fixed`).
`mojibake_score` scores every tool against both.
"""

import codecs
import re

# Spellings Python's registry does not know, to the codec it uses for them.
ALIASES = {
    "windows-31j": "cp932", "x-sjis": "cp932", "ms_kanji": "cp932",
    "windows-949": "cp949", "uhc": "cp949", "ks_c_5601-1987": "cp949", "x-windows-949": "cp949",
    "x-mac-cyrillic": "mac_cyrillic", "maccyrillic": "mac_cyrillic", "x-mac-ukrainian": "mac_cyrillic",
    "macintosh": "mac_roman", "x-mac-roman": "mac_roman", "macroman": "mac_roman",
    "x-mac-greek": "mac_greek", "macgreek": "mac_greek",
    "ibm437": "cp437", "ibm737": "cp737", "ibm775": "cp775", "ibm850": "cp850", "ibm852": "cp852",
    "ibm855": "cp855", "ibm857": "cp857", "ibm860": "cp860", "ibm861": "cp861", "ibm862": "cp862",
    "ibm863": "cp863", "ibm864": "cp864", "ibm865": "cp865", "ibm866": "cp866", "ibm869": "cp869",
    "tis-620": "cp874", "windows-874": "cp874", "iso-8859-11": "cp874",
    "viscii": "viscii", "euc-tw": "euc-tw", "x-euc-tw": "euc-tw",
    "georgian-ps": "georgian-ps", "georgian-academy": "georgian-academy",
    "big5-hkscs": "big5hkscs", "x-user-defined": "x-user-defined",
}


def canonical(name):
    """One codec name per charset; None for no answer."""
    if not name:
        return None
    key = str(name).strip().lower().replace("_", "-")
    for candidate in (key, re.sub(r"-[a-z]+$", "", key)):
        if candidate in ALIASES:
            return ALIASES[candidate]
        try:
            return codecs.lookup(candidate).name
        except LookupError:
            continue
    return key


def decoded(data, name):
    """The text of `data` under charset `name` (bad bytes replaced), without a leading BOM;
    None when Python has no codec for it."""
    codec = canonical(name)
    if codec is None:
        return None
    try:
        text = data.decode(codec, errors="replace")
    except LookupError:
        return None
    return text[1:] if text.startswith("\ufeff") else text


def charset_correct(data, label, guess):
    if guess is None:
        return False
    if canonical(guess) == canonical(label):
        return True
    truth = decoded(data, label)
    return truth is not None and decoded(data, guess) == truth


GROUPS = [
    ("Unicode", r"^utf"),
    ("Korean", r"^(euc-kr|cp949|johab|iso-2022-kr)"),
    ("CJK", r"^(big5|cp932|shift.jis|euc-jp|euc-tw|gb2312|gbk|gb18030|iso-2022-jp|hz)"),
    ("Cyrillic", r"^(ibm855|ibm866|koi8|maccyrillic|iso-8859-5|windows-1251|cp855|cp866)"),
    ("Greek", r"^(iso-8859-7|windows-1253|macgreek|cp737|cp869|ibm737|ibm869)"),
    ("Hebrew/Arabic", r"^(iso-8859-6|iso-8859-8|windows-1255|windows-1256|cp862|cp864|ibm862|ibm864)"),
    ("Thai", r"^(tis-620|iso-8859-11|windows-874|cp874)"),
    ("Latin", r"^(ascii|iso-8859-(1|2|3|4|9|10|13|14|15|16)\b|windows-125[0247]|macroman|ibm(437|775|85[0278]|86[0135])|cp(437|85[0278]))"),
]


def group(label):
    key = label.lower()
    for name, pattern in GROUPS:
        if re.search(pattern, key):
            return name
    return "other"


def charset_score(items, guesses):
    """items: [{"id", "label", "path"}] with bytes in item["data"]; guesses: {id: name or None}.
    Returns overall accuracy, per group, per label, Korean files and the misses."""
    by_group, by_label, misses = {}, {}, []
    right = 0
    for item in items:
        ok = charset_correct(item["data"], item["label"], guesses.get(item["id"]))
        right += ok
        for table, key in ((by_group, group(item["label"])), (by_label, item["label"])):
            cell = table.setdefault(key, [0, 0])
            cell[0] += ok
            cell[1] += 1
        if not ok:
            misses.append({"id": item["id"], "label": item["label"], "guess": guesses.get(item["id"])})
    korean = by_group.get("Korean", [0, 0])
    return {"files": len(items), "right": right, "accuracy": right / len(items) if items else None,
            "groups": {k: {"right": v[0], "files": v[1], "accuracy": v[0] / v[1]} for k, v in sorted(by_group.items())},
            "labels": {k: {"right": v[0], "files": v[1]} for k, v in sorted(by_label.items())},
            "korean": {"right": korean[0], "files": korean[1]}, "misses": misses}


def mojibake_expected(case):
    return case.get("fixed-encoding", case["fixed"])


def fix_text_expected(case):
    return case["fixed"]


def mojibake_score(cases, outputs):
    """cases: [{"id", "kind", ...}] (kind: in-the-wild | synthetic | negative); outputs: {id: text}.
    Share of each kind whose output is the charset part's expected text ("kinds"), and
    fix_text's ("kinds_fixed"); misses against the charset part."""
    kinds, kinds_fixed = {}, {}
    misses = []
    for case in cases:
        output = outputs.get(case["id"])
        for table, expected in ((kinds, mojibake_expected), (kinds_fixed, fix_text_expected)):
            cell = table.setdefault(case["kind"], [0, 0])
            cell[0] += output == expected(case)
            cell[1] += 1
        if output != mojibake_expected(case):
            misses.append({"id": case["id"], "kind": case["kind"], "output": output, "expected": mojibake_expected(case)})

    def shares(table):
        return {k: {"right": v[0], "cases": v[1], "accuracy": v[0] / v[1]} for k, v in sorted(table.items())}
    return {"kinds": shares(kinds), "kinds_fixed": shares(kinds_fixed), "misses": misses}
