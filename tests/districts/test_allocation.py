"""Tests for the district fund split (districts/allocation.py, R-DIS-2)."""

from __future__ import annotations

import csv
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from districts.allocation import (
    CATEGORY_DISABILITY,
    CATEGORY_REPAIRS_SMALL_INFRASTRUCTURE,
    EQUAL,
    KRAKOW_FORMULA_2015,
    AllocationError,
    Formula,
    allocate,
    allocate_detailed,
    check_doubling,
    check_statutory_shares,
    split_increase,
)

# A copy of ``../shared/data/krakow-districts.csv`` (the city's BIP table), kept beside the tests
# so that the real-data check runs in every clone; ``test_reference_copy_matches_shared_data``
# guards the copy where the shared folder is present.
DATA = Path(__file__).resolve().parent / "data"
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"

REPAIRS = CATEGORY_REPAIRS_SMALL_INFRASTRUCTURE


def _inputs(*rows: tuple[int, str]) -> dict[int, dict[str, Decimal | int]]:
    return {i: {"residents": r, "land_area": Decimal(a)} for i, (r, a) in enumerate(rows, 1)}


def _with_ids(rows: list[tuple[int, int]]) -> dict[int, dict[str, Decimal | int]]:
    return {i: {"residents": r, "land_area": a} for i, (r, a) in enumerate(rows, 1)}


# ------------------------------------------------------------------------------------- formula


def test_default_formula_is_40_40_20_equal_residents_land():
    # given / when
    rows = [(c.key, c.share, c.basis) for c in KRAKOW_FORMULA_2015.components]

    # then
    assert rows == [
        ("equal", Decimal("0.40"), EQUAL),
        ("residents", Decimal("0.40"), "residents"),
        ("land_area", Decimal("0.20"), "land_area"),
    ]
    assert KRAKOW_FORMULA_2015.input_names == {"residents", "land_area"}


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [("a", Decimal("0.5"), EQUAL), ("b", Decimal("0.4"), "x")],
        [("a", Decimal("0.5"), EQUAL), ("b", Decimal("0.5000001"), "x")],
        [("a", Decimal("0.5"), EQUAL), ("a", Decimal("0.5"), "x")],
        [("a", Decimal("1.2"), EQUAL), ("b", Decimal("-0.2"), "x")],
        [("a", Decimal("1"), EQUAL), ("b", Decimal("0"), "x")],
        [("a", Decimal("NaN"), EQUAL)],
        [("", Decimal("1"), EQUAL)],
        [("a", Decimal("1"), "")],
    ],
)
def test_invalid_formula_is_rejected(rows):
    # when / then
    with pytest.raises(AllocationError) as excinfo:
        Formula.of(rows)
    assert excinfo.value.code == "invalid_formula"


def test_formula_share_must_be_decimal_not_float():
    with pytest.raises(AllocationError) as excinfo:
        Formula.of([("a", 1.0, EQUAL)])  # type: ignore[list-item]
    assert excinfo.value.code == "invalid_formula"


# --------------------------------------------------------------------------------- hand examples


def test_two_district_hand_example_follows_40_40_20():
    # given: 1000 PLN; A has 3/4 of the residents and 1/4 of the land, B the rest
    inputs = _inputs((300, "1"), (100, "3"))

    # when
    result = allocate(Decimal("1000.00"), inputs)

    # then: A = 200 + 300 + 50, B = 200 + 100 + 150
    assert result == {1: Decimal("550.00"), 2: Decimal("450.00")}


def test_detailed_allocation_shows_exact_components():
    # given
    inputs = _inputs((300, "1"), (100, "3"))

    # when
    detail = allocate_detailed(Decimal("1000.00"), inputs).districts[1]

    # then
    assert detail.components == {
        "equal": Fraction(200),
        "residents": Fraction(300),
        "land_area": Fraction(50),
    }
    assert detail.exact == Fraction(550)
    assert detail.components_display() == {
        "equal": Decimal("200.00"),
        "residents": Decimal("300.00"),
        "land_area": Decimal("50.00"),
    }


def test_three_equal_districts_get_the_leftover_grosz_by_ascending_id():
    # given: 1.00 PLN over three identical districts = 33 1/3 grosz each
    inputs = _inputs((1, "1"), (1, "1"), (1, "1"))

    # when
    result = allocate(Decimal("1.00"), inputs)

    # then: the single leftover grosz goes to the lowest id (documented tie-break)
    assert result == {1: Decimal("0.34"), 2: Decimal("0.33"), 3: Decimal("0.33")}


