"""Print a new Ed25519 QR signing key as the JSON that ``KARTA_SIGNING_KEYS`` takes.

    manage.py karta_signing_key k2026a

For a rotation, merge the printed entry into the existing object, publish (deploy) with the
old ``KARTA_SIGNING_KID``, then switch ``KARTA_SIGNING_KID`` to the new kid; drop the old key
once its last tokens have expired (24 h).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from karta.tokens import _KID_RE, generate_private_key, private_key_to_pem


class Command(BaseCommand):
    help = "Print a new Ed25519 signing key for KARTA_SIGNING_KEYS ({kid: PEM})."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kid", help="key id: 1–16 characters A–Z a–z 0–9 _ -")

    def handle(self, *args: Any, **options: Any) -> None:
        kid = options["kid"]
        if not _KID_RE.fullmatch(kid):
            raise CommandError("kid: 1–16 characters A–Z a–z 0–9 _ -")
        self.stdout.write(json.dumps({kid: private_key_to_pem(generate_private_key())}))
