"""GDPR: the resident's drafts and cases.

Drafts are erased. Cases are official records the office must keep (ustawa z 14 lipca 1983 r.
o narodowym zasobie archiwalnym i archiwach; KPA): they stay, linked to the anonymised account.
"""

from accounts.models import User
from accounts.registry import GdprContributor, register_gdpr
from services.models import Draft
from services.selectors import personal_data_export


def _erase(user: User) -> None:
    Draft.objects.filter(owner=user).delete()


register_gdpr(
    GdprContributor(
        key="services",
        export=lambda user: personal_data_export(user=user),
        erase=_erase,
    )
)
