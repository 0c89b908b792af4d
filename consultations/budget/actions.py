"""Every write the participatory budget allows. Keyword-only, typed; history with the actor."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actions import assisted_act_record
from accounts.models import User
from accounts.permissions import is_assistant
from accounts.validators import InvalidPesel, parse_pesel
from accounts.verification import has_level
from config.postgresql.base import prepared_cursor
from consultations import secrecy
from consultations.budget.identity import voter_hash
from consultations.budget.models import (
    Ballot,
    BallotChoice,
    BallotType,
    Channel,
    CostItem,
    DistrictChoice,
    Edition,
    PaperBallotRejection,
    PaperRejectionReason,
    Pool,
    PoolKind,
    PoolResult,
    Project,
    ProjectStatus,
    ResultStatus,
    VoterRegister,
    new_code,
)
from consultations.budget.selectors import pool_instance
from consultations.integrity import violated_constraint
from consultations.pb import pabulib, rules
from consultations.selectors import resident_by_pesel


class AlreadyVoted(ValidationError):
    pass


def _set_history_user(obj: object, acting_user: User | None) -> None:
    obj._history_user = acting_user  # type: ignore[attr-defined]


# --------------------------------------------------------------------------------------------
# ballots


def ballot_validate(
    *, pool: Pool, projects: Sequence[Project], points: Sequence[int] | None = None
) -> list[tuple[Project, int]]:
    """Check a ballot against the pool's rules; return ``(project, points)`` in ballot order.

    ``projects`` is the voter's order (1st choice first). ``points`` is used only for cumulative
    ballots. Raises ValidationError with a translated message on any breach.
    """
    if len({p.pk for p in projects}) != len(projects):
        raise ValidationError(_("Ten sam projekt wybrano więcej niż raz."), code="duplicate")
    if len(projects) < pool.min_choices:
        raise ValidationError(
            _("Wybierz co najmniej %(n)d projekt(y).") % {"n": pool.min_choices}, code="too_few"
        )
    if len(projects) > pool.max_choices:
        raise ValidationError(
            _("Można wybrać najwyżej %(n)d projekt(y).") % {"n": pool.max_choices},
            code="too_many",
        )
    for project in projects:
        if project.pool_id != pool.pk or project.status != ProjectStatus.ACCEPTED:
            raise ValidationError(
                _("Projekt „%(title)s” nie jest na tej karcie.") % {"title": project.title},
                code="not_on_ballot",
            )
    if pool.ballot_type == BallotType.APPROVAL:
        return [(p, 1) for p in projects]
    if pool.ballot_type == BallotType.ORDINAL:
        return list(zip(projects, pool.points_for_ranks(), strict=False))
    if points is None or len(points) != len(projects) or any(p < 1 for p in points):
        raise ValidationError(
            _("Każdemu wybranemu projektowi przydziel co najmniej 1 punkt."), code="points"
        )
    if sum(points) > pool.cumulative_points:
        raise ValidationError(
            _("Można rozdzielić najwyżej %(k)d punktów.") % {"k": pool.cumulative_points},
            code="too_many_points",
        )
    return list(zip(projects, points, strict=True))


#: The register's one-ballot-per-person constraint (``VoterRegister.Meta.constraints``).
ONE_BALLOT_CONSTRAINT = "budget_one_ballot_per_person_per_pool_kind"
#: Random receipt/check codes are unique, and ballot-side rows have random primary keys
#: (``consultations.secrecy``); a collision is retried with fresh codes and keys.
_CODE_CONSTRAINTS = ("receipt_code", "check_code", "budget_ballot_pkey", "budget_ballotchoice_pkey")
_CODE_ATTEMPTS = 3


class BallotNotSaved(ValidationError):
    """The ballot could not be stored for a reason other than a repeat vote; nothing counted."""


@dataclass(frozen=True)
class _Written:
    receipt_code: str
    check_code: str


# One statement: register the person, store the ballot, store its choices. A single statement
# is atomic on its own, so outside a transaction this is one round trip to PostgreSQL instead of
# BEGIN + three INSERTs + COMMIT; the register's unique constraint still decides "exactly once".
# The ballot and its choices get random keys from Python (``secrecy.random_key``), never a
# sequence that would line them up with the register's ids.
#
# The statement turns sequential scans off for its own transaction (``set_config(…, true)``)
# before the foreign-key checks run (they are after-row triggers, fired at the end of the
# statement). Each check looks up one primary key, and a connection plans it once and keeps
# the plan. Planned while ``budget_ballot`` is nearly empty (a new installation, the first
# minutes of voting), that plan is a sequential scan, and each choice's check then reads the
# whole growing table: 0.5 ms per ballot after 3,000 ballots, 3.9 ms after 30,000
# (bench/pb_voting.py windows fell below 500 ballots/s). With sequential scans off the checks
# are planned as index scans whatever the table's size; the statement itself scans no table.
_INSERT_BALLOT_SQL = """
WITH entry AS (
    INSERT INTO budget_voterregister
        (edition_id, pool_kind, voter_hash, channel, receipt_code, entered_by_id, registered_on)
    VALUES (%s, %s, %s, %s, %s, %s, %s)
    RETURNING id
), ballot AS (
    INSERT INTO budget_ballot (id, pool_id, channel, is_valid, check_code)
    SELECT %s, %s, %s, %s, %s FROM entry
    WHERE set_config('enable_seqscan', 'off', true) = 'off'
    RETURNING id
)
INSERT INTO budget_ballotchoice (id, ballot_id, project_id, position, points)
SELECT c.id, ballot.id, c.project_id, c.position, c.points
FROM ballot, unnest(%s::bigint[], %s::bigint[], %s::smallint[], %s::smallint[])
    AS c(id, project_id, position, points)
