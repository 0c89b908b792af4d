"""Mobile-app API: upload a PIT/UPO, list own applications and cards (never another's)."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from karta import actions
from karta.models import StatusApplication
from tests.karta.factories import ApprovedApplicationFactory, image_bytes

pytestmark = pytest.mark.django_db


def test_anonymous_cannot_upload_or_list() -> None:
    client = APIClient()
    upload = {"document_kind": "upo", "document": SimpleUploadedFile("u.png", image_bytes())}
    assert client.post("/api/v1/karta/applications/", upload).status_code in (401, 403)
    assert client.get("/api/v1/karta/cards/").status_code in (401, 403)
    assert StatusApplication.objects.count() == 0


def test_resident_uploads_through_the_api(resident: Any) -> None:
    client = APIClient()
    client.force_authenticate(resident)
    upload = {"document_kind": "upo", "document": SimpleUploadedFile("u.png", image_bytes())}
    response = client.post("/api/v1/karta/applications/", upload)
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    assert "file" not in str(response.json())


def test_a_disguised_file_gets_a_clear_api_error(resident: Any) -> None:
    client = APIClient()
    client.force_authenticate(resident)
    upload = {"document_kind": "upo", "document": SimpleUploadedFile("u.png", b"<svg onload=x>")}
    response = client.post("/api/v1/karta/applications/", upload)
    assert response.status_code == 400
    assert "document" in response.json()["error"]["fields"]
    assert StatusApplication.objects.count() == 0


def test_resident_b_never_sees_a_cards_or_applications(
    other_resident: Any, django_assert_max_num_queries: Any
) -> None:
    status = ApprovedApplicationFactory()
    actions.card_issue(holder=status.user, carrier="mobile", acting_user=status.user)
    actions.card_issue(holder=status.user, carrier="plastic", acting_user=status.user)
    owner = APIClient()
    owner.force_authenticate(status.user)
    with django_assert_max_num_queries(3):
        cards = owner.get("/api/v1/karta/cards/").json()
    assert len(cards) == 2
    assert all(card["token"].startswith("KK1.") for card in cards)
    intruder = APIClient()
    intruder.force_authenticate(other_resident)
    assert intruder.get("/api/v1/karta/cards/").json() == []
    assert intruder.get("/api/v1/karta/applications/").json() == []


def test_large_family_upload_and_list_through_the_api(resident: Any, other_resident: Any) -> None:
    from karta.models import LargeFamilyEntitlement

    client = APIClient()
    assert client.get("/api/v1/karta/large-family/").status_code in (401, 403)
    client.force_authenticate(resident)
    bad = {"document": SimpleUploadedFile("kdr.png", b"<svg onload=x>")}
    response = client.post("/api/v1/karta/large-family/", bad)
    assert response.status_code == 400
    assert not LargeFamilyEntitlement.objects.exists()
    good = {"document": SimpleUploadedFile("kdr.png", image_bytes())}
    response = client.post("/api/v1/karta/large-family/", good)
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    assert len(client.get("/api/v1/karta/large-family/").json()) == 1
    client.force_authenticate(other_resident)
    assert client.get("/api/v1/karta/large-family/").json() == []
