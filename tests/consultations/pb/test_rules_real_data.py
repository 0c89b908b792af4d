"""The rules on real elections: Kraków's recorded winners, Wieliczka 2023's MES add1 winners."""

from __future__ import annotations

from fractions import Fraction
from functools import cache
from pathlib import Path

import pytest

from consultations.pb import pabulib, rules
from consultations.pb._mes import MesEngine
from consultations.pb.election import Election, compile_instance
from consultations.pb.pabulib import Instance

DATA = Path(__file__).resolve().parents[2] / "data" / "pabulib"
KRAKOW_WITH_WINNERS = sorted(
    p.name for p in DATA.glob("Poland_Krakow_*.pb")
)  # every Kraków file copied here records its winners (the `selected` column)


@cache
def _load(name: str) -> Instance:
    return pabulib.load(DATA / name)


@cache
def _election(name: str) -> Election:
    return compile_instance(_load(name))


def _recorded(instance: Instance) -> set[str]:
    return {p.project_id for p in instance.projects.values() if p.selected}


def test_all_131_krakow_files_with_recorded_winners_are_present() -> None:
    # then: the parametrised test below covers n of n = 131 files
    assert len(KRAKOW_WITH_WINNERS) == 131
    assert all(_load(name).has_recorded_winners() for name in KRAKOW_WITH_WINNERS[:3])


@pytest.mark.parametrize("name", KRAKOW_WITH_WINNERS)
def test_greedy_reproduces_krakow_recorded_winners(name: str) -> None:
    # given
    instance = _load(name)
    assert instance.has_recorded_winners()

    # when
    outcome = rules.greedy(instance)

    # then: same set of winners, and our scores equal the file's `score` column
    assert set(outcome.selected) == _recorded(instance)
    for project in outcome.projects:
        recorded_score = instance.projects[project.project_id].extra.get("score")
        if recorded_score is not None:
            assert project.score == int(recorded_score)


def test_czyzyny_2022_tie_goes_to_more_first_choice_votes() -> None:
    # given: projects 24 and 26 both have 40 points and only one still fits
    instance = _load("Poland_Krakow_2022_Czyzyny.pb")
    outcome = rules.greedy(instance)
    by_id = {p.project_id: p for p in outcome.projects}

    # then: 26 has more 3-point votes and is funded, as the city did
    assert by_id["24"].score == by_id["26"].score == 40
    assert by_id["26"].first_choice > by_id["24"].first_choice
    assert "26" in outcome.selected
    assert "24" not in outcome.selected
    assert by_id["24"].explanation["status"] == "did_not_fit"


def test_withdrawn_project_is_never_funded() -> None:
    # given: Nowa Huta 2023 has a project withdrawn after the vote (cost 999999999)
    instance = _load("Poland_Krakow_2023_Nowa_Huta.pb")
    withdrawn = [
        p.project_id for p in instance.projects.values() if p.cost == pabulib.WITHDRAWN_COST
    ]

    # when
    outcomes = [rules.compute(instance, rule) for rule in rules.RULES]

    # then
    assert withdrawn
    for outcome in outcomes:
        assert not set(withdrawn) & set(outcome.selected)


@pytest.mark.parametrize(
    "name",
    [
        "Poland_Wieliczka_2023_Green_Budget.pb",
        "equalshares-compute-tool__poland_wieliczka_2023_green-budget.pb",
    ],
)
def test_mes_add1_reproduces_wieliczka_2023_winners(name: str) -> None:
    # given: 6,586 voters, 64 projects, 30 recorded winners
    instance = _load(name)
    recorded = _recorded(instance)
    assert len(recorded) == 30

    # when
    outcome = rules.mes_add1(instance)

    # then: the MES add1 part alone already gives the 30; the greedy completion adds nothing
    assert set(outcome.selected) == recorded
    assert set(outcome.details["mes_selected"]) == recorded
    assert outcome.details["completion_selected"] == []
    assert outcome.spent <= outcome.budget
    assert outcome.details["add1_steps"] == 164


def test_plain_mes_leaves_money_that_add1_spends() -> None:
    # given
    instance = _load("Poland_Wieliczka_2023_Green_Budget.pb")

    # when
    plain = rules.mes(instance)
    add1 = rules.mes_add1(instance)

    # then: more is funded (not a superset: MES is not monotone in the share; here plain MES
    # funds project 66, which add1's larger shares do not)
    assert len(plain.selected) < len(add1.selected)
    assert plain.left > add1.left
    assert plain.details["add1_steps"] == 0


def test_mes_explains_winners_and_losers() -> None:
    # given
    instance = _load("Poland_Wieliczka_2023_Green_Budget.pb")

    # when
    outcome = rules.mes_add1(instance)

    # then: a winner shows its round, rho and who paid what; the payments add up to its cost
    first = next(p for p in outcome.projects if p.project_id == outcome.selected[0])
    assert first.explanation["status"] == "funded_mes"
    assert first.explanation["round"] == 1
    paid = sum(float(row["paid_total"]) for row in first.explanation["payments"])
    assert paid == pytest.approx(float(first.cost), abs=0.05)
    # and a loser says its supporters' money fell short, with the numbers
    loser = next(p for p in outcome.projects if not p.selected and p.supporters)
    assert loser.explanation["reason"] == "supporters_short_of_money"
    assert float(loser.explanation["supporters_money_left"]) < float(loser.explanation["cost"])


@pytest.mark.parametrize(
    "name",
    [
        "Poland_Wieliczka_2023_Green_Budget.pb",
        "Poland_Krakow_2022_Czyzyny.pb",
        "Poland_Krakow_2021_Debniki.pb",
        "Poland_Krakow_2024.pb",
    ],
)
def test_float_engine_agrees_with_exact_fractions(name: str) -> None:
    # given
    election = _election(name)
    engine = MesEngine(
        election, cost_utilities=not election.points_ballots, tie_key=rules._mes_tie_key(election)
    )

    for extra_pln in (0, 7, 60):
        share = Fraction(election.budget, election.n_voters) + extra_pln * election.scale
        # when
        fast = engine.run(share)
        exact = engine.run(share, exact=True)
        # then
        assert fast.selected == exact.selected


def test_mes_gives_more_voters_a_funded_project_than_greedy_in_wieliczka() -> None:
    # given
    instance = _load("Poland_Wieliczka_2023_Green_Budget.pb")

    # when
    greedy_voters = rules.voters_with_funded_project(instance, rules.greedy(instance).selected)
    mes_voters = rules.voters_with_funded_project(instance, rules.mes_add1(instance).selected)

    # then
    assert 0 < greedy_voters <= len(instance.votes)
    assert mes_voters > greedy_voters
