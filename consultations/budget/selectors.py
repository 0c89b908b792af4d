"""Reads of the participatory budget used by views, the API and other apps."""

import random
import time
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet

from accounts.models import User
from consultations.budget.identity import voter_hash
from consultations.budget.models import (
    Ballot,
    BallotChoice,
    BallotType,
    Edition,
    Pool,
    PoolResult,
    Project,
    ProjectStatus,
    ResultStatus,
    VoterRegister,
)
from consultations.pb import pabulib


def public_editions() -> QuerySet[Edition]:
    return Edition.objects.public().order_by("-year")


def edition_pools(*, edition: Edition) -> QuerySet[Pool]:
    return (
        edition.pools.select_related("district", "result")
        .annotate(n_projects=Count("projects", filter=Q(projects__status=ProjectStatus.ACCEPTED)))
        .order_by("kind", "district__number")
    )


def public_projects(
    *,
    edition: Edition | None = None,
    pool: Pool | None = None,
    district_id: int | None = None,
    search: str = "",
    status: str = "",
) -> QuerySet[Project]:
    """The public catalogue: every project once submitted, filterable; text search in title,
    description and location."""
    qs = Project.objects.select_related("pool__edition", "pool__district").filter(
        pool__edition__is_published=True
    )
    if edition is not None:
        qs = qs.filter(pool__edition=edition)
    if pool is not None:
        qs = qs.filter(pool=pool)
    if district_id is not None:
        qs = qs.filter(pool__district_id=district_id)
    if status:
        qs = qs.filter(status=status)
    if search:
        qs = qs.filter(
            Q(title__icontains=search)
            | Q(description__icontains=search)
            | Q(location__icontains=search)
        )
    return qs.order_by("pool__kind", "pool__district__number", "number")


def verification_queue(*, edition: Edition | None = None) -> QuerySet[Project]:
    """Projects waiting for a clerk: submitted ones (to verify) and appealed ones (to decide)."""
    qs = Project.objects.select_related("pool__edition", "pool__district").filter(
        status__in=[ProjectStatus.SUBMITTED, ProjectStatus.APPEALED]
    )
    if edition is not None:
        qs = qs.filter(pool__edition=edition)
    return qs.order_by(
        "-pool__edition__year", "status", "pool__kind", "pool__district__number", "number"
    )


def project_history(*, project: Project) -> list[Any]:
    """The project's recorded versions, newest first, with the acting user."""
    return list(
        project.history.select_related("history_user").order_by("-history_date", "-history_id")
    )


def results_awaiting_approval() -> QuerySet[PoolResult]:
    return (
        PoolResult.objects.filter(status=ResultStatus.COMPUTED)
        .select_related("pool__edition", "pool__district")
        .order_by("-pool__edition__year", "pool__kind", "pool__district__number")
    )


def result_for_approval(*, public_id: str) -> PoolResult | None:
    try:
        return (
            PoolResult.objects.select_related("pool__edition", "pool__district", "approved_by")
            .filter(pool__public_id=public_id)
            .first()
        )
    except ValidationError:
        return None


def ballot_projects(*, pool: Pool) -> QuerySet[Project]:
    return pool.projects.on_ballot().order_by("number")


@dataclass(frozen=True)
class BallotSnapshot:
    """A pool (with its edition) and its accepted projects by public id, for casting ballots."""

    pool: Pool
    projects: dict[uuid.UUID, Project]


#: How long a worker may reuse a pool's ballot snapshot. A schedule or project change made by a
#: clerk during voting reaches every worker within this time; the database constraints (register
#: uniqueness, foreign keys) still guard every write whatever the snapshot says.
BALLOT_SNAPSHOT_TTL = 5.0
_snapshots: dict[str, tuple[float, BallotSnapshot | None]] = {}


def ballot_snapshot(*, public_id: str) -> BallotSnapshot | None:
    """The published pool with this public id and its ballot, cached per process for a few
    seconds: the hot path of casting a ballot then reads nothing but the voter."""
    now = time.monotonic()
    cached = _snapshots.get(public_id)
    if cached is not None and cached[0] > now:
        return cached[1]
    try:
        pool = (
            Pool.objects.filter(edition__is_published=True)
            .select_related("edition", "district")
            .filter(public_id=public_id)
            .first()
        )
    except ValidationError:  # not a UUID
        pool = None
    snapshot = None
    if pool is not None:
        projects = {p.public_id: p for p in ballot_projects(pool=pool)}
        snapshot = BallotSnapshot(pool=pool, projects=projects)
    if len(_snapshots) > 1000:
        _snapshots.clear()
    _snapshots[public_id] = (now + BALLOT_SNAPSHOT_TTL, snapshot)
    return snapshot


def ballot_snapshots_clear() -> None:
    _snapshots.clear()


def published_result(*, pool: Pool) -> PoolResult | None:
    return PoolResult.objects.filter(pool=pool, status=ResultStatus.PUBLISHED).first()


