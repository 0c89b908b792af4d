"""Splitting the city's district funds between the 18 districts (R-DIS-2).

Pure module: no Django import; plain data in, plain data out.

Since 2015 Kraków splits the money for the district councils by a fixed formula: 40% in equal
parts, 40% in proportion to the permanent residents and 20% in proportion to the area of the
city-owned land in each district. The formula is data (:class:`Formula`), so a council
resolution that changes it is a new constant, not new code.

Money is ``Decimal`` in PLN with grosz precision (0.01). The exact share of every district is
computed as a :class:`fractions.Fraction` (no rounding at any intermediate step), then rounded
to whole grosze with the largest-remainder (Hamilton) method, so that the parts *always* add
up to the total, to the grosz.

Tie-break (documented because it decides real grosze): when two districts have the same
remainder and only one leftover grosz is left, the district whose id sorts first (ascending
``int`` or ``str`` order) gets it. This is deterministic and independent of the order of the
input mapping.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Final, Generic, TypeVar

__all__ = [
    "CATEGORY_DISABILITY",
    "CATEGORY_REPAIRS_SMALL_INFRASTRUCTURE",
    "EQUAL",
    "KRAKOW_FORMULA_2015",
    "STATUTORY_MINIMUMS",
    "AllocationError",
    "AllocationResult",
    "DistrictAllocation",
    "DoublingCheck",
    "Formula",
    "FormulaComponent",
    "StatutoryCheck",
    "StatutoryMinimum",
    "StatutoryViolation",
    "allocate",
    "allocate_detailed",
    "check_doubling",
    "check_statutory_shares",
    "split_increase",
]

#: District ids are either the district number (1..18) or a string code ("XIV"). One call uses
#: one kind; they are sorted for the tie-break, so mixing kinds in one mapping is not allowed.
DistrictId = TypeVar("DistrictId", int, str)

#: The basis meaning "the same amount for every district".
EQUAL: Final = "equal"

GROSZ: Final = Decimal("0.01")


class AllocationError(ValueError):
    """Invalid input to the allocation functions.

    ``code`` is a stable machine-readable identifier (for forms and API errors); ``message`` is a
    human-readable English explanation (callers translate by ``code``).
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


# --------------------------------------------------------------------------------------------
# The formula
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FormulaComponent:
    """One part of the split formula.

    ``share`` is the fraction of the total (``Decimal("0.40")`` for 40%); ``basis`` is either
    :data:`EQUAL` or the name of an input (``"residents"``, ``"land_area"``) that the component
    is split in proportion to.
    """

    key: str
    share: Decimal
    basis: str


@dataclass(frozen=True, slots=True)
class Formula:
    """A validated split formula: unique keys, shares in (0, 1] summing to exactly 1."""

    components: tuple[FormulaComponent, ...]

    def __post_init__(self) -> None:
        if not self.components:
            raise AllocationError("invalid_formula", "a formula needs at least one component")
        keys = [c.key for c in self.components]
        if len(set(keys)) != len(keys):
            raise AllocationError("invalid_formula", f"component keys must be unique: {keys}")
        for c in self.components:
            if not c.key or not c.basis:
                raise AllocationError(
                    "invalid_formula", "component key and basis must be non-empty"
                )
            if not isinstance(c.share, Decimal) or not c.share.is_finite():
                raise AllocationError(
                    "invalid_formula", f"share of {c.key!r} must be a finite Decimal"
                )
            if not Decimal(0) < c.share <= Decimal(1):
                raise AllocationError(
                    "invalid_formula", f"share of {c.key!r} must be in (0, 1], got {c.share}"
                )
        total = sum((c.share for c in self.components), Decimal(0))
        # Decimal addition of a handful of short decimals is exact, so "== 1" is a true check.
        if total != Decimal(1):
            raise AllocationError("invalid_formula", f"shares must sum to exactly 1, got {total}")

    @classmethod
    def of(cls, rows: Iterable[tuple[str, Decimal, str]]) -> Formula:
        """Build a formula from ``(key, share, basis)`` rows."""
        return cls(tuple(FormulaComponent(key, share, basis) for key, share, basis in rows))

    @property
    def input_names(self) -> frozenset[str]:
        """The inputs (other than :data:`EQUAL`) each district must provide."""
        return frozenset(c.basis for c in self.components if c.basis != EQUAL)


