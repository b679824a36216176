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
