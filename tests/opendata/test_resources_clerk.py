"""Chart/map settings, GeoJSON maps, versioned files and department-scoped editing (admin)."""

import io
import json

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.actions import role_grant
from accounts.models import Department, Role
from opendata import actions, selectors
from opendata.models import Dataset, Resource, ResourceKind, ResourceVersion
from tests.accounts.factories import UserFactory
from tests.opendata.conftest import publish_csv
from tests.opendata.factories import DatasetFactory, OrganizationFactory, ResourceFactory

pytestmark = pytest.mark.django_db

GEO_CSV = (
    "nazwa;ksztalt\n"
    'Rynek;"{""type"": ""Point"", ""coordinates"": [19.9372, 50.0617]}"\n'
    'Planty;"{""type"": ""LineString"", ""coordinates"": [[19.93, 50.06], [19.94, 50.065]]}"\n'
    "zepsuty;nie-geometria\n"
)


@pytest.fixture
def actors(user, other_user, other_clerk, council_member, staff_user):
    return {
        "resident": user,
        "other resident": other_user,
        "clerk of another department": other_clerk,
        "staff without role": staff_user,
        "district-scoped member": council_member,
    }


# --- chart and map settings ------------------------------------------------------------------


def _settings(**changes):
    values = {
        "chart_type": "line",
        "chart_x": "data",
        "chart_y": "pm10",
        "map_lat": "lat",
        "map_lon": "lon",
        "map_geojson": "",
    }
    values.update(changes)
    return values


def test_settings_are_refused_to_everyone_but_the_departments_clerk(
    client, published, actors, clerk
):
    url = reverse("opendata:settings", args=[published.public_id])
    before = (published.chart_type, published.chart_x)
    response = client.post(url, _settings())
    assert response.status_code == 302
    assert "/konto/login/" in response["Location"]
    for who, actor in actors.items():
        client.force_login(actor)
        assert client.get(url).status_code == 403, who
        assert client.post(url, _settings()).status_code == 403, who
        published.refresh_from_db()
        assert (published.chart_type, published.chart_x) == before, who
    client.force_login(clerk)
    assert client.get(url).status_code == 200
    response = client.post(url, _settings())
    assert response.status_code == 302
    published.refresh_from_db()
    assert (published.chart_type, published.chart_x, published.chart_y) == ("line", "data", "pm10")
    assert published.history.first().history_user == clerk


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"chart_y": "stacja"}, "chart_y"),  # text is not a value axis
        ({"chart_x": "nie-ma"}, "chart_x"),
        ({"map_lon": ""}, "map_lon"),
        ({"map_geojson": "stacja"}, "map_geojson"),  # with lat/lon as well
        ({"chart_type": "pie"}, "chart_type"),
    ],
)
def test_wrong_settings_are_explained_and_change_nothing(client, published, clerk, changes, field):
    client.force_login(clerk)
    before = Resource.objects.values().get(pk=published.pk)
    response = client.post(
        reverse("opendata:settings", args=[published.public_id]), _settings(**changes)
    )
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert Resource.objects.values().get(pk=published.pk) == before


def test_geojson_column_is_drawn_on_the_map_with_a_table(client, resource, clerk):
    publish_csv(resource, clerk, GEO_CSV)
    resource.refresh_from_db()
    actions.resource_display_update(
        resource=resource,
        chart_type="",
        chart_x="",
        chart_y="",
        map_lat="",
        map_lon="",
        map_geojson="ksztalt",
        acting_user=clerk,
    )
    page = client.get(reverse("opendata:resource", args=[resource.public_id])).content.decode()
    assert 'id="od-map"' in page
    assert "LineString" in page
    assert "50.0617" in page
    response = client.get(reverse("opendata:download", args=[resource.public_id, "geojson"]))
    collection = json.loads(b"".join(response.streaming_content))
    kinds = [feature["geometry"]["type"] for feature in collection["features"]]
    assert kinds == ["Point", "LineString"]  # the broken geometry is left out
    assert collection["features"][0]["properties"] == {"nazwa": "Rynek"}


