"""The language and number format of a report: Babel (CLDR) for numbers, gettext catalogs for text.

``[project] locale`` may be any locale Babel knows (``nb``, ``lv``, ``ar``,
``fa``, ``de_CH``, ...); an unknown one is refused, never silently replaced by
English. Numbers, money and percentages follow the locale's CLDR patterns and
digits (Persian pages use Persian digits, as CLDR says). Text comes from the
gettext catalogs in ``valuation/locales/LANG.po`` (Norwegian Bokmål, Latvian,
Arabic and Persian; English is the source); a locale of another language gets
English text and a notice saying so. Arabic and Persian pages are right to
left.

The terminal keeps plain English formatting (``plain=True``) whatever the
locale, so a pipe or a diff sees the same text everywhere.
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path
from typing import Any

NBSP = "\u00a0"
# CLDR's digits of the numbering systems a supported locale may default to (Babel formats with Latin digits)
DIGITS = {"arab": "٠١٢٣٤٥٦٧٨٩", "arabext": "۰۱۲۳۴۵۶۷۸۹"}
LANGUAGES = ("en", "nb", "lv", "ar", "fa")  # languages with report text; English is the source
_CATALOGS = Path(__file__).parent / "locales"


class Local(str):
    """Text already in the report's language (what :meth:`NumberFormat.t` returns; ``format`` keeps it so)."""

    def format(self, *args: Any, **kwargs: Any) -> Local:
        return Local(str.format(self, *args, **kwargs))


def check_locale(locale: str) -> str:
    """The locale as Babel names it; raises ``ValueError`` with the reason when Babel does not know it."""
    from babel import Locale, UnknownLocaleError

    try:
        return str(Locale.parse(locale.replace("-", "_")))
    except (UnknownLocaleError, ValueError) as exc:
        raise ValueError(f"unknown locale {locale!r}; use a code Babel knows, such as en, nb, lv, ar, fa or de_CH") \
            from exc


def language_of(locale: str) -> str:
    """The catalog language of a locale: ``nb_NO`` -> ``nb``; ``no`` and ``nn`` read the Bokmål catalog."""
    lang = locale.replace("-", "_").split("_")[0].lower()
    return {"no": "nb", "nn": "nb"}.get(lang, lang)


@cache
def catalog(language: str) -> dict[str, str]:
    """The translations of one language (msgid -> msgstr), read from its gettext ``.po`` catalog."""
    path = _CATALOGS / f"{language}.po"
    if language == "en" or not path.exists():
        return {}
    from babel.messages.pofile import read_po

    with path.open("rb") as fh:
        po = read_po(fh, locale=language)
    return {str(m.id): str(m.string) for m in po if m.id and m.string and not m.fuzzy}


class NumberFormat:
    """How a report writes numbers, money, percentages and text for one locale.

    Parameters
    ----------
    locale : str
        Any locale Babel knows.
    currency : str
        ISO code written after money amounts (``1 234,50 EUR``).
    plain : bool
        Plain English formatting for a terminal: ``1,234.50 EUR``, ``12.3%``, English text.
    """

    def __init__(self, locale: str, currency: str, *, plain: bool = False) -> None:
        from babel import Locale

        self.locale = check_locale(locale)
        self._babel = Locale.parse("en" if plain else self.locale)
        self.language = "en" if plain else language_of(self.locale)
        self.direction = "rtl" if self._babel.character_order == "right-to-left" else "ltr"
        self.currency = currency
        self.spaced = not plain
        self.plain = plain
        self.translations = catalog(self.language)
        system = getattr(self._babel, "default_numbering_system", "latn")
        self._digits = str.maketrans("0123456789", DIGITS[system]) if system in DIGITS and not plain else None
        self.missing: set[str] = set()  # text with no translation in this language's catalog
        self.to = self.t("to")

    def t(self, text: str) -> Local:
        """``text`` in the report's language (English when the language has no catalog)."""
        if isinstance(text, Local) or not self.translations or not text:
            return Local(text)
        out = self.translations.get(text)
        if out is None:
            self.missing.add(text)
            return Local(text)
        return Local(out)

    def _pattern(self, kind: str, digits: int, least: int | None = None) -> Any:
        from babel.numbers import parse_pattern

        pattern = parse_pattern(self._babel.percent_formats[None].pattern if kind == "percent" else "#,##0.###")
        pattern.frac_prec = (digits if least is None else least, digits)
        return pattern

    def compact(self, value: float) -> str:
        """A number as a person writes an assumption: up to four decimals, no trailing zeros (0.8, 1,335)."""
        if self.plain:
            return f"{value:,.4f}".rstrip("0").rstrip(".")
        return self._native(self._pattern("decimal", 4, 0).apply(value, self._babel, numbering_system="default"))

    def _native(self, text: str) -> str:
        """Digits of the locale's default numbering system (Persian digits for fa)."""
        return text.translate(self._digits) if self._digits else str(text)

    def number(self, value: float, digits: int = 2) -> str:
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            return "–"
        if self.plain:
            return f"{value:,.{digits}f}"
        return self._native(self._pattern("decimal", digits).apply(value, self._babel, numbering_system="default"))

    def money(self, value: float) -> str:
        text = self.number(value)
        return text if text == "–" else f"{text}{NBSP if self.spaced else ' '}{self.currency}"

    def percent(self, value: float, digits: int = 1) -> str:
        """``value`` already in percent points."""
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            return "–"
        if self.plain:
            return f"{value:,.{digits}f}%"
        return self._native(self._pattern("percent", digits).apply(value / 100, self._babel,
                                                                    numbering_system="default"))

    def count(self, value: float) -> str:
        """A whole number (draws, rows, keywords)."""
        return self.number(value, 0)

    def share(self, value: float) -> str:
        """``value`` a fraction (0.123 -> 12.3 %)."""
        return self.percent(100 * value)
