"""Every generated valid PESEL is accepted; every single-digit change of one is rejected."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accounts.validators import InvalidPesel, parse_pesel
from tests.accounts.factories import make_pesel

dates = st.dates(min_value=date(1800, 1, 1), max_value=date(2299, 12, 31))


@given(born=dates, serial=st.integers(0, 999), female=st.booleans())
def test_every_generated_valid_pesel_is_accepted_with_its_date_and_sex(born, serial, female):
    number = make_pesel(born, serial, female)
    parsed = parse_pesel(number)
    assert parsed.birth_date == born
    assert parsed.sex == ("F" if female else "M")


@given(
    born=dates,
    serial=st.integers(0, 999),
    position=st.integers(0, 10),
    delta=st.integers(1, 9),
)
def test_every_single_digit_change_is_rejected(born, serial, position, delta):
    number = make_pesel(born, serial)
    digits = list(number)
    digits[position] = str((int(digits[position]) + delta) % 10)
    with pytest.raises(InvalidPesel):
        parse_pesel("".join(digits))


@pytest.mark.parametrize(
    ("value", "code"),
    [("4405140145", "format"), ("44051401457", "checksum"), ("4405140145x", "format")],
)
def test_malformed_pesel_names_the_reason(value, code):
    with pytest.raises(InvalidPesel) as exc:
        parse_pesel(value)
    assert exc.value.code == code


def test_impossible_date_with_a_correct_checksum_is_rejected():
    from accounts.validators import pesel_check_digit

    first_ten = "9902301234"  # 30 February 1999
    with pytest.raises(InvalidPesel) as exc:
        parse_pesel(first_ten + str(pesel_check_digit(first_ten)))
    assert exc.value.code == "date"
