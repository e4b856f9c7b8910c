"""Paired t-tests with a Bonferroni correction (Messina et al. 2019): p-values against scipy, planted wins,
NaN handling, the paper's superscripts, rendered tables, and bad input."""

import doctest
import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.stats import ttest_rel

from cbrec_lab import stats
from cbrec_lab.exceptions import ParameterError
from cbrec_lab.stats import (
    bonferroni_alpha,
    format_value,
    paired_ttest_results,
    paired_ttests,
    significance_counts,
    significance_table,
    significant_wins,
    strongest_beaten,
)


@pytest.fixture
def random_frame():
    rng = np.random.default_rng(11)
    base = rng.random(50)
    return pd.DataFrame({f"m{j}": base + rng.normal(0.02 * j, 0.1, size=50) for j in range(4)})


@pytest.fixture
def planted():
    """A clearly better than B; C equals B for every user; D clearly worse than all."""
    rng = np.random.default_rng(0)
    b = rng.uniform(0.3, 0.5, size=200)
    a = b + 0.2 + rng.normal(0, 0.01, 200)
    d = b - 0.2 + rng.normal(0, 0.01, 200)
    return pd.DataFrame({"A": a, "B": b, "C": b.copy(), "D": d})


def test_bonferroni_alpha_matches_the_paper():
    assert bonferroni_alpha(0.05, 11) == pytest.approx(0.05 / 55)
    assert round(bonferroni_alpha(0.05, 11), 5) == 0.00091
    assert bonferroni_alpha(0.05, 17) == pytest.approx(0.05 / 136)
    assert round(bonferroni_alpha(0.05, 17), 5) == 0.00037
    assert bonferroni_alpha(0.01, 2) == pytest.approx(0.01)


def test_p_values_and_statistics_equal_scipy(random_frame):
    result = paired_ttest_results(random_frame)
    pvalues = paired_ttests(random_frame)
    for a, b in itertools.permutations(random_frame.columns, 2):
        reference = ttest_rel(random_frame[a], random_frame[b])
        assert pvalues.loc[a, b] == pytest.approx(reference.pvalue, rel=1e-12)
        assert result.statistic.loc[a, b] == pytest.approx(reference.statistic, rel=1e-12)
        assert result.mean_difference.loc[a, b] == pytest.approx((random_frame[a] - random_frame[b]).mean())
        assert result.n_users.loc[a, b] == 50
    assert np.isnan(np.diag(pvalues.to_numpy())).all() and np.isnan(np.diag(result.statistic.to_numpy())).all()
    assert list(pvalues.index) == list(pvalues.columns) == list(random_frame.columns)


def test_users_missing_a_method_are_dropped_for_that_pair_only(random_frame):
    frame = random_frame.copy()
    frame.loc[[0, 3, 7], "m1"] = np.nan
    frame.loc[[3, 9], "m2"] = np.nan
    result = paired_ttest_results(frame)
    assert result.n_users.loc["m1", "m2"] == 46 and result.n_users.loc["m0", "m1"] == 47
    assert result.n_users.loc["m0", "m3"] == 50
    kept = frame[["m1", "m2"]].dropna()
    assert result.pvalue.loc["m1", "m2"] == pytest.approx(ttest_rel(kept["m1"], kept["m2"]).pvalue, rel=1e-12)
    assert result.pvalue.loc["m0", "m3"] == pytest.approx(ttest_rel(frame["m0"], frame["m3"]).pvalue, rel=1e-12)


def test_identical_methods_get_p_one_and_too_few_common_users_nan():
    frame = pd.DataFrame({"A": [0.1, 0.2, 0.3, 0.4], "B": [0.1, 0.2, 0.3, 0.4], "C": [np.nan, np.nan, np.nan, 0.9]})
    result = paired_ttest_results(frame)
    assert result.pvalue.loc["A", "B"] == 1.0 and result.statistic.loc["A", "B"] == 0.0
    assert np.isnan(result.pvalue.loc["A", "C"]) and result.n_users.loc["A", "C"] == 1
    assert not significant_wins(frame).to_numpy().any()