"""


def _int_array(values: Iterable[int]) -> str:
    """A PostgreSQL array literal of integers (cast in the SQL): cheaper to send than a list,
    whose adaptation inspects every element on every call."""
    return "{" + ",".join(str(int(value)) for value in values) + "}"


def _insert_ballot_rows(
    *,
    pool: Pool,
    person_hash: str,
    channel: str,
    choices: list[tuple[Project, int]],
    is_valid: bool,
    entered_by: User | None,
) -> _Written:
    receipt_code, check_code = new_code(), new_code()
    ballot_key = secrecy.random_key()
    choice_keys = [secrecy.random_key() for _choice in choices]
    if connection.vendor != "postgresql":  # SQLite for `make run`: the same rows, via the ORM
        with transaction.atomic():
            VoterRegister.objects.create(
                edition_id=pool.edition_id,
                pool_kind=pool.kind,
                voter_hash=person_hash,
                channel=channel,
                receipt_code=receipt_code,
                entered_by=entered_by,
            )
            ballot = Ballot.objects.create(
                id=ballot_key, pool=pool, channel=channel, is_valid=is_valid, check_code=check_code
            )
            BallotChoice.objects.bulk_create(
                BallotChoice(id=key, ballot=ballot, project=project, position=i, points=pts)
                for i, (key, (project, pts)) in enumerate(
                    zip(choice_keys, choices, strict=True), start=1
                )
            )
        return _Written(receipt_code, check_code)
    params: list[Any] = [
        pool.edition_id,
        pool.kind,
        person_hash,
        channel,
        receipt_code,
        entered_by.pk if entered_by else None,
        timezone.localdate(),
        ballot_key,
        pool.pk,
        channel,
        is_valid,
        check_code,
        _int_array(choice_keys),
        _int_array(project.pk for project, _pts in choices),
        _int_array(range(1, len(choices) + 1)),
        _int_array(pts for _project, pts in choices),
    ]
    if connection.in_atomic_block:
        # Inside a caller's transaction: a savepoint, so a refused ballot leaves it usable.
        # The foreign-key checks have run when the statement returns; the rest of the caller's
        # transaction plans with sequential scans as usual.
        with transaction.atomic(), prepared_cursor() as cursor:
            cursor.execute(_INSERT_BALLOT_SQL, params)
            cursor.execute("SET LOCAL enable_seqscan TO DEFAULT")
    else:
        with prepared_cursor() as cursor:
            cursor.execute(_INSERT_BALLOT_SQL, params)
    return _Written(receipt_code, check_code)


def _write_ballot(
    *,
    pool: Pool,
    person_hash: str,
    channel: str,
    choices: list[tuple[Project, int]],
    is_valid: bool = True,
    entered_by: User | None = None,
) -> _Written:
    """Register the person and store the ballot atomically (no link between the two rows).

    AlreadyVoted when the register's one-ballot constraint refuses the person; BallotNotSaved on
    any other integrity failure (e.g. a project withdrawn meanwhile). In both cases nothing is
    stored.
    """
    for attempt in range(1, _CODE_ATTEMPTS + 1):
        try:
            return _insert_ballot_rows(
                pool=pool,
                person_hash=person_hash,
                channel=channel,
                choices=choices,
                is_valid=is_valid,
                entered_by=entered_by,
            )
        except IntegrityError as exc:
            constraint = violated_constraint(exc)
            if constraint == ONE_BALLOT_CONSTRAINT:
                raise AlreadyVoted(
                    _(
                        "Ta osoba już oddała głos w tej puli w tej edycji — drugi głos nie jest "
                        "liczony."
                    ),
                    code="already_voted",
                ) from exc
            if attempt < _CODE_ATTEMPTS and any(c in constraint for c in _CODE_CONSTRAINTS):
                continue
            raise BallotNotSaved(
                _(
                    "Nie udało się zapisać karty (zmieniła się zawartość karty do głosowania). "
                    "Głos nie został policzony — spróbuj ponownie."
                ),
                code="not_saved",
            ) from exc
    raise AssertionError("unreachable")  # pragma: no cover


def voter_may_use_pool(*, pool: Pool, user: User) -> bool:
    """Eligibility for one pool of the edition, without a query (same rule as pools_for_voter)."""
    if pool.kind == PoolKind.CITY:
        return True
    return (
        pool.edition.district_choice == DistrictChoice.ANY or pool.district_id == user.district_id
    )


def pools_for_voter(*, edition: Edition, user: User) -> dict[str, list[Pool]]:
    """The pools this user may vote in, by kind (the district list may have one or many)."""
    pools = list(edition.pools.select_related("district"))
    city = [p for p in pools if p.kind == PoolKind.CITY]
    district = [p for p in pools if p.kind == PoolKind.DISTRICT]
    if edition.district_choice == DistrictChoice.OWN:
        district = [p for p in district if p.district_id == user.district_id]
    return {PoolKind.CITY: city, PoolKind.DISTRICT: district}


@dataclass(frozen=True)
class CastReceipt:
    receipt_code: str
    check_code: str
    pool_id: int


def ballot_cast_online(
    *,
    user: User,
    pool: Pool,
    projects: Sequence[Project],
    points: Sequence[int] | None = None,
    now: datetime | None = None,
) -> CastReceipt:
    """A resident votes online in ``pool``. The person is the PESEL on the verified profile."""
    edition = pool.edition
    if not edition.voting_open(now):
        raise ValidationError(_("Głosowanie w tej edycji nie jest otwarte."), code="closed")
    if not has_level(user, edition.required_level) or not user.pesel:
        raise PermissionDenied(
            _("Do głosowania potrzebne jest zweryfikowane konto z numerem PESEL.")
        )
    if not voter_may_use_pool(pool=pool, user=user):
        raise ValidationError(_("Nie możesz głosować w tej puli."), code="pool_not_allowed")
    choices = ballot_validate(pool=pool, projects=projects, points=points)
    written = _write_ballot(
        pool=pool, person_hash=voter_hash(user.pesel), channel=Channel.ONLINE, choices=choices
    )
    if user.email:
        from consultations.budget.receipts import receipts

        # The check code travels only in this message: the ballot row is never linked to the
        # person, so the e-mail is the voter's only copy besides the receipt page. Queued in
        # Redis and sent in batches by Celery: a vote must not wait for a Celery message.
        job = {
            "user": user.pk,
            "pool": pool.pk,
            "receipt": written.receipt_code,
            "check": written.check_code,
        }
        transaction.on_commit(lambda: receipts.add(job))
    return CastReceipt(written.receipt_code, written.check_code, pool.pk)


def assisted_paper_entry_record(*, acting_user: User, pesel: str, kind: str, what: object) -> None:
    """R-ACC-5: a paper ballot entered by an assistant for a resident with an account is an
    assisted act. Only the kind and the vote's name are recorded — never the choices, nor the
    pool (with a free district choice the pool is itself a choice) — ballot secrecy."""
    if not is_assistant(acting_user):
        return
    resident = resident_by_pesel(pesel=pesel)
    if resident is None or resident.pk == acting_user.pk:
        return
    assisted_act_record(assistant=acting_user, resident=resident, kind=kind, description=str(what))


@dataclass(frozen=True)
class PaperOutcome:
    accepted: bool
    reason: str = ""
    message: str = ""


def paper_ballot_enter(
    *,
    pool: Pool,
    pesel: str,
    projects: Sequence[Project],
    points: Sequence[int] | None = None,
    is_valid: bool = True,
    acting_user: User,
) -> PaperOutcome:
    """A clerk enters a paper ballot. A refused ballot is recorded with its reason, not counted.

    ``is_valid=False`` is a ballot spoilt on paper: the person is registered (they did vote) and
    the ballot counted apart as invalid, with no choices.
    """
    if not acting_user.has_perm("budget.enter_paper_ballot"):
        raise PermissionDenied
    choices: list[tuple[Project, int]] = []
    if is_valid:
        choices = ballot_validate(pool=pool, projects=projects, points=points)
    try:
        number = parse_pesel(pesel).number
    except InvalidPesel:
        PaperBallotRejection.objects.create(
            edition_id=pool.edition_id,
            pool_kind=pool.kind,
            reason=PaperRejectionReason.INVALID_PESEL,
            entered_by=acting_user,
        )
        return PaperOutcome(
            False, PaperRejectionReason.INVALID_PESEL, _("Nieprawidłowy numer PESEL.")
        )
    try:
        with transaction.atomic():
            _write_ballot(
                pool=pool,
                person_hash=voter_hash(number),
                channel=Channel.PAPER,
                choices=choices,
                is_valid=is_valid,
                entered_by=acting_user,
            )
            assisted_paper_entry_record(
                acting_user=acting_user, pesel=number, kind="budget_paper_ballot", what=pool.edition
            )
    except AlreadyVoted as exc:
        PaperBallotRejection.objects.create(
            edition_id=pool.edition_id,
            pool_kind=pool.kind,
            reason=PaperRejectionReason.ALREADY_VOTED,
            entered_by=acting_user,
        )
        return PaperOutcome(False, PaperRejectionReason.ALREADY_VOTED, str(exc.message))
    return PaperOutcome(True)


# --------------------------------------------------------------------------------------------
# projects


@transaction.atomic
def project_submit(
    *,
    pool: Pool,
    title: str,
    description: str,
    location: str,
    cost_items: Sequence[tuple[str, Decimal]],
    acting_user: User,
    now: datetime | None = None,
) -> Project:
    """A resident submits a project in the submission window; cost = the sum of its items."""
    if not pool.edition.submission_open(now):
        raise ValidationError(_("Zgłaszanie projektów jest zamknięte."), code="closed")
    if not has_level(acting_user, pool.edition.required_level):
        raise PermissionDenied
    if not cost_items or any(amount <= 0 for _name, amount in cost_items):
        raise ValidationError(_("Podaj co najmniej jedną pozycję kosztorysu."), code="costs")
    cost = sum((amount for _name, amount in cost_items), Decimal("0"))
    if cost > pool.amount:
        raise ValidationError(_("Koszt projektu przekracza kwotę puli."), code="too_expensive")
    Pool.objects.select_for_update().get(pk=pool.pk)
    last = pool.projects.order_by("-number").values_list("number", flat=True).first() or 0
    project = Project(
        pool=pool,
        number=last + 1,
        title=title,
        description=description,
        location=location,
        cost=cost,
        submitted_by=acting_user,
    )
    _set_history_user(project, acting_user)
    project.save()
    CostItem.objects.bulk_create(
        CostItem(project=project, name=name, amount=amount) for name, amount in cost_items
    )
    return project


@transaction.atomic
def project_verify(*, project: Project, accepted: bool, reason: str, acting_user: User) -> Project:
    """A clerk accepts or rejects a submitted project (a rejection needs a reason)."""
    if not acting_user.has_perm("budget.verify_project"):
        raise PermissionDenied
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status != ProjectStatus.SUBMITTED:
        raise ValidationError(
            _("Ten projekt został już zweryfikowany (status: %(status)s).")
            % {"status": project.get_status_display()},
            code="not_submitted",
        )
    if not accepted and not reason.strip():
        raise ValidationError(_("Odrzucenie wymaga uzasadnienia."), code="reason")
    project.status = ProjectStatus.ACCEPTED if accepted else ProjectStatus.REJECTED
    project.decision_reason = reason.strip()
    _set_history_user(project, acting_user)
    project.save()
    return project


@transaction.atomic
def project_appeal(
    *, project: Project, text: str, acting_user: User, now: datetime | None = None
) -> Project:
    """The author appeals a rejection before the appeals deadline (once per project)."""
    if project.submitted_by_id != acting_user.pk:
        raise PermissionDenied
    project = Project.objects.select_for_update().select_related("pool__edition").get(pk=project.pk)
    if project.status != ProjectStatus.REJECTED:
        raise ValidationError(_("Odwołać się można tylko od odrzucenia."), code="not_rejected")
    if project.appeal_text:
        raise ValidationError(
            _("Od tej decyzji odwołanie zostało już rozpatrzone."), code="already_appealed"
        )
    if (now or timezone.now()) >= project.pool.edition.appeals_end:
        raise ValidationError(_("Termin odwołań minął."), code="late")
    if not text.strip():
        raise ValidationError(_("Napisz uzasadnienie odwołania."), code="text")
    project.status = ProjectStatus.APPEALED
    project.appeal_text = text.strip()
    _set_history_user(project, acting_user)
    project.save()
    return project


@transaction.atomic
def project_appeal_decide(
    *, project: Project, upheld: bool, reason: str, acting_user: User
) -> Project:
    """A clerk decides an appeal: upheld puts the project on the ballot, dismissed keeps the
    rejection. Either way the decision needs a reason, recorded in the project's history."""
    if not acting_user.has_perm("budget.verify_project"):
        raise PermissionDenied
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status != ProjectStatus.APPEALED:
        raise ValidationError(_("Ten projekt nie czeka na rozpatrzenie odwołania."), code="state")
    if not reason.strip():
        raise ValidationError(_("Rozstrzygnięcie odwołania wymaga uzasadnienia."), code="reason")
    project.status = ProjectStatus.ACCEPTED if upheld else ProjectStatus.REJECTED
    project.decision_reason = reason.strip()
    _set_history_user(project, acting_user)
    project.save()
    return project


