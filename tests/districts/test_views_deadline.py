"""The council member sees the filing deadline and a clerk's override while drafting."""

import pytest
from django.utils import timezone

from districts import actions
from tests.districts.factories import draft

pytestmark = pytest.mark.django_db


def test_edit_page_shows_the_deadline_and_the_override(
    client, year, district_a, member_a, reviewer
):
    resolution = draft(district_a, member_a, year)
    client.force_login(member_a)
    url = f"/dzielnice/uchwaly/{resolution.public_id}/edycja/"
    html = client.get(url).content.decode()
    assert f"Termin złożenia uchwały: 31 marca {year}" in html
    assert "zezwolił" not in html

    actions.deadline_override_grant(
        district=district_a,
        year=year,
        reason="Sesja przełożona",
        valid_until=timezone.localdate(),
        acting_user=reviewer,
    )

    html = client.get(url).content.decode()
    assert "Sesja przełożona" in html
