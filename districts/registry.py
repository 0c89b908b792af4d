"""District activity: what is happening in a district, contributed by any app.

An app registers a provider (``callable(district_id) -> list of ActivityItem``) in its
``<app>/district_activity.py`` (imported at start-up by the districts app); the district page shows
the items of all providers, newest first. The districts app never imports the other apps.
"""

from collections.abc import Callable
from datetime import date
from typing import TypedDict


class ActivityItem(TypedDict):
    title: str
    url: str
    kind: str
    date: date | None


ActivityProvider = Callable[[int], list[ActivityItem]]

_providers: dict[str, ActivityProvider] = {}


def register_activity_provider(key: str, provider: ActivityProvider) -> None:
    """Register ``provider`` under ``key`` (registering the same key again replaces it)."""
    _providers[key] = provider


def activity_for(district_id: int, *, limit: int = 20) -> list[ActivityItem]:
    """Items of every provider for the district, newest first (undated last)."""
    items: list[ActivityItem] = []
    for key in sorted(_providers):
        items.extend(_providers[key](district_id))
    dated = sorted(
        (i for i in items if i["date"] is not None),
        key=lambda i: i["date"] or date.min,
        reverse=True,
    )
    undated = [i for i in items if i["date"] is None]
    return (dated + undated)[:limit]
