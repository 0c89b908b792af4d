"""Public open-data pages for the axe harness (pl and en).

The clerk's screens need a login and a failed upload: tests/opendata/test_a11y_clerk.py.
"""

import io

from accounts.actions import role_grant
from accounts.models import Department, Role
from opendata import actions
from opendata.models import ResourceKind
from opendata.registry import registered_dataset
from tests.accounts.factories import UserFactory
from tests.opendata.factories import ResourceFactory

CSV = "stacja;data;pm10;lat;lon\nAleje;2024-01-01;45,5;50.0577;19.9262\nKurdwanów;2024-01-01;38,1;50.0109;19.9490\n"

GEO_CSV = (
    "nazwa;ksztalt\n"
    'Rynek;"{""type"": ""Polygon"", ""coordinates"": [[[19.936, 50.061], [19.939, 50.061], '
    '[19.939, 50.062], [19.936, 50.061]]]}"\n'
    'Planty;"{""type"": ""LineString"", ""coordinates"": [[19.93, 50.06], [19.94, 50.065]]}"\n'
)


def pages() -> list[str]:
    trees = actions.own_dataset_materialise(own=registered_dataset("nasadzenia-drzew"))
    tourism = actions.own_dataset_materialise(own=registered_dataset("turystyka-konferencje"))
    resource = ResourceFactory(
        map_lat="lat", map_lon="lon", chart_type="line", chart_x="stacja", chart_y="pm10"
    )
    department, _ = Department.objects.get_or_create(code="ks", defaults={"name": "KS"})
    clerk = UserFactory()
    role_grant(user=clerk, role=Role.CLERK, acting_user=None, department=department)
    actions.table_upload(
        resource=resource,
        upload=io.BytesIO(CSV.encode()),
        original_name="dane.csv",
        acting_user=clerk,
    )
    failed = actions.table_upload(
        resource=resource,
        upload=io.BytesIO(b"a;b\n1;2\n2;x\n"),
        original_name="zle.csv",
        acting_user=clerk,
    )
    actions.table_import_confirm(
        table_import=failed, field_types={"b": "integer"}, acting_user=clerk
    )
    actions.table_import_run(table_import_id=failed.pk)
    files = ResourceFactory(kind=ResourceKind.FILE, format="PDF", name_pl="Uchwała")
    for content in (b"%PDF-1 pierwsza", b"%PDF-1 druga"):
        actions.resource_file_publish(
            resource=files,
            upload=io.BytesIO(content),
            original_name="uchwala.pdf",
            acting_user=clerk,
        )
    shapes = ResourceFactory(map_geojson="ksztalt", name_pl="Obszary")
    shapes_import = actions.table_upload(
        resource=shapes,
        upload=io.BytesIO(GEO_CSV.encode()),
        original_name="obszary.csv",
        acting_user=clerk,
    )
    actions.table_import_confirm(table_import=shapes_import, field_types={}, acting_user=clerk)
    actions.table_import_run(table_import_id=shapes_import.pk)
    slug = resource.dataset.slug
    return [
        "/otwarte-dane/",
        "/otwarte-dane/?q=drzewa&group=srodowisko",
        f"/otwarte-dane/zbiory/{slug}/",
        f"/otwarte-dane/zbiory/{trees.resource.dataset.slug}/",
        f"/otwarte-dane/zasoby/{trees.resource.public_id}/",
        f"/otwarte-dane/zasoby/{tourism.resource.public_id}/",
        f"/otwarte-dane/zasoby/{tourism.resource.public_id}/?sort=nie+ma",
        f"/otwarte-dane/zasoby/{resource.public_id}/",
        f"/otwarte-dane/zasoby/{files.public_id}/",
        f"/otwarte-dane/zasoby/{shapes.public_id}/",
    ]
