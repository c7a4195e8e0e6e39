"""Text normalisation shared by the build and the search: NFC, folded whitespace, and a
diacritic-free search key."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")


def nfc(text: str) -> str:
    """Unicode NFC form."""
    return unicodedata.normalize("NFC", text)


def fold_whitespace(text: str) -> str:
    """NFC with every run of whitespace (line breaks included) as one space, trimmed.

    >>> fold_whitespace("khu vực \\n\\ntrung du")
    'khu vực trung du'
    """
    return _SPACE.sub(" ", nfc(text)).strip()


def search_key(text: str) -> str:
    """Lower case, no diacritics, ``đ`` as ``d``, whitespace folded: the form both labels and
    search text take, so that "pho yen" finds Phổ Yên and "THAI NGUYEN" finds Thái Nguyên.

    >>> search_key("Thành phố Phổ Yên")
    'thanh pho pho yen'
    >>> search_key("Đồng Hỷ") == search_key("dong hy")
    True
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return fold_whitespace(stripped).lower()


def fold_whitespace_map(text: str) -> tuple[str, list[int]]:
    """:func:`fold_whitespace` of ``text`` with, for each character of the result, its offset
    in ``nfc(text)`` (where a folded space stands for a whitespace run, the run's start).

    >>> folded, where = fold_whitespace_map(" a\\n\\n bc")
    >>> folded, where
    ('a bc', [1, 2, 5, 6])
    """
    normal = nfc(text)
    folded: list[str] = []
    where: list[int] = []
    pos = 0
    for match in _SPACE.finditer(normal):
        folded.append(normal[pos:match.start()])
        where.extend(range(pos, match.start()))
        folded.append(" ")
        where.append(match.start())
        pos = match.end()
    folded.append(normal[pos:])
    where.extend(range(pos, len(normal)))
    out = "".join(folded)
    lead = len(out) - len(out.lstrip())
    trail = len(out.rstrip())
    return out[lead:trail], where[lead:trail]