def test_planted_wins_and_counts(planted):
    wins = significant_wins(planted)
    expected = pd.DataFrame(
        [[False, True, True, True], [False, False, False, True], [False, False, False, True], [False] * 4],
        index=list("ABCD"),
        columns=list("ABCD"),
    )
    pd.testing.assert_frame_equal(wins, expected)
    assert significance_counts(planted).to_dict() == {"A": 3, "B": 1, "C": 1, "D": 0}
    # Lower is better flips the direction: D beats all, A beats none.
    assert significance_counts(planted, higher_is_better=False).to_dict() == {"A": 0, "B": 1, "C": 1, "D": 3}


def test_a_difference_significant_at_alpha_but_not_after_bonferroni():
    a = np.linspace(0.3, 0.6, 10)
    d = np.array([0.1, -0.05, 0.2, 0.0, 0.15, 0.05, 0.1, -0.1, 0.2, 0.05]) + 0.02
    frame = pd.DataFrame({"A": a, "B": a - d, "C": a - 2 * d - 0.5})
    p = paired_ttests(frame).loc["A", "B"]
    assert p == pytest.approx(0.019710530544140386, rel=1e-9)  # scipy.stats.ttest_rel, t = 2.8304 on 9 df
    assert bonferroni_alpha(0.05, 3) < p < 0.05  # significant alone, not after the correction over 3 pairs
    assert not significant_wins(frame).loc["A", "B"]
    assert significant_wins(frame).loc["A", "C"] and significant_wins(frame).loc["B", "C"]
    assert significance_counts(frame, alpha=0.2).to_dict() == {"A": 2, "B": 1, "C": 0}  # 0.2 / 3 > p


def test_strongest_beaten_is_the_id_of_the_best_method_beaten(planted):
    # IDs: A=1, B=2, C=3, D=4. A beats B, C (equal means: lower ID 2 wins) and D; B and C beat only D.
    assert strongest_beaten(planted).tolist() == [2, 4, 4, pd.NA]
    reordered = planted[["D", "C", "B", "A"]]  # IDs: D=1, C=2, B=3, A=4
    assert strongest_beaten(reordered).tolist() == [pd.NA, 1, 1, 2]
    assert str(strongest_beaten(planted).dtype) == "Int64"


def test_format_value_drops_the_leading_zero():
    assert format_value(0.12951) == ".1295"
    assert format_value(0.00091, decimals=5) == ".00091"
    assert format_value(10.06971) == "10.0697"
    assert format_value(-0.25, decimals=2) == "-.25"
    assert format_value(np.nan) == "—"
    with pytest.raises(ParameterError, match="decimals"):
        format_value(0.5, decimals=-1)


def test_significance_table_strings_for_a_tiny_input(planted):
    lower = pd.DataFrame({m: 1 - planted[m] for m in planted.columns})  # an error: lower is better
    table = significance_table(
        {"nD@20": planted, "err": lower}, higher_is_better={"nD@20": True, "err": False}, decimals=3
    )
    means = planted.mean()
    assert table.means["nD@20"].tolist() == pytest.approx(means.tolist())
    expected_values = [format_value(v, decimals=3) for v in means]
    assert table.text["nD@20"].tolist() == [
        expected_values[0] + "²",
        expected_values[1] + "⁴",
        expected_values[2] + "⁴",
        expected_values[3],
    ]
    assert table.markdown["nD@20"].tolist()[0] == f"**{expected_values[0]}**²"
    assert table.markdown["nD@20"].tolist()[1:] == table.text["nD@20"].tolist()[1:]
    # The error column mirrors it: A (lowest error) is best and marked the same way.
    assert table.best["err"].tolist() == [True, False, False, False]
    assert table.marks["err"].tolist() == [2, 4, 4, pd.NA]
    assert table.alpha_bonf == pytest.approx(0.05 / 6)
    counts = significance_table({"nD@20": planted}, superscript="count")
    assert counts.marks["nD@20"].tolist() == [3, 1, 1, pd.NA]
    bare = significance_table({"nD@20": planted}, superscript="none")
    assert bare.text["nD@20"].tolist() == [format_value(v) for v in means]  # no marks, 4 decimals
    assert bare.marks["nD@20"].isna().all()


