from decimal import Decimal

from django.db import migrations

# The split used since 2015: 40% equally, 40% by permanent residents, 20% by city-owned land.
DEFAULT = [
    ("equal", Decimal("0.4000"), "equal", 1),
    ("residents", Decimal("0.4000"), "residents", 2),
    ("land_area", Decimal("0.2000"), "land_area", 3),
]


def load(apps, schema_editor):
    component = apps.get_model("districts", "FormulaComponent")
    for key, share, basis, order in DEFAULT:
        component.objects.get_or_create(
            key=key, defaults={"share": share, "basis": basis, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("districts", "0003_councils_funds_resolutions")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
