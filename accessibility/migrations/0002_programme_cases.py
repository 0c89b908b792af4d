"""The programme's real cases (buildings, BIP audit) and the statement's first row."""

from django.db import migrations


def forwards(apps, schema_editor):
    from accessibility.programme import load_all

    load_all(get_model=apps.get_model)


class Migration(migrations.Migration):
    dependencies = [
        ("accessibility", "0001_initial"),
        ("districts", "0002_load_districts"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
