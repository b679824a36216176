"""How results show in a notebook: one helper behind every ``_repr_html_``.

A result's HTML is its ``summary()`` text and its ``to_frame()`` table,
escaped (text from data never becomes markup).
"""

from __future__ import annotations

from html import escape
from typing import Any


def html_block(title: str, summary: str, frame: Any = None) -> str:
    """An HTML fragment: a heading, the summary lines and the table (``frame``), all escaped.

    Parameters
    ----------
    title : str
        Heading.
    summary : str
        Printable lines (the result's ``summary()``).
    frame : pandas.DataFrame, optional
        The result's ``to_frame()``; pandas renders it with escaping on.
    """
    parts = [f"<div class=\"socialroi\"><strong>{escape(title)}</strong>",
             f"<pre>{escape(summary)}</pre>"]
    if frame is not None and len(frame):
        parts.append(frame.to_html(index=False, escape=True, border=0, na_rep=""))
    parts.append("</div>")
    return "".join(parts)


class Printable:
    """What every result shares: ``print_summary()`` and ``_repr_html_`` from its ``summary()`` and ``to_frame()``.

    Mixed into the frozen result dataclasses; they define ``summary()`` (printable text) and ``to_frame()``.
    """

    def summary(self) -> str:  # pragma: no cover - every result overrides it
        raise NotImplementedError

    def to_frame(self) -> Any:  # pragma: no cover
        raise NotImplementedError

    def print_summary(self) -> None:
        """Print :meth:`summary`."""
        print(self.summary())

    def _repr_html_(self) -> str:
        return html_block(type(self).__name__, self.summary(), self.to_frame())


def frame_lines(frame: Any, limit: int = 20) -> str:
    """A DataFrame as aligned text lines (at most ``limit`` rows), for ``summary()``."""
    import pandas as pd

    with pd.option_context("display.width", 120, "display.max_colwidth", 40, "display.max_columns", 12):
        text = str(frame.head(limit).to_string(index=False))
    return text + (f"\n... {len(frame) - limit} more rows" if len(frame) > limit else "")
