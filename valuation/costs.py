"""The cost ledger: what the social and content effort cost.

One row per cost line. A line is either an ``amount`` or staff time given as
``hours`` x ``hourly_rate`` (the loaded rate: salary, taxes, benefits and
overhead per hour). Optional ``low``/``high`` give a range around the amount;
the line is then drawn from a triangular distribution with its mode at the
amount. Lines are drawn independently of one another.

Categories: the recognised names below are mapped to one canonical name each;
any other category is kept as written.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from socialroi.models.text import Text
from socialroi.valuation.estimate import DEFAULT_DRAWS, ValueEstimate, rng_for
from socialroi.valuation.notebook import Printable
from socialroi.valuation.tables import Role, as_table, currency_code, first_row, fold_name

CATEGORIES: dict[str, tuple[str, ...]] = {
    "staff time": ("staff", "staff time", "salaries", "salary", "labour", "labor", "personnel", "people", "time"),
    "tools and platforms": ("tools", "tool", "platforms", "platform", "software", "subscriptions", "tools and platforms",
                            "licences", "licenses"),
    "ad spend": ("ad spend", "ads", "advertising", "paid social", "boosts", "boosted posts", "media spend"),
    "agency fees": ("agency", "agencies", "agency fees", "freelancers", "contractors", "consultants"),
    "refunds and discounts": ("refunds", "discounts", "refunds and discounts", "customer service refunds", "credits",
                              "promotions", "giveaways", "coupons"),
    "research": ("research", "market research", "surveys"),
    "training and conferences": ("training", "conferences", "training and conferences", "events", "education",
                                 "courses"),
    "content production": ("content", "content production", "creative", "production", "photography", "video"),
}
_ALIAS = {alias: canon for canon, aliases in CATEGORIES.items() for alias in aliases}

LEDGER_ROLES: dict[str, Role] = {
    "category": Role(("Category", "Type", "Cost type"), text=True),
    "item": Role(("Item", "Description", "Line", "Name"), required=False, text=True),
    "amount": Role(("Amount", "Cost", "Value", "Total"), required=False),
    "hours": Role(("Hours", "Staff hours"), required=False),
    "hourly_rate": Role(("Hourly rate", "Loaded hourly rate", "Rate", "Hourly cost"), required=False),
    "low": Role(("Low", "Amount low", "Min"), required=False),
    "high": Role(("High", "Amount high", "Max"), required=False),
    "currency": Role(("Currency",), required=False, text=True),
    "channel": Role(("Channel", "Marketing channel"), required=False, text=True),
}


def canonical_category(name: str) -> str:
    """The canonical category for a ledger category name (others kept as written, trimmed)."""
    key = fold_name(str(name).replace("_", " ").replace("&", " and "))
    return _ALIAS.get(key, " ".join(str(name).split()))


@dataclass(frozen=True, eq=False)
class CostLedger(Printable):
    """A read and checked cost ledger.

    Attributes
    ----------
    lines : pandas.DataFrame
        One row per line: category, item, amount, low, high (all in
        ``currency``, for the period of the project), hours, hourly_rate.
    total : ValueEstimate
        Total cost (component ``"costs"``, kind ``"hard"``), with draws.
    """

    lines: Any
    total: ValueEstimate

    @property
    def currency(self) -> str:
        """Currency of every amount."""
        return self.total.currency

    def by_category(self):
        """Totals by category: category, amount, share (of the total), lines."""
        frame = self.lines.groupby("category", sort=True).agg(amount=("amount", "sum"), lines=("amount", "size"))
        frame = frame.reset_index().sort_values(["amount", "category"], ascending=[False, True], kind="stable")
        frame["share"] = frame["amount"] / frame["amount"].sum() if frame["amount"].sum() else 0.0
        return frame[["category", "amount", "share", "lines"]].reset_index(drop=True)

    def by_channel(self) -> dict[str, float]:
        """Cost per marketing channel, from the ledger's optional channel column (lines without one left out)."""
        named = self.lines[self.lines["channel"] != ""]
        return {str(k): float(v) for k, v in named.groupby("channel")["amount"].sum().items()}

    def to_frame(self):
        """The ledger lines."""
        return self.lines.copy()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary: total, by category, lines."""
        return {
            "total": self.total.to_dict(),
            "by_category": self.by_category().to_dict(orient="records"),
        }

    def summary(self) -> str:
        """Readable lines: total and categories."""
        lines = [self.total.summary()]
        for row in self.by_category().itertuples():
            lines.append(f"  {row.category}: {row.amount:,.2f} {self.currency} ({100 * row.share:.1f}%)")
        return "\n".join(lines)


def line_keys(lines) -> list[str]:
    """A name for each ledger line from what it is, not where it stands.

    Category, item, channel and the amounts make the name; exact duplicates
    are told apart by their count (and, being equal, may swap freely). Used
    for the line's random stream and the order of summing, so the ledger's
    row order never changes a result.
    """
    seen: dict[str, int] = {}
    out = []
    for row in lines[["category", "item", "channel", "amount", "low", "high"]].itertuples(index=False):
        base = "\x1f".join([str(row.category), str(row.item), str(row.channel),
                            *(repr(float(v)) for v in (row.amount, row.low, row.high))])
        k = seen.get(base, 0)
        seen[base] = k + 1
        out.append(f"{base}\x1f{k}")
    return out


def read_ledger(
    source: Any,
    *,
    currency: str | None = None,
    rates: Mapping[str, float] | None = None,
    columns: Mapping[str, str] | None = None,
    seed: int = 0,
    n_draws: int = DEFAULT_DRAWS,
) -> CostLedger:
    """Read a cost ledger and total it with its uncertainty.

    Parameters
    ----------
    source : path or DataFrame
        Columns: category; amount, or hours and hourly_rate; optionally
        item, low, high, currency.
    currency : str, optional
        Reporting currency (default: the ledger's own currency column, else USD).
    rates : mapping, optional
        Units of the reporting currency per unit of another currency.
    columns : mapping, optional
        Explicit column names by role.
    seed, n_draws : int
        Seed of the run and number of draws.

    Raises
    ------
    InputError
        Negative or missing amounts, staff lines whose amount disagrees with
        hours x rate, a range that does not contain its amount, mixed
        currencies without a rate, a total of zero.
    """
    import pandas as pd
    import pyarrow.compute as pc

    table = as_table(source, LEDGER_ROLES, explicit=columns, name="cost ledger")
    n = table.n_rows
    nan = np.full(n, np.nan)
    parsed = {r: table.numbers(r, allow_blank=True) for r in ("amount", "hours", "hourly_rate", "low", "high")
              if table.has(r)}
    amount, hours, rate, low, high = (parsed[r].values if r in parsed else nan
                                      for r in ("amount", "hours", "hourly_rate", "low", "high"))
    symbols = {r: p.currency for r, p in parsed.items() if r != "hours"}
    staff = ~np.isnan(hours) | ~np.isnan(rate)
    half = staff & (np.isnan(hours) | np.isnan(rate))
    if half.any():
        row = first_row(half)
        raise table.error("staff time needs both hours and hourly_rate", "hours" if table.has("hours") else "hourly_rate",
                          row)
    computed = np.where(staff, hours * rate, amount)
    clash = staff & ~np.isnan(amount) & ~np.isclose(amount, hours * rate, rtol=0.01, atol=0.01)
    if clash.any():
        row = first_row(clash)
        raise table.error(
            f"amount {amount[row - 1]:,.2f} differs from hours x hourly_rate = {computed[row - 1]:,.2f}; "
            "leave amount blank for staff time or correct it", "amount", row)
    missing = np.isnan(computed)
    if missing.any():
        row = first_row(missing)
        raise table.error("no amount (and no hours x hourly_rate); fill in the cost", "amount" if table.has("amount")
                          else None, row)
    lo = np.where(np.isnan(low), computed, low)
    hi = np.where(np.isnan(high), computed, high)
    bad = (lo > computed + 1e-9) | (hi < computed - 1e-9)
    if bad.any():
        row = first_row(bad)
        raise table.error(f"range {lo[row - 1]:,.2f} to {hi[row - 1]:,.2f} does not contain the amount "
                          f"{computed[row - 1]:,.2f}; fix low/high", "low" if table.has("low") else "high", row)

    categories = [canonical_category(c) if c and c.strip() else "" for c in
                  pc.fill_null(table.text("category"), "").to_pylist()]
    if "" in categories:
        raise table.error("blank category; name what the cost is for", "category", categories.index("") + 1)
    items = pc.fill_null(table.text("item"), "").to_pylist() if table.has("item") else [""] * n
    channels = table.folded("channel") if table.has("channel") else [""] * n

    factor, reporting = table.currency_factors(currency_code(currency) if currency else None, rates, symbols=symbols)
    reporting = reporting or "USD"
    computed, lo, hi = computed * factor, lo * factor, hi * factor

    total = math.fsum(computed)
    if total <= 0:
        raise table.error("the costs add up to zero; ROI needs the cost of the effort (staff time, tools, ad spend...)")
    lines = pd.DataFrame({
        "category": categories, "item": items, "amount": computed, "low": lo, "high": hi,
        "hours": hours, "hourly_rate": rate * factor, "channel": channels,
    })
    # each line's draws come from a stream named by the line itself, and lines are summed in the order of
    # those names: shuffling the ledger's rows changes nothing, to the last bit
    keys = line_keys(lines)
    draws = np.zeros(int(n_draws))
    for i in sorted(range(n), key=keys.__getitem__):
        if hi[i] > lo[i]:
            draws += rng_for(seed, f"costs:{keys[i]}").triangular(lo[i], computed[i], hi[i], int(n_draws))
        else:
            draws += computed[i]
    uncertain = np.flatnonzero(hi > lo)
    estimate = ValueEstimate.from_draws(
        "costs", "hard", reporting, total, draws, label="Costs",
        method=Text("sum of the ledger lines (staff time = hours x loaded hourly rate); lines with a low/high range "
                    "are drawn from a triangular distribution with its mode at the amount, independently"),
        assumptions={"rates": dict(rates)} if rates else {},
        diagnostics={"lines": int(n), "lines_with_range": int(uncertain.size),
                     "staff_hours": float(np.nansum(hours)), "reading_notes": list(table.notes)},
        evidence="accounting",
    )
    return CostLedger(lines, estimate)