# --------------------------------------------------------------------------------------------
# ballot secrecy after voting


#: The budget's ballot-side tables: rewritten in random physical order once voting closes.
BALLOT_TABLES = ("budget_ballot", "budget_ballotchoice")
_EDITION_CHOICES = "ballot_id IN (SELECT id FROM budget_ballot WHERE pool_id = ANY(%s))"

# The ballot-side rows of the edition as one set of transaction ids (xid as text → bigint: xid
# has equality but no ordering). One xid for all of them = written by one transaction.
_BALLOT_XIDS_SQL = """
SELECT min(x), max(x) FROM (
    SELECT xmin::text::bigint AS x FROM budget_ballot WHERE pool_id = ANY(%s)
    UNION ALL
    SELECT c.xmin::text::bigint FROM budget_ballotchoice c
    JOIN budget_ballot b ON b.id = c.ballot_id WHERE b.pool_id = ANY(%s)
) AS xids
"""
_REGISTER_HAS_XID_SQL = """
SELECT EXISTS (
    SELECT 1 FROM budget_voterregister WHERE edition_id = %s AND xmin::text::bigint = %s
)
"""


def _edition_ballots_sealed(*, edition_id: int, pool_ids: list[int]) -> bool:
    """True when the edition's ballots and choices all carry one transaction id that is not any
    register row's, i.e. a reseal already ran and nothing was written since (a paper ballot
    entered after it would add its own xid, shared with its register row)."""
    with connection.cursor() as cursor:
        cursor.execute(_BALLOT_XIDS_SQL, [pool_ids, pool_ids])
        low, high = cursor.fetchone() or (None, None)
        if low is None:
            return True
        if low != high:
            return False
        cursor.execute(_REGISTER_HAS_XID_SQL, [edition_id, low])
        row = cursor.fetchone()
        return not (row and row[0])


