"""Design matrices from customer tables: numeric and categorical covariates.

Categorical covariates become indicator columns (the first level in sorted
order is the reference). Columns that are constant or linear combinations of
others are dropped, with a warning naming them, so a model never fails on a
singular matrix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np


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
    """Indices of a maximal set of linearly independent columns (first ones kept).

    Uses a pivot-free Cholesky-style sweep of the scaled Gram matrix, so the
    earlier column of a collinear pair is the one kept.
    """
    gram = matrix.T @ matrix
    scale = np.sqrt(np.clip(np.diag(gram), 0, None))
    keep: list[int] = []
    for j in range(gram.shape[0]):
        if scale[j] <= 0:
            continue
        cand = keep + [j]
        sub = gram[np.ix_(cand, cand)] / np.outer(scale[cand], scale[cand])
        # smallest eigenvalue of the normalised Gram matrix: ~0 when column j is in the span of the kept ones
        if np.linalg.eigvalsh(sub)[0] > tol:
            keep.append(j)
    return np.array(keep, dtype=int)


def build_design(
    frame,
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
            values = series.astype(str).to_numpy()
            levels = np.unique(values)
            for level in levels[1:]:
                cols.append((values == level).astype(float))
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
        warnings.append(f"dropped constant or collinear covariate column(s): {', '.join(dropped)}")
        matrix = matrix[:, keep]
        names = [names[j] for j in keep]
        sources = [sources[j] for j in keep]
    return Design(np.ascontiguousarray(matrix), tuple(names), tuple(sources), dropped, tuple(warnings))
