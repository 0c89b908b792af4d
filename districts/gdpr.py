"""What the districts app holds about a person, for the GDPR export and account deletion.

Held: council membership (the role itself is kept and erased by accounts), authorship of
budget resolutions (created, filed, reviewed), task photos and documents uploaded, and the
clerks' deadline overrides granted — each a link from a record to the account.

Erasure keeps every one of those records: budget resolutions, their review, the overrides and
the task documentation are public records of how the district's money is spent, which the city
must keep (art. 6(1)(c) and (e), art. 17(3)(b) GDPR; ustawa o samorządzie gminnym, art. 11b;
ustawa o narodowym zasobie archiwalnym i archiwach). They stay linked to the account that
accounts anonymises in the same transaction, so no name, e-mail or PESEL stays behind; task
photos carry no metadata (stripped on upload). Hence no ``erase`` step here.
"""

from typing import Any

from accounts.models import User
from accounts.registry import GdprContributor, register_gdpr
from districts.selectors import personal_data


def _export(user: User) -> Any:
    return personal_data(user=user)


register_gdpr(GdprContributor("districts", _export, None))
