"""Referenda on the resident's dashboard and in open data (aggregates only); integrity errors."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from accounts.registry import dashboard_panels
from consultations.referenda import actions, selectors
from consultations.referenda.models import ReferendumBallot, VoteRegister
from opendata.registry import registered_dataset
from tests.accounts.factories import UserFactory
from tests.consultations.budget import factories as bf
from tests.consultations.referenda import factories as rf

pytestmark = pytest.mark.django_db


def _panel():  # type: ignore[no-untyped-def]
    return next(p for p in dashboard_panels() if p.key == "referenda")


def test_dashboard_panel_shows_district_referenda_and_whether_voted(
    django_assert_max_num_queries,
):
    # given a resident of district 1 who voted in one of two open referenda there
    voter = bf.resident(district_number=1)
    voted_in = rf.referendum(question="Czy zbudować skatepark?")
    not_yet = rf.referendum(question="Czy posadzić aleję lip?")
    elsewhere = rf.referendum(district_number=2, question="Czy zamknąć ulicę?")
    actions.referendum_vote(referendum=voted_in, user=voter, answer="no")
    # when the panel is built (in a bounded number of queries)
    with django_assert_max_num_queries(3):
        context = _panel().context(voter)
    # then it lists the district's referenda with the voted flag, not other districts'
    assert context is not None
    flags = {e["referendum"].pk: e["voted"] for e in context["entries"]}
    assert flags == {voted_in.pk: True, not_yet.pk: False}
    assert elsewhere.pk not in flags


def test_dashboard_panel_for_a_resident_without_district():
    user = UserFactory()
    context = _panel().context(user)
    assert context == {"entries": [], "has_district": False}


def test_open_data_has_aggregates_of_approved_protocols_only():
    voters = [bf.resident() for _ in range(4)]
    closed = rf.referendum(question="Czy otworzyć bibliotekę w niedzielę?")
    for voter, answer in zip(voters[:3], ["yes", "yes", "no"], strict=True):
        actions.referendum_vote(referendum=closed, user=voter, answer=answer)
    still_open = rf.referendum(question="Czy wydłużyć linię tramwajową?")
    actions.referendum_vote(referendum=still_open, user=voters[3], answer="yes")
    dataset = registered_dataset("referenda-w-dzielnicach-wyniki")
    assert dataset is not None
    # not before the protocol is approved
    closed = actions.referendum_close(
        referendum=closed, acting_user=bf.clerk("referenda.manage_referendum")
    )
    assert list(dataset.rows()) == []
    actions.referendum_protocol_approve(
        referendum=closed, acting_user=bf.clerk("referenda.approve_protocol")
    )
    rows = list(dataset.rows())
    assert len(rows) == 1
    row = rows[0]
    assert (row["eligible"], row["voted"], row["yes"], row["no"], row["invalid"]) == (
        closed.eligible_count,
        3,
        2,
        1,
        0,
    )
    assert row["outcome"] == selectors.tally(referendum=closed).outcome
    # aggregates only: no field could carry a person or a single ballot
    names = {field.name for field in dataset.fields}
    assert set(row) == names
    assert not names & {"voter_hash", "pesel", "voter", "answer", "channel"}


def test_integrity_failure_other_than_a_repeat_vote_is_not_already_voted(monkeypatch):
    voter = bf.resident()
    referendum = rf.referendum()
    # the ballot insert fails for a reason other than the register's constraint
    original = ReferendumBallot.objects.create

    def failing_create(**kwargs):  # type: ignore[no-untyped-def]
        raise IntegrityError("check constraint violated")

    monkeypatch.setattr(ReferendumBallot.objects, "create", failing_create)
    with pytest.raises(ValidationError) as exc:
        actions.referendum_vote(referendum=referendum, user=voter, answer="yes")
    assert exc.value.code == "not_saved"
    assert not isinstance(exc.value, actions.AlreadyVoted)
    assert not VoteRegister.objects.exists()
    monkeypatch.setattr(ReferendumBallot.objects, "create", original)
    actions.referendum_vote(referendum=referendum, user=voter, answer="yes")
    with pytest.raises(actions.AlreadyVoted):
        actions.referendum_vote(referendum=referendum, user=voter, answer="no")
