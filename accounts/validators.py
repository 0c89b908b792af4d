"""Polish identifiers, validated in one place: PESEL, NIP, postal code (Kraków), phone.

The pure functions (``parse_pesel``, ``is_valid_nip``…) hold the rules; the ``validate_*``
wrappers raise Django's ValidationError with translated messages for forms and serializers.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PESEL_WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)
# The month field encodes the century: +80 for 1800s, +0 1900s, +20 2000s, +40 2100s, +60 2200s.
_CENTURY_BY_OFFSET = {80: 1800, 0: 1900, 20: 2000, 40: 2100, 60: 2200}
_KRAKOW_POSTAL = re.compile(r"^3[01]-\d{3}$")
_PHONE = re.compile(r"^\+?[0-9 ()-]{9,20}$")


@dataclass(frozen=True)
class Pesel:
    number: str
    birth_date: date
    sex: str  # "F" or "M": the 10th digit, even for women

    @property
    def masked(self) -> str:
        return mask_pesel(self.number)


class InvalidPesel(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def pesel_check_digit(first_ten: str) -> int:
    return (10 - sum(int(d) * w for d, w in zip(first_ten, PESEL_WEIGHTS, strict=True)) % 10) % 10


def parse_pesel(value: str) -> Pesel:
    """Parse a PESEL; raise InvalidPesel(code) with code format, checksum or date."""
    number = (value or "").strip()
    if not re.fullmatch(r"\d{11}", number):
        raise InvalidPesel("format")
    if pesel_check_digit(number[:10]) != int(number[10]):
        raise InvalidPesel("checksum")
    year, month, day = int(number[0:2]), int(number[2:4]), int(number[4:6])
    offset = (month // 20) * 20
    century = _CENTURY_BY_OFFSET.get(offset)
    if century is None:
        raise InvalidPesel("date")
    try:
        born = date(century + year, month - offset, day)
    except ValueError as exc:
        raise InvalidPesel("date") from exc
    return Pesel(number=number, birth_date=born, sex="F" if int(number[9]) % 2 == 0 else "M")


def mask_pesel(number: str) -> str:
    """Show only the last 4 digits: enough for a person to recognise their own number."""
    return "•" * 7 + number[-4:] if len(number) == 11 else ""


_PESEL_MESSAGES = {
    "format": _("PESEL musi składać się z 11 cyfr."),
    "checksum": _("Nieprawidłowy numer PESEL (błędna cyfra kontrolna)."),
    "date": _("Nieprawidłowy numer PESEL (data urodzenia nie istnieje)."),
}


def validate_pesel(value: str) -> None:
    try:
        parse_pesel(value)
    except InvalidPesel as exc:
        raise ValidationError(_PESEL_MESSAGES[exc.code], code=f"pesel_{exc.code}") from exc


def is_valid_nip(value: str) -> bool:
    digits = re.sub(r"[\s-]", "", value or "")
    if not re.fullmatch(r"\d{10}", digits):
        return False
    check = sum(int(d) * w for d, w in zip(digits[:9], NIP_WEIGHTS, strict=True)) % 11
    return check != 10 and check == int(digits[9])


def validate_nip(value: str) -> None:
    if not is_valid_nip(value):
        raise ValidationError(_("Nieprawidłowy numer NIP."), code="nip_invalid")


def validate_krakow_postal_code(value: str) -> None:
    """Kraków's postal codes are 30-xxx and 31-xxx."""
    if not _KRAKOW_POSTAL.fullmatch((value or "").strip()):
        raise ValidationError(
            _("Podaj krakowski kod pocztowy w formacie 30-xxx lub 31-xxx."), code="postal_code"
        )


def validate_phone(value: str) -> None:
    if not _PHONE.fullmatch((value or "").strip()):
        raise ValidationError(
            _("Podaj numer telefonu (9–15 cyfr, może zaczynać się od +)."), code="phone"
        )
