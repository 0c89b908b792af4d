"""Participatory-budget counting rules: Kraków's greedy, the Method of Equal Shares and its add1
completion. Pure Python + numpy; plain data in (a parsed :class:`Instance`), plain data out.

Rules (``RULES``):

``greedy``
    Kraków's Budżet Obywatelski: rank projects by score (sum of points — 3/2/1 per ballot — or
    number of approvals), fund them in that order while money remains, and skip a project that no
    longer fits (the next one may still fit). Projects without any vote stay in the ranking at
    the bottom and are funded if money is left, as pabutools' greedy does.
``mes``
    The Method of Equal Shares, one run with every voter's share = budget / number of voters;
    *no completion*, so usually part of the budget is left unspent. Utilities: the project's cost
    for approval ballots ("cost utilities", as equalshares.net and Wieliczka use), the points given
    for points (ordinal/cumulative) ballots.
``mes-add1``
    MES completed as equalshares.net's "add1" (used by Wieliczka 2023): rerun MES with every
    voter's share raised by 1 PLN at a time, as long as the outcome costs no more than the budget,
    keep the last outcome that fits (the step before the first one that does not), then spend what
    is left with the greedy rule above. The first part equals pabutools 1.2
    ``exhaustion_by_budget_increase(..., method_of_equal_shares, {"sat_class": Cost_Sat},
    exhaustive_stop=False, budget_step=<number of voters>)``, the whole equals that wrapped in
    ``completion_by_rule_combination`` with greedy as the second rule. On Wieliczka 2023 the add1
    part alone gives the 30 recorded winners (after 164 steps) and the greedy part adds nothing.

Tie-breaking (deterministic; all decisions are exact, see ``_mes.py``):

* greedy: higher score; then more first-choice votes (the ballot's top points — the city funded
  Czyżyny 2022 project 26 over 24, both 40 points, on this, and it reproduces all 131 Kraków files
  that record winners); then lower cost (more projects for the money); then file order.
* MES: equal ``rho`` goes to the lower cost, then more supporters (the raw vote count), then file
  order — equalshares.net's recommendation, with file order standing in for its lot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

from consultations.pb._mes import MesEngine, MesRun
from consultations.pb.election import Election, compile_instance
from consultations.pb.explain import explain_greedy, explain_mes
from consultations.pb.pabulib import Instance

__all__ = [
    "RULES",
    "Outcome",
    "ProjectOutcome",
    "Rule",
    "compute",
    "greedy",
    "greedy_order",
    "mes",
    "mes_add1",
    "voters_with_funded_project",
]

Rule = Literal["greedy", "mes", "mes-add1"]
RULES: tuple[Rule, ...] = ("greedy", "mes", "mes-add1")


@dataclass(frozen=True, slots=True)
class ProjectOutcome:
    """One project's line in a result. ``explanation`` is plain JSON-able data (see explain.py)."""

    project_id: str
    name: str
    cost: Decimal
    score: int
    supporters: int
    first_choice: int
    selected: bool
    explanation: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of a rule: ``selected`` in order of selection, money in PLN, every project."""

    rule: Rule
    selected: tuple[str, ...]
    budget: Decimal
    spent: Decimal
    left: Decimal
    projects: tuple[ProjectOutcome, ...]
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (money as strings, to keep grosz exact)."""
        return {
            "rule": self.rule,
            "selected": list(self.selected),
            "budget": str(self.budget),
            "spent": str(self.spent),
            "left": str(self.left),
            "details": self.details,
            "projects": [
                {
                    "project_id": p.project_id,
                    "name": p.name,
                    "cost": str(p.cost),
                    "score": p.score,
                    "supporters": p.supporters,
                    "first_choice": p.first_choice,
                    "selected": p.selected,
                    "explanation": p.explanation,
                }
                for p in self.projects
            ],
        }


def _as_election(data: Instance | Election) -> Election:
    return data if isinstance(data, Election) else compile_instance(data)


def greedy_order(election: Election) -> list[int]:
    """Project indices in greedy ranking order (the tie-break chain in the module docstring)."""
    return sorted(
        range(election.m),
        key=lambda j: (-election.scores[j], -election.first_choice[j], election.costs[j], j),
    )


def _greedy_fill(election: Election, order: Sequence[int], taken: Sequence[int]) -> list[int]:
    """Fund projects from ``order`` (skipping ``taken``) while they fit; return the new ones."""
    left = election.budget - sum(election.costs[j] for j in taken)
    chosen = set(taken)
    added: list[int] = []
    for j in order:
        if j not in chosen and election.costs[j] <= left:
            added.append(j)
            left -= election.costs[j]
    return added


def _outcome(
    election: Election,
    rule: Rule,
    selected: Sequence[int],
    explanations: Sequence[dict[str, Any]],
    details: dict[str, Any],
) -> Outcome:
    spent = sum(election.costs[j] for j in selected)
    chosen = set(selected)
    return Outcome(
        rule=rule,
        selected=tuple(election.project_ids[j] for j in selected),
        budget=election.money(election.budget),
        spent=election.money(spent),
        left=election.money(election.budget - spent),
        projects=tuple(
            ProjectOutcome(
                project_id=election.project_ids[j],
                name=election.names[j],
                cost=election.money(election.costs[j]),
                score=election.scores[j],
                supporters=election.supporters[j],
                first_choice=election.first_choice[j],
                selected=j in chosen,
                explanation=explanations[j],
            )
            for j in range(election.m)
        ),
        details=details,
    )


