"""Normalised keyword keys, so the same search term matches across exports.

The key of a keyword is, in order:

1. Unicode NFKC (full-width letters, ligatures and presentation forms fold to
   their plain letters);
2. Arabic-script keyboard variants folded to one letter: Farsi yeh (U+06CC)
   and alef maksura (U+0649) to Arabic yeh (U+064A), keheh (U+06A9) to kaf
   (U+0643), heh goal and ae (U+06C1, U+06D5) to heh (U+0647), heh with
   hamza (U+06C0) to heh; tatweel (U+0640) and the optional vowel marks
   (harakat, U+064B-U+065F, U+0670) removed; Arabic-Indic and extended
   (Persian) digits to 0-9; zero-width non-joiner (U+200C) to a space,
   since keyboards without it type a space;
3. case folding (``str.casefold``);
4. optionally, diacritics folded (``fold_diacritics=True``: ``ā`` to ``a``,
   ``ø`` to ``o``, ``æ`` to ``ae``); off by default, because in Latvian and
   Norwegian they distinguish words;
5. whitespace trimmed and every run of whitespace collapsed to one space.

:func:`normalize_keyword` is the reference; :func:`normalize_keys` applies it
to an Arrow array, with a vectorised path for pure-ASCII strings that gives
the same result (a property test checks they agree).
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa

_ARABIC_FOLD = {
    0x06CC: "\u064a",  # FARSI YEH -> ARABIC YEH
    0x0649: "\u064a",  # ALEF MAKSURA -> ARABIC YEH (typed for final yeh on Arabic keyboards)
    0x06D0: "\u064a",  # YEH (Pashto/Uighur E) -> ARABIC YEH
    0x06A9: "\u0643",  # KEHEH -> KAF
    0x06AA: "\u0643",  # SWASH KAF -> KAF
    0x06C1: "\u0647",  # HEH GOAL -> HEH
    0x06D5: "\u0647",  # AE -> HEH
    0x06C0: "\u0647",  # HEH WITH YEH ABOVE -> HEH
    0x0640: "",  # TATWEEL (kashida)
    0x0670: "",  # SUPERSCRIPT ALEF
    0x200C: " ",  # ZERO WIDTH NON-JOINER -> space
    0x200D: "",  # ZERO WIDTH JOINER
    0x200F: "",  # RIGHT-TO-LEFT MARK
    0x200E: "",  # LEFT-TO-RIGHT MARK
    0xFEFF: "",  # ZERO WIDTH NO-BREAK SPACE / stray BOM
}
_ARABIC_FOLD.update({cp: "" for cp in range(0x064B, 0x0660)})  # harakat
_ARABIC_FOLD.update({0x0660 + i: str(i) for i in range(10)})  # Arabic-Indic digits
_ARABIC_FOLD.update({0x06F0 + i: str(i) for i in range(10)})  # extended (Persian) digits
_ARABIC_FOLD[0x066B] = "."  # ARABIC DECIMAL SEPARATOR
_ARABIC_FOLD[0x066C] = ","  # ARABIC THOUSANDS SEPARATOR

# Letters with no Unicode decomposition that still count as "a letter with a
# diacritic" when the user asks to fold diacritics.
_DIACRITIC_EXTRA = str.maketrans(
    {"ø": "o", "đ": "d", "ł": "l", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th", "ð": "d"}
)

_WS = re.compile(r"\s+")
# RE2 (Arrow) equivalent of Python's str.isspace() on ASCII: \s plus \v and \x1c-\x1f.
_ASCII_WS_RE2 = r"[\t\n\x0b\x0c\r\x1c-\x1f ]+"
_ASCII_MESSY_RE2 = r"[\t\n\x0b\x0c\r\x1c-\x1f]|  |^ | $"


def _fold_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).translate(_DIACRITIC_EXTRA)


def normalize_keyword(text: str, *, fold_diacritics: bool = False) -> str:
    """Return the matching key of one keyword.

    Parameters
    ----------
    text : str
        A keyword or query as it appears in an export.
    fold_diacritics : bool, default False
        Also remove diacritics (``"Rīga"`` and ``"Riga"`` then match).

    Returns
    -------
    str
        The normalised key (see the module docstring for the rules).

    Examples
    --------
    >>> normalize_keyword("  Running   SHOES ")
    'running shoes'
    >>> normalize_keyword("کتاب") == normalize_keyword("كتاب")
    True
    """
    key = unicodedata.normalize("NFKC", text).translate(_ARABIC_FOLD).casefold()
    if fold_diacritics:
        key = _fold_diacritics(key)
    return _WS.sub(" ", key).strip()


def _normalize_chunk(values: pa.Array, fold_diacritics: bool) -> pa.Array:
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_large_string(values.type):
        values = values.cast(pa.string())
    elif not pa.types.is_string(values.type):
        values = pc.cast(values, pa.string())
    lower = pc.ascii_lower(values)
    # only strings with a non-space whitespace, a double space or an edge space need the regex
    messy = pc.fill_null(pc.match_substring_regex(lower, _ASCII_MESSY_RE2), False)
    if pc.any(messy).as_py():
        fixed = pc.utf8_trim(pc.replace_substring_regex(lower.filter(messy), _ASCII_WS_RE2, " "), characters=" ")
        lower = pc.replace_with_mask(lower, messy, fixed)
    is_ascii = pc.fill_null(pc.string_is_ascii(values), True)
    if pc.all(is_ascii).as_py():
        return lower
    slow_mask = pc.invert(is_ascii)
    slow = pc.dictionary_encode(values.filter(slow_mask))
    keys = pa.array([normalize_keyword(s, fold_diacritics=fold_diacritics) for s in slow.dictionary.to_pylist()],
                    pa.string())
    return pc.replace_with_mask(lower, slow_mask, keys.take(slow.indices))


def normalize_keys(values: pa.Array | pa.ChunkedArray, *, fold_diacritics: bool = False):
    """Normalise an Arrow string array of keywords (nulls stay null).

    Pure-ASCII strings take a vectorised path (lower-case, collapse and trim
    whitespace), which is what :func:`normalize_keyword` does to ASCII; the
    others go through :func:`normalize_keyword` once per distinct string.
    Chunks of a chunked array are processed on parallel threads (Arrow's
    kernels release the GIL).

    Returns
    -------
    pyarrow.Array or pyarrow.ChunkedArray
        Of the same kind as ``values``.
    """
    import pyarrow as pa

    if not isinstance(values, pa.ChunkedArray):
        return _normalize_chunk(values, fold_diacritics)
    chunks = values.chunks
    if len(chunks) > 1 and len(values) > 100_000:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=max(1, pa.cpu_count())) as pool:
            out = list(pool.map(lambda c: _normalize_chunk(c, fold_diacritics), chunks))
    else:
        out = [_normalize_chunk(c, fold_diacritics) for c in chunks]
    return pa.chunked_array(out, pa.string())
