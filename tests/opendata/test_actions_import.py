import io

import pytest
from django.db import connection

from opendata import actions, selectors
from opendata.models import ImportStatus, ResourceVersion, TableImport
from tests.opendata.conftest import CSV_SEMICOLON, publish_csv

pytestmark = pytest.mark.django_db


def test_semicolon_csv_with_decimal_comma_is_inferred_and_published(resource, clerk):
    table_import = publish_csv(resource, clerk, CSV_SEMICOLON)

    assert table_import.status == ImportStatus.SUCCEEDED
    types = {f["name"]: f["type"] for f in table_import.schema["fields"]}
    assert types == {
        "stacja": "string",
        "data": "date",
        "pm10": "number",
        "lat": "number",
        "lon": "number",
        "opis": "string",
    }
    resource.refresh_from_db()
    assert resource.current_version.row_count == 3
    result = selectors.datastore_search(version=resource.current_version, sort="pm10 desc")
    assert [r["pm10"] for r in result.records] == [52, 45.5, 38.1]
    assert result.records[1]["stacja"] == "Aleje"
    assert resource.current_version.history.first().history_user == clerk


def test_cp1250_file_is_read_with_polish_letters(resource, clerk):
    table_import = publish_csv(resource, clerk, CSV_SEMICOLON, encoding="cp1250")

    assert table_import.encoding == "cp1250"
    resource.refresh_from_db()
    records = selectors.datastore_search(version=resource.current_version).records
    assert records[1]["stacja"] == "Kurdwanów"
    assert records[2]["opis"] == "przemysł"


def test_comma_csv_with_dot_decimals(resource, clerk):
    table_import = publish_csv(resource, clerk, "a,b\n1,2.5\n2,3\n")

    assert table_import.delimiter == ","
    assert [f["type"] for f in table_import.schema["fields"]] == ["integer", "number"]


def test_schema_violation_lists_row_and_column_and_keeps_previous_version(published, clerk):
    before = published.current_version
    bad = CSV_SEMICOLON + "Bronowice;2024-13-45;xyz;50;19;zły\n"
    table_import = actions.table_upload(
        resource=published,
        upload=io.BytesIO(bad.encode()),
        original_name="x.csv",
        acting_user=clerk,
    )
    actions.table_import_confirm(
        table_import=table_import,
        field_types={"data": "date", "pm10": "number"},
        acting_user=clerk,
    )
    table_import = actions.table_import_run(table_import_id=table_import.pk)

    assert table_import.status == ImportStatus.FAILED
    assert {(e["row"], e["column"]) for e in table_import.errors} == {(4, "data"), (4, "pm10")}
    published.refresh_from_db()
    assert published.current_version == before
    assert ResourceVersion.objects.filter(resource=published).count() == 1
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {actions.rows_table(before.pk)}")  # noqa: S608
        assert cursor.fetchone()[0] == 3
        cursor.execute(
            "SELECT count(*) FROM pg_tables WHERE tablename = %s",
            [actions.rows_table(before.pk + 1)],
        )
        assert cursor.fetchone()[0] == 0  # the staging table of the failed import is gone
    message = actions.table_error_message(table_import.errors[0])
    assert "Wiersz 4" in message


def test_clerk_may_correct_a_type_to_string(resource, clerk):
    table_import = actions.table_upload(
        resource=resource,
        upload=io.BytesIO(b"kod;nazwa\n001;a\n002;b\n"),
        original_name="k.csv",
        acting_user=clerk,
    )
    assert table_import.schema["fields"][0]["type"] == "integer"
    actions.table_import_confirm(
        table_import=table_import, field_types={"kod": "string"}, acting_user=clerk
    )
    table_import = actions.table_import_run(table_import_id=table_import.pk)

    resource.refresh_from_db()
    records = selectors.datastore_search(version=resource.current_version).records
    assert records[0]["kod"] == "001"


def test_unknown_type_is_rejected(resource, clerk):
    table_import = actions.table_upload(
        resource=resource, upload=io.BytesIO(b"a\n1\n"), original_name="k.csv", acting_user=clerk
    )
    with pytest.raises(actions.ValidationError):
        actions.table_import_confirm(
            table_import=table_import, field_types={"a": "DROP TABLE"}, acting_user=clerk
        )
    table_import.refresh_from_db()
    assert table_import.status == ImportStatus.UPLOADED


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty"),
        (b";b\n1;2\n", "empty_column_name"),
        (b"a;a\n1;2\n", "duplicate_column"),
        (b"a;b\n1;2;3\n", "column_count"),
        (b'a;b\n"1;2\n', "malformed"),
    ],
)
def test_unreadable_upload_is_rejected_and_nothing_is_stored(resource, clerk, content, code):
    with pytest.raises(actions.ImportRejected) as caught:
        actions.table_upload(
            resource=resource, upload=io.BytesIO(content), original_name="x.csv", acting_user=clerk
        )
    assert caught.value.table_errors[0]["code"] == code
    assert not TableImport.objects.exists()


def test_huge_field_is_rejected_with_its_row(resource, clerk):
    text = "a;b\n1;x\n2;" + "y" * 200_000 + "\n"
    with pytest.raises(actions.ImportRejected) as caught:
        publish_csv(resource, clerk, text)

    assert caught.value.table_errors[0] == {"code": "huge_field", "row": 2}
    assert "Wiersz 2" in caught.value.messages[0]
    assert not TableImport.objects.exists()
    resource.refresh_from_db()
    assert resource.current_version is None


def test_invalid_utf8_after_the_sniffed_head_is_an_encoding_error(resource, clerk):
    head = "a;b\n" + "".join(f"{i};zażółć\n" for i in range(10_000))
    content = head.encode() + b"99;\xff\xfe\n"
    table_import = actions.table_upload(
        resource=resource, upload=io.BytesIO(content), original_name="x.csv", acting_user=clerk
    )
    actions.table_import_confirm(table_import=table_import, field_types={}, acting_user=clerk)
    table_import = actions.table_import_run(table_import_id=table_import.pk)

    assert table_import.status == ImportStatus.FAILED
    assert table_import.errors[0]["code"] == "encoding"
    assert table_import.errors[0]["row"] == 10_001
    resource.refresh_from_db()
    assert resource.current_version is None


def test_second_import_becomes_version_two_and_run_is_idempotent(published, clerk):
    table_import = publish_csv(published, clerk, "stacja;pm10\nA;1\n")

    published.refresh_from_db()
    assert published.current_version.number == 2
    assert published.current_version.row_count == 1
    again = actions.table_import_run(table_import_id=table_import.pk)
    assert again.status == ImportStatus.SUCCEEDED
    assert ResourceVersion.objects.filter(resource=published).count() == 2