def greedy(data: Instance | Election) -> Outcome:
    """Kraków's greedy-by-score rule (see the module docstring)."""
    election = _as_election(data)
    order = greedy_order(election)
    selected = _greedy_fill(election, order, ())
    return _outcome(
        election,
        "greedy",
        selected,
        explain_greedy(election, order, selected),
        {"ranking": [election.project_ids[j] for j in order]},
    )


def _mes_tie_key(election: Election) -> Any:
    costs, supporters = election.costs, election.supporters
    return lambda j: (costs[j], -supporters[j], j)


def _engine(election: Election) -> MesEngine:
    return MesEngine(
        election,
        cost_utilities=not election.points_ballots,
        tie_key=_mes_tie_key(election),
    )


def _base_share(election: Election) -> Fraction:
    return Fraction(election.budget, max(election.n_voters, 1))


def mes(data: Instance | Election) -> Outcome:
    """One MES run at share = budget / voters, no completion (see the module docstring)."""
    election = _as_election(data)
    engine = _engine(election)
    share = _base_share(election)
    run = engine.run(share, record=True)
    return _outcome(
        election,
        "mes",
        run.selected,
        explain_mes(election, run, (), share, completed=False),
        _mes_details(election, run, share, steps=0, completion=()),
    )


def add1_search(election: Election, engine: MesEngine | None = None) -> tuple[int, MesRun]:
    """The add1 loop: ``(k, run)`` for the last step ``k`` (share raised by ``k`` PLN) whose MES
    outcome fits the budget, ``run`` being that outcome (not recorded).

    Exactly pabutools' ``exhaustion_by_budget_increase`` with ``exhaustive_stop=False`` and
    ``budget_step = voters``: step k = 0, 1, 2, … and stop at the first outcome over budget; it
    would stop anyway once the total budget passes ``budget * (voters + 1)``, i.e. at
    ``k = floor(budget in PLN)``.

    Outcomes are not monotone in the share, so no step may be skipped: every step is one full MES
    run (about 4 ms for Warszawa 2026's 61,668 voters, 185 steps). The engine is built once and
    reused; projects whose supporters' starting money cannot cover them are dropped per step in
    integer arithmetic before any voter is touched.
    """
    engine = engine or _engine(election)
    base = _base_share(election)
    step = election.scale  # 1 PLN in units
    k_max = election.budget // election.scale
    supported = [j for j in range(election.m) if not engine.excluded[j]]
    if sum(election.costs[j] for j in supported) <= election.budget:
        # Every possible outcome fits, so the loop would run to its bound: go straight there.
        return k_max, engine.run(base + k_max * step)
    k, last = 0, engine.run(base)
    while k < k_max:
        run = engine.run(base + (k + 1) * step)
        if sum(election.costs[j] for j in run.selected) > election.budget:
            break
        k, last = k + 1, run
    return k, last


def mes_add1(data: Instance | Election) -> Outcome:
    """MES with the add1 completion, then greedy for the rest (see the module docstring)."""
    election = _as_election(data)
    engine = _engine(election)
    k, _ = add1_search(election, engine)
    share = _base_share(election) + k * election.scale
    run = engine.run(share, record=True)
    completion = _greedy_fill(election, greedy_order(election), run.selected)
    selected = [*run.selected, *completion]
    return _outcome(
        election,
        "mes-add1",
        selected,
        explain_mes(election, run, completion, share, completed=True),
        _mes_details(election, run, share, steps=k, completion=completion),
    )


def _mes_details(
    election: Election, run: MesRun, share: Fraction, *, steps: int, completion: Sequence[int]
) -> dict[str, Any]:
    return {
        "utilities": "points" if election.points_ballots else "cost",
        "voters": election.n_voters,
        "share_per_voter": str(election.money(float(share))),
        "share_per_voter_exact": f"{share.numerator}/{share.denominator}"
        if share.denominator != 1
        else str(share.numerator),
        "add1_steps": steps,
        "mes_selected": [election.project_ids[j] for j in run.selected],
        "completion_selected": [election.project_ids[j] for j in completion],
        "exact_arithmetic_used": run.exact,
    }


def compute(data: Instance | Election, rule: Rule) -> Outcome:
    """Run ``rule`` (one of :data:`RULES`) on ``data``."""
    if rule == "greedy":
        return greedy(data)
    if rule == "mes":
        return mes(data)
    if rule == "mes-add1":
        return mes_add1(data)
    raise ValueError(f"unknown rule {rule!r}; expected one of {', '.join(RULES)}")


def voters_with_funded_project(instance: Instance, selected: Sequence[str]) -> int:
    """How many voters have at least one of ``selected`` on their ballot (any points)."""
    funded = set(selected)
    return sum(1 for vote in instance.votes if not funded.isdisjoint(vote.projects))
