"""Significance of differences between recommenders: paired t-tests over users with a Bonferroni correction.

A comparison of ``m`` methods gives every user one value of a metric per method (a column of the per-user
frame of :func:`cbrec_lab.metrics.evaluate_rankings`, or a diversity value per user). Two methods are compared
with a two-sided **paired t-test** over the users (Student 1908; :func:`scipy.stats.ttest_rel`), and the
``n = m (m - 1) / 2`` tests of all pairs share the level ``α`` by the **Bonferroni** correction (Dunn 1961):
a difference is significant when ``p < α_bonf = α / n``. Messina et al. (2019) report their tables this way:
``α_bonf = 0.05/55 ≈ .00091`` for 11 methods and ``0.05/136 ≈ .00037`` for 17.

A **paired bootstrap** (:func:`paired_bootstrap`) is the alternative where a t-test's normal approximation is
doubtful — a 0/1 outcome per case, a few dozen cases, or cases that come in clusters (several images of one
keyword): each method's mean difference from a baseline gets a percentile interval from resampling the cases,
or whole clusters of cases, with replacement (Efron & Tibshirani 1993, ch. 13; Davison & Hinkley 1997, §3.8).

Conventions
-----------
- The frames have **one row per user and one column per method** (the column order gives the methods their
  1-based *IDs*, the row numbers of the paper's tables).
- A user whose value is NaN for either method of a pair is dropped **for that pair only**; a pair left with
  fewer than 2 users gets a NaN p-value and never counts as significant.
- A pair whose differences are **all zero** gets ``t = 0`` and ``p = 1`` (scipy returns NaN there: ``0/0``).
  Differences that are constant but not zero give ``t = ±inf`` and ``p = 0``, as in scipy.
- "A **beats** B" means A's mean over the pair's users is better (higher, or lower when
  ``higher_is_better=False``) and ``p < α_bonf``.

The paper's superscripts
------------------------
The result tables of Messina et al. (2019) mark each value with a superscript. Read against the tables (the
seed copy in ``shared/seeds/000_…txt``, lines 180–240), the superscript is **not** the number of methods beaten:
it reaches 11 in a table of 11 methods and 17 in one of 17, where at most 10 and 16 others exist. It is
consistent everywhere with the **ID of the best-scoring method that the value is significantly better than**
(so, tests being nearly monotone, it beats that method and every method scoring below it). Examples: in the
nDCG@20 column CNN (All) ``.1295³`` is not significantly better than ResNet50 (ID 2, ``.1247``) but is than
AlexNet (ID 3, ``.1081``); in the diversity table, where rows are not sorted by diversity, every superscript
names the method just below (or a few below) in that column: "D@10 artist" CNN (All) ``12.6822¹`` beats
Hybrid₁ (ID 1, ``8.4375``), the best score under its own; Random ``18.4069¹⁵`` beats HVF (Attractiveness)
(ID 15, ``16.5584``). :func:`strongest_beaten` computes this mark and :func:`significance_table` prints it by
default; :func:`significance_counts` gives the count of beaten methods instead (``superscript="count"``).

References
----------
1. Messina, P., Dominguez, V., Parra, D., Trattner, C., & Soto, A. (2019). Content-based artwork
   recommendation: integrating painting metadata with neural and manually-engineered visual features.
   *User Modeling and User-Adapted Interaction*, 29(2), 251–290. https://doi.org/10.1007/s11257-018-9206-9
2. Student (1908). The probable error of a mean. *Biometrika*, 6(1), 1–25. https://doi.org/10.2307/2331554
3. Dunn, O. J. (1961). Multiple comparisons among means. *Journal of the American Statistical Association*,
   56(293), 52–64. https://doi.org/10.1080/01621459.1961.10482090
4. Virtanen, P., et al. (2020). SciPy 1.0: fundamental algorithms for scientific computing in Python.
   *Nature Methods*, 17, 261–272. https://doi.org/10.1038/s41592-019-0686-2 (``scipy.stats.ttest_rel``)
5. Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall (ch. 13, percentile
   intervals).
6. Davison, A. C., & Hinkley, D. V. (1997). *Bootstrap Methods and their Application*. Cambridge University
   Press (§3.8, resampling clusters).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Real

import numpy as np
import pandas as pd
from scipy.stats import ttest_rel

from .checks import positive_int
from .exceptions import ParameterError

__all__ = [
    "PairedTTests",
    "paired_ttest_results",
    "paired_ttests",
    "bonferroni_alpha",
    "significant_wins",
    "significance_counts",
    "strongest_beaten",
    "SignificanceTable",
    "significance_table",
    "format_value",
    "paired_bootstrap",
]

_SUPERSCRIPT_DIGITS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
SUPERSCRIPTS = ("id", "count", "none")


# --------------------------------------------------------------------------------------------- validation
def _check_alpha(alpha) -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, Real) or not 0 < float(alpha) < 1:
        raise ParameterError(f"alpha must be a number strictly between 0 and 1 (e.g. 0.05), got {alpha!r}.")
    return float(alpha)


def _check_per_user(per_user, *, name: str = "per_user") -> pd.DataFrame:
    """The per-user frame as float64, after checking its shape, column names and values."""
    if not isinstance(per_user, pd.DataFrame):
        raise ParameterError(
            f"{name} must be a pandas DataFrame with one row per user and one column per method, "
            f"got {type(per_user).__name__}."
        )
    if per_user.shape[1] < 2:
        raise ParameterError(
            f"{name} needs at least 2 methods (columns) to compare, got {per_user.shape[1]}: "
            f"{list(per_user.columns)!r}."
        )
    if per_user.shape[0] < 2:
        raise ParameterError(f"{name} needs at least 2 users (rows) for a paired t-test, got {per_user.shape[0]}.")
    if per_user.columns.has_duplicates:
        duplicated = per_user.columns[per_user.columns.duplicated()].unique().tolist()
        raise ParameterError(f"{name} has duplicated method names {duplicated!r}: give every column its own name.")
    try:
        values = per_user.astype(np.float64)
    except (TypeError, ValueError) as error:
        raise ParameterError(f"{name} must hold numbers (one metric value per user and method): {error}.") from None
    if np.isinf(values.to_numpy()).any():
        column = values.columns[np.isinf(values.to_numpy()).any(axis=0)][0]
        raise ParameterError(f"{name} column {column!r} holds ±inf; use NaN for a missing value.")
    return values


def _direction(higher_is_better, metric=None) -> bool:
    if isinstance(higher_is_better, (bool, np.bool_)):
        return bool(higher_is_better)
    where = "" if metric is None else f" for metric {metric!r}"
    raise ParameterError(f"higher_is_better must be True or False{where}, got {higher_is_better!r}.")


# ------------------------------------------------------------------------------------------------- tests
@dataclass(frozen=True)
class PairedTTests:
    """Paired t-tests of every pair of methods (methods × methods frames, NaN on the diagonal).

    Attributes
    ----------
    statistic : pandas.DataFrame
        ``t`` of the differences *row method − column method*: positive when the row's mean is higher.
        Antisymmetric.
    pvalue : pandas.DataFrame
        Two-sided p-values; symmetric.
    mean_difference : pandas.DataFrame
        Mean of *row − column* over the users the pair's test used.
    n_users : pandas.DataFrame
        Users the pair's test used (those with a value for both methods); 0 on the diagonal.
    """

    statistic: pd.DataFrame
    pvalue: pd.DataFrame
    mean_difference: pd.DataFrame
    n_users: pd.DataFrame


def paired_ttest_results(per_user: pd.DataFrame) -> PairedTTests:
    """Two-sided paired t-tests between every pair of methods, with their statistics.

    For methods ``a`` and ``b`` and the ``n`` users with a value for both, ``d_u = x_{u,a} - x_{u,b}`` and

    .. math:: t = \\frac{\\bar d}{s_d / \\sqrt{n}}, \\qquad p = 2 \\, P(T_{n-1} > |t|)

    (Student 1908 [2]), computed by :func:`scipy.stats.ttest_rel` [4]. One scipy call per pair:
    ``m (m - 1) / 2`` calls, each vectorised over the users.

    Parameters
    ----------
    per_user : pandas.DataFrame [shape=(n_users, n_methods)]
        One row per user, one column per method, values of one metric. NaN marks a missing value; the user is
        dropped from the pairs that involve that method only. At least 2 users and 2 methods.

    Returns
    -------
    PairedTTests
        Frames indexed and labelled by the methods: ``statistic``, ``pvalue``, ``mean_difference`` and
        ``n_users``. All-zero differences give ``t = 0, p = 1``; a pair with fewer than 2 common users gives
        NaN.

    Raises
    ------
    ParameterError
        Not a DataFrame, fewer than 2 users or methods, duplicated method names, values that are not numbers
        or are infinite.

    Examples
    --------
    >>> frame = pd.DataFrame({"A": [0.3, 0.5, 0.4], "B": [0.1, 0.2, 0.2]})
    >>> result = paired_ttest_results(frame)
    >>> round(float(result.statistic.loc["A", "B"]), 4), round(float(result.pvalue.loc["A", "B"]), 4)
    (7.0, 0.0198)
    """
    values = _check_per_user(per_user)
    methods = values.columns
    data = values.to_numpy()
    present = ~np.isnan(data)
    m = len(methods)
    statistic = np.full((m, m), np.nan)
    pvalue = np.full((m, m), np.nan)
    mean_difference = np.full((m, m), np.nan)
    n_users = np.zeros((m, m), dtype=np.int64)
    for a, b in zip(*np.triu_indices(m, 1), strict=True):
        both = present[:, a] & present[:, b]
        n = int(both.sum())
        n_users[a, b] = n_users[b, a] = n
        if n < 2:
            continue
        left, right = data[both, a], data[both, b]
        difference = left - right
        mean_difference[a, b], mean_difference[b, a] = difference.mean(), -difference.mean()
        if not difference.any():
            t, p = 0.0, 1.0
        else:
            t, p = ttest_rel(left, right)
        statistic[a, b], statistic[b, a] = t, -t
        pvalue[a, b] = pvalue[b, a] = p

    def frame(array):
        return pd.DataFrame(array, index=methods.copy(), columns=methods.copy())

    return PairedTTests(frame(statistic), frame(pvalue), frame(mean_difference), frame(n_users))


def paired_ttests(per_user: pd.DataFrame) -> pd.DataFrame:
    """Two-sided paired t-test p-values between every pair of methods (methods × methods, NaN diagonal).

    ``paired_ttest_results(per_user).pvalue``; see :func:`paired_ttest_results` for the formula, the NaN
    handling (a user missing either method is dropped for that pair) and the all-zero-differences rule
    (``p = 1``). The t statistics, which tell the direction, are in :func:`paired_ttest_results`.

    Examples
    --------
    >>> frame = pd.DataFrame({"A": [0.3, 0.5, 0.4], "B": [0.1, 0.2, 0.2], "C": [0.1, 0.2, 0.2]})
    >>> paired_ttests(frame).round(4)
            A       B       C
    A     NaN  0.0198  0.0198
    B  0.0198     NaN  1.0000
    C  0.0198  1.0000     NaN
    """
    return paired_ttest_results(per_user).pvalue


def bonferroni_alpha(alpha: float, n_methods: int) -> float:
    """Per-test level of ``m`` methods compared pairwise, Bonferroni-corrected (Dunn 1961 [3]).

    .. math:: \\alpha_{bonf} = \\frac{\\alpha}{n}, \\qquad n = \\frac{m (m - 1)}{2}

    Parameters
    ----------
    alpha : float in (0, 1)
        Family-wise level.
    n_methods : int ≥ 2
        Number of methods ``m``.

    Returns
    -------
    float

    Examples
    --------
    >>> round(bonferroni_alpha(0.05, 11), 5)  # Messina et al. (2019): 0.05/55
    0.00091
    >>> round(bonferroni_alpha(0.05, 17), 5)  # 0.05/136
    0.00037
    """
    alpha = _check_alpha(alpha)
    n_methods = positive_int(n_methods, name="n_methods", minimum=2)  # pairs of methods are compared
    return alpha / (n_methods * (n_methods - 1) / 2)


def significant_wins(per_user: pd.DataFrame, *, alpha: float = 0.05, higher_is_better: bool = True) -> pd.DataFrame:
    """Which method beats which: a boolean methods × methods frame, ``True`` where the row beats the column.

    The row beats the column when its mean over the pair's users is better and the paired t-test's
    ``p < α / (m (m - 1) / 2)`` (:func:`bonferroni_alpha`). The diagonal is False.

    Parameters
    ----------
    per_user : pandas.DataFrame [shape=(n_users, n_methods)]
        As in :func:`paired_ttest_results`.
    alpha : float in (0, 1)
        Family-wise level before the correction.
    higher_is_better : bool
        False for metrics where lower is better (e.g. a rank or an error).

    Returns
    -------
    pandas.DataFrame [dtype=bool]
    """
    alpha = _check_alpha(alpha)
    sign = 1.0 if _direction(higher_is_better) else -1.0
    results = paired_ttest_results(per_user)
    level = bonferroni_alpha(alpha, per_user.shape[1])
    better = (sign * results.mean_difference.to_numpy()) > 0
    wins = better & (results.pvalue.to_numpy() < level)  # NaN p-values compare False
    return pd.DataFrame(wins, index=results.pvalue.index, columns=results.pvalue.columns)


def significance_counts(per_user: pd.DataFrame, *, alpha: float = 0.05, higher_is_better: bool = True) -> pd.Series:
    """For every method, the number of other methods it is significantly better than.

    The row sums of :func:`significant_wins`: a method beats another when its mean (over the users both
    have) is better and the paired t-test's ``p < α_bonf = α / (m (m - 1) / 2)``.

    This count is *not* what the superscripts of Messina et al. (2019) show: they reach ``m`` in a table of
    ``m`` methods, more than the ``m − 1`` others a method can beat; they match the ID of the best method
    beaten instead (:func:`strongest_beaten`; see the module docstring for the check against the tables).

    Parameters
    ----------
    per_user, alpha, higher_is_better
        As in :func:`significant_wins`.

    Returns
    -------
    pandas.Series [dtype=int64]
        Indexed by method, named ``"n_beaten"``.

    Examples
    --------
    >>> frame = pd.DataFrame({"A": [0.9, 0.8, 0.95, 0.85], "B": [0.1, 0.2, 0.1, 0.15]})
    >>> significance_counts(frame, alpha=0.05).to_dict()
    {'A': 1, 'B': 0}
    """
    return significant_wins(per_user, alpha=alpha, higher_is_better=higher_is_better).sum(axis=1).rename("n_beaten")


def strongest_beaten(per_user: pd.DataFrame, *, alpha: float = 0.05, higher_is_better: bool = True) -> pd.Series:
    """For every method, the ID of the best-scoring method it is significantly better than: the paper's mark.

    IDs are the 1-based column positions of ``per_user`` (the row numbers of the paper's tables). Among the
    methods a method beats (:func:`significant_wins`), the one with the best mean over all its users is
    chosen; equal means go to the lower ID. This is how the superscripts of Messina et al. (2019) read (see
    the module docstring): ``.1295³`` is significantly better than method 3 and, the tests being nearly
    monotone, than every method scoring below it, but not than the methods scoring between.

    Parameters
    ----------
    per_user, alpha, higher_is_better
        As in :func:`significant_wins`.

    Returns
    -------
    pandas.Series [dtype=Int64]
        Indexed by method, named ``"strongest_beaten"``; ``<NA>`` for a method that beats none.

    Examples
    --------
    >>> frame = pd.DataFrame({"A": [0.9, 0.8, 0.95, 0.85], "B": [0.1, 0.2, 0.1, 0.15]})
    >>> strongest_beaten(frame).tolist()
    [2, <NA>]
    """
    wins = significant_wins(per_user, alpha=alpha, higher_is_better=higher_is_better).to_numpy()
    sign = 1.0 if higher_is_better else -1.0
    means = sign * per_user.astype(np.float64).mean(axis=0, skipna=True).to_numpy()
    # Among the beaten methods, the best mean; np.lexsort puts the lower ID first among equal means.
    order = np.lexsort((np.arange(means.size), -np.nan_to_num(means, nan=-np.inf)))
    ranked_wins = wins[:, order]
    has_win = ranked_wins.any(axis=1)
    ids = np.where(has_win, order[np.argmax(ranked_wins, axis=1)] + 1, 0)
    return pd.Series(
        pd.array(np.where(has_win, ids, None), dtype="Int64"), index=per_user.columns.copy(), name="strongest_beaten"
    )


# ------------------------------------------------------------------------------------------------- tables
def format_value(value: float, *, decimals: int = 4) -> str:
    """A mean as printed in the paper's tables: ``decimals`` digits, the leading zero of ``|x| < 1`` dropped.

    Examples
    --------
    >>> format_value(0.12951), format_value(10.06971), format_value(-0.5, decimals=2), format_value(float("nan"))
    ('.1295', '10.0697', '-.50', '—')
    """
    decimals = positive_int(decimals, name="decimals", minimum=0)
    if value is None or not np.isfinite(value):
        return "—"
    text = f"{float(value):.{decimals}f}"
    if text.startswith("0."):
        return text[1:]
    if text.startswith("-0."):
        return "-" + text[2:]
    return text


def _superscript(number) -> str:
    return "" if pd.isna(number) else str(int(number)).translate(_SUPERSCRIPT_DIGITS)


@dataclass(frozen=True)
class SignificanceTable:
    """A results table with significance marks, numeric and rendered (methods × metrics frames).

    Attributes
    ----------
    means : pandas.DataFrame [dtype=float]
        Mean of every method on every metric over the users with a value.
    marks : pandas.DataFrame [dtype=Int64]
        The superscript numbers (``<NA>`` for none): IDs of the strongest method beaten, or counts.
    best : pandas.DataFrame [dtype=bool]
        The best mean of every metric (all of them if tied).
    text : pandas.DataFrame [dtype=str]
        Plain cells, e.g. ``".1295³"`` (value, then the mark in unicode superscript digits; no space).
    markdown : pandas.DataFrame [dtype=str]
        As ``text`` with the best value bold: ``"**.1295**³"``.
    alpha_bonf : float
        The per-test level used, ``α / (m (m - 1) / 2)``.
    superscript : str
        ``"id"``, ``"count"`` or ``"none"``.
    decimals : int
        Digits after the decimal point in the rendered cells.
    """

    means: pd.DataFrame
    marks: pd.DataFrame
    best: pd.DataFrame
    text: pd.DataFrame
    markdown: pd.DataFrame
    alpha_bonf: float
    superscript: str
    decimals: int

    def to_markdown(self, *, ids: bool = True) -> str:
        """A GitHub pipe table: an ``ID`` column (1-based), ``Method``, then one column per metric."""
        header = (["ID"] if ids else []) + ["Method", *map(str, self.markdown.columns)]
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * len(header)) + "|"]
        for position, (method, row) in enumerate(self.markdown.iterrows(), start=1):
            cells = ([str(position)] if ids else []) + [str(method), *row.tolist()]
            lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
        return "\n".join(lines)

    def to_html(self, *, ids: bool = True) -> str:
        """An HTML table, best values in ``<b>``, marks in ``<sup>`` (as the paper prints them)."""
        header = (["ID"] if ids else []) + ["Method", *map(str, self.means.columns)]
        rows = ["<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr>"]
        for position, method in enumerate(self.means.index, start=1):
            cells = ([str(position)] if ids else []) + [html.escape(str(method))]
            for metric in self.means.columns:
                value = format_value(self.means.loc[method, metric], decimals=self.decimals)
                value = f"<b>{value}</b>" if self.best.loc[method, metric] else value
                mark = self.marks.loc[method, metric]
                cells.append(value if pd.isna(mark) else f"{value}<sup>{int(mark)}</sup>")
            rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
        return "<table>\n" + "\n".join(rows) + "\n</table>"


def significance_table(
    per_user_by_metric: Mapping[str, pd.DataFrame],
    *,
    alpha: float = 0.05,
    higher_is_better: bool | Mapping[str, bool] = True,
    decimals: int = 4,
    superscript: str = "id",
) -> SignificanceTable:
    """A results table like those of Messina et al. (2019): means with significance superscripts, best in bold.

    For every metric the methods are compared pairwise by paired t-tests with the Bonferroni level
    ``α / (m (m - 1) / 2)`` (:func:`significant_wins`). A cell shows the method's mean (``decimals`` digits,
    leading zero dropped: :func:`format_value`) followed by a superscript in unicode digits:

    - ``superscript="id"`` (default, the paper's notation): the ID — 1-based position in the columns — of the
      best-scoring method this one is significantly better than (:func:`strongest_beaten`);
    - ``superscript="count"``: how many methods it is significantly better than (:func:`significance_counts`);
    - ``superscript="none"``: no marks.

    No mark when the method beats none. The best mean of each metric is bold in ``markdown``,
    :meth:`SignificanceTable.to_markdown` and :meth:`SignificanceTable.to_html`.

    Parameters
    ----------
    per_user_by_metric : mapping of str to pandas.DataFrame
        Metric name → per-user frame (one row per user, one column per method). Every frame has the same
        methods; the first frame's column order sets the IDs and the row order of the table. The users may
        differ between metrics.
    alpha : float in (0, 1)
        Family-wise level before the correction.
    higher_is_better : bool or mapping of str to bool
        One direction for all metrics, or one per metric (every metric must be present).
    decimals : int ≥ 0
        Digits after the decimal point.
    superscript : {"id", "count", "none"}
        What the marks show.

    Returns
    -------
    SignificanceTable
        ``means``, ``marks``, ``best``, ``text``, ``markdown`` (methods × metrics), ``alpha_bonf``.

    Raises
    ------
    ParameterError
        An empty mapping, frames with different methods, a missing or non-boolean direction, a bad ``alpha``,
        ``decimals`` or ``superscript``, or a bad frame (see :func:`paired_ttest_results`).

    Examples
    --------
    >>> good = pd.DataFrame({"A": [0.9, 0.8, 0.95, 0.85], "B": [0.1, 0.2, 0.1, 0.15]})
    >>> table = significance_table({"nDCG@20": good})
    >>> table.text["nDCG@20"].tolist(), table.markdown["nDCG@20"].tolist()
    (['.8750²', '.1375'], ['**.8750**²', '.1375'])
    """
    if not isinstance(per_user_by_metric, Mapping) or not per_user_by_metric:
        raise ParameterError(
            "per_user_by_metric must be a non-empty mapping of metric name → per-user DataFrame, "
            f"got {per_user_by_metric!r:.80}."
        )
    if superscript not in SUPERSCRIPTS:
        raise ParameterError(f"superscript must be one of {SUPERSCRIPTS}, got {superscript!r}.")
    alpha = _check_alpha(alpha)
    format_value(0.0, decimals=decimals)  # validates decimals
    metrics = list(per_user_by_metric)
    if isinstance(higher_is_better, Mapping):
        missing = [metric for metric in metrics if metric not in higher_is_better]
        if missing:
            raise ParameterError(
                f"higher_is_better has no direction for metric(s) {missing!r}: give one for every metric, "
                "or a single True/False for all."
            )
        directions = {metric: _direction(higher_is_better[metric], metric) for metric in metrics}
    else:
        direction = _direction(higher_is_better)
        directions = dict.fromkeys(metrics, direction)

    frames = {}
    methods = None
    for metric in metrics:
        frame = _check_per_user(per_user_by_metric[metric], name=f"per_user_by_metric[{metric!r}]")
        if methods is None:
            methods = frame.columns
        elif set(frame.columns) != set(methods) or len(frame.columns) != len(methods):
            raise ParameterError(
                f"per_user_by_metric[{metric!r}] has methods {list(frame.columns)!r}, but "
                f"per_user_by_metric[{metrics[0]!r}] has {list(methods)!r}: every metric needs the same methods."
            )
        frames[metric] = frame[methods]

    means, marks, best = {}, {}, {}
    for metric, frame in frames.items():
        higher = directions[metric]
        column_means = frame.mean(axis=0, skipna=True)
        means[metric] = column_means
        if superscript == "id":
            marks[metric] = strongest_beaten(frame, alpha=alpha, higher_is_better=higher)
        elif superscript == "count":
            counts = significance_counts(frame, alpha=alpha, higher_is_better=higher)
            marks[metric] = pd.Series(pd.array(np.where(counts > 0, counts, None), dtype="Int64"), index=methods)
        else:
            marks[metric] = pd.Series(pd.array([None] * len(methods), dtype="Int64"), index=methods)
        target = column_means.max() if higher else column_means.min()
        best[metric] = column_means == target

    means = pd.DataFrame(means, index=methods, columns=metrics)
    marks = pd.DataFrame(marks, index=methods, columns=metrics).astype("Int64")
    best = pd.DataFrame(best, index=methods, columns=metrics).astype(bool)
    values = means.map(lambda value: format_value(value, decimals=decimals))
    sups = marks.map(_superscript)
    text = values + sups
    markdown = values.where(~best, "**" + values + "**") + sups
    return SignificanceTable(
        means=means,
        marks=marks,
        best=best,
        text=text,
        markdown=markdown,
        alpha_bonf=bonferroni_alpha(alpha, len(methods)),
        superscript=superscript,
        decimals=int(decimals),
    )


def paired_bootstrap(
    per_case: pd.DataFrame,
    baseline: str,
    *,
    groups=None,
    n_resamples: int = 2_000,
    level: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Percentile bootstrap intervals of each method's mean difference from ``baseline`` over paired cases.

    Every resample draws ``G`` of the ``G`` groups with replacement (each case its own group when ``groups`` is
    None) and computes, over the cases of the drawn groups, ``mean(method) − mean(baseline)``; the interval is
    the ``(1 − level)/2`` and ``(1 + level)/2`` quantiles of these differences (the percentile interval, Efron
    & Tibshirani 1993, ch. 13). Resampling whole groups keeps cases that depend on each other together (the
    cluster bootstrap, Davison & Hinkley 1997, §3.8).

    Parameters
    ----------
    per_case : pandas.DataFrame
        One row per case (user, query), one column per method, no missing values (drop the cases a metric is
        undefined for first).
    baseline : str
        The column the others are compared with.
    groups : array-like, optional
        One label per row; rows with the same label are resampled together.
    n_resamples : int
    level : float
        Coverage of the interval, in (0, 1).
    seed : int

    Returns
    -------
    pandas.DataFrame
        Indexed by the other methods, with columns ``difference`` (on the data), ``low`` and ``high``.

    Examples
    --------
    >>> frame = pd.DataFrame({"a": [1.0, 1.0, 0.0, 1.0], "b": [0.0, 1.0, 0.0, 0.0]})
    >>> paired_bootstrap(frame, "b", n_resamples=500)["difference"].round(2).tolist()
    [0.5]
    """
    if not isinstance(per_case, pd.DataFrame) or per_case.shape[1] < 2 or len(per_case) < 2:
        raise ParameterError("per_case must be a DataFrame with at least two rows (cases) and two columns (methods).")
    if baseline not in per_case.columns:
        raise ParameterError(f"baseline {baseline!r} is not a column of per_case: {list(per_case.columns)}.")
    values = per_case.to_numpy(dtype=np.float64)
    if not np.isfinite(values).all():
        raise ParameterError("per_case has missing or infinite values: drop the cases a metric is undefined for first.")
    if not isinstance(level, Real) or not 0 < level < 1:
        raise ParameterError(f"level must be in (0, 1), got {level!r}.")
    n_resamples = positive_int(n_resamples, name="n_resamples")
    labels = np.arange(len(per_case)) if groups is None else np.asarray(groups)
    if labels.shape != (len(per_case),):
        raise ParameterError(f"groups needs one label per row of per_case ({len(per_case)}), got shape {labels.shape}.")
    _, group_of = np.unique(labels, return_inverse=True)
    n_groups = int(group_of.max()) + 1
    sums = np.zeros((n_groups, values.shape[1]))
    np.add.at(sums, group_of, values)
    sizes = np.bincount(group_of, minlength=n_groups).astype(np.float64)
    draws = np.random.default_rng(seed).integers(0, n_groups, size=(n_resamples, n_groups))
    counts = np.apply_along_axis(np.bincount, 1, draws, minlength=n_groups).astype(np.float64)
    means = (counts @ sums) / (counts @ sizes)[:, None]
    base = per_case.columns.get_loc(baseline)
    others = [c for c in per_case.columns if c != baseline]
    differences = means[:, [per_case.columns.get_loc(c) for c in others]] - means[:, [base]]
    tail = (1 - float(level)) / 2
    observed = per_case[others].mean() - per_case[baseline].mean()
    return pd.DataFrame(
        {
            "difference": observed.to_numpy(),
            "low": np.quantile(differences, tail, axis=0),
            "high": np.quantile(differences, 1 - tail, axis=0),
        },
        index=pd.Index(others, name="method"),
    )
