"""What accessibility holds about a person: the requests and complaints they filed."""

from typing import Any

from accessibility.selectors import personal_data
from accounts.models import User
from accounts.registry import GdprContributor, register_gdpr


def _export(user: User) -> Any:
    return personal_data(user=user)


# No erasure: a request or complaint under art. 18 of the 2019 act is a case the office must
# keep on file; deleting the account only unlinks it (the foreign key is SET_NULL).
register_gdpr(GdprContributor("accessibility", _export, None))