def edition_ballots_reseal(*, edition: Edition, now: datetime | None = None) -> bool:
    """After voting closes, rewrite the edition's ballots and choices in random physical order.

    One transaction rewrites every ballot-side row of the edition's pools (set-based SQL, no row
    in Python), so they all get that transaction's ``xmin`` and a ``ctid`` order unrelated to
    the order of voting — the register can no longer be paired with them even by a database
    administrator; the old row versions are then VACUUMed (outside any transaction). Ids,
    contents and therefore results are unchanged. Idempotent: when the rows are already sealed
    it does nothing and answers False. Does nothing on SQLite. Other editions are not touched.
    """
    if (now or timezone.now()) < edition.voting_end:
        raise ValidationError(_("Głosowanie jeszcze trwa."), code="voting_open")
    if connection.vendor != "postgresql":
        return False
    with transaction.atomic():
        # Serialises concurrent reseals of one edition (one task per pool may ask at once).
        locked = Edition.objects.select_for_update().only("pk", "ballots_resealed_at")
        current = locked.get(pk=edition.pk)
        pool_ids = list(Pool.objects.filter(edition_id=edition.pk).values_list("pk", flat=True))
        if current.ballots_resealed_at and _edition_ballots_sealed(
            edition_id=edition.pk, pool_ids=pool_ids
        ):
            return False
        secrecy.reshuffle(table="budget_ballotchoice", where=_EDITION_CHOICES, params=[pool_ids])
        secrecy.reshuffle(table="budget_ballot", where="pool_id = ANY(%s)", params=[pool_ids])
        edition.ballots_resealed_at = timezone.now()
        # A system step, not a clerk's change: no history row for it.
        Edition.objects.filter(pk=edition.pk).update(
            ballots_resealed_at=edition.ballots_resealed_at
        )
    secrecy.vacuum(*BALLOT_TABLES)
    return True


