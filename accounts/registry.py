"""Registries other apps contribute to: dashboard panels and GDPR export/erasure.

Each app declares its contributions in ``<app>/dashboard.py`` and ``<app>/gdpr.py``; they are
imported once at start-up (AccountsConfig.ready), so accounts never imports another app.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class DashboardPanel:
    """A panel on the resident's "My city" dashboard.

    ``context(user)`` returns the template context, or None to hide the panel for this user.
    """

    key: str
    title: str | Promise
    template: str
    context: Callable[["User"], dict[str, Any] | None]
    order: int = 100


@dataclass(frozen=True)
class GdprContributor:
    """What an app holds about a person: ``export`` returns JSON-ready data; ``erase`` removes
    or anonymises what the city need not keep (inside the deletion transaction)."""

    key: str
    export: Callable[["User"], Any]
    erase: Callable[["User"], None] | None = None


_panels: dict[str, DashboardPanel] = {}
_gdpr: dict[str, GdprContributor] = {}


def register_dashboard_panel(panel: DashboardPanel) -> None:
    _panels[panel.key] = panel


def register_gdpr(contributor: GdprContributor) -> None:
    _gdpr[contributor.key] = contributor


def dashboard_panels() -> list[DashboardPanel]:
    return sorted(_panels.values(), key=lambda panel: (panel.order, panel.key))


def gdpr_contributors() -> list[GdprContributor]:
    return sorted(_gdpr.values(), key=lambda contributor: contributor.key)
