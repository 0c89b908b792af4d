"""Karta Krakowska card numbers (R-KK-2).

Pure module: no Django import.

Format: 12 decimal digits = an 11-digit zero-padded sequence number followed by one Luhn
(ISO/IEC 7812-1, "mod 10") check digit, computed over the 11 digits. Stored without
separators (``"000000012344"``), displayed in three groups of four (``"0000 0001 2344"``).
There is no prefix: the number is only ever read in the context of the card.

The number is an identifier, not a secret (a sequence is guessable); what a partner trusts is
the signed QR token (:mod:`karta.tokens`). The check digit only catches typing errors when a
clerk or a partner keys a number in: Luhn detects every single-digit error and every
transposition of two adjacent different digits except ``09`` ↔ ``90``.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = [
    "CARD_NUMBER_LENGTH",
    "MAX_SEQUENCE",
    "CardNumberError",
    "format_card_number",
    "generate_card_number",
    "is_valid_card_number",
    "luhn_check_digit",
    "normalise_card_number",
]

CARD_NUMBER_LENGTH: Final = 12
_BODY_LENGTH: Final = CARD_NUMBER_LENGTH - 1
MAX_SEQUENCE: Final = 10**_BODY_LENGTH - 1

# Separators people type or that scanners and word processors produce: ASCII space and hyphen,
# no-break and thin spaces, and the Unicode dashes.
_SEPARATORS: Final = re.compile(r"[\s\-\u00a0\u2009\u202f\u2010\u2011\u2012\u2013\u2014]")
# ASCII digits only: str.isdigit() would accept e.g. Arabic-Indic digits.
_DIGITS: Final = re.compile(r"[0-9]{12}")


class CardNumberError(ValueError):
    """A string that is not a valid card number (wrong length, characters or check digit)."""


def luhn_check_digit(body: str) -> str:
    """The Luhn check digit for a string of ASCII digits.

    Working from the rightmost body digit, every other digit (starting with that one) is
    doubled, with 9 subtracted when the result exceeds 9; the check digit brings the sum to a
    multiple of 10.
    """
    if not body or not re.fullmatch(r"[0-9]+", body):
        raise CardNumberError("the body must be a non-empty string of digits")
    total = 0
    for position, char in enumerate(reversed(body)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def generate_card_number(sequence: int) -> str:
    """The 12-digit card number for ``sequence`` (1 … :data:`MAX_SEQUENCE`), without separators.

    Deterministic: the same sequence always gives the same number; the caller owns the sequence
    (a database sequence), so numbers are unique as long as sequences are.
    """
    if isinstance(sequence, bool) or not isinstance(sequence, int):
        raise TypeError("sequence must be an int")
    if not 1 <= sequence <= MAX_SEQUENCE:
        raise CardNumberError(f"sequence must be between 1 and {MAX_SEQUENCE}, got {sequence}")
    body = f"{sequence:0{_BODY_LENGTH}d}"
    return body + luhn_check_digit(body)


def normalise_card_number(value: str) -> str:
    """The canonical 12-digit form of a typed card number, or :class:`CardNumberError`.

    Spaces (including no-break and thin spaces) and dashes anywhere are removed; what remains
    must be exactly 12 ASCII digits with a correct Luhn check digit, and not all zeros.
    """
    if not isinstance(value, str):
        raise CardNumberError("a card number must be a string")
    digits = _SEPARATORS.sub("", value)
    if not _DIGITS.fullmatch(digits):
        raise CardNumberError("a card number has 12 digits")
    if luhn_check_digit(digits[:-1]) != digits[-1]:
        raise CardNumberError("the check digit does not match: the number has a typo")
    if int(digits[:-1]) == 0:
        raise CardNumberError("sequence 0 is never issued")
    return digits


def is_valid_card_number(value: str) -> bool:
    """True if ``value`` (with or without separators) is a well-formed card number."""
    try:
        normalise_card_number(value)
    except CardNumberError:
        return False
    return True


def format_card_number(value: str) -> str:
    """The display form ``"1234 5678 9012"`` of a valid card number (any input separators)."""
    digits = normalise_card_number(value)
    return " ".join(digits[i : i + 4] for i in range(0, CARD_NUMBER_LENGTH, 4))