#: The formula in force since 2015: 40% equally, 40% by permanent residents, 20% by the area of
#: city-owned land in the district.
KRAKOW_FORMULA_2015: Final = Formula.of(
    [
        ("equal", Decimal("0.40"), EQUAL),
        ("residents", Decimal("0.40"), "residents"),
        ("land_area", Decimal("0.20"), "land_area"),
    ]
)


# --------------------------------------------------------------------------------------------
# Validation helpers
# --------------------------------------------------------------------------------------------


def _money(value: Decimal | int, *, what: str, code: str) -> Fraction:
    """An amount in PLN, ≥ 0, with at most two decimal places, as an exact Fraction."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise AllocationError(code, f"{what} must be a Decimal or int, got {type(value).__name__}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise AllocationError(code, f"{what} must be finite, got {value}")
    exact = Fraction(value)
    if exact < 0:
        raise AllocationError(code, f"{what} must not be negative, got {value}")
    if (exact * 100).denominator != 1:
        raise AllocationError(code, f"{what} must be in whole grosze (0.01 PLN), got {value}")
    return exact


def _to_decimal_pln(grosze: int) -> Decimal:
    return (Decimal(grosze) / 100).quantize(GROSZ)


def _quantize_fraction(value: Fraction) -> Decimal:
    """Round an exact amount half-even to grosze, exactly (``round`` on a Fraction is exact).

    Display only: independently rounded parts need not add up to a rounded sum.
    """
    return _to_decimal_pln(round(value * 100))


def _input_value(district: DistrictId, name: str, values: Mapping[str, Decimal | int]) -> Fraction:
    if name not in values:
        raise AllocationError("missing_input", f"district {district!r} has no {name!r}")
    raw = values[name]
    if isinstance(raw, bool) or not isinstance(raw, Decimal | int):
        raise AllocationError(
            "invalid_input",
            f"{name!r} of district {district!r} must be a Decimal or int, got {type(raw).__name__}",
        )
    if isinstance(raw, Decimal) and not raw.is_finite():
        raise AllocationError("invalid_input", f"{name!r} of district {district!r} is {raw}")
    if raw < 0:
        raise AllocationError(
            "negative_input", f"{name!r} of district {district!r} is negative ({raw})"
        )
    return Fraction(raw)


# --------------------------------------------------------------------------------------------
# Allocation
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DistrictAllocation(Generic[DistrictId]):
    """One district's part: exact per-component amounts and the rounded amount it receives.

    ``components`` and ``exact`` are exact (``Fraction`` PLN); ``amount`` is the Hamilton-rounded
    amount actually allocated (``Decimal``, grosz precision). ``|amount - exact| < 0.01``.
    """

    district: DistrictId
    components: Mapping[str, Fraction]
    exact: Fraction
    amount: Decimal

    def components_display(self) -> dict[str, Decimal]:
        """Per-component amounts rounded half-even to grosze, for display.

        Rounded independently, so they may differ from ``amount`` by a grosz or two in sum;
        show ``amount`` as the authoritative figure.
        """
        return {key: _quantize_fraction(v) for key, v in self.components.items()}


@dataclass(frozen=True, slots=True)
class AllocationResult(Generic[DistrictId]):
    """The full split: per-district detail, in ascending district-id order."""

    total: Decimal
    formula: Formula
    districts: Mapping[DistrictId, DistrictAllocation[DistrictId]] = field(repr=False)

    @property
    def amounts(self) -> dict[DistrictId, Decimal]:
        """The rounded amounts; they sum to ``total`` exactly."""
        return {d: a.amount for d, a in self.districts.items()}

    def component_totals(self) -> dict[str, Fraction]:
        """Exact amount of each component over all districts (``share × total``)."""
        return {
            c.key: sum((a.components[c.key] for a in self.districts.values()), Fraction(0))
            for c in self.formula.components
        }


def allocate_detailed(
    total: Decimal | int,
    inputs: Mapping[DistrictId, Mapping[str, Decimal | int]],
    formula: Formula = KRAKOW_FORMULA_2015,
) -> AllocationResult[DistrictId]:
    """Split ``total`` between the districts of ``inputs`` by ``formula``.

    Contract:
      * ``total`` is ≥ 0 with at most two decimal places (whole grosze);
      * every district provides every input the formula names, each a non-negative
        ``Decimal``/``int`` (floats are refused: they cannot be exact);
      * for each component, at least one district has a non-zero basis value (otherwise
        that part of the money would have nowhere to go: code ``zero_basis``);
      * the rounded amounts sum to ``total`` exactly and each differs from the district's exact
        share by less than one grosz (largest-remainder method, ties by ascending district id).

    Raises :class:`AllocationError` on invalid input.
    """
    if not isinstance(formula, Formula):
        raise AllocationError("invalid_formula", "formula must be a Formula")
    exact_total = _money(total, what="total", code="invalid_total")
    if not inputs:
        raise AllocationError("no_districts", "there are no districts to allocate to")
    kinds = {type(d) for d in inputs}
    if len(kinds) != 1 or not kinds <= {int, str}:
        raise AllocationError(
            "invalid_district_id", "district ids must be all int or all str (they are sorted)"
        )
    districts: list[DistrictId] = sorted(inputs)
    n = len(districts)

    values: dict[str, dict[DistrictId, Fraction]] = {
        name: {d: _input_value(d, name, inputs[d]) for d in districts}
        for name in sorted(formula.input_names)
    }
    basis_sums: dict[str, Fraction] = {}
    for name, per_district in values.items():
        s = sum(per_district.values(), Fraction(0))
        if s == 0:
            raise AllocationError(
                "zero_basis",
                f"every district has {name!r} = 0, so the part split by {name!r} cannot be "
                "allocated",
            )
        basis_sums[name] = s

    components: dict[DistrictId, dict[str, Fraction]] = {d: {} for d in districts}
    for c in formula.components:
        amount = exact_total * Fraction(c.share)
        for d in districts:
            if c.basis == EQUAL:
                part = amount / n
            else:
                part = amount * values[c.basis][d] / basis_sums[c.basis]
            components[d][c.key] = part
    exact = {d: sum(components[d].values(), Fraction(0)) for d in districts}

    grosze = _hamilton_grosze(exact_total, exact, districts)
    detail = {
        d: DistrictAllocation(
            district=d,
            components=components[d],
            exact=exact[d],
            amount=_to_decimal_pln(grosze[d]),
        )
        for d in districts
    }
    return AllocationResult(
        total=_to_decimal_pln(int(exact_total * 100)), formula=formula, districts=detail
    )


def _hamilton_grosze(
    total: Fraction, exact: Mapping[DistrictId, Fraction], districts: list[DistrictId]
) -> dict[DistrictId, int]:
    """Largest-remainder rounding of exact PLN amounts to whole grosze summing to ``total``."""
    total_grosze = int(total * 100)  # exact: validated to be whole grosze
    floors = {d: math.floor(exact[d] * 100) for d in districts}
    remainders = {d: exact[d] * 100 - floors[d] for d in districts}
    leftover = total_grosze - sum(floors.values())
    # The exact parts sum to the total, so 0 ≤ leftover = Σ remainders < number of districts
    # with a non-zero remainder; the +1 grosz only ever goes to a district with remainder > 0,
    # which keeps every district within one grosz of its exact share.
    if not 0 <= leftover <= len(districts):  # pragma: no cover - arithmetic invariant
        raise RuntimeError(f"largest-remainder invariant broken: leftover={leftover}")
    # Stable sort: districts is already ascending by id, so equal remainders keep id order.
    by_remainder = sorted(districts, key=lambda d: remainders[d], reverse=True)
    result = dict(floors)
    for d in by_remainder[:leftover]:
        result[d] += 1
    return result


def allocate(
    total: Decimal | int,
    inputs: Mapping[DistrictId, Mapping[str, Decimal | int]],
    formula: Formula = KRAKOW_FORMULA_2015,
) -> dict[DistrictId, Decimal]:
    """The rounded amount for each district; see :func:`allocate_detailed` for the contract."""
    return allocate_detailed(total, inputs, formula).amounts


def split_increase(
    base_allocation: Mapping[DistrictId, Decimal],
    new_total: Decimal | int,
    inputs: Mapping[DistrictId, Mapping[str, Decimal | int]],
    formula: Formula = KRAKOW_FORMULA_2015,
) -> dict[DistrictId, Decimal]:
    """Keep each district's base amount and split only the increase by the formula.

    Semantics: ``increase = new_total - Σ base_allocation`` (the 2024 split is the base); every
    district receives ``base[d] + allocate(increase, inputs, formula)[d]``. A district therefore
    never gets less than its base, and the result sums to ``new_total`` exactly. The inputs are
    the current year's (residents, land area), which only affect how the *increase* is split.

    A ``new_total`` below the base sum is refused (code ``negative_increase``): cutting the funds
    needs a policy decision (proportional cut? re-split from zero?) that this function does not
    make. The districts in ``base_allocation`` and ``inputs`` must be the same
    (code ``district_mismatch``).
    """
    if set(base_allocation) != set(inputs):
        raise AllocationError(
            "district_mismatch", "base allocation and inputs must name the same districts"
        )
    base = {
        d: _money(v, what=f"base amount of district {d!r}", code="invalid_base")
        for d, v in base_allocation.items()
    }
    new = _money(new_total, what="new total", code="invalid_total")
    increase = new - sum(base.values(), Fraction(0))
    if increase < 0:
        raise AllocationError(
            "negative_increase",
            f"new total {new_total} is below the base total {_quantize_fraction(new - increase)}",
        )
    extra = allocate(_to_decimal_pln(int(increase * 100)), inputs, formula)
    return {d: _to_decimal_pln(int(base[d] * 100)) + extra[d] for d in sorted(base)}


# --------------------------------------------------------------------------------------------
# Multi-year plan
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DoublingCheck:
    """Whether the funds reach ``factor × base`` by ``target_year``.

    ``reached`` is true when some planned year up to and including ``target_year`` reaches the
    target; ``first_year_reached`` is that year. ``held_in_target_year`` says whether the
    ``target_year`` amount itself still meets the target (a plan that doubles in 2027 and is cut
    back in 2029 reaches it but does not hold it). ``shortfall`` is what the best year up to
    ``target_year`` misses the target by (0 when reached).
    """

    reached: bool
    base_amount: Decimal
    target_amount: Decimal
    target_year: int
    first_year_reached: int | None
    amount_in_target_year: Decimal | None
    held_in_target_year: bool
    best_amount_by_target_year: Decimal | None
    shortfall: Decimal


def check_doubling(
    base_amount: Decimal | int,
    yearly_amounts: Mapping[int, Decimal | int],
    *,
    base_year: int = 2024,
    target_year: int = 2029,
    factor: int = 2,
) -> DoublingCheck:
    """Check the multi-year plan: do the district funds reach at least ``factor`` × the
    ``base_year`` amount by ``target_year`` (default: twice the 2024 amount by 2029)?

    ``yearly_amounts`` maps a year (> ``base_year``) to the planned total for that year. Years
    after ``target_year`` are accepted and ignored. Raises :class:`AllocationError`.
    """
    base = _money(base_amount, what="base amount", code="invalid_base")
    if factor < 1:
        raise AllocationError("invalid_factor", f"factor must be ≥ 1, got {factor}")
    if target_year <= base_year:
        raise AllocationError("invalid_year", "target year must be after the base year")
    amounts: dict[int, Fraction] = {}
    for year, value in yearly_amounts.items():
        if year <= base_year:
            raise AllocationError(
                "invalid_year", f"year {year} is not after the base year {base_year}"
            )
        amounts[year] = _money(value, what=f"amount for {year}", code="invalid_amount")
    target = base * factor
    in_window = {y: v for y, v in sorted(amounts.items()) if y <= target_year}
    first = next((y for y, v in in_window.items() if v >= target), None)
    best = max(in_window.values()) if in_window else None
    at_target = amounts.get(target_year)
    return DoublingCheck(
        reached=first is not None,
        base_amount=_quantize_fraction(base),
        target_amount=_quantize_fraction(target),
        target_year=target_year,
        first_year_reached=first,
        amount_in_target_year=None if at_target is None else _quantize_fraction(at_target),
        held_in_target_year=at_target is not None and at_target >= target,
        best_amount_by_target_year=None if best is None else _quantize_fraction(best),
        shortfall=_quantize_fraction(max(Fraction(0), target - (best or Fraction(0)))),
    )


# --------------------------------------------------------------------------------------------
# Statutory shares of a district council's resolution
# --------------------------------------------------------------------------------------------

CATEGORY_REPAIRS_SMALL_INFRASTRUCTURE: Final = "repairs_small_infrastructure"
CATEGORY_DISABILITY: Final = "disability"


@dataclass(frozen=True, slots=True)
class StatutoryMinimum:
    """A category that must receive at least ``minimum`` (a fraction) of the district's funds."""

    category: str
    minimum: Decimal


