"""Representative weighting of survey respondents (consultations/weighting.py, R-CON-3)."""

from __future__ import annotations

import itertools
import json
import math
from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from statistics import NormalDist
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consultations.weighting import (
    Question,
    WeightingSettings,
    aggregate_survey,
    design_effect,
    effective_sample_size,
    group_representation,
    margins_from_cells,
    proportion_ci,
    question_result,
    rake,
    weighted_mean,
)

Z95 = NormalDist().inv_cdf(0.975)

# ---------------------------------------------------------------------------------------------
# A 2×2 example worked out by hand
# ---------------------------------------------------------------------------------------------
# Five respondents: region A/B × kind X/Y, cells AX = 2 respondents, AY = 1, BX = 1, BY = 1.
# Raking converges to cell totals of the form n_ij · r_i · c_j. Choose r_A = 1, r_B = 2, c_X = 1,
# c_Y = 1/2: cell totals AX = 2, AY = 1/2, BX = 2, BY = 1 (sum 11/2). Scaled to sum n = 5 (× 10/11):
#   AX = 20/11 (10/11 per respondent), AY = 5/11, BX = 20/11, BY = 10/11.
# Margins: A = 25/11, B = 30/11, X = 40/11, Y = 15/11, i.e. shares A 5/11, B 6/11, X 8/11, Y 3/11.
# So targets A:B = 5:6 and X:Y = 8:3 must give exactly those weights (the raking limit is unique).
HAND_ATTRIBUTES = {
    "region": ["A", "A", "A", "B", "B"],
    "kind": ["X", "X", "Y", "X", "Y"],
}
HAND_MARGINS: dict[str, dict[Hashable, float]] = {
    "region": {"A": 5000, "B": 6000},
    "kind": {"X": 8, "Y": 3},
}
HAND_WEIGHTS = [10 / 11, 10 / 11, 5 / 11, 20 / 11, 10 / 11]
# Σw = 5; Σw² = (100 + 100 + 25 + 400 + 100) / 121 = 725/121; n_eff = 25 · 121 / 725 = 121/29.
HAND_N_EFF = 121 / 29
HAND_DEFF = 5 * 29 / 121


def test_two_by_two_raking_reproduces_the_hand_computed_weights() -> None:
    # when
    result = rake(HAND_ATTRIBUTES, HAND_MARGINS, tolerance=1e-13)
    # then
    assert result.weights == pytest.approx(HAND_WEIGHTS, abs=1e-9)
    assert result.report.converged
    assert result.report.cells == 4
    assert result.report.n_eff == pytest.approx(HAND_N_EFF, abs=1e-9)
    assert result.report.deff == pytest.approx(HAND_DEFF, abs=1e-9)
    assert result.report.sum_weights == pytest.approx(5, abs=1e-12)


def test_weighted_share_and_its_interval_match_the_hand_computation() -> None:
    # given answers yes, no, yes, no, yes for the five hand-example respondents
    # weighted yes = 10/11 + 5/11 + 10/11 = 25/11 of Σw = 5 → 5/11; raw 3/5
    question = Question("q", "single", ["yes", "no", "yes", "no", "yes"], options=("yes", "no"))
    # when
    result = question_result(question, HAND_WEIGHTS, ci_method="wald")
    # then
    yes = result.options[0]
    assert yes.count == 3
    assert yes.share == pytest.approx(3 / 5, abs=1e-12)
    assert yes.weighted_share == pytest.approx(5 / 11, abs=1e-9)
    # half-width z·sqrt(deff·p(1−p)/n) = z·sqrt((5/11)(6/11) · 29/121) = z·sqrt(870)/121
    # = 0.4778 > 5/11, so the lower end is clipped to 0
    half = Z95 * math.sqrt(870) / 121
    assert yes.weighted_ci_low == 0.0
    assert yes.weighted_ci_high == pytest.approx(5 / 11 + half, abs=1e-9)
    assert result.deff == pytest.approx(HAND_DEFF, abs=1e-9)
    # the raw interval is the classic one with n = 5
    # (half-width 0.429, so the upper end is clipped to 1)
    raw_half = Z95 * math.sqrt(0.6 * 0.4 / 5)
    assert yes.ci_low == pytest.approx(0.6 - raw_half, abs=1e-9)
    assert yes.ci_high == 1.0


