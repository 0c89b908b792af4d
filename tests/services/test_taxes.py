"""Local taxes: the finance system's API (idempotent), balances, the resident page (R-SRV-4)."""

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from services.models import Instalment, Liability, Payment, TaxpayerAccount
from services.selectors import tax_summary
from tests.accounts.factories import UserFactory

URL = "/api/v1/tax-records/"


@pytest.fixture
def finance(db: Any) -> Any:
    """The finance system's service account: holds services.load_tax_data."""
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="load_tax_data"))
    return user


def _payload(resident: Any) -> dict[str, Any]:
    return {
        "accounts": [{"id": "FK-1001", "resident": str(resident.public_id)}],
        "liabilities": [
            {
                "id": "NAL-2026-1",
                "account": "FK-1001",
                "kind": "property",
                "year": 2026,
                "instalments": [
                    {"number": 1, "due_date": "2026-03-15", "amount": "100.10"},
                    {"number": 2, "due_date": "2026-05-15", "amount": "100.10"},
                    {"number": 3, "due_date": "2026-09-15", "amount": "100.10"},
                ],
            },
            {
                "id": "NAL-2026-2",
                "account": "FK-1001",
                "kind": "dog",
                "year": 2026,
                "instalments": [{"number": 1, "due_date": "2026-03-15", "amount": "25.00"}],
            },
        ],
        "payments": [
            {"id": "WP-1", "account": "FK-1001", "paid_on": "2026-03-10", "amount": "125.10"}
        ],
    }


def test_finance_system_loads_records_idempotently(client: Any, finance: Any, user: Any) -> None:
    client.force_login(finance)
    for _ in range(2):  # sent twice (a retry): nothing is duplicated
        response = client.post(URL, _payload(user), content_type="application/json")
        assert response.status_code == 200, response.json()
    assert response.json() == {"accounts": 1, "liabilities": 2, "payments": 1}
    assert TaxpayerAccount.objects.count() == 1
    assert Liability.objects.count() == 2
    assert Instalment.objects.count() == 4
    assert Payment.objects.count() == 1


def test_balance_and_overdue_in_decimal(finance: Any, user: Any, client: Any) -> None:
    from datetime import date

    client.force_login(finance)
    client.post(URL, _payload(user), content_type="application/json")
    summary = tax_summary(user=user, on=date(2026, 6, 1))
    assert summary is not None
    assert summary.total_due == Decimal("325.30")
    assert summary.total_paid == Decimal("125.10")
    assert summary.balance == Decimal("200.20")
    # due by 1 June: 100.10 + 100.10 + 25.00 = 225.20, paid 125.10
    assert summary.overdue == Decimal("100.10")


@pytest.mark.parametrize(
    "body",
    [
        {
            "liabilities": [
                {
                    "id": "X",
                    "account": "NOPE",
                    "kind": "dog",
                    "year": 2026,
                    "instalments": [{"number": 1, "due_date": "2026-01-01", "amount": "1"}],
                }
            ]
        },
        {"payments": [{"id": "P", "account": "FK-1001", "paid_on": "2026-01-01", "amount": "-5"}]},
        {"accounts": [{"id": "FK-9", "resident": "00000000-0000-0000-0000-000000000000"}]},
        {
            "liabilities": [
                {
                    "id": "X",
                    "account": "FK-1001",
                    "kind": "yacht",
                    "year": 2026,
                    "instalments": [{"number": 1, "due_date": "2026-01-01", "amount": "1"}],
                }
            ]
        },
    ],
)
def test_bad_finance_records_are_refused_whole(client: Any, finance: Any, body: Any) -> None:
    client.force_login(finance)
    response = client.post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert "error" in response.json()
    assert TaxpayerAccount.objects.count() == 0
    assert Payment.objects.count() == 0


@pytest.mark.parametrize("who", ["anonymous", "user", "other_user", "clerk", "council_member"])
def test_only_the_finance_system_may_load(
    client: Any, who: str, user: Any, request: pytest.FixtureRequest
) -> None:
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.post(URL, _payload(user), content_type="application/json")
    assert response.status_code in (401, 403)
    assert TaxpayerAccount.objects.count() == 0
    assert Liability.objects.count() == 0


@pytest.mark.parametrize(
    ("who", "sees"),
    [("user", True), ("other_user", False), ("clerk", False), ("council_member", False)],
)
def test_tax_page_shows_only_the_residents_own_account(
    client: Any,
    finance: Any,
    user: Any,
    who: str,
    sees: bool,
    request: pytest.FixtureRequest,
    django_assert_max_num_queries: Any,
) -> None:
    client.force_login(finance)
    client.post(URL, _payload(user), content_type="application/json")
    client.force_login(request.getfixturevalue(who))
    # 13: the page also lists the resident's tax letters (one query, whatever their number)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("services:taxes"))
    assert response.status_code == 200
    assert ("325.30" in response.text or "325,30" in response.text) is sees


def test_tax_page_requires_login(client: Any) -> None:
    response = client.get(reverse("services:taxes"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
