"""R-ACC-5 on paper referendum votes: an assistant entering a resident's vote leaves an
assisted act (kind and referendum title only — never the answer or the PESEL)."""

import pytest
from django.contrib.auth.models import Permission

from accounts.actions import role_grant
from accounts.models import AssistedAct, Role
from consultations.referenda import actions
from consultations.referenda.models import ReferendumBallot, VoteRegister
from tests.consultations.budget import factories as bf
from tests.consultations.referenda import factories as rf

pytestmark = pytest.mark.django_db


def _assistant():  # type: ignore[no-untyped-def]
    user = bf.clerk("referenda.enter_paper_vote")
    role_grant(user=user, role=Role.ASSISTANT, acting_user=None)
    return user


@pytest.mark.parametrize("answer", ["yes", "no", ""])
def test_assistant_entering_a_paper_vote_records_the_act_without_the_answer(answer):
    voter = bf.resident()
    referendum = rf.referendum(question="Czy utworzyć park kieszonkowy przy ul. Długiej?")
    assistant = _assistant()
    outcome = actions.referendum_paper_vote(
        referendum=referendum, pesel=voter.pesel, answer=answer, acting_user=assistant
    )
    assert outcome.accepted
    act = AssistedAct.objects.get()
    assert (act.assistant, act.resident, act.kind) == (
        assistant,
        voter,
        "referendum_paper_vote",
    )
    # the act holds the referendum's question and nothing else: no answer, no PESEL
    assert act.description == referendum.question
    assert voter.pesel not in f"{act.kind} {act.description}"
    assert {f.name for f in AssistedAct._meta.concrete_fields} == {
        "id",
        "assistant",
        "resident",
        "kind",
        "description",
        "created_at",
    }
    assert ReferendumBallot.objects.count() == 1


@pytest.mark.parametrize("case", ["resident_online", "clerk_not_assistant"])
def test_no_assisted_act_when_nobody_is_assisted(case):
    voter = bf.resident()
    referendum = rf.referendum()
    if case == "resident_online":
        actions.referendum_vote(referendum=referendum, user=voter, answer="yes")
    elif case == "clerk_not_assistant":
        clerk = bf.clerk("referenda.enter_paper_vote")
        assert actions.referendum_paper_vote(
            referendum=referendum, pesel=voter.pesel, answer="yes", acting_user=clerk
        ).accepted
    assert VoteRegister.objects.count() == 1
    assert not AssistedAct.objects.exists()


def test_assistant_entering_own_paper_vote_records_nothing():
    assistant = bf.resident()
    role_grant(user=assistant, role=Role.ASSISTANT, acting_user=None)
    referendum = rf.referendum()
    assistant.user_permissions.add(
        Permission.objects.get(content_type__app_label="referenda", codename="enter_paper_vote")
    )
    assistant = type(assistant).objects.get(pk=assistant.pk)
    assert actions.referendum_paper_vote(
        referendum=referendum, pesel=assistant.pesel, answer="no", acting_user=assistant
    ).accepted
    assert VoteRegister.objects.count() == 1
    assert not AssistedAct.objects.exists()


def test_refused_paper_vote_records_no_act():
    voter = bf.resident()
    referendum = rf.referendum()
    actions.referendum_vote(referendum=referendum, user=voter, answer="yes")
    outcome = actions.referendum_paper_vote(
        referendum=referendum, pesel=voter.pesel, answer="no", acting_user=_assistant()
    )
    assert not outcome.accepted
    assert ReferendumBallot.objects.count() == 1
    assert not AssistedAct.objects.exists()