# --------------------------------------------------------------------------------------------
# results and pabulib


@transaction.atomic
def pool_results_compute(*, pool: Pool, acting_user: User | None = None) -> PoolResult:
    """Count a pool once voting has closed, by greedy and by MES with completion, side by side.

    Safe to run twice: a published result is never recomputed; an unpublished one is replaced.
    """
    if timezone.now() < pool.edition.voting_end:
        raise ValidationError(_("Głosowanie jeszcze trwa."), code="voting_open")
    existing = PoolResult.objects.select_for_update().filter(pool=pool).first()
    if existing and existing.status == ResultStatus.PUBLISHED:
        return existing
    instance = pool_instance(pool=pool)
    greedy = rules.compute(instance, "greedy")
    mes = rules.compute(instance, "mes-add1")
    result = existing or PoolResult(pool=pool)
    result.greedy = greedy.to_dict()
    result.mes = _json_safe(mes.to_dict())
    result.voters = len(instance.votes)
    result.invalid_ballots = pool.ballots.filter(is_valid=False).count()
    result.greedy_satisfied = rules.voters_with_funded_project(instance, greedy.selected)
    result.mes_satisfied = rules.voters_with_funded_project(instance, mes.selected)
    result.computed_at = timezone.now()
    result.status = ResultStatus.COMPUTED
    _set_history_user(result, acting_user)
    result.save()
    return result


