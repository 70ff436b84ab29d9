"""Vietnamese text: NFC normalisation, accent-insensitive search keys, Vietnamese sort keys.

Search and sort keys are computed in Python and stored beside the text, so both databases
search and order exactly alike (SQLite has neither `unaccent` nor ICU collations).
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")

# Combining marks that make a distinct Vietnamese letter (ă â ê ô ơ ư), as opposed to tones.
_LETTER_MARKS = {"\u0306": "breve", "\u0302": "circumflex", "\u031b": "horn"}
# Tones in the order Vietnamese dictionaries use: ngang, huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}


def nfc(value: str | None) -> str:
    """The text in Unicode NFC with runs of white space collapsed and ends trimmed."""
    if value is None:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(value))).strip()


def fold(value: str | None) -> str:
    """Lower case without diacritics, đ as d: the key accent-insensitive search compares."""
    text = unicodedata.normalize("NFD", nfc(value).lower().replace("đ", "d"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _letters_and_tones(word: str) -> tuple[list[str], str]:
    letters: list[str] = []
    tones = ""
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in _LETTER_MARKS and letters:
            base = letters[-1]
            composed = {
                "a\u0306": "ă",
                "a\u0302": "â",
                "e\u0302": "ê",
                "o\u0302": "ô",
                "o\u031b": "ơ",
                "u\u031b": "ư",
            }.get(base + ch)
            if composed:
                letters[-1] = composed
        elif ch in _TONES:
            tones += _TONES[ch]
        elif unicodedata.combining(ch):
            continue
        else:
            letters.append(ch)
    return letters, tones or "0"


def vi_sort_key(value: str | None) -> str:
    """A string whose plain (binary) order is Vietnamese dictionary order of `value`.

    Letters compare first (a < ă < â < b ... d < đ ...), then tones word by word.
    """
    primary: list[str] = []
    secondary: list[str] = []
    for word in nfc(value).split(" "):
        letters, tones = _letters_and_tones(word)
        for letter in letters:
            rank = _LETTER_RANK.get(letter)
            # Letters of the alphabet sort after digits and punctuation, in alphabet order.
            primary.append(chr(0x100 + rank) if rank is not None else letter)
        primary.append(" ")
        secondary.append(tones)
    return "".join(primary).rstrip() + "\x01" + "".join(secondary)


def person_sort_key(full_name: str | None) -> str:
    """Vietnamese lists order people by given name (the last word), then by the full name."""
    name = nfc(full_name)
    given = name.rsplit(" ", 1)[-1] if name else ""
    return vi_sort_key(given) + "\x02" + vi_sort_key(name)