def test_significance_table_exact_rendering():
    frame = pd.DataFrame({"A": [0.9, 0.8, 0.95, 0.85], "B": [0.1, 0.2, 0.1, 0.15], "C": [10.5, 10.25, 10.5, 10.75]})
    table = significance_table({"D@10": frame}, alpha=0.05)
    # C beats A (ID 1) and B; A beats B (ID 2); B beats none.
    assert table.text["D@10"].tolist() == [".8750²", ".1375", "10.5000¹"]
    assert table.markdown["D@10"].tolist() == [".8750²", ".1375", "**10.5000**¹"]
    assert table.to_markdown().splitlines() == [
        "| ID | Method | D@10 |",
        "|---|---|---|",
        "| 1 | A | .8750² |",
        "| 2 | B | .1375 |",
        "| 3 | C | **10.5000**¹ |",
    ]
    assert "<td><b>10.5000</b><sup>1</sup></td>" in table.to_html()
    assert "<td>.8750<sup>2</sup></td>" in table.to_html()


def test_table_reorders_methods_of_later_metrics_to_the_first(planted):
    table = significance_table({"x": planted, "y": planted[["D", "C", "B", "A"]]})
    pd.testing.assert_frame_equal(table.text[["x"]].rename(columns={"x": "y"}), table.text[["y"]])


@pytest.mark.parametrize(
    ("frame", "match"),
    [
        (pd.DataFrame({"A": [0.1], "B": [0.2]}), "at least 2 users"),
        (pd.DataFrame({"A": [0.1, 0.2]}), "at least 2 methods"),
        (np.ones((3, 2)), "must be a pandas DataFrame"),
        (pd.DataFrame({"A": ["x", "y"], "B": [0.1, 0.2]}), "must hold numbers"),
        (pd.DataFrame({"A": [np.inf, 0.1], "B": [0.1, 0.2]}), "±inf"),
        (pd.DataFrame([[0.1, 0.2], [0.3, 0.4]], columns=["A", "A"]), "duplicated method names"),
    ],
)
def test_bad_frames_are_rejected(frame, match):
    with pytest.raises(ParameterError, match=match):
        paired_ttests(frame)


@pytest.mark.parametrize("alpha", [0, 1, -0.1, 1.5, True, "0.05", None])
def test_alpha_outside_the_open_unit_interval_is_rejected(alpha, planted):
    with pytest.raises(ParameterError, match="alpha must be a number strictly between 0 and 1"):
        bonferroni_alpha(alpha, 3)
    with pytest.raises(ParameterError, match="alpha"):
        significance_counts(planted, alpha=alpha)


def test_other_bad_arguments_are_rejected(planted):
    with pytest.raises(ParameterError, match="n_methods must be an integer ≥ 2"):
        bonferroni_alpha(0.05, 1)
    with pytest.raises(ParameterError, match="higher_is_better must be True or False"):
        significance_counts(planted, higher_is_better="yes")
    with pytest.raises(ParameterError, match="non-empty mapping"):
        significance_table({})
    with pytest.raises(ParameterError, match=r"no direction for metric\(s\) \['y'\]"):
        significance_table({"x": planted, "y": planted}, higher_is_better={"x": True})
    with pytest.raises(ParameterError, match="every metric needs the same methods"):
        significance_table({"x": planted, "y": planted[["A", "B", "C"]]})
    with pytest.raises(ParameterError, match="superscript must be one of"):
        significance_table({"x": planted}, superscript="stars")