def test_tie_break_does_not_depend_on_input_order():
    # given the same districts in a different insertion order
    forward = {"a": {"residents": 1, "land_area": 1}, "b": {"residents": 1, "land_area": 1}}
    backward = dict(reversed(list(forward.items())))

    # when
    first, second = allocate(Decimal("0.01"), forward), allocate(Decimal("0.01"), backward)

    # then
    assert first == second == {"a": Decimal("0.01"), "b": Decimal("0.00")}


def test_largest_remainder_wins_the_leftover_grosz():
    # given: exact shares 0.005 and 0.0050000...; use residents-only formula for clarity
    formula = Formula.of([("residents", Decimal("1"), "residents")])
    inputs = {1: {"residents": 1}, 2: {"residents": 2}}

    # when: 0.10 PLN → exact 3.33… and 6.66… grosze
    result = allocate(Decimal("0.10"), inputs, formula)

    # then: district 2 has the larger remainder (0.66 > 0.33)
    assert result == {1: Decimal("0.03"), 2: Decimal("0.07")}


def test_district_with_zero_residents_still_gets_equal_and_land_parts():
    # given
    inputs = _inputs((0, "2"), (100, "2"))

    # when
    result = allocate(Decimal("100.00"), inputs)

    # then: A = 20 + 0 + 10, B = 20 + 40 + 10
    assert result == {1: Decimal("30.00"), 2: Decimal("70.00")}


def test_zero_total_gives_zero_everywhere():
    assert allocate(Decimal("0"), _inputs((1, "1"), (2, "2"))) == {
        1: Decimal("0.00"),
        2: Decimal("0.00"),
    }


def test_integer_total_and_string_district_ids_are_accepted():
    inputs = {"XIV": {"residents": 10, "land_area": 1}, "I": {"residents": 10, "land_area": 1}}

    assert allocate(7, inputs) == {"I": Decimal("3.50"), "XIV": Decimal("3.50")}


def test_real_krakow_districts_split_sums_exactly_to_the_total():
    # given: the 18 districts (area of the district as a stand-in for city-owned land)
    path = DATA / "krakow-districts.csv"
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    inputs = {
        int(r["number"]): {"residents": int(r["population"]), "land_area": Decimal(r["area_km2"])}
        for r in rows
    }
    total = Decimal("43123456.78")

    # when
    result = allocate_detailed(total, inputs)

    # then
    assert len(result.amounts) == 18
    assert sum(result.amounts.values()) == total
    assert result.component_totals() == {
        "equal": Fraction(total) * Fraction(2, 5),
        "residents": Fraction(total) * Fraction(2, 5),
        "land_area": Fraction(total) * Fraction(1, 5),
    }
    # Nowa Huta (XVIII: by far the largest area, many residents) gets the most
    amounts = result.amounts
    assert max(amounts, key=lambda d: amounts[d]) == 18
    assert all(
        abs(Fraction(a.amount) - a.exact) < Fraction(1, 100) for a in result.districts.values()
    )


def test_reference_copy_matches_shared_data():
    shared = SHARED / "krakow-districts.csv"
    if shared.exists():  # only beside the steering checkout; the copy itself always exists
        assert (DATA / "krakow-districts.csv").read_bytes() == shared.read_bytes()
    assert len((DATA / "krakow-districts.csv").read_text(encoding="utf-8").splitlines()) == 19


# ------------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("total", "code"),
    [
        (Decimal("-0.01"), "invalid_total"),
        (Decimal("1.001"), "invalid_total"),
        (Decimal("Infinity"), "invalid_total"),
        (Decimal("NaN"), "invalid_total"),
        (1.5, "invalid_total"),
        (True, "invalid_total"),
    ],
)
def test_bad_total_is_rejected(total, code):
    with pytest.raises(AllocationError) as excinfo:
        allocate(total, _inputs((1, "1")))
    assert excinfo.value.code == code


def test_total_with_trailing_zeros_beyond_grosz_is_accepted():
    assert allocate(Decimal("1.500"), _inputs((1, "1"))) == {1: Decimal("1.50")}


@pytest.mark.parametrize(
    ("inputs", "code"),
    [
        ({}, "no_districts"),
        ({1: {"residents": 1}}, "missing_input"),
        ({1: {"residents": -1, "land_area": 1}}, "negative_input"),
        ({1: {"residents": 1, "land_area": Decimal("-0.5")}}, "negative_input"),
        ({1: {"residents": 1.0, "land_area": 1}}, "invalid_input"),
        ({1: {"residents": Decimal("NaN"), "land_area": 1}}, "invalid_input"),
        ({1: {"residents": 0, "land_area": 1}, 2: {"residents": 0, "land_area": 1}}, "zero_basis"),
        (
            {1: {"residents": 1, "land_area": 1}, "2": {"residents": 1, "land_area": 1}},
            "invalid_district_id",
        ),
    ],
)
def test_bad_inputs_are_rejected_with_a_code(inputs, code):
    with pytest.raises(AllocationError) as excinfo:
        allocate(Decimal("100.00"), inputs)
    assert excinfo.value.code == code
    assert excinfo.value.message


