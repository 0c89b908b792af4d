from django.db import migrations


def load(apps, schema_editor):
    from services.reference import load as load_reference

    load_reference(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial"), ("accounts", "0004_citizen_account")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