def test_docstring_examples():
    result = doctest.testmod(stats, extraglobs={"np": np, "pd": pd})
    assert result.failed == 0 and result.attempted >= 10


# ------------------------------------------------------------------------------------------ paired bootstrap
def test_a_constant_difference_has_a_degenerate_interval_at_that_difference():
    frame = pd.DataFrame({"base": [0.1, 0.5, 0.9, 0.3], "better": [0.35, 0.75, 1.15, 0.55]})
    row = stats.paired_bootstrap(frame, "base", n_resamples=200).loc["better"]
    assert row["difference"] == pytest.approx(0.25)
    assert row["low"] == pytest.approx(0.25) and row["high"] == pytest.approx(0.25)


def test_the_interval_matches_resampling_by_hand():
    # differences 0 and 1 on two cases: a resample's mean difference is 0, 0.5 or 1 with probabilities 1/4, 1/2, 1/4
    frame = pd.DataFrame({"base": [0.0, 0.0], "method": [0.0, 1.0]})
    row = stats.paired_bootstrap(frame, "base", n_resamples=4_000, level=0.9, seed=3).loc["method"]
    assert row["difference"] == 0.5
    assert (row["low"], row["high"]) == (0.0, 1.0)
    row = stats.paired_bootstrap(frame, "base", n_resamples=4_000, level=0.4, seed=3).loc["method"]
    assert (row["low"], row["high"]) == (0.5, 0.5), "the middle 40 % of the resamples all have difference 0.5"


def test_groups_are_resampled_whole():
    # two groups of unequal size, each with a constant difference: every resample's difference is a mean weighted
    # by group size of 0 (group a, 2 cases) and 1 (group b, 4 cases) -> 0, 2/3 or 1, never 0.5 (case resampling)
    frame = pd.DataFrame({"base": np.zeros(6), "method": [0, 0, 1, 1, 1, 1.0]})
    groups = ["a", "a", "b", "b", "b", "b"]
    row = stats.paired_bootstrap(frame, "base", groups=groups, n_resamples=4_000, level=0.4, seed=1).loc["method"]
    assert row["difference"] == pytest.approx(4 / 6)
    assert row["low"] == pytest.approx(2 / 3) and row["high"] == pytest.approx(2 / 3)
    cases = stats.paired_bootstrap(frame, "base", n_resamples=4_000, level=0.98, seed=1).loc["method"]
    wide = stats.paired_bootstrap(frame, "base", groups=groups, n_resamples=4_000, level=0.98, seed=1).loc["method"]
    assert wide["high"] - wide["low"] > cases["high"] - cases["low"], (
        "two clusters carry less information than six cases"
    )


def test_the_bootstrap_is_deterministic_given_the_seed_and_compares_every_other_column():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.random((30, 3)), columns=["x", "y", "z"])
    first = stats.paired_bootstrap(frame, "y", seed=5)
    assert list(first.index) == ["x", "z"] and list(first.columns) == ["difference", "low", "high"]
    pd.testing.assert_frame_equal(first, stats.paired_bootstrap(frame, "y", seed=5))
    assert (first["low"] <= first["difference"]).all() and (first["difference"] <= first["high"]).all()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"baseline": "nope"}, "not a column"),
        ({"level": 1.0}, "level must be in"),
        ({"n_resamples": 0}, "n_resamples"),
        ({"groups": [1, 2]}, "one label per row"),
    ],
)
def test_paired_bootstrap_rejects_bad_input(kwargs, message):
    frame = pd.DataFrame({"a": [0.0, 1.0, 1.0], "b": [1.0, 0.0, 1.0]})
    with pytest.raises(ParameterError, match=message):
        stats.paired_bootstrap(frame, **{"baseline": "b", **kwargs})
    with pytest.raises(ParameterError, match="missing or infinite"):
        stats.paired_bootstrap(frame.assign(a=[0.0, np.nan, 1.0]), "b")
