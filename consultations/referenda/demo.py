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


def seed(*, log: Callable[[str], object]) -> None:
    now = timezone.now()
    clerk = _clerk()
    district = District.objects.get(number=1)
    open_one, _c = Referendum.objects.get_or_create(
        question="Czy zamienić parking przy ul. Szerokiej na skwer? [DEMO]",
        defaults={
            "district": district,
            "opens_at": now - timedelta(days=1),
            "closes_at": now + timedelta(days=13),
        },
    )
    if open_one.status == ReferendumStatus.DRAFT:
        actions.referendum_open(referendum=open_one, acting_user=clerk)
    closed, _c = Referendum.objects.get_or_create(
        question="Czy wydłużyć godziny otwarcia domu kultury? [DEMO]",
        defaults={
            "district": District.objects.get(number=2),
            "opens_at": now - timedelta(days=40),
            "closes_at": now - timedelta(days=30),
        },
    )
    if closed.status == ReferendumStatus.DRAFT:
        closed = actions.referendum_open(referendum=closed, acting_user=clerk)
    if closed.status == ReferendumStatus.OPEN:
        closed = actions.referendum_close(referendum=closed, acting_user=clerk)
    if closed.protocol_approved_at is None:
        actions.referendum_protocol_approve(referendum=closed, acting_user=clerk)
    awaiting, _c = Referendum.objects.get_or_create(
        question="Czy utworzyć strefę ograniczonego ruchu przy rynku dzielnicy? [DEMO]",
        defaults={
            "district": District.objects.get(number=3),
            "opens_at": now - timedelta(days=10),
            "closes_at": now - timedelta(days=2),
        },
    )
    if awaiting.status == ReferendumStatus.DRAFT:
        awaiting = actions.referendum_open(referendum=awaiting, acting_user=clerk)
    if awaiting.status == ReferendumStatus.OPEN:
        actions.referendum_close(referendum=awaiting, acting_user=clerk)
    log("  referenda: one open, one closed with an approved protocol, one awaiting approval [DEMO]")
