import io
from typing import Any

import pytest

from accounts.actions import role_grant
from accounts.models import Department, Role
from opendata import actions
from opendata.models import ImportStatus, Resource, ResourceKind
from tests.accounts.factories import UserFactory
from tests.opendata.factories import ResourceFactory

CSV_SEMICOLON = (
    "stacja;data;pm10;lat;lon;opis\n"
    "Aleje;2024-01-01;45,5;50.0577;19.9262;ruch\n"
    "Kurdwanów;2024-01-01;38,1;50.0109;19.9490;osiedle\n"
    "Nowa Huta;2024-01-02;52;50.0697;20.0532;przemysł\n"
)


@pytest.fixture
def department(db: Any) -> Department:
    return Department.objects.get_or_create(code="ks", defaults={"name": "Kształtowanie"})[0]


@pytest.fixture
def clerk(department: Department) -> Any:
    user = UserFactory()
    role_grant(user=user, role=Role.CLERK, acting_user=None, department=department)
    return user


@pytest.fixture
def other_clerk(db: Any) -> Any:
    other = Department.objects.get_or_create(code="edu", defaults={"name": "Edukacja"})[0]
    user = UserFactory()
    role_grant(user=user, role=Role.CLERK, acting_user=None, department=other)
    return user


@pytest.fixture
def council_member(db: Any) -> Any:
    from districts.models import District

    user = UserFactory()
    district = District.objects.order_by("pk").first()
    role_grant(
        user=user,
        role=Role.COUNCIL_MEMBER,
        acting_user=None,
        district_id=district.pk if district else None,
    )
    return user


@pytest.fixture
def resource(db: Any) -> Any:
    return ResourceFactory(
        map_lat="lat", map_lon="lon", chart_type="bar", chart_x="stacja", chart_y="pm10"
    )


def publish_csv(resource: Any, user: Any, text: str, encoding: str = "utf-8") -> Any:
    """Upload, confirm the inferred schema and run the (eager) import."""
    table_import = actions.table_upload(
        resource=resource,
        upload=io.BytesIO(text.encode(encoding)),
        original_name="dane.csv",
        acting_user=user,
    )
    table_import = actions.table_import_confirm(
        table_import=table_import, field_types={}, acting_user=user
    )
    table_import.refresh_from_db()
    if table_import.status == ImportStatus.QUEUED:
        # on_commit does not fire inside a test transaction: run what the task would.
        table_import = actions.table_import_run(table_import_id=table_import.pk)
    return table_import


@pytest.fixture
def published(resource: Any, clerk: Any) -> Any:
    table_import = publish_csv(resource, clerk, CSV_SEMICOLON)
    assert table_import.status == ImportStatus.SUCCEEDED, table_import.errors
    resource.refresh_from_db()
    return resource


PDF_ONE = b"%PDF-1.4 uchwala, wersja pierwsza"
PDF_TWO = b"%PDF-1.4 uchwala, wersja druga"


def add_file(dataset: Any, user: Any, name: str, content: bytes, kind_name: str = "Uchwała") -> Any:
    """A file resource of ``dataset`` published (one version per call)."""
    resource = Resource.objects.filter(dataset=dataset, name_pl=kind_name).first()
    if resource is None:
        resource = ResourceFactory(
            dataset=dataset,
            kind=ResourceKind.FILE,
            name_pl=kind_name,
            name_en=kind_name + " (en)",
            description_pl="Plik do pobrania.",
        )
    actions.resource_file_publish(
        resource=resource, upload=io.BytesIO(content), original_name=name, acting_user=user
    )
    resource.refresh_from_db()
    return resource
