"""The one way a person is keyed on a voter register (budget and referenda alike)."""

import hashlib
import hmac

from django.conf import settings


def voter_hash(pesel: str) -> str:
    """HMAC-SHA256 of the PESEL under ``PERSONAL_DATA_HASH_KEY``: the register's key for a
    person, the same on every channel, without storing the PESEL itself."""
    key = settings.PERSONAL_DATA_HASH_KEY
    if not key:
        raise RuntimeError("PERSONAL_DATA_HASH_KEY is not set")
    return hmac.new(key.encode(), pesel.encode(), hashlib.sha256).hexdigest()
