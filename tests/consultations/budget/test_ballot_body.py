"""The ballot endpoint reads a well-formed body without building its serializer: for any body,
it must accept exactly what ``BallotSerializer`` accepts, with the same values, and refuse the
rest with the serializer's own errors."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.exceptions import ValidationError

from consultations.budget.api import BallotSerializer, ballot_body

_ids = st.one_of(
    st.uuids().map(str),
    st.uuids().map(lambda u: str(u).upper()),
    st.uuids().map(lambda u: u.hex),
    st.uuids().map(lambda u: "{" + str(u) + "}"),
    st.uuids().map(lambda u: "urn:uuid:" + str(u)),
    st.text(max_size=40),
    st.integers(min_value=-5, max_value=2**130),
    st.uuids(),
    st.none(),
    st.booleans(),
    st.floats(allow_nan=False),
)
_points = st.one_of(
    st.integers(min_value=-3, max_value=1003),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["1", "2.0", " 3", "x", ""]),
    st.none(),
)


def _lists(elements: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.lists(elements, max_size=6),
        st.lists(elements, min_size=49, max_size=52),
        st.tuples(elements),
        st.none(),
        st.text(max_size=5),
        st.dictionaries(st.text(max_size=3), elements, max_size=2),
    )


# Mostly valid bodies, one odd value at most: where the two readings could part.
_valid_ids = _ids.filter(lambda value: isinstance(value, str) and len(value) >= 32)
_near_valid = st.fixed_dictionaries(
    {"projects": st.lists(st.one_of(_valid_ids, _valid_ids, _ids), max_size=4)},
    optional={
        "points": st.lists(st.one_of(st.integers(min_value=0, max_value=1000), _points), max_size=4)
    },
)
_bodies = st.one_of(
    _near_valid,
    _near_valid,
    st.fixed_dictionaries(
        {"projects": _lists(_ids)},
        optional={"points": _lists(_points), "extra": st.integers()},
    ),
    st.lists(st.integers(), max_size=3),
    st.text(max_size=10),
    st.none(),
)


def _serializer_outcome(data: Any) -> tuple[str, Any]:
    serializer = BallotSerializer(data=data)
    if serializer.is_valid():
        return "ok", dict(serializer.validated_data)
    return "error", serializer.errors


def _outcome(data: Any) -> tuple[str, Any]:
    try:
        return "ok", ballot_body(data)
    except ValidationError as exc:
        return "error", exc.detail


@settings(max_examples=600, deadline=None)
@given(_bodies)
def test_same_outcome_as_the_serializer(data: Any) -> None:
    assert _outcome(data) == _serializer_outcome(data)


def test_well_formed_bodies_skip_the_serializer(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the serializer was built for a well-formed body")

    monkeypatch.setattr(BallotSerializer, "__init__", refuse)
    ids = [str(uuid.uuid4()) for _i in range(3)]
    assert ballot_body({"projects": ids}) == {"projects": [uuid.UUID(i) for i in ids]}
    assert ballot_body({"projects": ids, "points": [5, 0, 1000]}) == {
        "projects": [uuid.UUID(i) for i in ids],
        "points": [5, 0, 1000],
    }


@pytest.mark.parametrize(
    "data",
    [
        {"projects": ["not-a-uuid"]},
        {"projects": [str(uuid.uuid4())], "points": [1001]},
        {"projects": [str(uuid.uuid4())], "points": None},
        {"projects": [str(uuid.uuid4())] * 51},
        {"points": [1]},
    ],
)
def test_malformed_bodies_get_the_serializers_errors(data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as raised:
        ballot_body(data)
    assert raised.value.detail == _serializer_outcome(data)[1]
