import pytest

from accounts import demo
from accounts.models import RoleAssignment, TrainingSession, User

pytestmark = pytest.mark.django_db


def test_accounts_demo_is_idempotent_and_labelled():
    demo.seed(log=lambda line: None)
    counts = (User.objects.count(), TrainingSession.objects.count(), RoleAssignment.objects.count())
    demo.seed(log=lambda line: None)
    assert counts == (
        User.objects.count(),
        TrainingSession.objects.count(),
        RoleAssignment.objects.count(),
    )
    assert all("(DEMO)" in name for name in User.objects.values_list("last_name", flat=True))
    assert all(
        t.startswith("[DEMO]") for t in TrainingSession.objects.values_list("title", flat=True)
    )
