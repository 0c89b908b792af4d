"""R-ACC-5 on paper budget ballots: an assistant entering a resident's ballot leaves an
assisted act (kind and edition only — never the choices, the pool or the PESEL)."""

from decimal import Decimal

import pytest

from accounts.actions import role_grant
from accounts.models import AssistedAct, Role
from consultations.budget import actions
from consultations.budget.models import Ballot
from tests.consultations.budget import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():  # type: ignore[no-untyped-def]
    edition = f.edition(phase="voting")
    city = f.pool(edition=edition)
    district = f.pool(edition=edition, district_number=1, amount=Decimal("300000"))
    projects = [f.project(pool=city, title=f"Skwer tajny {n}") for n in range(1, 4)]
    return edition, city, district, projects


def _assistant():  # type: ignore[no-untyped-def]
    user = f.clerk("budget.enter_paper_ballot")
    role_grant(user=user, role=Role.ASSISTANT, acting_user=None)
    return user


def test_assistant_entering_a_residents_paper_ballot_records_the_act_without_choices(setup):
    edition, city, _district, projects = setup
    assistant, voter = _assistant(), f.resident()
    outcome = actions.paper_ballot_enter(
        pool=city, pesel=voter.pesel, projects=projects[:2], acting_user=assistant
    )
    assert outcome.accepted
    act = AssistedAct.objects.get()
    assert (act.assistant, act.resident, act.kind) == (assistant, voter, "budget_paper_ballot")
    assert act.description == edition.title
    stored = f"{act.kind} {act.description}"
    assert voter.pesel not in stored
    for project in projects:  # no trace of the chosen projects
        assert project.title not in stored
    assert str(city) not in stored  # nor of the pool


def test_district_pool_is_not_named_in_the_act(setup):
    edition, _city, district, _projects = setup
    assistant, voter = _assistant(), f.resident()
    dproject = f.project(pool=district, title="Park dzielnicowy")
    assert actions.paper_ballot_enter(
        pool=district, pesel=voter.pesel, projects=[dproject], acting_user=assistant
    ).accepted
    act = AssistedAct.objects.get()
    assert act.description == edition.title
    assert str(district) not in act.description
    assert str(district.district) not in act.description


@pytest.mark.parametrize("case", ["resident_online", "clerk_not_assistant", "own", "no_account"])
def test_no_assisted_act_when_nobody_is_assisted(setup, case):
    _edition, city, _district, projects = setup
    voter = f.resident()
    if case == "resident_online":
        actions.ballot_cast_online(user=voter, pool=city, projects=projects[:1])
    elif case == "clerk_not_assistant":
        clerk = f.clerk("budget.enter_paper_ballot")
        assert actions.paper_ballot_enter(
            pool=city, pesel=voter.pesel, projects=projects[:1], acting_user=clerk
        ).accepted
    elif case == "own":
        assistant = _assistant()
        assistant.pesel = f.make_pesel()
        assistant.save(update_fields=["pesel"])
        assert actions.paper_ballot_enter(
            pool=city, pesel=assistant.pesel, projects=projects[:1], acting_user=assistant
        ).accepted
    else:  # a paper voter without an account: the ballot counts, no act
        assert actions.paper_ballot_enter(
            pool=city, pesel=f.make_pesel(), projects=projects[:1], acting_user=_assistant()
        ).accepted
    assert Ballot.objects.count() == 1
    assert not AssistedAct.objects.exists()


def test_refused_paper_ballot_records_no_act(setup):
    _edition, city, _district, projects = setup
    assistant, voter = _assistant(), f.resident()
    actions.ballot_cast_online(user=voter, pool=city, projects=projects[:1])
    outcome = actions.paper_ballot_enter(
        pool=city, pesel=voter.pesel, projects=projects[:2], acting_user=assistant
    )
    assert not outcome.accepted
    assert Ballot.objects.count() == 1
    assert not AssistedAct.objects.exists()
