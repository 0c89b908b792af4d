import pytest

from opendata import actions, selectors
from opendata.models import Dataset, ResourceVersion
from opendata.registry import OwnDataset, SchemaField, registered_datasets

pytestmark = pytest.mark.django_db


def test_registered_datasets_are_materialised_on_schedule():
    done = actions.own_datasets_materialise_due()
    assert {"nasadzenia-drzew", "turystyka-konferencje"} <= set(done)
    trees = Dataset.objects.get(own_slug="nasadzenia-drzew")
    assert trees.is_demo
    assert "(DEMO)" in trees.title_pl
    resource = trees.resources.get()
    assert resource.map_lat == "lat"
    records = selectors.datastore_search(version=resource.current_version, limit=200).records
    assert len(records) == 120
    assert all("[DEMO]" in r["gatunek"] for r in records)
    # Not due again within its schedule: no second version.
    assert "nasadzenia-drzew" not in actions.own_datasets_materialise_due()
    assert ResourceVersion.objects.filter(resource=resource).count() == 1


def test_tourism_table_has_a_bar_chart(client):
    from opendata.registry import registered_dataset

    version = actions.own_dataset_materialise(own=registered_dataset("turystyka-konferencje"))
    response = client.get(f"/otwarte-dane/zasoby/{version.resource.public_id}/")
    assert response.status_code == 200
    assert response.context["chart"]["rows"][0] == ("2017", 412000.0)


def test_a_broken_registration_does_not_stop_the_others(monkeypatch):
    from opendata import registry

    def broken_rows():
        raise RuntimeError("selector failed")

    broken = OwnDataset(
        slug="zepsuty",
        title_pl="Zepsuty",
        title_en="Broken",
        description_pl="x",
        description_en="x",
        fields=(SchemaField("a", "integer", "A", "A"),),
        rows=broken_rows,
    )
    monkeypatch.setitem(registry._datasets, "zepsuty", broken)
    done = actions.own_datasets_materialise_due()
    assert "zepsuty" not in done
    assert "nasadzenia-drzew" in done
    dataset = Dataset.objects.filter(own_slug="zepsuty").first()
    assert dataset is None or dataset.resources.get().current_version is None


def test_every_registration_materialises(settings):
    for own in registered_datasets():
        version = actions.own_dataset_materialise(own=own)
        assert version.schema["fields"][0]["name"] == own.fields[0].name


def test_seed_is_idempotent():
    from opendata.demo import seed

    seed(log=lambda message: None)
    seed(log=lambda message: None)
    assert (
        ResourceVersion.objects.filter(resource__dataset__own_slug="nasadzenia-drzew").count() == 1
    )


def test_gdpr_export_lists_a_clerks_uploads_and_erasure_anonymises(published, clerk):
    from accounts.registry import gdpr_contributors

    contributor = next(c for c in gdpr_contributors() if c.key == "opendata")
    exported = contributor.export(clerk)
    assert exported[0]["file"] == "dane.csv"
    assert exported[0]["status"] == "succeeded"
    assert contributor.erase is None
    clerk.delete()
    from opendata.models import TableImport

    assert TableImport.objects.get().created_by is None
    published.refresh_from_db()
    assert published.current_version.created_by is None