def test_zero_basis_error_names_the_input():
    inputs = {1: {"residents": 5, "land_area": 0}, 2: {"residents": 5, "land_area": 0}}

    with pytest.raises(AllocationError, match="land_area"):
        allocate(Decimal("10.00"), inputs)


def test_allocation_error_is_a_value_error():
    assert issubclass(AllocationError, ValueError)


# --------------------------------------------------------------------------------- properties

_district_rows = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=200_000),
        st.decimals(min_value=0, max_value=100, places=4, allow_nan=False, allow_infinity=False),
    ),
    min_size=1,
    max_size=30,
).filter(lambda rows: any(r for r, _ in rows) and any(a for _, a in rows))


@settings(max_examples=150, deadline=None)
@given(grosze=st.integers(min_value=0, max_value=10**10), rows=_district_rows)
def test_allocation_sums_exactly_and_stays_within_a_grosz_of_the_exact_share(grosze, rows):
    # given
    total = Decimal(grosze) / 100
    inputs = _with_ids(rows)

    # when
    result = allocate_detailed(total, inputs)

    # then
    amounts = result.amounts
    assert sum(amounts.values()) == total
    assert all(a >= 0 for a in amounts.values())
    assert all(a == a.quantize(Decimal("0.01")) for a in amounts.values())
    for d in result.districts.values():
        assert abs(Fraction(d.amount) - d.exact) < Fraction(1, 100)
    assert sum((d.exact for d in result.districts.values()), Fraction(0)) == Fraction(total)


@settings(max_examples=50, deadline=None)
@given(grosze=st.integers(min_value=0, max_value=10**10), rows=_district_rows, data=st.data())
def test_allocation_is_deterministic_and_order_independent(grosze, rows, data):
    # given
    total = Decimal(grosze) / 100
    inputs = _with_ids(rows)
    shuffled_keys = data.draw(st.permutations(list(inputs)))
    shuffled = {k: inputs[k] for k in shuffled_keys}

    # when / then
    assert allocate(total, inputs) == allocate(total, inputs) == allocate(total, shuffled)


# ---------------------------------------------------------------------------- split_increase


def test_increase_is_split_by_formula_on_top_of_the_base():
    # given: a 2024 base and 1000 PLN more in the new year
    base = {1: Decimal("600.00"), 2: Decimal("400.00")}
    inputs = _inputs((300, "1"), (100, "3"))

    # when
    result = split_increase(base, Decimal("2000.00"), inputs)

    # then: the 1000 PLN increase splits 550/450 as in the hand example
    assert result == {1: Decimal("1150.00"), 2: Decimal("850.00")}


def test_no_increase_keeps_the_base():
    base = {1: Decimal("600.00"), 2: Decimal("400.00")}

    assert split_increase(base, Decimal("1000"), _inputs((1, "1"), (1, "1"))) == base


def test_decrease_is_refused():
    base = {1: Decimal("600.00"), 2: Decimal("400.00")}

    with pytest.raises(AllocationError) as excinfo:
        split_increase(base, Decimal("999.99"), _inputs((1, "1"), (1, "1")))
    assert excinfo.value.code == "negative_increase"


def test_increase_with_mismatched_districts_is_refused():
    with pytest.raises(AllocationError) as excinfo:
        split_increase({1: Decimal("1")}, Decimal("2"), _inputs((1, "1"), (1, "1")))
    assert excinfo.value.code == "district_mismatch"


@settings(max_examples=50, deadline=None)
@given(
    rows=_district_rows,
    base_grosze=st.lists(st.integers(min_value=0, max_value=10**9), min_size=30, max_size=30),
    extra=st.integers(min_value=0, max_value=10**10),
)
def test_split_increase_sums_to_new_total_and_never_cuts_a_district(rows, base_grosze, extra):
    # given
    inputs = _with_ids(rows)
    base = {d: Decimal(base_grosze[d - 1]) / 100 for d in inputs}
    new_total = sum(base.values()) + Decimal(extra) / 100

    # when
    result = split_increase(base, new_total, inputs)

    # then
    assert sum(result.values()) == new_total
    assert all(result[d] >= base[d] for d in inputs)


# ---------------------------------------------------------------------------- multi-year plan


def test_plan_that_doubles_by_2029_is_reported_as_reached():
    # given
    plan = {2025: Decimal("120"), 2026: Decimal("150"), 2027: Decimal("180"), 2029: Decimal("200")}

    # when
    check = check_doubling(Decimal("100.00"), plan)

    # then
    assert check.reached
    assert check.first_year_reached == 2029
    assert check.held_in_target_year
    assert check.target_amount == Decimal("200.00")
    assert check.shortfall == Decimal("0.00")


