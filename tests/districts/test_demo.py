import pytest

from districts import demo
from districts.models import Allocation, CouncilMember, CouncilOffice, Resolution

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_labelled():
    demo.seed(log=lambda _line: None)
    counts = [m.objects.count() for m in (Allocation, CouncilOffice, CouncilMember, Resolution)]
    demo.seed(log=lambda _line: None)
    assert [
        m.objects.count() for m in (Allocation, CouncilOffice, CouncilMember, Resolution)
    ] == counts
    assert counts[0] == 18 * len(demo.PLAN)
    assert all("(DEMO)" in m.full_name for m in CouncilMember.objects.all())
    assert all("[DEMO]" in o.seat_address for o in CouncilOffice.objects.all())
    assert all("[DEMO]" in t.title for r in Resolution.objects.all() for t in r.tasks.all())