#: The district statute: at least 70% for repairs and small infrastructure, at least 5% for
#: programmes for people with disabilities.
STATUTORY_MINIMUMS: Final = (
    StatutoryMinimum(CATEGORY_REPAIRS_SMALL_INFRASTRUCTURE, Decimal("0.70")),
    StatutoryMinimum(CATEGORY_DISABILITY, Decimal("0.05")),
)


@dataclass(frozen=True, slots=True)
class StatutoryViolation:
    """One broken rule; ``code`` is ``below_minimum`` or ``over_allocation``."""

    code: str
    category: str | None
    required: Decimal
    actual: Decimal
    message: str


@dataclass(frozen=True, slots=True)
class StatutoryCheck:
    """Result of :func:`check_statutory_shares`.

    ``shares`` are exact fractions of the district's allocation (the denominator is the
    allocation, not the resolution's total); ``shares_percent`` are the same in percent,
    truncated (rounded down) to 0.01 so that a failing 69.999% never displays as 70.00%.
    """

    allocation: Decimal
    tasks_total: Decimal
    unassigned: Decimal
    shares: dict[str, Fraction]
    shares_percent: dict[str, Decimal]
    violations: tuple[StatutoryViolation, ...]

    @property
    def ok(self) -> bool:
        return not self.violations


