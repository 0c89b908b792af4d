"""The districts app's own contribution to "what is happening in the district"."""

from django.urls import reverse
from django.utils.translation import gettext as _

from districts.registry import ActivityItem, register_activity_provider
from districts.selectors import public_resolutions_for_district


def _resolutions(district_id: int) -> list[ActivityItem]:
    return [
        ActivityItem(
            title=_("Uchwała nr %(number)s: %(status)s")
            % {"number": r.number, "status": r.get_status_display()},
            url=reverse("districts:resolution", kwargs={"public_id": r.public_id}),
            kind=_("uchwała rady"),
            date=r.adopted_on,
        )
        for r in public_resolutions_for_district(district_id=district_id, limit=5)
    ]


register_activity_provider("districts.resolutions", _resolutions)