# --- versioned files -------------------------------------------------------------------------


def test_replacing_a_file_keeps_every_version_downloadable(client, clerk, actors):
    resource = ResourceFactory(kind=ResourceKind.FILE, format="PDF")
    url = reverse("opendata:upload", args=[resource.public_id])
    for who, actor in actors.items():
        client.force_login(actor)
        upload = SimpleUploadedFile("uchwala.pdf", b"%PDF-1 one")
        assert client.post(url, {"file": upload}).status_code == 403, who
    assert not ResourceVersion.objects.filter(resource=resource).exists()
    client.force_login(clerk)
    client.post(url, {"file": SimpleUploadedFile("uchwala.pdf", b"%PDF-1 one")})
    client.post(url, {"file": SimpleUploadedFile("uchwala-v2.pdf", b"%PDF-1 two")})
    resource.refresh_from_db()
    assert resource.current_version.number == 2
    assert resource.current_version.original_name == "uchwala-v2.pdf"
    client.logout()
    page = client.get(reverse("opendata:resource", args=[resource.public_id])).content.decode()
    assert "uchwala.pdf" in page
    assert "uchwala-v2.pdf" in page
    first = client.get(reverse("opendata:version-download", args=[resource.public_id, 1, "pdf"]))
    assert b"".join(first.streaming_content) == b"%PDF-1 one"
    current = client.get(reverse("opendata:version-download", args=[resource.public_id, 2, "pdf"]))
    assert b"".join(current.streaming_content) == b"%PDF-1 two"
    assert (
        client.get(
            reverse("opendata:version-download", args=[resource.public_id, 3, "pdf"])
        ).status_code
        == 404
    )
    assert resource.current_version.history.first().history_user == clerk


def test_empty_file_is_refused_and_nothing_changes(client, clerk):
    resource = ResourceFactory(kind=ResourceKind.FILE)
    client.force_login(clerk)
    response = client.post(
        reverse("opendata:upload", args=[resource.public_id]),
        {"file": SimpleUploadedFile("pusty.pdf", b"")},
    )
    assert response.status_code == 400
    assert "Plik jest pusty" in response.content.decode()
    assert not ResourceVersion.objects.filter(resource=resource).exists()


def test_earlier_table_versions_stay_downloadable(client, published, clerk):
    publish_csv(published, clerk, "stacja;pm10\nNowa;7\n")
    first = client.get(reverse("opendata:version-download", args=[published.public_id, 1, "csv"]))
    assert b"Aleje" in b"".join(first.streaming_content)
    second = client.get(reverse("opendata:version-download", args=[published.public_id, 2, "csv"]))
    assert b"".join(second.streaming_content) == b"stacja,pm10\nNowa,7\n"


# --- department-scoped editing in the admin --------------------------------------------------

WHO = [
    "anonymous",
    "resident",
    "other_resident",
    "clerk_of_other_department",
    "clerk_of_department",
    "council_member",
]


@pytest.fixture
def admin_mfa(monkeypatch):
    monkeypatch.setattr("accounts.admin_site.session_is_mfa_authenticated", lambda request: True)


def _staff_clerk(code):
    department = Department.objects.get_or_create(code=code, defaults={"name": code})[0]
    user = UserFactory(is_staff=True)
    role_grant(user=user, role=Role.CLERK, acting_user=None, department=department)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="opendata", codename__in=["view_dataset", "change_dataset"]
        )
    )
    return user


