"""The budget's part of the GDPR export (R-ACC-7).

Exported: the projects the person submitted and where they are on the voter register (found by
the keyed hash of their PESEL). Ballots are not linked to anyone, so there is nothing personal in
them to export. Nothing is erased: the register is needed to keep "one person, one ballot" and
the results verifiable; submitted projects are public records and lose only the author link.
"""

from typing import Any

from accounts.models import User
from accounts.registry import GdprContributor, register_gdpr
from consultations.budget.models import Project
from consultations.budget.selectors import participations


def export(user: User) -> dict[str, Any]:
    return {
        "voted": [
            {
                "edition": e.edition.year,
                "pool_kind": e.pool_kind,
                "channel": e.channel,
                "receipt_code": e.receipt_code,
            }
            for e in participations(user=user)
        ],
        "projects_submitted": [
            {"title": p.title, "edition": p.pool.edition.year, "status": p.status}
            for p in Project.objects.filter(submitted_by=user).select_related("pool__edition")
        ],
    }


def erase(user: User) -> None:
    Project.objects.filter(submitted_by=user).update(submitted_by=None)


register_gdpr(GdprContributor(key="budget", export=export, erase=erase))
