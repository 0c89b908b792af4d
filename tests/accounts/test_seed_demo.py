import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_labels_its_people(settings):
    settings.DEMO_MODE = True
    call_command("seed_demo", stdout=None)
    first = set(User.objects.values_list("email", "last_name"))
    call_command("seed_demo")
    assert set(User.objects.values_list("email", "last_name")) == first
    assert all("(DEMO)" in last_name for _, last_name in first)


def test_seed_demo_refuses_to_run_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.exists()
