import pytest

from consultations.budget import selectors


@pytest.fixture(autouse=True)
def _fresh_ballot_snapshots():  # type: ignore[no-untyped-def]
    """Each test sees its own pools, not a snapshot cached by an earlier test."""
    selectors.ballot_snapshots_clear()
    yield
    selectors.ballot_snapshots_clear()
