import pytest

from districts.models import District

pytestmark = pytest.mark.django_db


def test_the_eighteen_districts_are_loaded_by_migration():
    assert District.objects.count() == 18
    assert District.objects.get(number=12).name == "Bieżanów-Prokocim"
    assert District.objects.get(number=9).slug == "lagiewniki-borek-falecki"


def test_district_page_lists_all_districts_in_few_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get("/dzielnice/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<th scope="row">') == 19  # 18 districts + the total row


def test_districts_api_is_public_and_read_only(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        body = client.get("/api/v1/districts/").json()
    assert [d["number"] for d in body] == list(range(1, 19))
    assert client.get("/api/v1/districts/nowa-huta/").json()["roman"] == "XVIII"
    assert client.post("/api/v1/districts/", {}).status_code in (401, 403, 405)
