"""Accounts' own part of the GDPR export; its erasure is done by ``account_delete`` itself."""

from accounts.registry import GdprContributor, register_gdpr
from accounts.selectors import own_personal_data

register_gdpr(GdprContributor(key="accounts", export=lambda user: own_personal_data(user=user)))
