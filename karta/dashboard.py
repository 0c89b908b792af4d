"""Karta's panel on the resident's "My city" dashboard: status, expiry and the card's QR."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.registry import DashboardPanel, register_dashboard_panel
from karta.actions import card_token, current_status
from karta.qr import qr_svg
from karta.selectors import cards_of


def _panel(user: User) -> dict[str, Any]:
    status = current_status(user)
    card = next((c for c in cards_of(user) if c.is_active and not c.child_first_name), None)
    qr = None
    if card is not None:
        qr = qr_svg(
            card_token(card=card, now=timezone.now()),
            label=_("Kod QR karty %(number)s") % {"number": card.display_number},
        )
    days_left = (
        (status.valid_until - timezone.localdate()).days if status and status.valid_until else None
    )
    return {"status": status, "card": card, "qr": qr, "days_left": days_left}


register_dashboard_panel(
    DashboardPanel("karta", gettext_lazy("Karta Krakowska"), "karta/panel.html", _panel, 40)
)