def test_plan_one_grosz_short_is_not_reached_and_shows_the_shortfall():
    check = check_doubling(Decimal("100.00"), {2028: Decimal("150"), 2029: Decimal("199.99")})

    assert not check.reached
    assert check.first_year_reached is None
    assert check.amount_in_target_year == Decimal("199.99")
    assert check.shortfall == Decimal("0.01")


def test_doubling_after_2029_does_not_count():
    check = check_doubling(Decimal("100"), {2029: Decimal("150"), 2030: Decimal("300")})

    assert not check.reached
    assert check.best_amount_by_target_year == Decimal("150.00")


def test_doubling_early_then_cut_is_reached_but_not_held():
    check = check_doubling(Decimal("100"), {2027: Decimal("210"), 2029: Decimal("190")})

    assert check.reached
    assert check.first_year_reached == 2027
    assert not check.held_in_target_year


def test_doubling_check_rejects_years_not_after_the_base():
    with pytest.raises(AllocationError) as excinfo:
        check_doubling(Decimal("100"), {2024: Decimal("200")})
    assert excinfo.value.code == "invalid_year"


# -------------------------------------------------------------------------- statutory shares


def test_resolution_meeting_the_statute_has_no_violations():
    # given: 100 000 PLN allocated; 70% repairs, 5% disability, 25% other
    tasks = {REPAIRS: Decimal("70000.00"), CATEGORY_DISABILITY: Decimal("5000"), "culture": 25000}

    # when
    check = check_statutory_shares(tasks, Decimal("100000.00"))

    # then
    assert check.ok
    assert check.shares[REPAIRS] == Fraction(7, 10)
    assert check.shares_percent == {
        REPAIRS: Decimal("70.00"),
        CATEGORY_DISABILITY: Decimal("5.00"),
        "culture": Decimal("25.00"),
    }
    assert check.unassigned == Decimal("0.00")


def test_repairs_one_grosz_below_seventy_percent_is_a_violation():
    # given
    tasks = {REPAIRS: Decimal("69999.99"), CATEGORY_DISABILITY: Decimal("5000")}

    # when
    check = check_statutory_shares(tasks, Decimal("100000.00"))

    # then: the shortfall is not hidden by rounding
    assert [(v.code, v.category) for v in check.violations] == [("below_minimum", REPAIRS)]
    assert check.violations[0].required == Decimal("70000.00")
    assert check.shares_percent[REPAIRS] == Decimal("69.99")


def test_shares_are_measured_against_the_district_allocation_not_the_resolution_total():
    # given: the resolution assigns only half of the funds, all to repairs
    tasks = {REPAIRS: Decimal("50000"), CATEGORY_DISABILITY: Decimal("5000")}

    # when
    check = check_statutory_shares(tasks, Decimal("100000"))

    # then: 50% of the district's funds, not 91% of the resolution
    assert check.shares[REPAIRS] == Fraction(1, 2)
    assert [v.category for v in check.violations] == [REPAIRS]
    assert check.unassigned == Decimal("45000.00")


def test_missing_disability_category_is_a_violation():
    check = check_statutory_shares({REPAIRS: Decimal("80")}, Decimal("100"))

    assert [v.category for v in check.violations] == [CATEGORY_DISABILITY]
    assert check.shares[CATEGORY_DISABILITY] == 0


def test_required_minimum_is_rounded_up_to_a_whole_grosz():
    # given: 5% of 0.30 PLN is 1.5 grosz; a council must assign at least 2 grosze
    check = check_statutory_shares({REPAIRS: Decimal("0.30")}, Decimal("0.30"))

    assert check.violations[0].required == Decimal("0.02")


def test_tasks_over_the_allocation_are_a_violation():
    tasks = {REPAIRS: Decimal("75000"), CATEGORY_DISABILITY: Decimal("6000"), "sport": 20000}

    check = check_statutory_shares(tasks, Decimal("100000"))

    assert [v.code for v in check.violations] == ["over_allocation"]
    assert check.unassigned == Decimal("-1000.00")


@pytest.mark.parametrize(
    ("tasks", "allocation", "code"),
    [
        ({REPAIRS: 1}, Decimal("0"), "zero_allocation"),
        ({REPAIRS: Decimal("-1")}, Decimal("10"), "invalid_amount"),
        ({REPAIRS: Decimal("0.001")}, Decimal("10"), "invalid_amount"),
        ({REPAIRS: 1}, Decimal("-10"), "invalid_allocation"),
    ],
)
def test_statutory_check_rejects_bad_amounts(tasks, allocation, code):
    with pytest.raises(AllocationError) as excinfo:
        check_statutory_shares(tasks, allocation)
    assert excinfo.value.code == code
