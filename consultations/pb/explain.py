"""Per-project explanations of a result, as plain JSON-able dicts for the Django layer to render.

Every dict has a ``status`` code; the layer above owns the wording (and its translation). Money is
a string in PLN with grosz (``"1234.50"``) so it survives JSON exactly.

Greedy: ``{"status": "funded" | "did_not_fit" | "no_money_left", "rank", "money_left_before"}``.

MES (and mes-add1):

* ``"funded_mes"``: ``round`` (1-based), ``rho`` (price per unit of utility: a supporter who is
  not short of money pays ``rho × utility``), ``effective_votes`` (= 1/rho with cost utilities,
  equalshares.net's "effective vote count"; with points, the effective points per PLN), and
  ``payments``: one entry per (utility, paid in full / paid all they had) group of supporters with
  ``voters``, ``paid_total`` and ``paid_each`` (the mean for capped groups).
* ``"funded_completion"``: funded by the greedy completion after MES, with ``money_left_before``.
* ``"not_funded"`` with ``reason``:
  ``"no_votes"``; ``"supporters_short_of_money"`` (at the end of MES its supporters together held
  ``supporters_money_left`` < ``cost``; ``shortfall`` is the difference); when a greedy
  completion ran, ``money_left_after_completion`` tells why it did not take the project either.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from consultations.pb._mes import MesRun
    from consultations.pb.election import Election

__all__ = ["explain_greedy", "explain_mes"]


def explain_greedy(
    election: Election, order: Sequence[int], selected: Sequence[int]
) -> list[dict[str, Any]]:
    """One dict per project (file order) for the greedy rule's walk down ``order``."""
    chosen = set(selected)
    out: list[dict[str, Any]] = [{} for _ in range(election.m)]
    left = election.budget
    for rank, j in enumerate(order, start=1):
        entry: dict[str, Any] = {"rank": rank, "money_left_before": str(election.money(left))}
        if j in chosen:
            entry["status"] = "funded"
            left -= election.costs[j]
        else:
            entry["status"] = "no_money_left" if left == 0 else "did_not_fit"
        out[j] = entry
    return out


def _payments(
    election: Election, payments: Sequence[tuple[int, int, float, bool]]
) -> list[dict[str, Any]]:
    rows = []
    for utility, voters, total, capped in payments:
        rows.append(
            {
                "utility": utility,
                "voters": voters,
                "paid_total": str(election.money(total)),
                "paid_each": str(election.money(total / voters)) if voters else "0.00",
                "paid_all_they_had": capped,
            }
        )
    return rows


def explain_mes(
    election: Election,
    run: MesRun,
    completion: Sequence[int],
    share: Fraction,
    *,
    completed: bool,
) -> list[dict[str, Any]]:
    """One dict per project (file order) for a recorded MES ``run`` plus greedy ``completion``
    (``completed``: whether a greedy completion ran at all, as in mes-add1)."""
    out: list[dict[str, Any]] = [{} for _ in range(election.m)]
    for number, rnd in enumerate(run.rounds, start=1):
        rho = rnd.rho
        out[rnd.project] = {
            "status": "funded_mes",
            "round": number,
            "rho": rho,
            "effective_votes": (1 / rho) if rho > 0 else None,
            "payments": _payments(election, rnd.payments),
        }
    left = election.budget - sum(election.costs[j] for j in run.selected)
    for j in completion:
        out[j] = {"status": "funded_completion", "money_left_before": str(election.money(left))}
        left -= election.costs[j]
    money_left = run.money_left or [0.0] * election.m
    for j in range(election.m):
        if out[j]:
            continue
        if election.supporters[j] == 0:
            out[j] = {"status": "not_funded", "reason": "no_votes"}
            continue
        cost = election.costs[j]
        held = money_left[j]
        entry: dict[str, Any] = {
            "status": "not_funded",
            "reason": "supporters_short_of_money",
            "supporters": election.supporters[j],
            "supporters_money_left": str(election.money(held)),
            "cost": str(election.money(cost)),
            "shortfall": str(election.money(max(cost - held, 0.0))),
            "share_per_voter": str(election.money(float(share))),
        }
        if completed:
            entry["money_left_after_completion"] = str(election.money(left))
        out[j] = entry
    return out