def test_weighted_mean_matches_the_hand_computation() -> None:
    # given answers 1..5 of the hand-example respondents (weights 10,10,5,20,10 / 11)
    # mean = (10 + 20 + 15 + 80 + 50) / 11 / 5 = 35/11
    # deviations −24, −13, −2, 9, 20 (/11); Σw·d² / Σw = 13090 / (121·11·5) = 238/121
    # sd² = 5/4 · 238/121 = 595/242; half-width = z·sd/sqrt(n_eff) = z·sqrt(595/242 · 29/121)
    estimate = weighted_mean([1, 2, 3, 4, 5], HAND_WEIGHTS)
    assert estimate.mean == pytest.approx(35 / 11, abs=1e-9)
    assert estimate.sd == pytest.approx(math.sqrt(595 / 242), abs=1e-9)
    half = Z95 * math.sqrt(595 / 242 * 29 / 121)
    assert estimate.ci_low == pytest.approx(35 / 11 - half, abs=1e-9)
    assert estimate.ci_high == pytest.approx(35 / 11 + half, abs=1e-9)


def test_response_rates_and_representation_match_the_hand_computation() -> None:
    # given region A: 3 of 5 respondents, 5000 of 11000 residents; B: 2 of 5, 6000 of 11000
    groups = group_representation(
        HAND_ATTRIBUTES, {"region": HAND_MARGINS["region"]}, HAND_WEIGHTS, min_respondents=3
    )
    a, b = groups
    assert a.response_rate == pytest.approx(3 / 5000)
    assert b.response_rate == pytest.approx(2 / 6000)
    assert a.representation_ratio == pytest.approx((3 / 5) / (5 / 11))  # 1.32
    assert b.representation_ratio == pytest.approx((2 / 5) / (6 / 11))  # 0.733…
    assert a.weighted_share == pytest.approx(5 / 11)
    assert b.mean_weight == pytest.approx((20 / 11 + 10 / 11) / 2)
    assert a.flags == ()
    assert b.flags == ("too_few_respondents",)


# ---------------------------------------------------------------------------------------------
# Independent computations
# ---------------------------------------------------------------------------------------------


def ipf_by_rows(
    rows: Sequence[Sequence[Hashable]], margins: Sequence[Mapping[Hashable, float]], sweeps: int
) -> list[float]:
    """Textbook IPF, one respondent at a time (the reference implementation)."""
    n = len(rows)
    w = [1.0] * n
    for _ in range(sweeps):
        for d, targets in enumerate(margins):
            total = sum(targets.values())
            sums: dict[Hashable, float] = defaultdict(float)
            for i, row in enumerate(rows):
                sums[row[d]] += w[i]
            for i, row in enumerate(rows):
                w[i] *= n * targets[row[d]] / total / sums[row[d]]
    return w


