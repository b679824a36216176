"""Errors raised for bad input, with the location a user needs to fix it."""

from __future__ import annotations


class InputError(ValueError):
    """Bad input that the user can fix: a file, a column, a value.

    The message is one line that names the file, the column and the data row
    (1-based, counted below the header) when they are known, and says what to
    do. The command line prints it and exits with status 2.

    Parameters
    ----------
    message : str
        What is wrong and what to do about it.
    file : str, optional
        The file the problem is in (shown as given by the user).
    column : str, optional
        The column the problem is in.
    row : int, optional
        The 1-based data row (the first row below the header is row 1).
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        column: str | None = None,
        row: int | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.column = column
        self.row = row
        super().__init__(self.__str__())

    def __str__(self) -> str:
        from socialroi.valuation.safe_text import one_line

        where = []
        if self.file:
            where.append(one_line(self.file))
        if self.column is not None:
            where.append(f"column '{one_line(self.column)}'")
        if self.row is not None:
            where.append(f"row {self.row}")
        text = one_line(self.message)  # always one line, no control characters from data
        return f"{', '.join(where)}: {text}" if where else text
