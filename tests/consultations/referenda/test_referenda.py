"""District referenda: eligibility snapshot, secret ballot, paper entry, validity, protocol."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.actions import role_grant
from accounts.models import Role
from consultations.referenda import actions, selectors
from consultations.referenda.models import ReferendumBallot, VoteRegister
from tests.accounts.factories import UserFactory
from tests.consultations.budget import factories as bf
from tests.consultations.referenda import factories as rf

pytestmark = pytest.mark.django_db


def test_opening_snapshots_the_verified_residents_of_the_district():
    # given 3 verified residents of district 1, one of district 2, one unverified
    voters = [bf.resident(district_number=1) for _ in range(3)]
    bf.resident(district_number=2)
    UserFactory(pesel=bf.make_pesel(), district=bf.district(1))
    # when the referendum opens
    referendum = rf.referendum(district_number=1)
    # then exactly the three are eligible, and someone verified later is not
    assert referendum.eligible_count == 3
    late = bf.resident(district_number=1)
    with pytest.raises(ValidationError) as exc:
        actions.referendum_vote(referendum=referendum, user=late, answer="yes")
    assert exc.value.code == "not_eligible"
    actions.referendum_vote(referendum=referendum, user=voters[0], answer="yes")
    assert ReferendumBallot.objects.get().answer == "yes"
    assert not any(
        field.related_model and field.related_model.__name__ == "User"
        for field in ReferendumBallot._meta.get_fields()
    )


def test_second_vote_online_or_on_paper_is_rejected():
    voter = bf.resident()
    referendum = rf.referendum()
    actions.referendum_vote(referendum=referendum, user=voter, answer="no")
    with pytest.raises(actions.AlreadyVoted):
        actions.referendum_vote(referendum=referendum, user=voter, answer="yes")
    clerk = bf.clerk("referenda.enter_paper_vote")
    outcome = actions.referendum_paper_vote(
        referendum=referendum, pesel=voter.pesel, answer="yes", acting_user=clerk
    )
    assert not outcome.accepted
    assert "już głosowała" in outcome.message
    assert ReferendumBallot.objects.count() == 1
    assert VoteRegister.objects.count() == 1


def test_resident_of_another_district_cannot_vote():
    referendum = rf.referendum(district_number=1)
    with pytest.raises(PermissionDenied):
        actions.referendum_vote(
            referendum=referendum, user=bf.resident(district_number=4), answer="yes"
        )
    assert not ReferendumBallot.objects.exists()


def test_paper_votes_invalid_pesel_and_spoilt_ballot():
    voter = bf.resident()
    referendum = rf.referendum()
    clerk = bf.clerk("referenda.enter_paper_vote")
    bad = actions.referendum_paper_vote(
        referendum=referendum, pesel="00000000000", answer="yes", acting_user=clerk
    )
    assert not bad.accepted
    assert not ReferendumBallot.objects.exists()
    spoilt = actions.referendum_paper_vote(
        referendum=referendum, pesel=voter.pesel, answer="", acting_user=clerk
    )
    assert spoilt.accepted
    assert selectors.tally(referendum=referendum).invalid == 1
    with pytest.raises(PermissionDenied):
        actions.referendum_paper_vote(
            referendum=referendum, pesel=voter.pesel, answer="yes", acting_user=bf.clerk()
        )


@pytest.mark.parametrize(
    ("voting", "threshold", "outcome"), [(3, "30", "yes"), (2, "30", "invalid"), (2, "20", "yes")]
)
def test_validity_threshold(voting, threshold, outcome):
    voters = [bf.resident() for _ in range(10)]
    referendum = rf.referendum(validity_threshold=Decimal(threshold))
    for voter in voters[:voting]:
        actions.referendum_vote(referendum=referendum, user=voter, answer="yes")
    tally = selectors.tally(referendum=referendum)
    assert tally.eligible == 10
    assert tally.voted == voting
    assert tally.outcome == outcome


def test_protocol_approval_and_pdf(client):
    voters = [bf.resident() for _ in range(2)]
    referendum = rf.referendum()
    for voter in voters:
        actions.referendum_vote(referendum=referendum, user=voter, answer="yes")
    manager = bf.clerk("referenda.manage_referendum")
    approver = bf.clerk("referenda.approve_protocol")
    with pytest.raises(ValidationError):
        actions.referendum_protocol_approve(referendum=referendum, acting_user=approver)
    referendum = actions.referendum_close(referendum=referendum, acting_user=manager)
    url = reverse("referenda:protocol", kwargs={"public_id": referendum.public_id})
    assert client.get(url).status_code == 404
    for who in (bf.resident(), bf.clerk(), manager):
        with pytest.raises(PermissionDenied):
            actions.referendum_protocol_approve(referendum=referendum, acting_user=who)
    referendum = actions.referendum_protocol_approve(referendum=referendum, acting_user=approver)
    assert referendum.history.first().history_user == approver
    response = client.get(url)
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    detail = client.get(reverse("referenda:detail", kwargs={"public_id": referendum.public_id}))
    assert "TAK" in detail.content.decode()


def test_vote_page_flow_and_matrix(client):
    voter = bf.resident(district_number=1)
    other = bf.resident(district_number=2)
    referendum = rf.referendum(district_number=1)
    url = reverse("referenda:detail", kwargs={"public_id": referendum.public_id})
    # anonymous: login
    assert "/login" in client.post(url, {"answer": "yes"})["Location"]
    # resident of another district: 403
    client.force_login(other)
    assert client.post(url, {"answer": "yes"}).status_code == 403
    # clerk without verification: 403
    client.force_login(bf.clerk("referenda.enter_paper_vote"))
    assert client.post(url, {"answer": "yes"}).status_code == 403
    assert not ReferendumBallot.objects.exists()
    # no answer chosen: a form error
    client.force_login(voter)
    assert client.post(url, {}).status_code == 400
    # the voter votes
    assert client.post(url, {"answer": "no"}).status_code == 302
    assert ReferendumBallot.objects.get().answer == "no"
    page = client.get(url).content.decode()
    assert "został oddany" in page


def test_paper_page_matrix(client):
    voter = bf.resident()
    referendum = rf.referendum()
    url = reverse("referenda:paper", kwargs={"public_id": referendum.public_id})
    council = bf.resident()
    role_grant(user=council, role=Role.COUNCIL_MEMBER, acting_user=None, district_id=1)
    for who in (None, voter, bf.resident(), bf.clerk(), council):
        client.logout()
        if who is not None:
            client.force_login(who)
        assert client.post(url, {"pesel": voter.pesel, "answer": "yes"}).status_code in (302, 403)
    assert not ReferendumBallot.objects.exists()
    client.force_login(bf.clerk("referenda.enter_paper_vote"))
    assert client.post(url, {"pesel": "123", "answer": "yes"}).status_code == 400
    assert client.post(url, {"pesel": voter.pesel, "answer": "yes"}).status_code == 302
    assert ReferendumBallot.objects.filter(channel="paper").count() == 1


def test_index_lists_only_opened_referenda(client, django_assert_max_num_queries):
    rf.referendum(question="Otwarte pytanie?")
    rf.referendum(question="Szkic?", opened=False)
    with django_assert_max_num_queries(6):
        body = client.get(reverse("referenda:index")).content.decode()
    assert "Otwarte pytanie?" in body
    assert "Szkic?" not in body
