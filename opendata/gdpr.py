"""The catalogue holds no resident data; for clerks it records who uploaded which file.

Erasure needs nothing here: ``created_by`` is SET_NULL, so deleting the account anonymises the
uploads and versions (the published data itself is not personal).
"""

from accounts.registry import GdprContributor, register_gdpr
from opendata.selectors import uploads_by

register_gdpr(GdprContributor(key="opendata", export=lambda user: uploads_by(user_id=user.pk)))
