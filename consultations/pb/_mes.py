"""The Method of Equal Shares (MES) core: one run at a given per-voter share.

Definition (equalshares.net; pabutools 1.2 ``method_of_equal_shares``): every voter starts with the
same share of the budget. In each round, for every project still in play find the smallest factor
``rho`` such that the project's supporters can pay its cost when supporter ``i`` pays
``min(budget_i, rho * u_i)`` (``u_i`` = the voter's utility for the project: its cost for approval
ballots with cost utilities, the points given for points ballots). Fund the project with the
smallest ``rho``, charge its supporters, repeat; a project whose supporters hold less money in total
than its cost is out for good (budgets only ever shrink). Stop when nothing is affordable.

Two interchangeable backends produce identical results:

* ``_FloatBackend`` — numpy float64 on groups of identical ballots; fast. Every decision it takes
  (which ``rho`` is smallest, whether supporters can afford a cost) is checked against a relative
  margin: ``TOL``, widened for a ``rho`` whose sums cancel. When a decision falls inside the
  margin it cannot be trusted to float rounding, and it raises :class:`Ambiguous` (except for the
  common exact tie of two projects nobody is short of money for, where
  ``rho = cost / total utility`` is settled in integers).
* ``_ExactBackend`` — the same algorithm in :class:`fractions.Fraction`; slow, always right.

:func:`run_mes` tries float and falls back to exact on :class:`Ambiguous`, so the result is always
the exact-arithmetic outcome. Ties between exactly equal ``rho`` are broken by ``tie_key`` (see
``rules.py``).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from consultations.pb.election import Election

__all__ = ["TOL", "Ambiguous", "MesEngine", "MesRound", "MesRun", "run_mes"]

#: Relative margin inside which a float comparison is not trusted. Float error on these sums is
#: around 1e-13 relative; a real difference as small as 1e-9 is rare and is then settled exactly.
TOL = 1e-9

#: Vector length up to which OpenBLAS computes a dot product in the calling thread.
_BLAS_SINGLE_THREAD = 8192


class Ambiguous(Exception):  # noqa: N818 - a signal, not an error a caller sees
    """A float decision fell within ``TOL``; redo the run in exact arithmetic."""


@dataclass(frozen=True, slots=True)
class MesRound:
    """One funded project. Payments are grouped by (utility, paid in full or capped)."""

    project: int
    rho: float
    rho_exact: Fraction | None
    # (utility per voter, voters, total paid in units, capped) — capped voters paid all they had
    payments: tuple[tuple[int, int, float, bool], ...] = ()


@dataclass(slots=True)
class MesRun:
    """The outcome of one MES run: selection order and, when recorded, the details."""

    selected: list[int] = field(default_factory=list)
    rounds: list[MesRound] = field(default_factory=list)
    #: money left with the supporters of each project at the end (units), when recorded
    money_left: list[float] | None = None
    exact: bool = False


@dataclass(frozen=True, slots=True)
class _Supporters:
    """Per project: the supporter groups, their multiplicities and per-voter utilities."""

    groups: list[np.ndarray]
    weights: list[np.ndarray]
    utilities: list[np.ndarray]
    total_u: list[int]

    @classmethod
    def build(cls, election: Election, cost_utilities: bool) -> _Supporters:
        inc_group, inc_project, inc_points = election.incidence()
        order = np.argsort(inc_project, kind="stable")
        bounds = np.searchsorted(inc_project[order], np.arange(election.m + 1))
        weights_all = np.asarray([w for w, _ in election.groups], dtype=np.int64)
        costs = np.asarray(election.costs, dtype=np.int64)
        groups, weights, utilities, total_u = [], [], [], []
        for j in range(election.m):
            sl = order[bounds[j] : bounds[j + 1]]
            g = inc_group[sl]
            w = weights_all[g]
            u = np.full(len(sl), costs[j], dtype=np.int64) if cost_utilities else inc_points[sl]
            groups.append(g)
            weights.append(w)
            utilities.append(u)
            if len(u) and float(w.sum()) * float(u.max()) < 2.0**62:
                total_u.append(int((w * u).sum()))
            else:  # Python ints: exact where an int64 sum could overflow
                total_u.append(
                    sum(int(x) * int(y) for x, y in zip(w.tolist(), u.tolist(), strict=True))
                )
        return cls(groups, weights, utilities, total_u)

    def rows(self, j: int) -> list[tuple[int, int, int]]:
        return list(
            zip(
                self.groups[j].tolist(),
                self.weights[j].tolist(),
                self.utilities[j].tolist(),
                strict=True,
            )
        )


@dataclass(slots=True)
class _Rho:
    value: float | Fraction
    exact: Fraction | None
    partial: bool = False  # value is only a lower bound (computation cut short)
    err: float = 0.0  # bound on the relative float error of value (0 for exact values)


class _FloatBackend:
    tol = TOL

    def __init__(self, election: Election, supporters: _Supporters, share: Fraction) -> None:
        self.costs = election.costs
        self.budget = np.full(len(election.groups), float(share))
        self.idx = supporters.groups
        self.w = [w.astype(np.float64) for w in supporters.weights]
        self.unit_w = [bool((w == 1).all()) for w in supporters.weights]
        self.u = [u.astype(np.float64) for u in supporters.utilities]
        # With cost utilities every supporter of a project has the same utility (its cost), so
        # "pays rho*u" is one price for all: compare budgets with a scalar instead of an array.
        self.u_const = [
            float(u[0]) if len(u) and bool((u == u[0]).all()) else None
            for u in supporters.utilities
        ]
        self.inv_u = [1.0 / u for u in self.u]
        self.wu = [w * u for w, u in zip(self.w, self.u, strict=True)]
        self.total_u = supporters.total_u
        self.buf = []
        for wu in self.wu:
            buf = np.empty((3, len(wu)))
            buf[2] = wu
            self.buf.append(buf)

    def lower_bound(self, j: int) -> float:
        return self.costs[j] / self.total_u[j] if self.total_u[j] else float("inf")

    def rho(self, j: int, cutoff: float | Fraction = float("inf")) -> _Rho | None:
        """Fresh rho of ``j``; None if unaffordable. Once the rising estimate passes ``cutoff``
        the project cannot win this round: stop and return that estimate, a lower bound
        (``partial``)."""
        c = self.costs[j]
        if not self.total_u[j]:
            return None
        # One (3, n) buffer per project, reused by every run: row 0 the comparison key (budget,
        # or budget/utility), row 1 the money each group holds (weight x budget), row 2 its
        # total utility (fixed).
        buf = self.buf[j]
        key = buf[0]
        np.take(self.budget, self.idx[j], out=key)
        u_const = self.u_const[j]
        unit_w = self.unit_w[j]
        if unit_w:
            avail = float(key.sum())
            if u_const is None:  # row 0 is about to become budget/utility: keep the money
                buf[1] = key
        else:
            np.multiply(self.w[j], key, out=buf[1])
            avail = float(buf[1].sum())
        tol = self.tol
        if avail < c * (1 - tol):
            return None
        if avail <= c * (1 + tol):
            raise Ambiguous
        total = float(self.total_u[j])
        rho = c / total
        # Voters whose budget is below their due rho*u pay all they have (they are "capped");
        # with cost utilities u is one number per project, so compare budgets with rho*u.
        if u_const is None:
            np.multiply(key, self.inv_u[j], out=key)
            scale = 1.0
        else:
            scale = u_const
        capped = key < rho * scale
        n_capped = int(np.count_nonzero(capped))
        if not n_capped:
            if bool((key <= rho * scale * (1 + tol)).any()):
                return _Rho(rho, None, err=tol)
            return _Rho(rho, Fraction(c, self.total_u[j]), err=tol)
        if unit_w and u_const is not None:
            buf[1] = key  # the money row, needed from here on
        # Poor/rich iteration: the capped pay everything, rho rises, more may become capped; each
        # pass only adds to the capped set, so it ends after a few passes. Sums are taken as
        # products with the 0/1 mask: numpy's boolean indexing is several times slower here.
        money_and_u = buf[1:]
        # Small projects: a BLAS matrix-vector product with the 0/1 mask is the fastest sum.
        # Large ones: OpenBLAS would start threads past ~10k elements, which on a busy 2-core
        # machine costs far more than it saves, so multiply and reduce in numpy instead.
        small = len(key) <= _BLAS_SINGLE_THREAD
        while True:
            if small:
                paid, used = (money_and_u @ capped.astype(np.float64)).tolist()
            else:
                paid, used = (money_and_u * capped).sum(axis=1).tolist()
            num, den = c - paid, total - used
            if num <= 0 or den <= 0:  # pragma: no cover - excluded by the avail margin above
                raise Ambiguous
            rho = num / den
            # c - paid and total - used may cancel (nearly every supporter capped): widen the
            # error bound accordingly. Sums of n float terms err by < n*eps relative, n < 1e6.
            err = tol + 2e-10 * (avail / num + total / den)
            if rho * (1 - err) > cutoff:
                return _Rho(rho, None, partial=True, err=err)
            capped = key < rho * scale
            n_new = int(np.count_nonzero(capped))
            if n_new == n_capped:
                break
            n_capped = n_new
        return _Rho(rho, None, err=err)

    def pay(self, j: int, r: _Rho, record: bool) -> tuple[tuple[int, int, float, bool], ...]:
        idx = self.idx[j]
        u_const = self.u_const[j]
        # The winner's buffer still holds its supporters' budgets (nothing was paid since its
        # rho was computed) unless row 0 was turned into budget/utility.
        bb = self.buf[j][0] if u_const is not None else self.budget[idx]
        due: float | np.ndarray = float(r.value) * (u_const if u_const is not None else self.u[j])
        self.budget[idx] = np.maximum(bb - due, 0.0)
        if not record:
            return ()
        due_arr = np.broadcast_to(due, bb.shape)
        capped = bb <= due_arr
        return _summarise(self.u[j], self.w[j], np.where(capped, bb, due_arr), capped)

    def money_left(self, j: int) -> float:
        return float((self.w[j] * self.budget[self.idx[j]]).sum())


def _summarise(
    u: np.ndarray, w: np.ndarray, paid: np.ndarray, capped: np.ndarray
) -> tuple[tuple[int, int, float, bool], ...]:
    """Payments grouped by (utility, capped): (utility, voters, total paid, capped)."""
    u_int = np.asarray(u).astype(np.int64)
    capped = np.asarray(capped, dtype=bool)
    keys = u_int * 2 + capped
    uniq, inverse = np.unique(keys, return_inverse=True)
    voters = np.bincount(inverse, weights=w, minlength=len(uniq))
    totals = np.bincount(inverse, weights=np.asarray(w) * paid, minlength=len(uniq))
    return tuple(
        (int(k) // 2, int(n), float(t), bool(k % 2))
        for k, n, t in zip(uniq.tolist(), voters.tolist(), totals.tolist(), strict=True)
    )


class _ExactBackend:
    tol = 0.0

    def __init__(
        self,
        election: Election,
        supporters: _Supporters,
        share: Fraction,
    ) -> None:
        self.costs = election.costs
        self.budget: list[Fraction] = [share] * len(election.groups)
        self.sup = [supporters.rows(j) for j in range(election.m)]
        self.total_u = supporters.total_u

    def lower_bound(self, j: int) -> Fraction | float:
        return Fraction(self.costs[j], self.total_u[j]) if self.total_u[j] else float("inf")

    def rho(self, j: int, cutoff: float | Fraction = float("inf")) -> _Rho | None:
        c = self.costs[j]
        b = self.budget
        rows = self.sup[j]
        if not rows or sum(w * b[g] for g, w, _ in rows) < c:
            return None
        paid = Fraction(0)
        rest = self.total_u[j]
        for g, w, u in sorted(rows, key=lambda r: b[r[0]] / r[2]):
            rho = (c - paid) / rest
            if rho * u <= b[g]:
                return _Rho(rho, rho)
            paid += w * b[g]
            rest -= w * u
        raise AssertionError("affordable project without a price")  # pragma: no cover

    def pay(self, j: int, r: _Rho, record: bool) -> tuple[tuple[int, int, float, bool], ...]:
        rho = r.exact
        assert rho is not None  # noqa: S101 - exact backend always has it
        b = self.budget
        us, ws, paid, capped = [], [], [], []
        for g, w, u in self.sup[j]:
            due = rho * u
            is_capped = b[g] <= due
            amount = b[g] if is_capped else due
            b[g] -= amount
            us.append(u)
            ws.append(w)
            paid.append(float(amount))
            capped.append(is_capped)
        if not record:
            return ()
        return _summarise(np.array(us), np.array(ws, dtype=float), np.array(paid), np.array(capped))

    def money_left(self, j: int) -> float:
        return float(sum(w * self.budget[g] for g, w, _ in self.sup[j]))


def _lower(r: _Rho) -> float | Fraction:
    """A value no larger than the exact rho, for the heap of lower bounds."""
    return r.value * (1 - r.err) if r.err else r.value


def _run(
    backend: _FloatBackend | _ExactBackend,
    m: int,
    excluded: Sequence[bool],
    tie_key: Callable[[int], tuple[int, ...]],
    record: bool,
) -> MesRun:
    run = MesRun(exact=isinstance(backend, _ExactBackend))
    # Lazy evaluation: a project's rho can only grow as budgets shrink, so an old value is a
    # lower bound. Pop projects until the next lower bound exceeds the best fresh rho (plus the
    # margin, so that every project that might tie is recomputed).
    heap: list[tuple[float | Fraction, int]] = [
        (backend.lower_bound(j), j) for j in range(m) if not excluded[j]
    ]
    heapq.heapify(heap)
    # Two float values closer than their error bounds may be equal in exact arithmetic: the
    # window is twice the largest error bound met in the round (0 for the exact backend).
    base = 2 * backend.tol

    def within(value: float | Fraction, best: float | Fraction, window: float) -> bool:
        # exact backend: plain <=, never through a float product that would round a Fraction
        return value <= best * (1 + window) if window else value <= best

    while heap:
        fresh: dict[int, _Rho] = {}
        best: float | Fraction = float("inf")
        window = base
        while heap and within(heap[0][0], best, window):
            _, j = heapq.heappop(heap)
            r = backend.rho(j, best * (1 + window) if window else best)
            if r is None:
                continue  # unaffordable now, so for the rest of the run
            if r.err:
                window = max(window, 2 * r.err)
            if r.partial:  # cannot beat the best: back with a better lower bound
                heapq.heappush(heap, (_lower(r), j))
                continue
            fresh[j] = r
            if r.value < best:
                best = r.value
        if not fresh:
            break
        tied = [j for j, r in fresh.items() if within(r.value, best, window)]
        if len(tied) > 1:
            exacts = [fresh[j].exact for j in tied]
            if any(e is None for e in exacts):
                raise Ambiguous
            low = min(e for e in exacts if e is not None)
            tied = [j for j in tied if fresh[j].exact == low]
        winner = min(tied, key=tie_key)
        for j, r in fresh.items():
            if j != winner:
                heapq.heappush(heap, (_lower(r), j))
        r = fresh[winner]
        payments = backend.pay(winner, r, record)
        run.selected.append(winner)
        if record:
            run.rounds.append(MesRound(winner, float(r.value), r.exact, payments))
    if record:
        run.money_left = [backend.money_left(j) for j in range(m)]
    return run


class MesEngine:
    """Reusable MES runner for one election and one utility model (add1 reruns it many times)."""

    def __init__(
        self,
        election: Election,
        *,
        cost_utilities: bool,
        tie_key: Callable[[int], tuple[int, ...]],
    ) -> None:
        self.election = election
        self.tie_key = tie_key
        self.supporters = _Supporters.build(election, cost_utilities)
        self.excluded = [t == 0 for t in self.supporters.total_u]
        self.supporter_weight = [int(w.sum()) for w in self.supporters.weights]
        self._float: _FloatBackend | None = None
        self.exact_runs = 0

    def run(self, share: Fraction, *, record: bool = False, exact: bool = False) -> MesRun:
        """MES with every voter starting at ``share`` units; exact whenever floats are unsure."""
        m = self.election.m
        if not exact:
            if self._float is None:
                self._float = _FloatBackend(self.election, self.supporters, share)
            else:
                self._float.budget.fill(float(share))
            try:
                return _run(self._float, m, self._excluded_at(share), self.tie_key, record)
            except Ambiguous:
                pass
        self.exact_runs += 1
        backend = _ExactBackend(self.election, self.supporters, share)
        return _run(backend, m, self._excluded_at(share), self.tie_key, record)

    def _excluded_at(self, share: Fraction) -> list[bool]:
        """Projects no run at ``share`` can fund: no supporter, or all supporters' starting
        money together below the cost (checked exactly, and without touching any voter)."""
        num, den = share.numerator, share.denominator  # integers: 80 Fractions cost 0.5 ms
        return [
            excluded or weight * num < cost * den
            for excluded, weight, cost in zip(
                self.excluded, self.supporter_weight, self.election.costs, strict=True
            )
        ]


def run_mes(
    election: Election,
    share: Fraction,
    *,
    cost_utilities: bool,
    tie_key: Callable[[int], tuple[int, ...]],
    record: bool = False,
) -> MesRun:
    """One MES run at per-voter ``share`` (units); see :class:`MesEngine`."""
    engine = MesEngine(election, cost_utilities=cost_utilities, tie_key=tie_key)
    return engine.run(share, record=record)
