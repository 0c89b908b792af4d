"""Load the 18 districts from districts/data/krakow-districts.csv (city BIP, 2019)."""

from django.db import migrations


def load(apps, schema_editor):
    from districts.reference import read_districts

    District = apps.get_model("districts", "District")
    for row in read_districts():
        number = row.pop("number")
        District.objects.update_or_create(number=number, defaults=dict(row))


class Migration(migrations.Migration):
    dependencies = [("districts", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
