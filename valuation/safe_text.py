"""Text from input data, made safe for each place it is shown: one module, one rule per target.

Keywords, channel names, band names and file names come from files a user
did not write. Wherever socialroi shows them:

- **spreadsheets** (CSV and XLSX): a cell that starts with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return (also after leading spaces) gets
  a leading apostrophe, so it can never run as a formula; control
  characters other than a line feed become spaces (a carriage return
  inside a value could otherwise start a new row with a live formula in
  some readers, and openpyxl refuses control characters outright);
- **terminals** (text output and error messages): control characters
  (C0 and C1, ESC, BEL, DEL) become spaces, so data cannot move the cursor,
  retitle the window or ring the bell;
- **Markdown**: HTML's ``& < >`` become entities and the punctuation that
  makes emphasis, code, links and table cells (``\\ ` * _ [ ] |``) is
  backslash-escaped, so data can make neither raw HTML nor a link
  (``javascript:`` or otherwise: a link needs ``[`` and ``]``);
- **HTML** reports escape with :func:`html.escape` (and templates autoescape).
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # all C0 but \t \n, DEL, all C1
_CONTROL_CELL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # a spreadsheet cell: tabs too
_MARKDOWN = re.compile(r"([\\`*_\[\]|])")


def terminal(text: Any) -> str:
    """Text for a terminal: control characters (other than tab and line feed) as spaces."""
    return _CONTROL.sub(" ", str(text))


def one_line(text: Any) -> str:
    """Terminal text on one line (table cells, messages)."""
    return " ".join(terminal(text).split())


def spreadsheet(value: Any) -> Any:
    """A CSV or XLSX cell: non-text unchanged; text without control characters and never a formula."""
    if not isinstance(value, str):
        return value
    value = _CONTROL_CELL.sub(" ", value)
    return "'" + value if value.lstrip(" ").startswith(FORMULA_START) or value.startswith(FORMULA_START) else value


def markdown(text: Any) -> str:
    """Markdown text: no raw HTML, no link syntax, no table breaks; one line."""
    s = one_line(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN.sub(r"\\\1", s)