def test_raking_equals_row_by_row_ipf() -> None:
    # given 3 dimensions with every cell occupied and a skewed sample
    rng = np.random.default_rng(7)
    district = rng.choice([1, 2, 3], size=80, p=[0.6, 0.3, 0.1])
    age = rng.choice(["young", "mid", "old"], size=80, p=[0.1, 0.3, 0.6])
    sex = rng.choice(["F", "M"], size=80, p=[0.7, 0.3])
    rows = list(zip(district.tolist(), age.tolist(), sex.tolist(), strict=True))
    rows += list(itertools.product([1, 2, 3], ["young", "mid", "old"], ["F", "M"]))
    margins = [
        {1: 40.0, 2: 35.0, 3: 25.0},
        {"young": 3.0, "mid": 4.0, "old": 3.0},
        {"F": 52, "M": 48},
    ]
    attributes = {
        "district": [r[0] for r in rows],
        "age": [r[1] for r in rows],
        "sex": [r[2] for r in rows],
    }
    # when
    ours = rake(attributes, dict(zip(attributes, margins, strict=True)), tolerance=1e-13)
    reference = ipf_by_rows(rows, margins, sweeps=300)
    # then
    assert ours.report.converged
    assert ours.weights == pytest.approx(reference, abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(
    categories=st.lists(st.integers(0, 4), min_size=1, max_size=60),
    targets=st.lists(st.floats(0.01, 100), min_size=5, max_size=5),
    start=st.lists(st.floats(0.1, 10), min_size=60, max_size=60),
)
def test_one_dimension_raking_is_exactly_post_stratification(
    categories: list[int], targets: list[float], start: list[float]
) -> None:
    # given start weights s_i; post-stratification gives w_i = s_i · n · share_k / Σ_{j∈k} s_j
    n = len(categories)
    s = np.array(start[:n])
    margins = {"g": {k: targets[k] for k in range(5) if k in categories}}
    total = sum(margins["g"].values())
    cat_sum = defaultdict(float)
    for k, w in zip(categories, s, strict=True):
        cat_sum[k] += w
    expected = [s[i] * n * margins["g"][k] / total / cat_sum[k] for i, k in enumerate(categories)]
    # when
    result = rake({"g": categories}, margins, start_weights=s)
    # then: exact after the first sweep
    assert result.report.iterations == 1
    assert result.weights == pytest.approx(expected, rel=1e-9, abs=1e-9)


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------


@st.composite
def feasible_instances(
    draw: st.DrawFn,
) -> tuple[dict[str, list[int]], dict[str, dict[Hashable, float]]]:
    """Random margins, and respondents covering every cell (so any positive margins are feasible)."""
    sizes = draw(st.lists(st.integers(2, 4), min_size=1, max_size=3))
    names = [f"d{i}" for i in range(len(sizes))]
    rows = list(itertools.product(*(range(k) for k in sizes)))
    extra = draw(st.lists(st.tuples(*(st.integers(0, k - 1) for k in sizes)), max_size=40))
    rows += extra
    margins: dict[str, dict[Hashable, float]] = {
        name: {c: draw(st.floats(0.05, 20)) for c in range(k)}
        for name, k in zip(names, sizes, strict=True)
    }
    attributes = {name: [r[d] for r in rows] for d, name in enumerate(names)}
    return attributes, margins


@settings(max_examples=60, deadline=None)
@given(instance=feasible_instances())
def test_raked_margins_hit_the_targets_within_tolerance(
    instance: tuple[dict[str, list[int]], dict[str, dict[Hashable, float]]],
) -> None:
    attributes, margins = instance
    # when
    result = rake(attributes, margins, tolerance=1e-8, max_iterations=5000)
    # then
    w = result.weights
    n = w.size
    assert result.report.converged
    assert np.all(w > 0)
    assert w.sum() == pytest.approx(n, rel=1e-9)
    for dim, targets in margins.items():
        codes = np.array(attributes[dim])
        total = sum(targets.values())
        for category, target in targets.items():
            share = w[codes == category].sum() / w.sum()
            assert abs(share - target / total) <= 1e-8


@settings(max_examples=60, deadline=None)
@given(
    instance=feasible_instances(),
    lower=st.floats(0.01, 1.0),
    upper=st.floats(1.0, 6.0),
)
def test_trimmed_weights_stay_within_the_caps(
    instance: tuple[dict[str, list[int]], dict[str, dict[Hashable, float]]],
    lower: float,
    upper: float,
) -> None:
    attributes, margins = instance
    # when
    result = rake(attributes, margins, trim=(lower, upper), max_trim_rounds=30)
    # then
    w = result.weights
    mean = w.mean()
    assert mean == pytest.approx(1.0, rel=1e-9)
    assert np.all(w > 0)
    assert w.min() >= lower * mean * (1 - 1e-9)
    assert w.max() <= upper * mean * (1 + 1e-9)
    report = result.report
    assert report.trimming is not None
    if report.trimming.caps_met_after_reraking:
        assert report.converged == (report.max_margin_error <= report.tolerance)


@settings(max_examples=100, deadline=None)
@given(weights=st.lists(st.floats(1e-3, 1e3), min_size=1, max_size=50))
def test_effective_sample_size_never_exceeds_n(weights: list[float]) -> None:
    n_eff = effective_sample_size(weights)
    assert 0 < n_eff <= len(weights)
    assert design_effect(weights) >= 1.0


@settings(max_examples=200, deadline=None)
@given(
    p=st.floats(0.0, 1.0),
    n_eff=st.floats(0.5, 1e6),
    method=st.sampled_from(["wald", "wilson"]),
    confidence=st.floats(0.5, 0.999),
)
def test_confidence_interval_contains_the_share_and_stays_in_unit_interval(
    p: float, n_eff: float, method: Any, confidence: float
) -> None:
    low, high = proportion_ci(p, n_eff, method=method, confidence=confidence)
    assert 0.0 <= low <= p <= high <= 1.0


# ---------------------------------------------------------------------------------------------
# Edge cases
# ---------------------------------------------------------------------------------------------


def test_single_respondent_gets_weight_one_and_empty_categories_are_reported() -> None:
    # given one respondent and three districts in the population
    result = rake({"district": [2]}, {"district": {1: 100, 2: 300, 3: 600}})
    # then
    assert result.weights.tolist() == [1.0]
    assert result.report.converged
    assert result.report.deff == 1.0
    empty = {(e.category, round(e.target_share, 12)) for e in result.report.empty_categories}
    assert empty == {(1, 0.1), (3, 0.6)}


def test_targets_of_empty_categories_are_renormalised_over_the_rest() -> None:
    # given targets A .5, B .3, C .2 and no respondent from C
    attributes = {"g": ["A", "A", "A", "B"]}
    result = rake(attributes, {"g": {"A": 0.5, "B": 0.3, "C": 0.2}})
    # then A and B get .5/.8 and .3/.8 of the weight
    w = result.weights
    assert w[:3].sum() / w.sum() == pytest.approx(0.625)
    assert w[3] / w.sum() == pytest.approx(0.375)
    [empty] = result.report.empty_categories
    assert (empty.dimension, empty.category, empty.target_share) == ("g", "C", pytest.approx(0.2))


def test_equal_weights_have_design_effect_one() -> None:
    assert design_effect([2.5] * 7) == 1.0
    assert effective_sample_size([2.5] * 7) == 7.0


def test_sample_already_matching_the_population_keeps_equal_weights() -> None:
    result = rake({"sex": ["F", "M", "F", "M"]}, {"sex": {"F": 0.5, "M": 0.5}})
    assert result.weights.tolist() == [1.0, 1.0, 1.0, 1.0]
    assert result.report.deff == 1.0


def test_infeasible_margins_are_reported_as_not_converged() -> None:
    # given region and kind perfectly correlated in the sample but not in the targets
    attributes = {"region": ["A", "A", "B", "B"], "kind": ["X", "X", "Y", "Y"]}
    margins: dict[str, dict[Hashable, float]] = {
        "region": {"A": 0.5, "B": 0.5},
        "kind": {"X": 0.2, "Y": 0.8},
    }
    # when
    result = rake(attributes, margins, max_iterations=50)
    # then
    assert not result.report.converged
    assert result.report.iterations == 50
    assert result.report.max_margin_error > 0.1


def test_trimming_caps_an_extreme_weight_and_re_rakes() -> None:
    # given one young respondent among 20 while half the population is young:
    # post-stratified weights are young 20·0.5/1 = 10, old 20·0.5/19 = 10/19
    attributes = {"age": ["young"] + ["old"] * 19}
    margins: dict[str, dict[Hashable, float]] = {"age": {"young": 0.5, "old": 0.5}}
    untrimmed = rake(attributes, margins)
    assert untrimmed.weights[0] == pytest.approx(10.0, abs=1e-12)
    # when trimmed to at most 4 × the mean
    trimmed = rake(attributes, margins, trim=(0.3, 4.0), max_trim_rounds=5)
    # then re-raking keeps pushing the young weight back up, so after the last round it is capped
    # at 4 and the 19 others share the remaining 16 (mean weight stays 1)
    assert trimmed.weights[0] == pytest.approx(4.0, abs=1e-12)
    assert trimmed.weights[1:] == pytest.approx([16 / 19] * 19, abs=1e-12)
    report = trimmed.report
    assert report.trimming is not None
    assert report.trimming.rounds == 5
    assert not report.trimming.caps_met_after_reraking
    assert report.trimming.capped_respondents == 1
    # the age margin can no longer be met (young 4/20 = 0.2 instead of 0.5): reported, not hidden
    assert not report.converged
    assert report.max_margin_error == pytest.approx(0.3, abs=1e-12)
    assert report.n_eff > untrimmed.report.n_eff


def test_trimming_that_the_margins_allow_meets_both_caps_and_margins() -> None:
    # given a skewed two-dimension sample (max weight 3.04) where capping at 2.5 leaves room to
    # re-rake
    rng = np.random.default_rng(3)
    age = rng.choice(["16-34", "35-64", "65+"], size=400, p=[0.15, 0.4, 0.45])
    sex = rng.choice(["F", "M"], size=400, p=[0.65, 0.35])
    margins: dict[str, dict[Hashable, float]] = {
        "age": {"16-34": 0.3, "35-64": 0.45, "65+": 0.25},
        "sex": {"F": 0.53, "M": 0.47},
    }
    untrimmed = rake({"age": age, "sex": sex}, margins)
    assert untrimmed.report.max_weight > 3
    # when
    trimmed = rake({"age": age, "sex": sex}, margins, trim=(0.2, 2.5))
    # then
    report = trimmed.report
    assert report.trimming is not None
    assert report.trimming.caps_met_after_reraking
    assert report.converged
    assert report.max_margin_error <= report.tolerance
    assert report.max_weight <= 2.5 * (1 + 1e-9)


@pytest.mark.parametrize(
    ("attributes", "margins", "message"),
    [
        ({"g": ["A", "Z"]}, {"g": {"A": 1.0}}, "not among the categories"),
        ({"g": ["A", None]}, {"g": {"A": 1.0}}, "no value"),
        ({"g": ["A", "B"]}, {"g": {"A": 1.0, "B": 0.0}}, "zero target"),
        ({"h": ["A"]}, {"g": {"A": 1.0}}, "no attribute"),
        ({"g": []}, {"g": {"A": 1.0}}, "no respondents"),
    ],
)
def test_inconsistent_input_is_refused(
    attributes: dict[str, list[Any]], margins: dict[str, dict[Hashable, float]], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        rake(attributes, margins)


def test_margins_from_cells_sum_a_cross_table() -> None:
    cells = {(1, "F"): 10.0, (1, "M"): 8.0, (2, "F"): 5.0, (2, "M"): 7.0}
    assert margins_from_cells(cells, ["district", "sex"]) == {
        "district": {1: 18.0, 2: 12.0},
        "sex": {"F": 15.0, "M": 15.0},
    }


# ---------------------------------------------------------------------------------------------
# Questions and the whole aggregate
# ---------------------------------------------------------------------------------------------


def test_multiple_choice_as_matrix_and_as_sets_give_the_same_result() -> None:
    # given four respondents: {a, b}, {b}, no answer, {} (answered, ticked nothing)
    weights = [1.0, 2.0, 1.0, 1.0]
    sets = Question("m", "multiple", [{"a", "b"}, {"b"}, None, set()], options=("a", "b", "c"))
    matrix = Question(
        "m",
        "multiple",
        np.array([[1, 1, 0], [0, 1, 0], [0, 0, 0], [0, 0, 0]], dtype=bool),
        options=("a", "b", "c"),
        answered=np.array([True, True, False, True]),
    )
    # when
    r1, r2 = question_result(sets, weights), question_result(matrix, weights)
    # then: 3 answered with Σw = 4; b ticked by weight 3 → 3/4, raw 2/3
    assert r1 == r2
    assert r1.n_answered == 3
    a, b, c = r1.options
    assert (a.count, b.count, c.count) == (1, 2, 0)
    assert b.weighted_share == pytest.approx(0.75)
    assert b.share == pytest.approx(2 / 3)
    assert c.weighted_share == 0.0
    assert c.weighted_ci_high is not None
    assert c.weighted_ci_high > 0


def test_likert_gives_distribution_and_mean_leaving_out_non_answers() -> None:
    question = Question("l", "numeric", [1, None, 5, 5, float("nan")], options=(1, 2, 3, 4, 5))
    result = question_result(question, [1.0, 1.0, 1.0, 3.0, 1.0])
    assert result.n_answered == 3
    assert [o.count for o in result.options] == [1, 0, 0, 0, 2]
    assert result.raw_mean is not None
    assert result.raw_mean.mean == pytest.approx(11 / 3)
    assert result.weighted_mean is not None
    assert result.weighted_mean.mean == pytest.approx(21 / 5)


def test_answer_outside_the_options_is_refused() -> None:
    with pytest.raises(ValueError, match="not among"):
        question_result(Question("l", "numeric", [1, 7], options=(1, 2, 3, 4, 5)), [1.0, 1.0])


def test_question_nobody_answered_has_no_shares_and_no_nan() -> None:
    result = question_result(Question("s", "single", [None, None], options=("x", "y")), [1.0, 2.0])
    assert result.n_answered == 0
    assert result.deff is None
    assert all(o.share is None for o in result.options)
    assert all(o.weighted_share is None for o in result.options)


def test_aggregate_is_json_serialisable_and_flags_under_represented_groups() -> None:
    # given 40 respondents, only 2 of them young though the young are half the population
    rng = np.random.default_rng(1)
    age = np.array(["young"] * 2 + ["old"] * 38)
    sex = rng.choice(["F", "M"], size=40)
    population = {"age": {"young": 50_000, "old": 50_000}, "sex": {"F": 52_000, "M": 48_000}}
    questions = [
        Question("s", "single", rng.choice(["x", "y", "z"], size=40), options=("x", "y", "z")),
        Question("r", "numeric", rng.integers(0, 11, size=40).astype(float)),
        Question("m", "multiple", rng.random((40, 3)) < 0.5, options=("a", "b", "c")),
    ]
    # when
    result = aggregate_survey(
        {"age": age, "sex": sex},
        population,
        questions,
        settings=WeightingSettings(trim=None, min_group_respondents=5),
    )
    data = result.to_dict()
    # then
    text = json.dumps(data, allow_nan=False)
    assert json.loads(text)["n_respondents"] == 40
    young = next(g for g in result.groups if g.category == "young")
    assert "under_represented" in young.flags
    assert "too_few_respondents" in young.flags
    assert young.response_rate == pytest.approx(2 / 50_000)
    assert young.weighted_share == pytest.approx(0.5, abs=1e-6)  # the raking tolerance
    assert result.raking.converged
    assert [q.id for q in result.questions] == ["s", "r", "m"]
    assert data["raking"]["deff"] > 1
