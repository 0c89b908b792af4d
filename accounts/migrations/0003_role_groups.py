"""One Django group per role (R-ACC-6); model permissions are attached by each app."""

from django.db import migrations

ROLES = ["clerk", "council_member", "moderator", "assistant", "administrator"]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_profile_roles_departments"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
