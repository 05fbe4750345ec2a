#!/usr/bin/env python3
"""Builds pipelines/charsets/letter-pairs.tsv: the letter-pair counts per language that the
decode stage uses to choose among single-byte code pages (Sources/WinnowStages/Decode/
SingleByteModel.swift reads the format described below).

    python3 -m venv .venv-charsets && .venv-charsets/bin/pip install babel==2.18.0
    .venv-charsets/bin/python scripts/charset_model.py > pipelines/charsets/letter-pairs.tsv

Source text, for each language (none of it from any charset test suite):
* the Unicode CLDR locale data that Babel 2.18.0 ships (CLDR 47): every display string of
  the locale (names of languages, territories, scripts, currencies, units, calendar fields,
  months and days, time zones and cities);
* the translated messages (msgstr) of the gettext catalogs installed on the machine,
  /usr/share/locale/<language>/LC_MESSAGES/*.mo (coreutils, apt, dpkg, bash, glib, GTK, …
  on a Debian 13 system), read in file-name order up to CATALOG_CHARS characters: real
  sentences, where CLDR's names alone have too few accented letters (Italian, French).
Only the counts are kept, never the text. A few hundred thousand characters per language
are enough: the model only has to tell a right decoding (the language's own letter pairs)
from a wrong one (letters that never follow each other, or symbols inside words).

Text is read character by character as the detector reads decoded bytes:
* a letter is itself, lower-cased ("Ж" and "ж" are one token; "ş" and "ș" too);
* a run of ASCII characters that are not letters is one boundary "_";
* any other character that is not a letter is "_" when it is ordinary punctuation or a
  symbol (NBSP, quotes, dashes, €, ©, °, a script's own punctuation, currency signs) and "#"
  when it is an odd one (C1 controls, ¤, ¦, ¶, †, ‰, mathematical symbols, box drawing: what a
  wrong code page gives inside words);
* a combining mark (Thai vowels and tone marks, Arabic harakat) is a letter too.
Only pairs with at least one non-ASCII character are counted (pairs of ASCII characters read
the same under every ASCII-compatible code page, so they never decide).

Format (UTF-8, tab-separated, '#' lines are comments):
    language <TAB> CODE <TAB> PAIRS (the total of its counted pairs)
    <TAB> AB <TAB> COUNT       a pair of tokens A, B and how often it occurred (COUNT >= 3)
"""

import gettext
import sys
import unicodedata
from pathlib import Path
from collections import Counter

from babel import Locale, __version__ as babel_version

LANGUAGES = [
    # Latin script
    "fr", "de", "es", "it", "pt", "ca", "nl", "sv", "da", "nb", "fi", "is", "et", "lv", "lt", "cs", "sk", "pl",
    "hu", "sl", "hr", "ro", "sq", "tr", "az", "vi", "ga", "cy", "mt", "eu", "gl", "af",
    # Cyrillic, Greek, Hebrew, Arabic, Thai, Georgian
    "ru", "uk", "be", "bg", "sr", "mk", "kk", "el", "he", "yi", "ar", "fa", "ur", "th", "ka",
]

# Punctuation and symbols that real text has (kept as a boundary), with the punctuation of the
# scripts modelled; other punctuation, spaces and currency signs are boundaries too, except ODD.
ORDINARY = set("\u00a0«»‘’‚“”„‹›–—―…•·§©®°±×÷€£¥¢№™′″¡¿־׀׃׳״،؛؟๏๚๛")
# Typographic marks and mathematical symbols (other than ± × ÷) are odd: running text rarely has
# them, and a wrong code page puts them inside words ("¶γιο" for "Άγιο").
ODD = set("¤¶†‡‰‗")


def strings(data):
    if isinstance(data, str):
        yield data
    elif hasattr(data, "items"):
        for value in data.values():
            yield from strings(value)
    elif isinstance(data, (list, tuple)):
        for value in data:
            yield from strings(value)


def locale_text(code):
    data = Locale.parse(code)._data
    parts = []
    for key in sorted(data.keys()):
        try:
            parts.extend(strings(data[key]))
        except Exception:  # a lazily loaded part that does not resolve: skipped
            continue
    return "\n".join(parts)


FOLD = {"\u015f": "\u0219", "\u0163": "\u021b"}
CATALOG_CHARS = 400_000
MIN_COUNT = 3


def catalog_text(code):
    parts, size = [], 0
    for path in sorted(Path("/usr/share/locale", code, "LC_MESSAGES").glob("*.mo")):
        try:
            with open(path, "rb") as f:
                catalog = gettext.GNUTranslations(f)._catalog
        except Exception:  # a catalog Python cannot read: skipped
            continue
        for key in sorted(catalog, key=str):
            value = catalog[key]
            if isinstance(value, str) and value and key:
                parts.append(value)
                size += len(value)
        if size >= CATALOG_CHARS:
            break
    return "\n".join(parts)


def tokens(text):
    """(token, non-ASCII?) per character, as the detector reads a decoded text."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        category = unicodedata.category(ch)
        if ch.isalpha() or category == "Mn":
            # Romanian s and t with cedilla or with comma below: one letter written two ways.
            out.append((FOLD.get(ch.lower()[0], ch.lower()[0]), ord(ch) >= 0x80))
        elif ord(ch) < 0x80:
            if not out or out[-1] != ("_", False):
                out.append(("_", False))
        elif ch in ORDINARY or (ch not in ODD and (category.startswith(("P", "Z")) or category == "Sc")):
            out.append(("_", True))
        else:
            out.append(("#", True))
    return out


def pairs(text):
    counts = Counter()
    seq = tokens(text)
    for (a, a_high), (b, b_high) in zip(seq, seq[1:]):
        if a_high or b_high:
            counts[a + b] += 1
    return counts


def main():
    print("# winnow decode: letter-pair counts per language, for choosing among single-byte code pages.")
    print(f"# Built by scripts/charset_model.py from Unicode CLDR locale data (Babel {babel_version}) and the system's")
    print("# gettext catalogs (/usr/share/locale/*/LC_MESSAGES/*.mo, Debian 13); do not edit.")
    print("# language <TAB> code <TAB> total pairs; then <TAB> pair <TAB> count ('_' boundary, '#' odd symbol)")
    for code in LANGUAGES:
        counts = pairs(locale_text(code) + "\n" + catalog_text(code))
        kept = {pair: n for pair, n in counts.items() if n >= MIN_COUNT}
        print(f"language\t{code}\t{sum(counts.values())}")
        for pair, n in sorted(kept.items(), key=lambda item: (-item[1], item[0])):
            print(f"\t{pair}\t{n}")


if __name__ == "__main__":
    sys.exit(main())
