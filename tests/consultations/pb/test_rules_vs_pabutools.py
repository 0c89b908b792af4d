"""Property test: on random small elections every rule equals pabutools 1.2, order included.

Ties are frequent on small integer instances (equal scores, equal rho). They are not avoided: the
bridge hands pabutools tie-breaking rules equal to ours (greedy: more first-choice votes, lower
cost, file order; MES: lower cost, more supporters, file order), so a tie must be decided the
same way by both, and pabutools computes in exact fractions (gmpy2), so this also checks that our
float engine falls back to exact arithmetic whenever a decision is close.

Budgets and costs stay small because pabutools' add1 reruns MES once per 1-unit step.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consultations.pb import pabulib, rules
from consultations.pb.pabulib import Instance, Project, Vote
from consultations.pb.pabutools_bridge import PabutoolsElection, pabutools_rule

pytest.importorskip("pabutools")

EXAMPLES = 300  # per ballot kind; three kinds
COMPARED: Counter[str] = Counter()


@st.composite
def elections(draw: st.DrawFn, kind: str) -> Instance:
    m = draw(st.integers(1, 7))
    costs = draw(st.lists(st.integers(1, 50), min_size=m, max_size=m))
    budget = draw(st.integers(1, 120))
    n = draw(st.integers(1, 10))
    ids = [str(j + 1) for j in range(m)]
    max_length = min(m, 3)
    votes = []
    for v in range(n):
        if kind == "approval":
            chosen = draw(st.lists(st.sampled_from(ids), unique=True, max_size=m))
            votes.append(Vote(f"v{v}", tuple(chosen)))
        elif kind == "ordinal":
            chosen = draw(st.lists(st.sampled_from(ids), unique=True, max_size=max_length))
            # Kraków-style: first choice max_length points, then one less each
            votes.append(
                Vote(f"v{v}", tuple(chosen), tuple(max_length - i for i in range(len(chosen))))
            )
        else:
            chosen = draw(st.lists(st.sampled_from(ids), unique=True, max_size=m))
            points = draw(st.lists(st.integers(0, 4), min_size=len(chosen), max_size=len(chosen)))
            votes.append(Vote(f"v{v}", tuple(chosen), tuple(points)))
    meta = {"budget": str(budget), "vote_type": kind}
    if kind == "ordinal":
        meta["max_length"] = str(max_length)
    projects = {pid: Project(pid, Decimal(c), f"P{pid}") for pid, c in zip(ids, costs, strict=True)}
    columns = ("voter_id", "vote") if kind == "approval" else ("voter_id", "vote", "points")
    instance = Instance(meta, projects, tuple(votes), vote_columns=columns)
    # every generated election is also a valid file
    assert pabulib.loads(pabulib.dumps(instance)) == instance
    return instance


def _check_all_rules(instance: Instance, kind: str) -> None:
    bridge = PabutoolsElection(instance, multiprofile=False)
    for rule in rules.RULES:
        ours = list(rules.compute(instance, rule).selected)
        theirs = pabutools_rule(bridge, rule)
        assert ours == theirs, (rule, pabulib.dumps(instance))
    COMPARED[kind] += 1


_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@_SETTINGS
@given(elections("approval"))
def test_rules_equal_pabutools_on_random_approval_elections(instance: Instance) -> None:
    _check_all_rules(instance, "approval")


@_SETTINGS
@given(elections("ordinal"))
def test_rules_equal_pabutools_on_random_ordinal_elections(instance: Instance) -> None:
    _check_all_rules(instance, "ordinal")


@_SETTINGS
@given(elections("cumulative"))
def test_rules_equal_pabutools_on_random_cumulative_elections(instance: Instance) -> None:
    _check_all_rules(instance, "cumulative")


def test_report_number_of_instances_compared() -> None:
    # then: runs after the three property tests (file order); -s shows the count
    print(
        f"\nrandom elections compared with pabutools 1.2: {sum(COMPARED.values())} {dict(COMPARED)}"
    )
    if COMPARED:
        assert sum(COMPARED.values()) >= 3 * EXAMPLES // 2


def test_decimal_costs_match_pabutools() -> None:
    # given: costs in grosz, so the engine works in 1/100 PLN units
    text = """META
key;value
budget;100.50
vote_type;approval
PROJECTS
project_id;cost;name
1;40.25;a
2;60.25;b
3;30.10;c
VOTES
voter_id;vote
1;1,2
2;2,3
3;1
"""
    instance = pabulib.loads(text)
    bridge = PabutoolsElection(instance, multiprofile=False)

    for rule in rules.RULES:
        # when / then
        assert list(rules.compute(instance, rule).selected) == pabutools_rule(bridge, rule)
