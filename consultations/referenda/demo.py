"""Demo district referenda (labelled DEMO): one open, one closed with an approved protocol and
one closed whose protocol awaits a clerk's approval (``/referenda/urzad/protokoly/``)."""

from collections.abc import Callable
from datetime import timedelta

from django.contrib.auth.models import Permission
from django.utils import timezone

from accounts.models import User
from consultations.referenda import actions
from consultations.referenda.models import Referendum, ReferendumStatus
from districts.models import District


def _clerk() -> User:
    clerk, _created = User.objects.get_or_create(
        email="urzednik-referenda@demo.krakow.example",
        defaults={"first_name": "Piotr", "last_name": "Referendalny (DEMO)", "is_staff": True},
    )
    for codename in ("manage_referendum", "enter_paper_vote", "approve_protocol"):
        clerk.user_permissions.add(
            Permission.objects.get(content_type__app_label="referenda", codename=codename)
        )
    return User.objects.get(pk=clerk.pk)


def _referendum(
    *, question: str, district: int, opens_in: int, closes_in: int, clerk: User
) -> Referendum:
    """The demo referendum, created once and taken through opening and, if its dates are past,
    closing: the same actions and checks a clerk goes through."""
    now = timezone.now()
    referendum, _created = Referendum.objects.get_or_create(
        question=question,
        defaults={
            "district": District.objects.get(number=district),
            "opens_at": now + timedelta(days=opens_in),
            "closes_at": now + timedelta(days=closes_in),
        },
    )
    if referendum.status == ReferendumStatus.DRAFT:
        referendum = actions.referendum_open(referendum=referendum, acting_user=clerk)
    if referendum.status == ReferendumStatus.OPEN and referendum.closes_at <= now:
        referendum = actions.referendum_close(referendum=referendum, acting_user=clerk)
    return referendum


def seed(*, log: Callable[[str], object]) -> None:
    clerk = _clerk()
    _referendum(
        question="Czy zamienić parking przy ul. Szerokiej na skwer? [DEMO]",
        district=1,
        opens_in=-1,
        closes_in=13,
        clerk=clerk,
    )
    closed = _referendum(
        question="Czy wydłużyć godziny otwarcia domu kultury? [DEMO]",
        district=2,
        opens_in=-40,
        closes_in=-30,
        clerk=clerk,
    )
    if closed.protocol_approved_at is None:
        actions.referendum_protocol_approve(referendum=closed, acting_user=clerk)
    _referendum(
        question="Czy utworzyć strefę ograniczonego ruchu przy rynku dzielnicy? [DEMO]",
        district=3,
        opens_in=-10,
        closes_in=-2,
        clerk=clerk,
    )
    log("  referenda: one open, one closed with an approved protocol, one awaiting approval [DEMO]")
