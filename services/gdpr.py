"""GDPR: the resident's drafts (with their files), cases, letters and local-tax records.

Drafts are erased. Cases are official records the office must keep (ustawa z 14 lipca 1983 r.
o narodowym zasobie archiwalnym i archiwach; KPA): they stay, linked to the anonymised account,
and so do letters sent and tax records (Ordynacja podatkowa), which the finance system owns.
"""

from accounts.models import User
from accounts.registry import GdprContributor, register_gdpr
from services.actions import drafts_erase
from services.selectors import personal_data_export


def _erase(user: User) -> None:
    drafts_erase(owner=user)


register_gdpr(
    GdprContributor(
        key="services",
        export=lambda user: personal_data_export(user=user),
        erase=_erase,
    )
)
