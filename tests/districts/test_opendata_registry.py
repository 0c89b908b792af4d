from datetime import date
from decimal import Decimal

import pytest

from districts import actions
from districts.registry import activity_for, register_activity_provider
from opendata.registry import registered_dataset
from tests.districts.factories import draft

pytestmark = pytest.mark.django_db


def test_allocations_dataset_rows_sum_to_the_plan(year):
    dataset = registered_dataset("srodki-dzielnic")
    assert dataset is not None
    rows = [r for r in dataset.rows() if r["year"] == year]
    assert len(rows) == 18
    assert sum(r["amount"] for r in rows) == Decimal("25000000.00")
    assert {f.name for f in dataset.fields} == set(rows[0])


def test_tasks_dataset_has_only_filed_tasks(year, district_a, member_a, district_b, member_b):
    actions.resolution_file(resolution=draft(district_a, member_a, year), acting_user=member_a)
    draft(district_b, member_b, year)
    dataset = registered_dataset("zadania-dzielnic")
    assert dataset is not None
    rows = list(dataset.rows())
    assert {r["district_number"] for r in rows} == {district_a.number}
    assert {f.name for f in dataset.fields} == set(rows[0])


def test_activity_registry_merges_providers_newest_first(year, district_a, member_a):
    actions.resolution_file(resolution=draft(district_a, member_a, year), acting_user=member_a)
    register_activity_provider(
        "tests.old",
        lambda district_id: [
            {
                "title": "Stare spotkanie",
                "url": "/x/",
                "kind": "spotkanie",
                "date": date(2000, 1, 1),
            }
        ],
    )
    try:
        items = activity_for(district_a.pk)
    finally:
        from districts import registry

        registry._providers.pop("tests.old")
    assert [i["title"] for i in items][-1] == "Stare spotkanie"
    assert items[0]["url"].startswith("/dzielnice/uchwaly/")
