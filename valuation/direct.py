"""Direct revenue attributed to social: money that changed hands (a hard return).

For now the user supplies it, as one figure or as a table of attributed
revenue lines; attribution models will derive it from touchpoint paths.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from socialroi.models.text import Count, Text
from socialroi.valuation.errors import InputError
from socialroi.valuation.estimate import DEFAULT_DRAWS, Lever, ValueEstimate, rng_for
from socialroi.valuation.tables import Role, as_table, currency_code

REVENUE_ROLES: dict[str, Role] = {
    "revenue": Role(("Revenue", "Amount", "Attributed revenue", "Value")),
    "source": Role(("Source", "Channel", "Description", "Item"), required=False, text=True),
    "currency": Role(("Currency",), required=False, text=True),
}


def direct_revenue(
    amount: float | None = None,
    *,
    table: Any = None,
    currency: str = "USD",
    low: float | None = None,
    high: float | None = None,
    rates: Mapping[str, float] | None = None,
    columns: Mapping[str, str] | None = None,
    seed: int = 0,
    n_draws: int = DEFAULT_DRAWS,
) -> ValueEstimate:
    """Direct revenue attributed to social, as a hard value estimate.

    Parameters
    ----------
    amount : float, optional
        The attributed revenue, in ``currency`` (give this or ``table``).
    table : path or DataFrame, optional
        Revenue lines (a revenue column; optionally source and currency); summed.
    currency : str
        Reporting currency.
    low, high : float, optional
        A range around the figure (drawn uniformly), e.g. from attribution
        models that disagree.
    rates : mapping, optional
        Units of the reporting currency per unit of another currency.

    Returns
    -------
    ValueEstimate
        Component ``"direct_revenue"``, kind ``"hard"``.
    """
    currency = currency_code(currency)
    if (amount is None) == (table is None):
        raise InputError("give direct revenue either as an amount or as a table, not both or neither")
    method = Text("attributed revenue as supplied by the user")
    diagnostics: dict[str, Any] = {}
    if table is not None:
        t = as_table(table, REVENUE_ROLES, explicit=columns, name="direct revenue table")
        parsed = t.numbers("revenue", allow_negative=True)
        factor, _ = t.currency_factors(currency, rates, symbols={"revenue": parsed.currency})
        values = parsed.values * factor
        amount = float(values.sum())
        method = Text("sum of {n} attributed revenue line(s) supplied by the user", n=Count(len(values)))
        diagnostics["lines"] = int(len(values))
    if amount is None:  # unreachable: exactly one of amount and table is given (checked above)
        raise InputError("give direct revenue either as an amount or as a table")
    amount = float(amount)
    if not np.isfinite(amount):
        raise InputError(f"direct revenue must be a finite number, got {amount}")
    if amount < 0:
        raise InputError(f"direct revenue must not be negative, got {amount:,.2f}")
    if (low is None) != (high is None):
        raise InputError("give both low and high for the direct revenue range, or neither")
    if low is not None and high is not None:
        low, high = float(low), float(high)
        if not low <= amount <= high:
            raise InputError(f"direct revenue range {low:,.2f} to {high:,.2f} must contain the amount {amount:,.2f}")
        draws = rng_for(seed, "direct_revenue").uniform(low, high, int(n_draws))
        return ValueEstimate.from_draws("direct_revenue", "hard", currency, amount, draws,
                                        label="Direct revenue", method=Text("{method}; range drawn uniformly", method=method),
                                        assumptions={"low": low, "high": high}, diagnostics=diagnostics,
                                        levers=_levers(amount), evidence="accounting")
    return ValueEstimate.exact("direct_revenue", "hard", currency, amount, int(n_draws), label="Direct revenue",
                               method=method, diagnostics=diagnostics, levers=_levers(amount), evidence="accounting")


def _levers(amount: float) -> tuple[Lever, ...]:
    return (Lever("direct_revenue.amount", amount, "attributed revenue"),) if amount else ()
