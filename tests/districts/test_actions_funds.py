from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from districts import actions
from districts.models import Allocation, District, DistrictYearInput, FormulaComponent
from districts.selectors import allocation_table, funds_doubling, funds_plan
from tests.districts.factories import fund

pytestmark = pytest.mark.django_db


def test_default_formula_is_stored_as_data_40_40_20():
    rows = list(FormulaComponent.objects.values_list("key", "share", "basis"))
    assert rows == [
        ("equal", Decimal("0.4000"), "equal"),
        ("residents", Decimal("0.4000"), "residents"),
        ("land_area", Decimal("0.2000"), "land_area"),
    ]
    assert actions.formula_load() == actions.alloc.KRAKOW_FORMULA_2015


def test_base_year_allocations_sum_exactly_to_the_total():
    fund(2024, Decimal("12345678.91"))
    amounts = Allocation.objects.filter(year=2024)
    assert amounts.count() == 18
    assert sum(a.amount for a in amounts) == Decimal("12345678.91")
    assert all(a.base_amount == 0 and a.increase == a.amount for a in amounts)


def test_later_year_keeps_the_base_and_splits_only_the_increase():
    fund(2024, Decimal("12000000.00"))
    fund(2027, Decimal("19000000.01"))
    base = {a.district_id: a.amount for a in Allocation.objects.filter(year=2024)}
    later = Allocation.objects.filter(year=2027)
    assert sum(a.amount for a in later) == Decimal("19000000.01")
    assert sum(a.increase for a in later) == Decimal("7000000.01")
    for row in later:
        assert row.base_amount == base[row.district_id]
        assert row.amount == row.base_amount + row.increase


def test_more_residents_get_more_of_the_increase():
    fund(2024, Decimal("12000000.00"))
    fund(2025, Decimal("14000000.00"))
    rows = {
        a.district.number: a
        for a in Allocation.objects.filter(year=2025).select_related("district")
    }
    # Nowa Huta (XVIII) has far more residents and land than Zwierzyniec (VII).
    assert rows[18].increase > rows[7].increase


def test_a_year_below_the_base_is_refused_and_nothing_changes():
    fund(2024, Decimal("12000000.00"))
    with pytest.raises(ValidationError) as error:
        fund(2025, Decimal("11000000.00"))
    assert error.value.code == "negative_increase"
    assert not Allocation.objects.filter(year=2025).exists()


def test_missing_inputs_are_refused():
    actions.funds_plan_set(year=2024, total=Decimal("100.00"), acting_user=None)
    district = District.objects.first()
    actions.district_input_set(
        district=district, year=2024, residents=10, land_area=Decimal("1"), acting_user=None
    )
    with pytest.raises(ValidationError) as error:
        actions.allocations_compute(year=2024, acting_user=None)
    assert error.value.code == "missing_input"
    assert not Allocation.objects.exists()


@pytest.mark.parametrize("total", ["-5", "0", "12.345", "abc", "NaN"])
def test_invalid_plan_totals_are_refused(total):
    with pytest.raises(ValidationError):
        actions.funds_plan_set(year=2025, total=total, acting_user=None)
    assert not actions.FundsPlanYear.objects.filter(year=2025).exists()


def test_negative_inputs_are_refused(user):
    district = District.objects.first()
    with pytest.raises(ValidationError):
        actions.district_input_set(
            district=district, year=2024, residents=-1, land_area=Decimal("1"), acting_user=user
        )
    with pytest.raises(ValidationError):
        actions.district_input_set(
            district=district, year=2024, residents=1, land_area=Decimal("-1"), acting_user=user
        )
    assert not DistrictYearInput.objects.exists()


def test_inputs_keep_history_with_the_acting_user(user):
    district = District.objects.first()
    actions.district_input_set(
        district=district, year=2024, residents=100, land_area=Decimal("2"), acting_user=user
    )
    row = actions.district_input_set(
        district=district, year=2024, residents=120, land_area=Decimal("2"), acting_user=user
    )
    history = list(row.history.order_by("history_date"))
    assert [h.residents for h in history] == [100, 120]
    assert {h.history_user for h in history} == {user}


def test_formula_must_sum_to_one_else_nothing_changes(user):
    with pytest.raises(ValidationError):
        actions.formula_set(
            components=[
                ("equal", Decimal("0.5"), "equal"),
                ("residents", Decimal("0.4"), "residents"),
            ],
            acting_user=user,
        )
    assert FormulaComponent.objects.count() == 3


def test_a_changed_formula_changes_the_split(user):
    actions.formula_set(components=[("equal", Decimal("1"), "equal")], acting_user=user)
    fund(2024, Decimal("18.05"))
    amounts = sorted(a.amount for a in Allocation.objects.filter(year=2024))
    assert amounts == [Decimal("1.00")] * 13 + [Decimal("1.01")] * 5


def test_database_refuses_an_allocation_that_is_not_base_plus_increase():
    district = District.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.create(
            district=district, year=2030, amount=10, base_amount=5, increase=4
        )


def test_doubling_check_is_computed_from_the_plan():
    for year, total in [(2024, "10000000.00"), (2027, "15000000.00"), (2029, "20000000.00")]:
        actions.funds_plan_set(year=year, total=Decimal(total), acting_user=None)
    check = funds_doubling(funds_plan())
    assert check is not None
    assert check.reached
    assert check.first_year_reached == 2029
    actions.funds_plan_set(year=2029, total=Decimal("19999999.99"), acting_user=None)
    check = funds_doubling(funds_plan())
    assert check is not None
    assert not check.reached
    assert check.shortfall == Decimal("0.01")


def test_allocation_table_has_a_row_per_district_and_a_total_per_year():
    fund(2024, Decimal("12000000.00"))
    table = allocation_table()
    assert table.years == [2024]
    assert len(table.rows) == 18
    assert table.totals == [Decimal("12000000.00")]


class TestAllocationsThroughTheActionLayer(TestCase):
    """Property: whatever the total and inputs, the stored allocations sum to the total."""

    @settings(max_examples=25, deadline=None)
    @given(
        total=st.integers(min_value=1800, max_value=10**11),
        residents=st.lists(st.integers(min_value=0, max_value=200_000), min_size=18, max_size=18),
        land=st.lists(
            st.decimals(min_value=0, max_value=5000, places=4, allow_nan=False),
            min_size=18,
            max_size=18,
        ),
    )
    def test_stored_allocations_sum_exactly_to_the_total(self, total, residents, land):
        residents[0] = max(residents[0], 1)
        land[0] = max(land[0], Decimal("0.0001"))
        grosze = Decimal(total) / 100
        actions.funds_plan_set(year=2024, total=grosze, acting_user=None)
        for district, people, area in zip(
            District.objects.order_by("number"), residents, land, strict=True
        ):
            actions.district_input_set(
                district=district, year=2024, residents=people, land_area=area, acting_user=None
            )
        actions.allocations_compute(year=2024, acting_user=None)
        stored = Allocation.objects.filter(year=2024)
        assert stored.count() == 18
        assert sum(a.amount for a in stored) == grosze