def ballot_by_check_code(*, code: str) -> Ballot | None:
    return (
        Ballot.objects.select_related("pool__edition", "pool__district")
        .filter(check_code=code.strip().upper())
        .first()
    )


def participations(*, user: User) -> QuerySet[VoterRegister]:
    """Where this person is on the register (by the keyed hash of the profile's PESEL)."""
    if not user.pesel:
        return VoterRegister.objects.none()
    return (
        VoterRegister.objects.select_related("edition")
        .filter(voter_hash=voter_hash(user.pesel))
        .order_by("-edition__year", "pool_kind")
    )


def has_voted(*, user: User, edition: Edition, pool_kind: str) -> bool:
    return participations(user=user).filter(edition=edition, pool_kind=pool_kind).exists()


def pool_instance(*, pool: Pool) -> pabulib.Instance:
    """The pool as a pabulib election: accepted projects, valid ballots, anonymous voter ids.

    Voter ids are 1..n over the ballots in random order, so they reveal nothing about when or
    through which channel anyone voted.
    """
    projects = list(pool.projects.on_ballot().order_by("number"))
    by_pk = {p.pk: p for p in projects}
    ballots: dict[int, list[tuple[int, int, int]]] = {}
    for ballot_id, project_id, position, pts in BallotChoice.objects.filter(
        ballot__pool=pool, ballot__is_valid=True
    ).values_list("ballot_id", "project_id", "position", "points"):
        ballots.setdefault(ballot_id, []).append((position, project_id, pts))
    rows = list(ballots.values())
    random.SystemRandom().shuffle(rows)
    votes = []
    for n, row in enumerate(rows, start=1):
        row.sort()
        ids = tuple(str(by_pk[pid].number) for _pos, pid, _pts in row if pid in by_pk)
        given = tuple(p for _pos, pid, p in row if pid in by_pk)
        if ids:
            votes.append(
                pabulib.Vote(
                    voter_id=str(n),
                    projects=ids,
                    points=None if pool.ballot_type == BallotType.APPROVAL else given,
                )
            )
    vote_type = "approval" if pool.ballot_type == BallotType.APPROVAL else pool.ballot_type
    meta = {
        "description": str(pool),
        "country": "Poland",
        "unit": "Kraków",
        "instance": str(pool.edition.year),
        "district": pool.district.name if pool.district_id and pool.district else "",
        "num_projects": str(len(projects)),
        "num_votes": str(len(votes)),
        "budget": str(pool.amount),
        "vote_type": vote_type,
        "rule": "greedy" if pool.rule == "greedy" else "equalshares/add1",
        "date_begin": pool.edition.voting_start.date().isoformat(),
        "date_end": pool.edition.voting_end.date().isoformat(),
        "min_length": str(pool.min_choices),
        "max_length": str(pool.max_choices),
    }
    if pool.ballot_type == BallotType.CUMULATIVE:
        meta["max_sum_points"] = str(pool.cumulative_points)
    return pabulib.Instance(
        meta={k: v for k, v in meta.items() if v != ""},
        projects={
            str(p.number): pabulib.Project(project_id=str(p.number), cost=p.cost, name=p.title)
            for p in projects
        },
        votes=tuple(votes),
        project_columns=("project_id", "cost", "name"),
        vote_columns=("voter_id", "vote")
        if vote_type == "approval"
        else ("voter_id", "vote", "points"),
    )


def results_rows() -> list[dict[str, object]]:
    """Open data: one row per project of every published result."""
    rows: list[dict[str, object]] = []
    results = PoolResult.objects.filter(status=ResultStatus.PUBLISHED).select_related(
        "pool__edition", "pool__district"
    )
    for result in results:
        mes_selected = set(result.mes["selected"])
        for p in result.greedy["projects"]:
            rows.append(
                {
                    "edition": result.pool.edition.year,
                    "pool": str(result.pool),
                    "project_number": int(p["project_id"]),
                    "title": p["name"],
                    "cost": p["cost"],
                    "score": p["score"],
                    "supporters": p["supporters"],
                    "funded_greedy": p["selected"],
                    "funded_mes": p["project_id"] in mes_selected,
                }
            )
    return rows


def anonymised_votes_rows() -> list[dict[str, object]]:
    """Open data: the ballots of published pools, voter ids anonymised (as in the .pb export)."""
    rows: list[dict[str, object]] = []
    results = PoolResult.objects.filter(status=ResultStatus.PUBLISHED).select_related(
        "pool__edition", "pool__district"
    )
    for result in results:
        instance = pool_instance(pool=result.pool)
        for vote in instance.votes:
            rows.append(
                {
                    "edition": result.pool.edition.year,
                    "pool": str(result.pool),
                    "voter": int(vote.voter_id),
                    "projects": ",".join(vote.projects),
                    "points": ",".join(str(p) for p in vote.points or ()),
                }
            )
    return rows
