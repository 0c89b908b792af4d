"""Tests for Karta Krakowska card numbers (karta/cardnumbers.py, R-KK-2)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from karta.cardnumbers import (
    MAX_SEQUENCE,
    CardNumberError,
    format_card_number,
    generate_card_number,
    is_valid_card_number,
    luhn_check_digit,
    normalise_card_number,
)

_sequences = st.integers(min_value=1, max_value=MAX_SEQUENCE)


def test_luhn_check_digit_matches_the_textbook_example():
    # given: the classic Luhn example 7992739871 → check digit 3
    assert luhn_check_digit("7992739871") == "3"


def test_generated_number_is_twelve_digits_with_the_sequence_and_luhn_digit():
    # when
    number = generate_card_number(1234)

    # then
    assert number == "00000001234" + luhn_check_digit("00000001234")
    assert len(number) == 12
    assert is_valid_card_number(number)


def test_largest_sequence_is_accepted_and_out_of_range_sequences_are_refused():
    assert len(generate_card_number(MAX_SEQUENCE)) == 12
    with pytest.raises(CardNumberError):
        generate_card_number(0)
    with pytest.raises(CardNumberError):
        generate_card_number(MAX_SEQUENCE + 1)
    with pytest.raises(TypeError):
        generate_card_number(True)


def test_number_is_displayed_in_groups_of_four():
    assert format_card_number(generate_card_number(1234)) == "0000 0001 2344"


@pytest.mark.parametrize(
    "typed",
    ["0000 0001 2344", "0000-0001-2344", " 000000012344 ", "0000\u00a00001\u20132344"],
)
def test_spaces_and_dashes_are_normalised_away(typed):
    assert normalise_card_number(typed) == "000000012344"
    assert is_valid_card_number(typed)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "00000001234",  # 11 digits
        "0000000123440",  # 13 digits
        "000000012349",  # wrong check digit
        "00000001234a",
        "٠٠٠٠٠٠٠١٢٣٤٨",  # Arabic-Indic digits are not card digits
        "000000000000",  # sequence 0 is never issued
        "0000.0001.2344",
    ],
)
def test_malformed_numbers_are_invalid(bad):
    assert not is_valid_card_number(bad)
    with pytest.raises(CardNumberError):
        normalise_card_number(bad)


def test_non_string_is_invalid():
    assert not is_valid_card_number(12344)  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(sequence=_sequences)
def test_every_generated_number_validates_and_keeps_its_sequence(sequence):
    number = generate_card_number(sequence)

    assert is_valid_card_number(number)
    assert int(number[:-1]) == sequence
    assert normalise_card_number(format_card_number(number)) == number


@settings(max_examples=200, deadline=None)
@given(
    sequence=_sequences,
    position=st.integers(min_value=0, max_value=11),
    delta=st.integers(min_value=1, max_value=9),
)
def test_every_single_digit_error_is_detected(sequence, position, delta):
    # given
    number = generate_card_number(sequence)
    wrong_digit = str((int(number[position]) + delta) % 10)

    # when
    typo = number[:position] + wrong_digit + number[position + 1 :]

    # then
    assert not is_valid_card_number(typo)


@settings(max_examples=300, deadline=None)
@given(sequence=_sequences, position=st.integers(min_value=0, max_value=10))
def test_adjacent_transpositions_are_detected_except_09_and_90(sequence, position):
    # given
    number = generate_card_number(sequence)
    a, b = number[position], number[position + 1]
    swapped = number[:position] + b + a + number[position + 2 :]

    # when
    detected = not is_valid_card_number(swapped)

    # then: Luhn's documented blind spot is exactly the pair {0, 9} (0↔0 and 9→18→9 both add 9)
    if a == b:
        assert not detected  # nothing changed
    elif {a, b} == {"0", "9"}:
        assert not detected
    else:
        assert detected


def _valid_number_with(position: int, a: str, b: str) -> str:
    """A valid card number with digits ``a``, ``b`` at indexes ``position``, ``position + 1``.

    For ``position == 10`` ``b`` is the check digit, reached by varying another body digit
    (changing one digit moves the Luhn sum through every residue mod 10).
    """
    free = 5 if position < 4 else 0
    for filler in "0123456789":
        body = list("31415926535")
        body[free] = filler
        body[position] = a
        if position < 10:
            body[position + 1] = b
        number = "".join(body) + luhn_check_digit("".join(body))
        if number[position : position + 2] == a + b:
            return number
    raise AssertionError(f"no number with {a}{b} at {position}")


def test_every_adjacent_transposition_of_distinct_digits_other_than_09_is_detected():
    # given: exhaustively, every ordered pair of distinct digits at every adjacent position,
    # including the pair that ends with the check digit
    for position in range(11):
        for a in "0123456789":
            for b in "0123456789":
                if a == b:
                    continue
                number = _valid_number_with(position, a, b)

                # when
                swapped = number[:position] + b + a + number[position + 2 :]

                # then
                assert is_valid_card_number(swapped) == ({a, b} == {"0", "9"}), (number, swapped)