def check_statutory_shares(
    task_amounts: Mapping[str, Decimal | int],
    allocation: Decimal | int,
    minimums: Iterable[StatutoryMinimum] = STATUTORY_MINIMUMS,
) -> StatutoryCheck:
    """Check a district council's resolution on the use of its funds against the statute.

    ``task_amounts`` maps a category to the total of the resolution's tasks in that category
    (other categories, e.g. ``"culture"``, are allowed and count towards the sum). ``allocation``
    is the district's allocated funds for the year.

    Denominator: the district's allocation. The district statute measures the minimum shares
    against "the district's funds", so a resolution that leaves money unassigned does not make
    its repairs share look bigger; measuring against the resolution's own total would let a
    council meet 70% with a resolution covering half the funds.

    Violations: each minimum category below its share (``below_minimum``, also when the
    category is absent) and a resolution that assigns more than the allocation
    (``over_allocation``). Comparisons are exact (Fractions). Raises :class:`AllocationError`
    for a zero allocation (no shares can be measured) or invalid amounts.
    """
    funds = _money(allocation, what="allocation", code="invalid_allocation")
    if funds == 0:
        raise AllocationError("zero_allocation", "the district's allocation is zero")
    amounts = {
        category: _money(v, what=f"amount for {category!r}", code="invalid_amount")
        for category, v in task_amounts.items()
    }
    tasks_total = sum(amounts.values(), Fraction(0))
    minimums = tuple(minimums)
    categories = list(amounts) + [m.category for m in minimums if m.category not in amounts]
    shares = {c: amounts.get(c, Fraction(0)) / funds for c in categories}

    violations: list[StatutoryViolation] = []
    for rule in minimums:
        share = shares[rule.category]
        if share < Fraction(rule.minimum):
            violations.append(
                StatutoryViolation(
                    code="below_minimum",
                    category=rule.category,
                    required=_ceil_grosz(funds * Fraction(rule.minimum)),
                    actual=_quantize_fraction(amounts.get(rule.category, Fraction(0))),
                    message=(
                        f"{rule.category!r} gets {_percent(share)}% of the district's funds; "
                        f"the statute requires at least {_percent(Fraction(rule.minimum))}%"
                    ),
                )
            )
    if tasks_total > funds:
        violations.append(
            StatutoryViolation(
                code="over_allocation",
                category=None,
                required=_quantize_fraction(funds),
                actual=_quantize_fraction(tasks_total),
                message=(
                    f"the tasks total {_quantize_fraction(tasks_total)} PLN, more than the "
                    f"district's funds of {_quantize_fraction(funds)} PLN"
                ),
            )
        )
    return StatutoryCheck(
        allocation=_quantize_fraction(funds),
        tasks_total=_quantize_fraction(tasks_total),
        unassigned=_quantize_fraction(funds - tasks_total),
        shares=shares,
        shares_percent={c: _percent(s) for c, s in shares.items()},
        violations=tuple(violations),
    )


def _ceil_grosz(value: Fraction) -> Decimal:
    """The smallest whole-grosz amount ≥ ``value`` (the minimum a council must assign)."""
    return _to_decimal_pln(math.ceil(value * 100))


def _percent(share: Fraction) -> Decimal:
    """``share`` in percent, truncated to 0.01 (exact integer arithmetic)."""
    return _to_decimal_pln(math.floor(share * 10_000))
