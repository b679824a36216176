"""Sentences made from a template, so a report can write them in the reader's language.

It lives with the models, the lowest layer, because model diagnostics are
such sentences too; it depends on nothing. A component's method sentence and
its warnings are English strings everywhere
(JSON, the terminal, Python warnings, the warning categories' rules). Built
as :class:`Text`, they also remember their template and values: a report in
another language looks the template up in its catalog
(:mod:`socialroi.valuation.i18n`) and writes the values in the locale's
number format. A value is one of:

* :class:`Count` (a whole number), :class:`Num` (a number with a set number of
  decimals), :class:`Share` (a fraction shown as a percentage);
* :class:`Word` (fixed English text from socialroi, translated too), or a
  nested :class:`Text`;
* a plain ``str``: the user's own text (a file, a column, a name), never
  translated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Count:
    """A whole number (``1,335``)."""

    value: float

    def english(self) -> str:
        return f"{self.value:,.0f}"

    def local(self, f: Any) -> str:
        return str(f.count(self.value))


@dataclass(frozen=True)
class Num:
    """A number with ``digits`` decimals (``2,990.95``); ``digits=None`` writes it as short as it reads (``0.1``)."""

    value: float
    digits: int | None = 2

    def english(self) -> str:
        return f"{self.value:g}" if self.digits is None else f"{self.value:,.{self.digits}f}"

    def local(self, f: Any) -> str:
        return str(f.compact(self.value) if self.digits is None else f.number(self.value, self.digits))


@dataclass(frozen=True)
class Share:
    """A fraction shown as a percentage (0.1 -> ``10.0%``)."""

    value: float

    def english(self) -> str:
        return f"{100 * self.value:.1f}%"

    def local(self, f: Any) -> str:
        return str(f.share(self.value))


@dataclass(frozen=True)
class Word:
    """Fixed English text from socialroi (a model's name, a unit), translated with the sentence."""

    text: str

    def english(self) -> str:
        return self.text

    def local(self, f: Any) -> str:
        return str(f.t(self.text))


@dataclass(frozen=True)
class Label:
    """A component's label: ``Segment lift: NAME``, ``Lift test: NAME`` and ``Incrementality: NAME`` translate the
    prefix and keep the user's name; any other label is socialroi's own and translated whole."""

    text: str

    PREFIXES = ("Segment lift: ", "Lift test: ", "Incrementality: ")

    def english(self) -> str:
        return self.text

    def local(self, f: Any) -> str:
        for prefix in self.PREFIXES:
            if self.text.startswith(prefix):
                return str(f.t(prefix + "{name}").format(name=self.text.removeprefix(prefix)))
        return str(f.t(self.text))


class Text(str):
    """An English sentence that remembers its template and values (see the module docstring).

    ``Text("tickets x {cost}", cost=Num(7.8))`` is the string ``"tickets x 7.80"``.
    """

    template: str
    values: Mapping[str, Any]

    def __new__(cls, template: str, /, **values: Any) -> Text:
        obj = super().__new__(cls, template.format(**{k: _english(v) for k, v in values.items()}))
        obj.template, obj.values = template, dict(values)
        return obj

    def mapped(self, fn: Callable[[str], str]) -> Text:
        """The same sentence with ``fn`` applied to every plain-string value (e.g. a file path made local)."""
        return Text(self.template, **{k: v.mapped(fn) if isinstance(v, Text) else fn(v) if type(v) is str else v
                                      for k, v in self.values.items()})

    def __reduce__(self) -> Any:  # pickles (and copies) as a Text, not a bare string
        return (_rebuild, (self.template, self.values))


def _rebuild(template: str, values: Mapping[str, Any]) -> Text:
    return Text(template, **values)


def _english(value: Any) -> str:
    if isinstance(value, Text):
        return str.__str__(value)
    if isinstance(value, (Count, Num, Share, Word, Label)):
        return value.english()
    return str(value)


def localize(text: Any, f: Any) -> str:
    """``text`` in the report's language: a :class:`Text` by its template and values; any other sentence from
    socialroi by the catalog (a missing one is recorded by ``f``)."""
    if isinstance(text, Text):
        values = {k: localize(v, f) if isinstance(v, Text) else v.local(f) if hasattr(v, "local") else str(v)
                  for k, v in text.values.items()}
        return str(f.t(text.template).format(**values))
    return str(f.t(str(text)))