def _json_safe(value: object) -> object:
    """Fractions and floats from the engine's explanations as JSON numbers/strings."""
    from fractions import Fraction

    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, Fraction):
        return float(value)
    return value


@transaction.atomic
def pool_results_publish(*, result: PoolResult, acting_user: User) -> PoolResult:
    """A clerk approves computed results; publishing is recorded in the result's history."""
    if not acting_user.has_perm("budget.publish_results"):
        raise PermissionDenied
    if result.status == ResultStatus.PUBLISHED:
        raise ValidationError(_("Wyniki są już opublikowane."), code="published")
    result.status = ResultStatus.PUBLISHED
    result.approved_by = acting_user
    result.published_at = timezone.now()
    _set_history_user(result, acting_user)
    result.save()
    return result


def pabulib_export(*, pool: Pool) -> str:
    return pabulib.dumps(pool_instance(pool=pool))


@transaction.atomic
def pabulib_import(
    *, edition: Edition, district_id: int | None, text: str, acting_user: User
) -> Pool:
    """Load a ``.pb`` election as a pool of ``edition`` (projects and paper-free ballots).

    Used for past editions; a malformed file raises ValidationError and creates nothing.
    """
    if not acting_user.has_perm("budget.publish_results"):
        raise PermissionDenied
    try:
        instance = pabulib.loads(text)
    except pabulib.PabulibError as exc:
        raise ValidationError(
            _("Plik .pb jest nieprawidłowy: %(error)s") % {"error": str(exc)}, code="pabulib"
        ) from exc
    vote_type = instance.vote_type
    ballot_type = {
        "approval": BallotType.APPROVAL,
        "choose-1": BallotType.APPROVAL,
        "ordinal": BallotType.ORDINAL,
        "cumulative": BallotType.CUMULATIVE,
    }.get(vote_type)
    if ballot_type is None:
        raise ValidationError(_("Nieobsługiwany rodzaj głosowania w pliku."), code="vote_type")
    longest = max((len(v.projects) for v in instance.votes), default=1) or 1
    max_len = int(instance.meta.get("max_length", "0") or 0) or longest
    pool = Pool(
        edition=edition,
        kind=PoolKind.DISTRICT if district_id else PoolKind.CITY,
        district_id=district_id,
        amount=instance.budget,
        ballot_type=ballot_type,
        min_choices=1,
        max_choices=max(max_len, longest),
        ordinal_points=",".join(str(k) for k in range(max_len, 0, -1)),
        cumulative_points=int(instance.meta.get("max_sum_points", "0") or 0)
        or (max((sum(v.points or ()) for v in instance.votes), default=1) or 1),
    )
    _set_history_user(pool, acting_user)
    try:
        with transaction.atomic():
            pool.save()
    except IntegrityError as exc:
        raise ValidationError(_("Ta pula już istnieje w tej edycji."), code="exists") from exc
    projects: dict[str, Project] = {}
    for n, p in enumerate(instance.projects.values(), start=1):
        projects[p.project_id] = Project.objects.create(
            pool=pool,
            number=n,
            title=(p.name or p.project_id)[:200],
            description=p.extra.get("description", ""),
            location=p.extra.get("neighborhood", ""),
            cost=p.cost,
            status=ProjectStatus.ACCEPTED,
            decision_reason=_("Import z pliku pabulib"),
        )
    ranks = pool.points_for_ranks()
    for vote in instance.votes:
        ballot = Ballot.objects.create(pool=pool, channel=Channel.PAPER)
        BallotChoice.objects.bulk_create(
            BallotChoice(
                ballot=ballot,
                project=projects[pid],
                position=i,
                points=(
                    vote.points[i - 1]
                    if vote.points
                    else (
                        ranks[i - 1] if ballot_type == BallotType.ORDINAL and i <= len(ranks) else 1
                    )
                ),
            )
            for i, pid in enumerate(vote.projects, start=1)
        )
    return pool
