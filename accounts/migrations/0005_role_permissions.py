"""Model permissions of the accounts app for the role groups (R-ACC-6).

Clerks look residents up, verify them in person and read the consent and assisted-act logs;
assistants manage trainings; administrators hold every accounts permission.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "clerk": [
        "view_user",
        "change_user",
        "view_consentrecord",
        "view_assistedact",
        "view_trainingsession",
    ],
    "assistant": [
        "view_trainingsession",
        "add_trainingsession",
        "change_trainingsession",
        "view_assistedact",
    ],
    "administrator": None,  # all of accounts
}


def grant(apps, schema_editor):  # type: ignore[no-untyped-def]
    # Permissions are normally created after all migrations; create accounts' now.
    config = apps.get_app_config("accounts")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    accounts_perms = Permission.objects.filter(content_type__app_label="accounts")
    for role, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=role)
        perms = (
            accounts_perms if codenames is None else accounts_perms.filter(codename__in=codenames)
        )
        group.permissions.add(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_citizen_account"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
