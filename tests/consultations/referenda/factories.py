from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from consultations.referenda import actions
from consultations.referenda.models import Referendum
from tests.consultations.budget import factories as bf


def referendum(*, district_number: int = 1, opened: bool = True, **extra: Any) -> Referendum:
    now = timezone.now()
    r = Referendum.objects.create(
        district=bf.district(district_number),
        question=extra.pop("question", "Czy utworzyć park kieszonkowy przy ul. Długiej?"),
        opens_at=extra.pop("opens_at", now - timedelta(hours=1)),
        closes_at=extra.pop("closes_at", now + timedelta(days=7)),
        validity_threshold=extra.pop("validity_threshold", Decimal("30")),
        **extra,
    )
    if opened:
        r = actions.referendum_open(
            referendum=r, acting_user=bf.clerk("referenda.manage_referendum")
        )
    return r