@pytest.mark.usefixtures("admin_mfa")
@pytest.mark.parametrize("who", WHO)
def test_only_the_departments_clerk_edits_its_dataset_in_the_admin(
    client, who, user, other_user, council_member
):
    dataset = DatasetFactory(organization=OrganizationFactory(department_code="ks"))
    actor = {
        "anonymous": None,
        "resident": user,
        "other_resident": other_user,
        "clerk_of_other_department": _staff_clerk("edu"),
        "clerk_of_department": _staff_clerk("ks"),
        "council_member": council_member,
    }[who]
    if actor is not None:
        client.force_login(actor)
    url = reverse("admin:opendata_dataset_change", args=[dataset.pk])
    history_before = dataset.history.count()
    data = {
        "slug": dataset.slug,
        "title_pl": "Zmieniony tytuł",
        "title_en": dataset.title_en,
        "description_pl": dataset.description_pl,
        "organization": dataset.organization_id,
        "keywords": "powietrze",
        "licence": dataset.licence,
        "frequency": dataset.frequency,
        "spatial": dataset.spatial,
        "contact_email": dataset.contact_email,
        "resources-TOTAL_FORMS": "0",
        "resources-INITIAL_FORMS": "0",
        "resources-MIN_NUM_FORMS": "0",
        "resources-MAX_NUM_FORMS": "1000",
    }
    response = client.post(url, data)
    dataset.refresh_from_db()
    if who == "clerk_of_department":
        assert response.status_code == 302, response.content.decode()[:2000]
        assert dataset.title_pl == "Zmieniony tytuł"
        assert dataset.history.first().history_user == actor
        listing = client.get(reverse("admin:opendata_dataset_changelist"))
        assert dataset.title_pl in listing.content.decode()
    else:
        assert response.status_code in (302, 403)
        assert dataset.title_pl != "Zmieniony tytuł"
        assert Dataset.history.filter(id=dataset.pk).count() == history_before


@pytest.mark.usefixtures("admin_mfa")
def test_clerk_lists_and_picks_only_their_departments_publishers(client):
    own = DatasetFactory(organization=OrganizationFactory(department_code="ks"))
    other = DatasetFactory(organization=OrganizationFactory(department_code="edu"))
    client.force_login(_staff_clerk("ks"))
    listing = client.get(reverse("admin:opendata_dataset_changelist")).content.decode()
    assert own.title_pl in listing
    assert other.title_pl not in listing
    form = client.get(reverse("admin:opendata_dataset_change", args=[own.pk])).content.decode()
    assert other.organization.title_pl not in form


# --- typed storage ---------------------------------------------------------------------------


def test_filters_are_typed_and_index_backed(published):
    version = published.current_version
    by_number = selectors.datastore_search(version=version, filters={"pm10": "45,5"})
    assert [r["stacja"] for r in by_number.records] == ["Aleje"]
    by_date = selectors.datastore_search(version=version, filters={"data": "02.01.2024"})
    assert [r["stacja"] for r in by_date.records] == ["Nowa Huta"]
    by_list = selectors.datastore_search(version=version, filters={"stacja": ["Aleje", "x"]})
    assert by_list.total == 1
    assert selectors.datastore_search(version=version, q="kurdw").total == 1
    with pytest.raises(selectors.QueryError):
        selectors.datastore_search(version=version, filters={"pm10": "dużo"})


def test_booleans_and_blank_cells(resource, clerk):
    publish_csv(resource, clerk, "a;b;c\ntak;;x\nnie;2;\n")
    resource.refresh_from_db()
    records = selectors.datastore_search(version=resource.current_version).records
    assert [(r["a"], r["b"], r["c"]) for r in records] == [(True, None, "x"), (False, 2, None)]
    found = selectors.datastore_search(version=resource.current_version, filters={"a": "tak"})
    assert found.total == 1


def test_overflowing_number_is_listed_and_nothing_is_published(resource, clerk):
    table_import = publish_csv(resource, clerk, "a;b\n1;2\n2;3\n")
    resource.refresh_from_db()
    before = resource.current_version
    failed = actions.table_upload(
        resource=resource,
        upload=io.BytesIO(b"a;b\n1;2\n99999999999999999999999;3\n"),
        original_name="x.csv",
        acting_user=clerk,
    )
    actions.table_import_confirm(table_import=failed, field_types={}, acting_user=clerk)
    failed = actions.table_import_run(table_import_id=failed.pk)
    assert table_import.status == "succeeded"
    assert failed.status == "failed"
    assert failed.errors[0]["row"] == 2
    assert failed.errors[0]["column"] == "a"
    resource.refresh_from_db()
    assert resource.current_version == before
