"""The same rules computed by pabutools 1.2, for the tests and ``bench/pb_rules.py`` only.

pabutools is a test-only dependency: it is imported inside the functions, so importing this module
costs nothing and the portal never needs it at run time. Each function builds the pabutools
objects from our parsed :class:`Instance` (same points as ``compile_instance``: approvals, the
``points`` column, or Kraków's positional 3/2/1) and passes tie-breaking rules equal to ours, so
the outcomes must be identical, ties included.
"""

from __future__ import annotations

from typing import Any

from consultations.pb.election import Election, compile_instance
from consultations.pb.pabulib import Instance

__all__ = ["PabutoolsElection", "pabutools_rule"]


class PabutoolsElection:
    """pabutools Instance + profile (and matching satisfaction classes and tie-breaking)."""

    def __init__(self, instance: Instance, *, multiprofile: bool = True) -> None:
        from pabutools.election import (
            Additive_Cardinal_Sat,
            AdditiveSatisfaction,
            ApprovalBallot,
            ApprovalProfile,
            Cost_Sat,
            CumulativeBallot,
            CumulativeProfile,
            Project,
        )
        from pabutools.election import Instance as PbInstance
        from pabutools.fractions import str_as_frac
        from pabutools.tiebreaking import TieBreakingRule

        election: Election = compile_instance(instance)
        self.election = election
        pb_instance = PbInstance(budget_limit=str_as_frac(str(instance.budget)))
        projects = {}
        for pid, project in instance.projects.items():
            projects[pid] = Project(pid, str_as_frac(str(project.cost)))
            pb_instance.add(projects[pid])
        index = {pid: j for j, pid in enumerate(election.project_ids)}
        ids = election.project_ids
        if election.points_ballots:
            profile: Any = CumulativeProfile(instance=pb_instance)
            for _, pairs in _ballots(election):
                profile.append(
                    CumulativeBallot({projects[ids[j]]: str_as_frac(str(pts)) for j, pts in pairs})
                )

            # Kraków's greedy ranks by total points; pabutools' greedy ranks by total
            # satisfaction per unit of cost, so satisfaction = points x cost gives the same order.
            def points_times_cost(inst: Any, prof: Any, ballot: Any, proj: Any, pre: Any) -> Any:
                return ballot.get(proj, 0) * proj.cost

            class PointsTimesCost(AdditiveSatisfaction):
                def __init__(self, inst: Any, prof: Any, ballot: Any) -> None:
                    AdditiveSatisfaction.__init__(self, inst, prof, ballot, points_times_cost)

            self.mes_sat: Any = Additive_Cardinal_Sat
            self.greedy_sat: Any = PointsTimesCost
        else:
            profile = ApprovalProfile(instance=pb_instance)
            for _, pairs in _ballots(election):
                profile.append(ApprovalBallot({projects[ids[j]] for j, _ in pairs}))
            self.mes_sat = Cost_Sat
            self.greedy_sat = Cost_Sat  # total cost-satisfaction / cost = number of approvals
        self.instance = pb_instance
        self.profile = profile.as_multiprofile() if multiprofile else profile
        self.n_voters = election.n_voters
        e = election
        self.greedy_tb = TieBreakingRule(
            lambda inst, prof, p: (
                -e.first_choice[index[p.name]],
                e.costs[index[p.name]],
                index[p.name],
            )
        )
        self.mes_tb = TieBreakingRule(
            lambda inst, prof, p: (
                e.costs[index[p.name]],
                -e.supporters[index[p.name]],
                index[p.name],
            )
        )

    def greedy(self) -> list[str]:
        from pabutools.rules import greedy_utilitarian_welfare

        out = greedy_utilitarian_welfare(
            self.instance, self.profile, sat_class=self.greedy_sat, tie_breaking=self.greedy_tb
        )
        return [p.name for p in out]

    def mes(self) -> list[str]:
        from pabutools.rules import method_of_equal_shares

        out = method_of_equal_shares(
            self.instance, self.profile, sat_class=self.mes_sat, tie_breaking=self.mes_tb
        )
        return [p.name for p in out]

    def mes_add1(self) -> list[str]:
        from pabutools.fractions import frac
        from pabutools.rules import (
            completion_by_rule_combination,
            exhaustion_by_budget_increase,
            greedy_utilitarian_welfare,
            method_of_equal_shares,
        )

        out = completion_by_rule_combination(
            self.instance,
            self.profile,
            [exhaustion_by_budget_increase, greedy_utilitarian_welfare],
            [
                {
                    "rule": method_of_equal_shares,
                    "rule_params": {"sat_class": self.mes_sat, "tie_breaking": self.mes_tb},
                    "exhaustive_stop": False,
                    "budget_step": frac(self.n_voters),
                },
                {"sat_class": self.greedy_sat, "tie_breaking": self.greedy_tb},
            ],
        )
        return [p.name for p in out]


def _ballots(election: Election) -> list[tuple[int, tuple[tuple[int, int], ...]]]:
    """Voters one by one again (each group repeated), plus the voters with empty ballots."""
    out: list[tuple[int, tuple[tuple[int, int], ...]]] = []
    for weight, pairs in election.groups:
        out.extend([(1, pairs)] * weight)
    out.extend([(1, ())] * (election.n_voters - len(out)))
    return out


def pabutools_rule(bridge: PabutoolsElection, rule: str) -> list[str]:
    """pabutools' selection (in its order) for one of our rule names."""
    if rule == "greedy":
        return bridge.greedy()
    if rule == "mes":
        return bridge.mes()
    if rule == "mes-add1":
        return bridge.mes_add1()
    raise ValueError(f"unknown rule {rule!r}")
