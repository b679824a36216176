"""Design matrices from customer tables: numeric and categorical covariates.

Categorical covariates become indicator columns (the first level in sorted
order is the reference). Columns that are constant or linear combinations of
others are dropped, with a warning naming them, so a model never fails on a
singular matrix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from socialroi.models.text import Text


@dataclass(frozen=True, eq=False)
class Design:
    """A design matrix with named columns.

    Attributes
    ----------
    matrix : numpy.ndarray
        n x p float64, first column the intercept.
    names : tuple of str
        Column names (``"Intercept"``, numeric names, ``"region[T.north]"``).
    sources : tuple of str
        For each column, the covariate it comes from (``""`` for the intercept).
    dropped : tuple of str
        Columns dropped as constant or collinear.
    warnings : tuple of str
    """

    matrix: np.ndarray
    names: tuple[str, ...]
    sources: tuple[str, ...]
    dropped: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=())


def independent_columns(matrix: np.ndarray, tol: float = 1e-9) -> np.ndarray:
    """Indices of a maximal set of linearly independent columns (earlier columns kept first).

    An incremental Cholesky factorisation of the scaled Gram matrix: column j
    is kept when its squared residual on the kept columns is above ``tol``
    (of its own squared norm). O(p^3) after the O(n p^2) Gram matrix.
    """
    from scipy.linalg import solve_triangular

    gram = matrix.T @ matrix
    scale = np.sqrt(np.clip(np.diag(gram), 0, None))
    keep: list[int] = []
    chol = np.zeros((0, 0))
    for j in range(gram.shape[0]):
        if scale[j] <= 0:
            continue
        g = gram[keep, j] / (scale[keep] * scale[j]) if keep else np.zeros(0)
        v = solve_triangular(chol, g, lower=True) if keep else g
        resid = 1.0 - float(v @ v)
        if resid > tol:
            k = len(keep)
            grown = np.zeros((k + 1, k + 1))
            grown[:k, :k] = chol
            grown[k, :k] = v
            grown[k, k] = np.sqrt(resid)
            chol = grown
            keep.append(j)
    return np.array(keep, dtype=int)


def build_design(
    frame: Any,
    covariates: Sequence[str],
    *,
    categorical: Sequence[str] = (),
    extra: dict[str, np.ndarray] | None = None,
) -> Design:
    """Build an intercept + covariates design matrix from a DataFrame.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table (no missing values in the covariates; check before).
    covariates : sequence of str
        Covariate columns. Non-numeric columns are treated as categorical.
    categorical : sequence of str
        Numeric columns to treat as categorical too (e.g. a region code).
    extra : dict, optional
        Additional named columns placed right after the intercept (e.g. the
        treatment indicator); they are never dropped silently.
    """
    import pandas as pd

    n = len(frame)
    cols = [np.ones(n)]
    names = ["Intercept"]
    sources = [""]
    for name, values in (extra or {}).items():
        cols.append(np.asarray(values, dtype=float))
        names.append(name)
        sources.append(name)
    for cov in covariates:
        series = frame[cov]
        is_cat = cov in categorical or not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)
        if is_cat:
            cat = pd.Categorical(series.astype(str))  # categories sorted, like np.unique but hashed
            codes = cat.codes
            for k, level in enumerate(cat.categories[1:], start=1):
                cols.append((codes == k).astype(float))
                names.append(f"{cov}[T.{level}]")
                sources.append(cov)
        else:
            cols.append(series.to_numpy(dtype=float))
            names.append(cov)
            sources.append(cov)
    matrix = np.column_stack(cols)
    keep = independent_columns(matrix)
    dropped = tuple(names[j] for j in range(len(names)) if j not in set(keep.tolist()))
    warnings = []
    if dropped:
        protected = [d for d in dropped if d in (extra or {})]
        if protected:
            raise ValueError(f"{', '.join(protected)} is constant or collinear with the covariates")
        warnings.append(Text("dropped constant or collinear covariate column(s): {columns}", columns=", ".join(dropped)))
        matrix = matrix[:, keep]
        names = [names[j] for j in keep]
        sources = [sources[j] for j in keep]
    return Design(np.ascontiguousarray(matrix), tuple(names), tuple(sources), dropped, tuple(warnings))
