"""Karta's part of the GDPR export and erasure (R-ACC-7)."""

from accounts.registry import GdprContributor, register_gdpr
from karta.actions import karta_personal_data_erase
from karta.selectors import karta_personal_data

register_gdpr(
    GdprContributor(
        key="karta",
        export=karta_personal_data,
        erase=lambda user: karta_personal_data_erase(user=user),
    )
)
