"""The MES engine: float fast path vs exact fractions, tie-breaking, the add1 definition."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from consultations.pb import pabulib, rules
from consultations.pb._mes import MesEngine
from consultations.pb.election import compile_instance
from consultations.pb.pabulib import Instance, Project, Vote


def _approval(costs: list[int], budget: int, ballots: list[list[int]]) -> Instance:
    projects = {str(j + 1): Project(str(j + 1), Decimal(c)) for j, c in enumerate(costs)}
    votes = tuple(Vote(f"v{i}", tuple(str(j + 1) for j in b)) for i, b in enumerate(ballots))
    return Instance({"budget": str(budget), "vote_type": "approval"}, projects, votes)


@st.composite
def medium_elections(draw: st.DrawFn) -> Instance:
    m = draw(st.integers(2, 12))
    costs = draw(st.lists(st.integers(100, 20_000), min_size=m, max_size=m))
    n = draw(st.integers(5, 80))
    ballots = draw(
        st.lists(st.lists(st.integers(0, m - 1), unique=True, max_size=5), min_size=n, max_size=n)
    )
    budget = draw(st.integers(1_000, 60_000))
    return _approval(costs, budget, ballots)


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(medium_elections(), st.integers(0, 400))
def test_float_engine_equals_exact_fractions_on_medium_elections(
    instance: Instance, extra: int
) -> None:
    # given
    election = compile_instance(instance)
    engine = MesEngine(election, cost_utilities=True, tie_key=rules._mes_tie_key(election))
    share = Fraction(election.budget, election.n_voters) + extra

    # when
    fast = engine.run(share)
    exact = engine.run(share, exact=True)

    # then
    assert fast.selected == exact.selected


def test_equal_rho_goes_to_the_cheaper_project() -> None:
    # given: 1 and 2 both approved by the same 2 voters, so rho = 1/2 for both in round 1;
    # the budget allows only one of them
    instance = _approval([60, 50], 60, [[0, 1], [0, 1]])

    # when
    outcome = rules.mes(instance)

    # then: equalshares.net's recommendation, lower cost first
    assert outcome.selected == ("2",)


def test_equal_rho_and_cost_goes_to_more_supporters_then_file_order() -> None:
    # given: with cost utilities rho = 1/supporters, so equal cost and equal rho imply equal
    # supporters; then file order decides
    instance = _approval([50, 50], 50, [[0, 1], [0, 1]])

    # when
    outcome = rules.mes(instance)

    # then
    assert outcome.selected == ("1",)


def test_add1_keeps_the_last_outcome_within_budget() -> None:
    # given: 4 voters, budget 100 (25 each). A (cost 60) has 2 supporters, B (cost 40) 2 others:
    # at 25 per voter nobody can pay; raising the share by 1 PLN per step, B becomes affordable
    # at 20 each (already) and A at 30 each (step 5)
    instance = _approval([60, 40], 100, [[0], [0], [1], [1]])

    # when
    plain = rules.mes(instance)
    add1 = rules.mes_add1(instance)

    # then
    assert plain.selected == ("2",)
    assert set(add1.details["mes_selected"]) == {"1", "2"}
    assert add1.details["add1_steps"] == 100  # every outcome fits: the loop runs to its bound
    assert add1.spent == Decimal(100)


def test_add1_stops_at_the_first_step_over_budget() -> None:
    # given: A (60) and B (50) each with 2 of 4 voters, budget 100: at 25 each neither is
    # affordable; at +5 A (2 x 30) is; at +0 B (2 x 25) is; both would cost 110 > 100
    instance = _approval([60, 50], 100, [[0], [0], [1], [1]])

    # when
    outcome = rules.mes_add1(instance)

    # then: step 5 would fund both (110 > 100), so step 4 (only B) is kept; greedy then adds
    # nothing because A no longer fits
    assert outcome.details["add1_steps"] == 4
    assert outcome.details["mes_selected"] == ["2"]
    assert outcome.selected == ("2",)


def test_points_ballots_use_points_as_utilities() -> None:
    # given: a Kraków-like ordinal election
    text = """META
key;value
budget;100
vote_type;ordinal
max_length;3
PROJECTS
project_id;cost;name
1;60;a
2;40;b
3;40;c
VOTES
voter_id;vote
1;1,2,3
2;1,3,2
3;2,1,3
"""
    instance = pabulib.loads(text)

    # when
    outcome = rules.mes(instance)

    # then: scores 3/2/1 by position, used as utilities: rho(2) = 40/6 < rho(1) = 60/8, so 2
    # comes first although 1 has more points
    assert [p.score for p in outcome.projects] == [8, 6, 4]
    assert outcome.details["utilities"] == "points"
    assert outcome.selected[0] == "2"
    first = next(p for p in outcome.projects if p.project_id == "2")
    assert first.explanation["rho"] == 40 / 6
