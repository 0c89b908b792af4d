"""The compact, integer form of an election that the rules compute on.

A parsed :class:`~consultations.pb.pabulib.Instance` keeps strings and Decimals; the rules want
small integers. :func:`compile_instance` turns money into whole *units* (PLN times ``scale``, where
``scale`` is the smallest power of ten that makes every cost and the budget whole, 1 for all real
files) and folds identical ballots into one weighted *group*, since the Method of Equal Shares
treats voters with the same ballot identically (same budget at every moment).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from consultations.pb.pabulib import Instance

__all__ = ["Election", "compile_instance"]


@dataclass(frozen=True, slots=True)
class Election:
    """Integer view of an election. Projects are indexed 0..m-1 in file order.

    ``groups`` holds ``(multiplicity, ((project_index, points), ...))`` with positive points only;
    approval ballots give every approved project 1 point.
    """

    project_ids: tuple[str, ...]
    names: tuple[str, ...]
    costs: tuple[int, ...]
    budget: int
    scale: int
    n_voters: int
    points_ballots: bool
    groups: tuple[tuple[int, tuple[tuple[int, int], ...]], ...]
    scores: tuple[int, ...]
    supporters: tuple[int, ...]
    first_choice: tuple[int, ...]
    #: flat (group, project, points) incidence arrays of ``groups``, for vectorised rules
    inc: tuple[np.ndarray, np.ndarray, np.ndarray] = field(
        default=(np.zeros(0, np.int64),) * 3, compare=False, repr=False
    )

    def incidence(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self.inc

    def money(self, units: int | float) -> Decimal:
        """Units back to PLN (grosz precision) for display."""
        return (Decimal(units) / self.scale).quantize(Decimal("0.01"))

    @property
    def m(self) -> int:
        return len(self.project_ids)


def _scale_for(values: list[Decimal]) -> int:
    exponent = min(0, *(int(v.as_tuple().exponent) for v in values))
    return 10 ** (-exponent)


def compile_instance(instance: Instance) -> Election:
    """Build the integer :class:`Election` of ``instance``.

    Points: a ``points`` column is used as given. An ordinal ballot without one gets positional
    points ``k, k-1, …`` where ``k`` is META ``max_length`` (else the longest ballot): Kraków's
    3/2/1 rule, under which a first choice is worth 3 whatever the ballot's length.
    Approval (and choose-1) ballots give 1 point per approved project.
    """
    projects = list(instance.projects.values())
    index = {p.project_id: i for i, p in enumerate(projects)}
    decimals = [p.cost.normalize() for p in projects] + [instance.budget.normalize()]
    scale = _scale_for(decimals)
    costs = tuple(int(p.cost * scale) for p in projects)
    budget = int(instance.budget * scale)

    vote_type = instance.vote_type
    positional = vote_type == "ordinal" and any(v.points is None for v in instance.votes)
    top = int(instance.meta.get("max_length", "0") or 0) or max(
        (len(v.projects) for v in instance.votes), default=0
    )
    counts: Counter[tuple[tuple[int, int], ...]] = Counter()
    first = [0] * len(projects)
    approval = vote_type in ("approval", "choose-1")
    # Identical ballots are common (and share one tuple object after parsing): handle each
    # distinct (projects, points) once, with its multiplicity.
    raw: Counter[tuple[tuple[str, ...], tuple[int, ...] | None]] = Counter(
        (vote.projects, vote.points) for vote in instance.votes
    )
    for (ballot, points), weight in raw.items():
        if approval:
            pairs = [(index[p], 1) for p in ballot]
        elif positional or points is None:
            pairs = [(index[p], max(top - pos, 1)) for pos, p in enumerate(ballot)]
        else:
            pairs = [(index[p], pts) for p, pts in zip(ballot, points, strict=True)]
        pairs = [pair for pair in pairs if pair[1] > 0]
        if pairs:
            # "First choice" = the ballot's highest points (first place on a 3/2/1 ballot; every
            # approval on an approval ballot). Used only to break ties in the greedy ranking.
            best = max(pts for _, pts in pairs)
            for j, pts in pairs:
                if pts == best:
                    first[j] += weight
        counts[tuple(sorted(pairs))] += weight

    scores = [0] * len(projects)
    supporters = [0] * len(projects)
    for key, weight in counts.items():
        for j, pts in key:
            scores[j] += weight * pts
            supporters[j] += weight
    # Sorted ballots put the supporters of a project near each other in the group arrays, which
    # makes the rules' gathers of their budgets markedly faster (memory locality).
    groups = tuple((w, key) for key, w in sorted(counts.items()) if key)
    flat = [(g, j, pts) for g, (_, key) in enumerate(groups) for j, pts in key]
    arr = np.array(flat, dtype=np.int64).reshape(-1, 3)
    return Election(
        project_ids=tuple(p.project_id for p in projects),
        names=tuple(p.name for p in projects),
        costs=costs,
        budget=budget,
        scale=scale,
        n_voters=len(instance.votes),
        points_ballots=vote_type not in ("approval", "choose-1"),
        groups=groups,
        scores=tuple(scores),
        supporters=tuple(supporters),
        first_choice=tuple(first),
        inc=(arr[:, 0].copy(), arr[:, 1].copy(), arr[:, 2].copy()),
    )
