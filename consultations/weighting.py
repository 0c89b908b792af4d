"""Representative weighting of survey respondents (R-CON-3).

Survey respondents are never a miniature of the city: older residents of the central districts
answer more often than young residents of Nowa Huta. This module re-weights respondents so that the
weighted sample matches the resident population's structure (district × age band × sex, or any
other dimensions), and computes raw and weighted results with confidence intervals, response rates
per group and flags for under-represented groups.

Pure module (no Django): plain data in, plain data out; numpy for speed. The Celery task loads the
answers, calls :func:`aggregate_survey` and stores ``result.to_dict()`` (JSON-serialisable).

Conventions and algorithms (stated here once, referred to below)
-----------------------------------------------------------------
**Weights are normalised to sum to n** (the number of respondents), so the mean weight is 1 and a
weight of 2.5 reads "this respondent speaks for 2.5 average respondents".

**Raking** (iterative proportional fitting, Deming & Stephan 1940): for every dimension in turn,
multiply the weights of each category by ``target / current weighted total`` of that category; one
pass over all dimensions is one *iteration*. After each iteration the largest absolute difference
between a category's weighted share and its target share (``max_margin_error``, in share points,
e.g. 0.001 = 0.1 pp) is compared with ``tolerance``; below it the raking has *converged*. Because
every respondent of one cross-classified cell (e.g. district 4 × 25–34 × F) receives the same
factors, the iteration runs on the occupied cells (a few hundred) and not on respondents; the final
weight of respondent i is ``start_i × (raked cell total / starting cell total)``. With a single
dimension raking is exactly post-stratification: ``w_i = n × share_k / n_k``.

**Categories with a target but no respondents** cannot be weighted up from nothing. They are
reported in ``RakingReport.empty_categories`` (with their target share) and dropped, and the
remaining targets of that dimension are renormalised to sum to 1 — i.e. the other categories
stand in for the missing one, in proportion to their own population. Respondents in a category
whose target is zero, or with no value in a weighting dimension, are an error (``ValueError``): the
caller decides whether to fix the data or leave those respondents out.

**Trimming** (optional ``trim=(lower, upper)``, multiples of the mean weight, ``0.01 ≤ lower ≤ 1 ≤
upper``) limits the influence of a single respondent. Exact algorithm:

1. rake the start weights (as above);
2. while some weight lies outside ``[lower, upper]`` (mean weight 1, relative slack 1e-9) and
   fewer than ``max_trim_rounds`` rounds were done: *cap* the weights — find the scalar ``c > 0``
   with ``mean(clip(c·w, lower, upper)) = 1`` and set ``w = clip(c·w, lower, upper)`` (weights cut
   at the caps hand their excess to all the others, proportionally) — then re-rake starting from
   the capped weights;
3. if the weights still break the caps after the last round, cap them once more and report the
   margins as they then are (``trimming.caps_met_after_reraking = False``; ``converged`` then
   says whether the margins are still within tolerance).

So the returned weights always respect the caps; the margins are met whenever ``converged``.

**Effective sample size and design effect** (Kish 1965): ``n_eff = (Σw)² / Σw²`` and
``deff = n / n_eff`` (1 when all weights are equal, larger the more unequal the weights).

**Confidence intervals for proportions** at level ``confidence`` (z = the normal quantile, 1.96 at
95%), computed over the respondents who answered the question, with that subset's ``n_eff``:

* ``"wald"``: ``p ± z·sqrt(deff·p(1−p)/n) = p ± z·sqrt(p(1−p)/n_eff)``, clipped to [0, 1];
* ``"wilson"`` (default; better near 0 and 1 and for small samples, Brown, Cai & DasGupta 2001):
  the Wilson score interval with ``n_eff`` in place of n:
  ``(p + z²/2m ± z·sqrt(p(1−p)/m + z²/4m²)) / (1 + z²/m)``, m = n_eff.

Raw (unweighted) results use the same formulas with all weights 1 (n_eff = n). A multiple-choice
question is treated as one yes/no question per option; its shares need not sum to 1.

**Weighted mean** of a numeric answer (Likert 1–5, rating 0–10, a number):
``m = Σw·x / Σw``, ``sd² = n/(n−1) · Σw·(x−m)² / Σw`` and the interval ``m ± z·sd/sqrt(n_eff)``
(normal approximation; ``None`` when fewer than 2 answers).

**Representation of groups**: for every category of every weighting dimension, the respondents,
their share, the population share, ``representation_ratio = respondent share / population share``
and (when the population figures are counts) ``response_rate = respondents / population``. Flags:
``"no_respondents"`` (none at all), ``"under_represented"`` (``representation_ratio <
under_representation_ratio``, default 0.5: fewer than half the respondents a proportional sample
would have) and ``"too_few_respondents"`` (fewer than ``min_group_respondents``, default 30, but
more than 0: too few for the group's own results to be read on their own).

Weights are computed once per survey; they are not re-raked per question (a question's non-
respondents simply drop out of that question's denominators), which is standard practice and keeps
all questions on the same weights.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from statistics import NormalDist
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

__all__ = [
    "CIMethod",
    "EmptyCategory",
    "GroupRepresentation",
    "MeanEstimate",
    "OptionResult",
    "Question",
    "QuestionKind",
    "QuestionResult",
    "RakingReport",
    "RakingResult",
    "SurveyAggregate",
    "TrimmingReport",
    "WeightingSettings",
    "aggregate_survey",
    "design_effect",
    "effective_sample_size",
    "group_representation",
    "margins_from_cells",
    "proportion_ci",
    "question_result",
    "rake",
    "weighted_mean",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

CIMethod = Literal["wald", "wilson"]
QuestionKind = Literal["single", "multiple", "numeric"]

#: Attribute values of respondents, one per respondent (a list or a 1-D array).
Values = Sequence[Any] | npt.NDArray[Any]

#: The smallest lower trimming cap accepted, as a multiple of the mean weight.
MIN_LOWER_CAP = 0.01

# Relative slack when checking weights against the trimming caps: the capping step is exact up to
# floating-point rounding, and re-raking must not count 1e-15 overshoots as violations.
_CAP_SLACK = 1e-9


# --------------------------------------------------------------------------------------------
# Result records (frozen dataclasses of plain Python values: JSON-serialisable via asdict)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EmptyCategory:
    """A category with a population target but no respondents (dropped from the raking)."""

    dimension: str
    category: Hashable
    target_share: float


@dataclass(frozen=True, slots=True)
class TrimmingReport:
    """How trimming went. ``lower``/``upper`` are multiples of the mean weight (which is 1)."""

    lower: float
    upper: float
    rounds: int
    #: Sweeps of all the re-rakings after capping (the first raking is ``RakingReport.iterations``).
    reraking_iterations: int
    #: True when the last re-raking left every weight within the caps (margins and caps both met);
    #: False when the round limit was hit and a final capping was applied after the last re-raking.
    caps_met_after_reraking: bool
    #: Respondents whose final weight sits on one of the caps.
    capped_respondents: int


@dataclass(frozen=True, slots=True)
class RakingReport:
    """Everything needed to explain the weighting to the public (see the module docstring)."""

    n: int
    dimensions: tuple[str, ...]
    #: Occupied cross-classified cells the raking ran on.
    cells: int
    converged: bool
    #: Sweeps over all dimensions in the first raking.
    iterations: int
    #: Largest |weighted share − target share| over all kept categories, after the final step.
    max_margin_error: float
    tolerance: float
    max_iterations: int
    empty_categories: tuple[EmptyCategory, ...]
    trimming: TrimmingReport | None
    sum_weights: float
    min_weight: float
    max_weight: float
    n_eff: float
    deff: float


@dataclass(frozen=True, slots=True, eq=False)
class RakingResult:
    """``weights[i]`` belongs to respondent i (same order as the attribute arrays)."""

    weights: FloatArray
    report: RakingReport


@dataclass(frozen=True, slots=True)
class MeanEstimate:
    """A (weighted or raw) mean. ``mean`` is None without answers; sd and CI need ≥ 2 answers."""

    n: int
    mean: float | None
    sd: float | None
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True, slots=True)
class OptionResult:
    """One answer option: raw and weighted count, share and confidence interval.

    Shares and intervals are None when nobody answered the question.
    """

    option: Hashable
    count: int
    share: float | None
    ci_low: float | None
    ci_high: float | None
    weighted_count: float
    weighted_share: float | None
    weighted_ci_low: float | None
    weighted_ci_high: float | None


@dataclass(frozen=True, slots=True)
class QuestionResult:
    """Results of one question over the respondents who answered it."""

    id: str
    kind: QuestionKind
    n_answered: int
    n_eff: float
    #: None when nobody answered.
    deff: float | None
    options: tuple[OptionResult, ...]
    raw_mean: MeanEstimate | None
    weighted_mean: MeanEstimate | None


@dataclass(frozen=True, slots=True)
class GroupRepresentation:
    """One category of one weighting dimension (e.g. district 7, or age band 65+)."""

    dimension: str
    category: Hashable
    respondents: int
    respondent_share: float
    #: The population figure as given (a count, or a share when the margins are shares).
    population: float
    population_share: float
    #: respondent share / population share; None when the population share is 0.
    representation_ratio: float | None
    #: respondents / population; None unless the population figures are counts.
    response_rate: float | None
    weighted_share: float
    #: Mean weight of the group's respondents; None without respondents.
    mean_weight: float | None
    flags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WeightingSettings:
    """Parameters of :func:`aggregate_survey` (stored with the results so they can be shown)."""

    tolerance: float = 1e-6
    max_iterations: int = 1000
    #: Trimming caps as multiples of the mean weight; None for no trimming.
    trim: tuple[float, float] | None = (0.2, 5.0)
    max_trim_rounds: int = 50
    confidence: float = 0.95
    ci_method: CIMethod = "wilson"
    #: True when the population figures are head counts (then response rates are computed).
    population_are_counts: bool = True
    under_representation_ratio: float = 0.5
    min_group_respondents: int = 30


@dataclass(frozen=True, slots=True, eq=False)
class Question:
    """One question's answers, one entry per respondent (same order as the attributes).

    * ``single``: ``answers`` holds option values (members of ``options``); None or NaN = no
      answer.
    * ``multiple``: either a 2-D boolean array (respondents × options, ``True`` = ticked) with an
      optional ``answered`` mask (default: everybody answered), or a sequence of collections of
      option values per respondent (None = no answer; an empty collection = answered, ticked
      nothing). The array form is the fast one.
    * ``numeric`` (Likert, rating, number): numbers, None/NaN = no answer. When ``options`` lists
      the scale points (e.g. 1..5), the distribution over them is reported too; any answer outside
      them is then an error.

    Values not among ``options`` raise ``ValueError``. Integer or string arrays are fastest; a
    list mixing None with other values takes a slower per-item path.
    """

    id: str
    kind: QuestionKind
    answers: Any
    options: tuple[Hashable, ...] = ()
    answered: BoolArray | None = None


@dataclass(frozen=True, slots=True)
class SurveyAggregate:
    """The whole aggregate the Celery task stores. ``to_dict()`` is JSON-serialisable."""

    n_respondents: int
    raking: RakingReport
    groups: tuple[GroupRepresentation, ...]
    questions: tuple[QuestionResult, ...]
    settings: WeightingSettings = field(default_factory=WeightingSettings)

    def to_dict(self) -> dict[str, Any]:
        """Plain dicts/lists/str/int/float/bool/None (tuples become lists in JSON)."""
        result = _plain(asdict(self))
        if not isinstance(result, dict):  # pragma: no cover - asdict always returns a dict
            raise TypeError("unexpected aggregate shape")
        return result


def _plain(value: Any) -> Any:
    """Turn numpy scalars into Python ones, recursively (asdict leaves them as they are)."""
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


# --------------------------------------------------------------------------------------------
# Encoding of category values into integer codes
# --------------------------------------------------------------------------------------------


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _encode(values: Values, categories: Sequence[Hashable], *, what: str) -> IntArray:
    """Index of each value in ``categories``; -1 for None/NaN. Unknown values raise ValueError.

    Works on the distinct values (``np.unique``) so only a handful of dictionary look-ups are done
    in Python, whatever the number of respondents.
    """
    index: dict[Hashable, int] = {}
    for i, category in enumerate(categories):
        if category in index:
            raise ValueError(f"{what}: category {category!r} is listed twice")
        index[category] = i
    if isinstance(values, np.ndarray):
        arr = values
    else:
        # A list of ints or strings becomes a typed array (sorted fast by np.unique); a list with
        # None in it, or ragged content, stays an object array.
        try:
            arr = np.asarray(values)
        except ValueError:
            arr = np.asarray(list(values), dtype=object)
    if arr.ndim != 1:
        raise ValueError(f"{what}: expected one value per respondent (a 1-D sequence)")
    try:
        uniques, inverse = np.unique(arr, return_inverse=True)
    except TypeError:
        # Unsortable mixture (e.g. None among strings): look each value up one by one.
        return np.fromiter(
            (_lookup(v, index, what) for v in arr.tolist()), dtype=np.int64, count=arr.size
        )
    table = np.empty(uniques.size, dtype=np.int64)
    unknown: list[object] = []
    for j, value in enumerate(uniques.tolist()):
        if _is_missing(value):
            table[j] = -1
        elif value in index:
            table[j] = index[value]
        else:
            unknown.append(value)
    if unknown:
        raise ValueError(f"{what}: values not among the categories: {unknown[:10]!r}")
    codes: IntArray = table[inverse.reshape(-1)]
    return codes


def _lookup(value: object, index: Mapping[Hashable, int], what: str) -> int:
    if _is_missing(value):
        return -1
    try:
        return index[value]
    except (KeyError, TypeError):
        raise ValueError(f"{what}: value {value!r} is not among the categories") from None


# --------------------------------------------------------------------------------------------
# Raking
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class _Design:
    """Respondents grouped into cross-classified cells, with the (renormalised) targets."""

    dimensions: tuple[str, ...]
    codes: IntArray  # (n, D): per respondent, index into the kept categories of each dimension
    shares: tuple[FloatArray, ...]  # per dimension, target shares of the kept categories (sum 1)
    cell_of: IntArray  # (n,): cell index per respondent
    cell_codes: tuple[IntArray, ...]  # per dimension, category index of each cell
    empty: tuple[EmptyCategory, ...]


def _design(
    attributes: Mapping[str, Values], margins: Mapping[str, Mapping[Hashable, float]]
) -> _Design:
    if not margins:
        raise ValueError("at least one weighting dimension is needed")
    dimensions = tuple(margins)
    n: int | None = None
    columns: list[IntArray] = []
    shares: list[FloatArray] = []
    empty: list[EmptyCategory] = []
    for dim in dimensions:
        if dim not in attributes:
            raise ValueError(f"respondents have no attribute {dim!r} (a weighting dimension)")
        categories = list(margins[dim])
        targets = np.array([float(margins[dim][c]) for c in categories], dtype=np.float64)
        if targets.size == 0 or not np.all(np.isfinite(targets)) or np.any(targets < 0):
            raise ValueError(f"{dim}: targets must be finite and non-negative")
        if targets.sum() <= 0:
            raise ValueError(f"{dim}: targets must not all be zero")
        codes = _encode(attributes[dim], categories, what=dim)
        if n is None:
            n = codes.size
            if n == 0:
                raise ValueError("there are no respondents to weight")
        elif codes.size != n:
            raise ValueError(f"{dim}: {codes.size} values for {n} respondents")
        if np.any(codes < 0):
            raise ValueError(f"{dim}: some respondents have no value (weighting needs one)")
        counts = np.bincount(codes, minlength=len(categories))
        zero_target_used = (targets == 0) & (counts > 0)
        if np.any(zero_target_used):
            bad = [categories[i] for i in np.flatnonzero(zero_target_used)]
            raise ValueError(f"{dim}: respondents in categories with a zero target: {bad!r}")
        full_shares = targets / targets.sum()
        for i in np.flatnonzero((targets > 0) & (counts == 0)):
            empty.append(EmptyCategory(dim, categories[i], float(full_shares[i])))
        keep = counts > 0
        new_index = np.cumsum(keep) - 1
        columns.append(new_index[codes].astype(np.int64))
        kept = targets[keep]
        shares.append(kept / kept.sum())
    codes_2d = np.stack(columns, axis=1)
    # Cell id in mixed radix; np.unique then groups respondents into the occupied cells.
    sizes = [s.size for s in shares]
    if math.prod(sizes) < 2**62:
        strides = np.cumprod([1, *sizes[:-1]]).astype(np.int64)
        cell_id = codes_2d @ strides
        _, first, cell_of = np.unique(cell_id, return_index=True, return_inverse=True)
    else:  # astronomically many combinations: group the rows themselves
        _, first, cell_of = np.unique(codes_2d, axis=0, return_index=True, return_inverse=True)
    cell_codes = tuple(np.ascontiguousarray(codes_2d[first, d]) for d in range(len(dimensions)))
    return _Design(
        dimensions=dimensions,
        codes=codes_2d,
        shares=tuple(shares),
        cell_of=cell_of.reshape(-1).astype(np.int64),
        cell_codes=cell_codes,
        empty=tuple(empty),
    )


def _weighted_counts(codes: IntArray, weights: FloatArray, size: int) -> FloatArray:
    """Σ weights per code 0..size-1 (np.bincount; typed as float for mypy's sake)."""
    return np.asarray(np.bincount(codes, weights=weights, minlength=size), dtype=np.float64)


def _margin_error(design: _Design, cell_w: FloatArray) -> float:
    total = float(cell_w.sum())
    error = 0.0
    for codes, share in zip(design.cell_codes, design.shares, strict=True):
        margin = _weighted_counts(codes, cell_w, share.size)
        error = max(error, float(np.max(np.abs(margin / total - share))))
    return error


def _ipf(
    design: _Design, start: FloatArray, tolerance: float, max_iterations: int
) -> tuple[FloatArray, int, bool, float]:
    """Rake respondent weights ``start``; returns (weights summing to n, sweeps, converged, error)."""
    n = start.size
    cell_start = _weighted_counts(design.cell_of, start, design.cell_codes[0].size)
    cell_w = cell_start.copy()
    targets = [share * n for share in design.shares]
    error = math.inf
    iterations = 0
    converged = False
    while iterations < max_iterations:
        iterations += 1
        for codes, target in zip(design.cell_codes, targets, strict=True):
            margin = _weighted_counts(codes, cell_w, target.size)
            # Every kept category has respondents with positive weight, so margin > 0.
            cell_w *= (target / margin)[codes]
        error = _margin_error(design, cell_w)
        if error <= tolerance:
            converged = True
            break
    weights: FloatArray = start * (cell_w / cell_start)[design.cell_of]
    return weights, iterations, converged, error


def _cap(weights: FloatArray, lower: float, upper: float) -> FloatArray:
    """``clip(c·w, lower, upper)`` with c chosen so that the mean stays exactly 1.

    ``f(c) = Σ clip(c·w_i, lower, upper)`` is continuous and non-decreasing, equal to
    ``n·lower`` at ``c = lower / max w`` and ``n·upper`` at ``c = upper / min w``, so with
    ``lower ≤ 1 ≤ upper`` the root of ``f(c) = n`` exists. Bisection brackets it on the distinct
    weights (a few hundred after raking on cells), then the linear piece is solved exactly.
    """
    n = weights.size
    values, counts = np.unique(weights, return_counts=True)
    counts_f = counts.astype(np.float64)

    def total(c: float) -> float:
        return float(np.dot(np.clip(c * values, lower, upper), counts_f))

    lo_c = lower / float(values[-1]) if lower > 0 else 0.0
    hi_c = upper / float(values[0])
    for _ in range(200):
        mid = 0.5 * (lo_c + hi_c)
        if total(mid) < n:
            lo_c = mid
        else:
            hi_c = mid
        if hi_c - lo_c <= 1e-15 * hi_c:
            break
    c = 0.5 * (lo_c + hi_c)
    scaled = c * values
    at_low = scaled <= lower
    at_high = scaled >= upper
    free = ~(at_low | at_high)
    free_sum = float(np.dot(values[free], counts_f[free]))
    if free_sum > 0:
        exact = (n - lower * counts_f[at_low].sum() - upper * counts_f[at_high].sum()) / free_sum
        scaled_exact = exact * values
        if np.all(scaled_exact[free] >= lower) and np.all(scaled_exact[free] <= upper):
            c = float(exact)
    capped: FloatArray = np.clip(c * weights, lower, upper)
    return capped


def _within_caps(weights: FloatArray, lower: float, upper: float) -> bool:
    mean = float(weights.mean())
    return bool(
        weights.min() >= lower * mean * (1 - _CAP_SLACK)
        and weights.max() <= upper * mean * (1 + _CAP_SLACK)
    )


def rake(
    attributes: Mapping[str, Values],
    margins: Mapping[str, Mapping[Hashable, float]],
    *,
    start_weights: Values | None = None,
    tolerance: float = 1e-6,
    max_iterations: int = 1000,
    trim: tuple[float, float] | None = None,
    max_trim_rounds: int = 50,
) -> RakingResult:
    """Rake respondents' weights to the population ``margins`` (see the module docstring).

    ``attributes`` maps each dimension to the respondents' categories (one value per respondent;
    dimensions not in ``margins`` are ignored). ``margins`` maps each dimension to
    ``{category: population count or share}``; each dimension is normalised to shares on its own,
    so dimensions may come from different counts. ``start_weights`` (positive; default 1) are
    e.g. design weights. The returned weights are positive, sum to n, and are in the respondents'
    order. Raises ``ValueError`` on inconsistent input (see the module docstring).
    """
    if tolerance <= 0 or max_iterations < 1:
        raise ValueError("tolerance must be positive and max_iterations at least 1")
    if trim is not None:
        lower, upper = trim
        # A lower cap near 0 lets re-raking drive weights of over-represented cells towards 0
        # until they underflow (found by the property test): 1% of the mean is the floor.
        if not (MIN_LOWER_CAP <= lower <= 1 <= upper) or not math.isfinite(upper):
            raise ValueError("trim caps must satisfy 0.01 ≤ lower ≤ 1 ≤ upper < ∞")
        if max_trim_rounds < 0:
            raise ValueError("max_trim_rounds must not be negative")
    design = _design(attributes, margins)
    n = design.codes.shape[0]
    if start_weights is None:
        start = np.ones(n, dtype=np.float64)
    else:
        start = np.asarray(start_weights, dtype=np.float64).reshape(-1)
        if start.size != n:
            raise ValueError(f"{start.size} start weights for {n} respondents")
        if not np.all(np.isfinite(start)) or np.any(start <= 0):
            raise ValueError("start weights must be finite and positive")

    weights, iterations, converged, error = _ipf(design, start, tolerance, max_iterations)

    trimming: TrimmingReport | None = None
    if trim is not None:
        lower, upper = trim
        rounds = 0
        reraking_iterations = 0
        while not _within_caps(weights, lower, upper) and rounds < max_trim_rounds:
            rounds += 1
            weights, sweeps, converged, error = _ipf(
                design, _cap(weights, lower, upper), tolerance, max_iterations
            )
            reraking_iterations += sweeps
        caps_met = _within_caps(weights, lower, upper)
        if not caps_met:
            weights = _cap(weights, lower, upper)
            error = _margin_error(
                design, _weighted_counts(design.cell_of, weights, design.cell_codes[0].size)
            )
            converged = error <= tolerance
        mean = float(weights.mean())
        capped = int(
            np.count_nonzero(
                np.isclose(weights, lower * mean, rtol=1e-9, atol=0)
                | np.isclose(weights, upper * mean, rtol=1e-9, atol=0)
            )
        )
        trimming = TrimmingReport(
            lower=float(lower),
            upper=float(upper),
            rounds=rounds,
            reraking_iterations=reraking_iterations,
            caps_met_after_reraking=caps_met,
            capped_respondents=capped,
        )

    n_eff = effective_sample_size(weights)
    report = RakingReport(
        n=n,
        dimensions=design.dimensions,
        cells=int(design.cell_codes[0].size),
        converged=converged,
        iterations=iterations,
        max_margin_error=float(error),
        tolerance=tolerance,
        max_iterations=max_iterations,
        empty_categories=design.empty,
        trimming=trimming,
        sum_weights=float(weights.sum()),
        min_weight=float(weights.min()),
        max_weight=float(weights.max()),
        n_eff=n_eff,
        deff=n / n_eff,
    )
    return RakingResult(weights=weights, report=report)


def margins_from_cells(
    cells: Mapping[tuple[Hashable, ...], float], dimensions: Sequence[str]
) -> dict[str, dict[Hashable, float]]:
    """Margins for :func:`rake` from a cross-classified population table.

    ``cells`` maps ``(district, age band, sex)``-style tuples (in the order of ``dimensions``) to
    population counts; the result sums them per dimension, keeping first-seen category order.
    """
    margins: dict[str, dict[Hashable, float]] = {dim: {} for dim in dimensions}
    for key, count in cells.items():
        if len(key) != len(dimensions):
            raise ValueError(f"cell {key!r} does not have {len(dimensions)} categories")
        for dim, category in zip(dimensions, key, strict=True):
            margins[dim][category] = margins[dim].get(category, 0.0) + float(count)
    return margins


# --------------------------------------------------------------------------------------------
# Effective sample size, intervals, means
# --------------------------------------------------------------------------------------------


def _as_weights(weights: Values) -> FloatArray:
    w = np.asarray(weights, dtype=np.float64).reshape(-1)
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError("weights must be finite and non-negative")
    return w


def effective_sample_size(weights: Values) -> float:
    """Kish's ``n_eff = (Σw)² / Σw²``; 0.0 for no weights. ``0 < n_eff ≤ n`` otherwise."""
    w = _as_weights(weights)
    if w.size == 0:
        return 0.0
    sum_sq = float(np.dot(w, w))
    if sum_sq == 0:
        raise ValueError("weights must not all be zero")
    total = float(w.sum())
    # (Σw)² ≤ n·Σw² (Cauchy–Schwarz); the min() guards the last-bit rounding of equal weights.
    return min(total * total / sum_sq, float(w.size))


def design_effect(weights: Values) -> float:
    """Kish's ``deff = n / n_eff`` (≥ 1; exactly 1 when all weights are equal)."""
    w = _as_weights(weights)
    if w.size == 0:
        raise ValueError("the design effect of no respondents is undefined")
    return w.size / effective_sample_size(w)


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def _proportion_cis(
    p: FloatArray, n_eff: float, z: float, method: CIMethod
) -> tuple[FloatArray, FloatArray]:
    """Vectorised intervals for shares ``p`` sharing one ``n_eff`` (> 0)."""
    if method == "wald":
        half = z * np.sqrt(p * (1 - p) / n_eff)
        low, high = p - half, p + half
    elif method == "wilson":
        z2 = z * z
        denom = 1 + z2 / n_eff
        centre = (p + z2 / (2 * n_eff)) / denom
        half = z / denom * np.sqrt(p * (1 - p) / n_eff + z2 / (4 * n_eff * n_eff))
        low, high = centre - half, centre + half
    else:
        raise ValueError(f"unknown interval method {method!r}")
    # Both intervals contain p mathematically; min/max absorb last-bit rounding at p = 0 or 1.
    low = np.minimum(np.clip(low, 0.0, 1.0), p)
    high = np.maximum(np.clip(high, 0.0, 1.0), p)
    return low, high


def proportion_ci(
    p: float, n_eff: float, *, method: CIMethod = "wilson", confidence: float = 0.95
) -> tuple[float, float]:
    """Confidence interval for a share ``p`` estimated with effective sample size ``n_eff``.

    For a weighted share pass the Kish ``n_eff`` of the respondents who answered (equivalently
    ``n / deff``); for a raw share pass n. Formulas in the module docstring; always within [0, 1]
    and containing ``p``.
    """
    if not 0 <= p <= 1:
        raise ValueError("p must be within [0, 1]")
    if n_eff <= 0:
        raise ValueError("n_eff must be positive")
    low, high = _proportion_cis(np.array([p], dtype=np.float64), n_eff, _z(confidence), method)
    return float(low[0]), float(high[0])


def _mean_estimate(x: FloatArray, w: FloatArray | None, z: float) -> MeanEstimate:
    n = x.size
    if n == 0:
        return MeanEstimate(n=0, mean=None, sd=None, ci_low=None, ci_high=None)
    if w is None:
        mean = float(x.mean())
        n_eff = float(n)
        var_pop = float(np.mean((x - mean) ** 2))
    else:
        total = float(w.sum())
        mean = float(np.dot(w, x) / total)
        n_eff = effective_sample_size(w)
        var_pop = float(np.dot(w, (x - mean) ** 2) / total)
    if n < 2:
        return MeanEstimate(n=n, mean=mean, sd=None, ci_low=None, ci_high=None)
    sd = math.sqrt(var_pop * n / (n - 1))
    half = z * sd / math.sqrt(n_eff)
    return MeanEstimate(n=n, mean=mean, sd=sd, ci_low=mean - half, ci_high=mean + half)


def weighted_mean(
    values: Values, weights: Values | None = None, *, confidence: float = 0.95
) -> MeanEstimate:
    """Mean of the numbers in ``values`` (NaN/None = no answer, left out) with its interval.

    Without ``weights`` this is the plain mean with the classic ``mean ± z·s/sqrt(n)``.
    """
    x = np.asarray(values, dtype=np.float64).reshape(-1)
    mask = ~np.isnan(x)
    w = None
    if weights is not None:
        w = _as_weights(weights)
        if w.size != x.size:
            raise ValueError(f"{w.size} weights for {x.size} values")
        w = w[mask]
    return _mean_estimate(x[mask], w, _z(confidence))


# --------------------------------------------------------------------------------------------
# Questions
# --------------------------------------------------------------------------------------------


def _option_results(
    options: Sequence[Hashable],
    counts: FloatArray,
    weighted: FloatArray,
    n_answered: int,
    weight_sum: float,
    n_eff: float,
    z: float,
    method: CIMethod,
) -> tuple[OptionResult, ...]:
    if n_answered == 0:
        return tuple(
            OptionResult(option, 0, None, None, None, 0.0, None, None, None) for option in options
        )
    share = counts / n_answered
    low, high = _proportion_cis(share, float(n_answered), z, method)
    # Σ over yes-respondents divided by Σ over all answering respondents: a share in [0, 1] up to
    # rounding, which the clip removes so the interval formula stays defined.
    w_share = np.clip(weighted / weight_sum, 0.0, 1.0)
    w_low, w_high = _proportion_cis(w_share, n_eff, z, method)
    return tuple(
        OptionResult(
            option=option,
            count=int(counts[i]),
            share=float(share[i]),
            ci_low=float(low[i]),
            ci_high=float(high[i]),
            weighted_count=float(weighted[i]),
            weighted_share=float(w_share[i]),
            weighted_ci_low=float(w_low[i]),
            weighted_ci_high=float(w_high[i]),
        )
        for i, option in enumerate(options)
    )


def _multiple_matrix(question: Question, n: int) -> tuple[BoolArray, BoolArray]:
    k = len(question.options)
    answers = question.answers
    if isinstance(answers, np.ndarray) and answers.ndim == 2:
        if answers.shape != (n, k):
            raise ValueError(f"{question.id}: expected a {n}×{k} matrix, got {answers.shape}")
        matrix = answers.astype(np.bool_, copy=False)
        if question.answered is None:
            answered = np.ones(n, dtype=np.bool_)
        else:
            answered = np.asarray(question.answered, dtype=np.bool_).reshape(-1)
            if answered.size != n:
                raise ValueError(f"{question.id}: answered mask has {answered.size} entries")
        return matrix, answered
    rows: Sequence[Collection[Hashable] | None] = list(answers)
    if len(rows) != n:
        raise ValueError(f"{question.id}: {len(rows)} answers for {n} respondents")
    index = {option: i for i, option in enumerate(question.options)}
    matrix = np.zeros((n, k), dtype=np.bool_)
    answered = np.zeros(n, dtype=np.bool_)
    for r, row in enumerate(rows):
        if row is None:
            continue
        answered[r] = True
        for option in row:
            if option not in index:
                raise ValueError(f"{question.id}: value {option!r} is not among the options")
            matrix[r, index[option]] = True
    return matrix, answered


def question_result(
    question: Question,
    weights: Values,
    *,
    confidence: float = 0.95,
    ci_method: CIMethod = "wilson",
) -> QuestionResult:
    """Raw and weighted results of one question (contract of :class:`Question`)."""
    w_all = _as_weights(weights)
    n = w_all.size
    z = _z(confidence)
    options = tuple(question.options)
    raw_mean: MeanEstimate | None = None
    w_mean: MeanEstimate | None = None
    counts: FloatArray
    weighted: FloatArray

    if question.kind not in ("single", "multiple", "numeric"):
        raise ValueError(f"{question.id}: unknown question kind {question.kind!r}")
    if question.kind != "numeric" and not options:
        raise ValueError(f"{question.id}: a {question.kind}-choice question needs its options")
    counts = weighted = np.zeros(len(options))
    if question.kind == "multiple":
        matrix, mask = _multiple_matrix(question, n)
        chosen = matrix[mask]
        w = w_all[mask]
        counts = chosen.sum(axis=0, dtype=np.float64)
        weighted = w @ chosen.astype(np.float64)
    else:
        if question.kind == "numeric":
            x = np.asarray(question.answers, dtype=np.float64).reshape(-1)
            if x.size != n:
                raise ValueError(f"{question.id}: {x.size} answers for {n} respondents")
            mask = ~np.isnan(x)
            w = w_all[mask]
            raw_mean = _mean_estimate(x[mask], None, z)
            w_mean = _mean_estimate(x[mask], w, z)
        if options:  # single choice, or a numeric scale whose points are listed
            codes = _encode(question.answers, options, what=question.id)
            if codes.size != n:
                raise ValueError(f"{question.id}: {codes.size} answers for {n} respondents")
            mask = codes >= 0
            c = codes[mask]
            w = w_all[mask]
            counts = np.bincount(c, minlength=len(options)).astype(np.float64)
            weighted = _weighted_counts(c, w, len(options))

    n_answered = int(np.count_nonzero(mask))
    n_eff = effective_sample_size(w) if n_answered else 0.0
    option_results: tuple[OptionResult, ...] = ()
    if options:
        option_results = _option_results(
            options, counts, weighted, n_answered, float(w.sum()), n_eff, z, ci_method
        )
    return QuestionResult(
        id=question.id,
        kind=question.kind,
        n_answered=n_answered,
        n_eff=n_eff,
        deff=n_answered / n_eff if n_answered else None,
        options=option_results,
        raw_mean=raw_mean,
        weighted_mean=w_mean,
    )


# --------------------------------------------------------------------------------------------
# Representation of groups and the whole aggregate
# --------------------------------------------------------------------------------------------


def group_representation(
    attributes: Mapping[str, Values],
    population: Mapping[str, Mapping[Hashable, float]],
    weights: Values | None = None,
    *,
    population_are_counts: bool = True,
    under_representation_ratio: float = 0.5,
    min_respondents: int = 30,
) -> tuple[GroupRepresentation, ...]:
    """Respondents against population for every category of every dimension (see module doc).

    ``weights`` (default all 1) give ``weighted_share`` and ``mean_weight``. Every category of
    ``population`` is listed, those without respondents included.
    """
    groups: list[GroupRepresentation] = []
    for dim, targets in population.items():
        categories = list(targets)
        codes = _encode(attributes[dim], categories, what=dim)
        n = codes.size
        w = np.ones(n) if weights is None else _as_weights(weights)
        if w.size != n:
            raise ValueError(f"{w.size} weights for {n} respondents")
        known = codes >= 0
        counts = np.bincount(codes[known], minlength=len(categories))
        w_sums = _weighted_counts(codes[known], w[known], len(categories))
        w_total = float(w[known].sum())
        pop = np.array([float(targets[c]) for c in categories], dtype=np.float64)
        pop_total = float(pop.sum())
        for i, category in enumerate(categories):
            respondents = int(counts[i])
            respondent_share = respondents / n if n else 0.0
            pop_share = float(pop[i]) / pop_total if pop_total > 0 else 0.0
            ratio = respondent_share / pop_share if pop_share > 0 else None
            flags: list[str] = []
            if respondents == 0:
                flags.append("no_respondents")
            if ratio is not None and ratio < under_representation_ratio:
                flags.append("under_represented")
            if 0 < respondents < min_respondents:
                flags.append("too_few_respondents")
            groups.append(
                GroupRepresentation(
                    dimension=dim,
                    category=category,
                    respondents=respondents,
                    respondent_share=respondent_share,
                    population=float(pop[i]),
                    population_share=pop_share,
                    representation_ratio=ratio,
                    response_rate=(
                        respondents / float(pop[i])
                        if population_are_counts and pop[i] > 0
                        else None
                    ),
                    weighted_share=float(w_sums[i]) / w_total if w_total > 0 else 0.0,
                    mean_weight=float(w_sums[i]) / respondents if respondents else None,
                    flags=tuple(flags),
                )
            )
    return tuple(groups)


def aggregate_survey(
    attributes: Mapping[str, Values],
    population: Mapping[str, Mapping[Hashable, float]],
    questions: Iterable[Question],
    *,
    settings: WeightingSettings | None = None,
    start_weights: Values | None = None,
) -> SurveyAggregate:
    """Weight the respondents to ``population`` and aggregate every question, raw and weighted.

    ``attributes`` and ``population`` are as for :func:`rake`; every question has one answer
    entry per respondent in the same order. Returns a :class:`SurveyAggregate` whose
    ``to_dict()`` the Celery task stores. Raises ``ValueError`` on inconsistent input.
    """
    settings = settings or WeightingSettings()
    raked = rake(
        attributes,
        population,
        start_weights=start_weights,
        tolerance=settings.tolerance,
        max_iterations=settings.max_iterations,
        trim=settings.trim,
        max_trim_rounds=settings.max_trim_rounds,
    )
    groups = group_representation(
        attributes,
        population,
        raked.weights,
        population_are_counts=settings.population_are_counts,
        under_representation_ratio=settings.under_representation_ratio,
        min_respondents=settings.min_group_respondents,
    )
    results = tuple(
        question_result(
            q, raked.weights, confidence=settings.confidence, ci_method=settings.ci_method
        )
        for q in questions
    )
    return SurveyAggregate(
        n_respondents=raked.report.n,
        raking=raked.report,
        groups=groups,
        questions=results,
        settings=settings,
    )
