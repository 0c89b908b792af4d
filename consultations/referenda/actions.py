"""Writes on district referenda. Keyword-only, typed; history with the acting user."""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.validators import InvalidPesel, parse_pesel
from accounts.verification import VerificationLevel, has_level
from consultations import secrecy
from consultations.budget.actions import assisted_paper_entry_record
from consultations.budget.identity import voter_hash
from consultations.integrity import violated_constraint
from consultations.referenda.models import (
    Answer,
    Channel,
    EligibleVoter,
    Referendum,
    ReferendumBallot,
    ReferendumStatus,
    VoteRegister,
)
from consultations.referenda.selectors import verified_residents


def _history(obj: object, acting_user: User | None) -> None:
    obj._history_user = acting_user  # type: ignore[attr-defined]


@transaction.atomic
def referendum_open(*, referendum: Referendum, acting_user: User) -> Referendum:
    """Open voting: snapshot the verified residents of the district as the eligible register."""
    if not acting_user.has_perm("referenda.manage_referendum"):
        raise PermissionDenied
    referendum = Referendum.objects.select_for_update().get(pk=referendum.pk)
    if referendum.status != ReferendumStatus.DRAFT:
        raise ValidationError(_("Referendum zostało już otwarte."), code="not_draft")
    hashes = {
        voter_hash(pesel)
        for pesel in verified_residents(district_id=referendum.district_id).values_list(
            "pesel", flat=True
        )
        if pesel
    }
    EligibleVoter.objects.bulk_create(
        (EligibleVoter(referendum=referendum, voter_hash=h) for h in hashes), batch_size=2000
    )
    referendum.eligible_count = len(hashes)
    referendum.status = ReferendumStatus.OPEN
    referendum.opened_at = timezone.now()
    _history(referendum, acting_user)
    referendum.save()
    return referendum


@transaction.atomic
def referendum_close(*, referendum: Referendum, acting_user: User | None) -> Referendum:
    """Close voting (a clerk, or the periodic task once ``closes_at`` has passed)."""
    if acting_user is not None and not acting_user.has_perm("referenda.manage_referendum"):
        raise PermissionDenied
    referendum = Referendum.objects.select_for_update().get(pk=referendum.pk)
    if referendum.status != ReferendumStatus.OPEN:
        raise ValidationError(_("Referendum nie jest otwarte."), code="not_open")
    referendum.status = ReferendumStatus.CLOSED
    # In the closing transaction: a closed referendum's ballots are always resealed.
    if _reseal(referendum=referendum):
        referendum.ballots_resealed_at = timezone.now()
    _history(referendum, acting_user)
    referendum.save()
    return referendum


#: The referenda's ballot-side table: rewritten in random physical order at closing.
BALLOT_TABLE = "referenda_referendumballot"


def _reseal(*, referendum: Referendum) -> bool:
    """Rewrite the referendum's ballots in random physical order in the current transaction;
    VACUUM the old row versions once it commits. False (nothing done) on SQLite."""
    if connection.vendor != "postgresql":
        return False
    secrecy.reshuffle(table=BALLOT_TABLE, where="referendum_id = %s", params=[referendum.pk])
    transaction.on_commit(lambda: secrecy.vacuum(BALLOT_TABLE))
    return True


@transaction.atomic
def referendum_ballots_reseal(*, referendum: Referendum) -> bool:
    """Reseal a closed referendum's ballots (one transaction: one new ``xmin`` for all, a random
    ``ctid`` order), so not even PostgreSQL's own columns pair them with the register; ids and
    answers are unchanged. Closing does it already; this catches referenda closed before it
    existed. Idempotent: a referendum already resealed (no ballot can be added once closed) or
    still open is left alone and the answer is False."""
    referendum = Referendum.objects.select_for_update().get(pk=referendum.pk)
    if referendum.status != ReferendumStatus.CLOSED or referendum.ballots_resealed_at:
        return False
    if not _reseal(referendum=referendum):
        return False
    # A system step, not a clerk's change: no history row for it.
    Referendum.objects.filter(pk=referendum.pk).update(ballots_resealed_at=timezone.now())
    return True


#: The register's one-vote-per-person constraint (``VoteRegister.Meta.constraints``).
ONE_VOTE_CONSTRAINT = "referenda_one_vote_per_person"
#: The ballot's random primary key (``consultations.secrecy``): a collision is retried.
_KEY_CONSTRAINT = "referenda_referendumballot_pkey"
_KEY_ATTEMPTS = 3


class AlreadyVoted(ValidationError):
    pass


class VoteNotSaved(ValidationError):
    """The vote could not be stored for a reason other than a repeat vote; nothing counted."""


def _record(
    *, referendum: Referendum, person_hash: str, answer: str, channel: str, entered_by: User | None
) -> None:
    if not EligibleVoter.objects.filter(referendum=referendum, voter_hash=person_hash).exists():
        raise ValidationError(
            _("Ta osoba nie jest w spisie uprawnionych do głosowania w tym referendum."),
            code="not_eligible",
        )
    for attempt in range(1, _KEY_ATTEMPTS + 1):
        try:
            # One transaction: the register row and the ballot, with no link between them.
            with transaction.atomic():
                VoteRegister.objects.create(
                    referendum=referendum,
                    voter_hash=person_hash,
                    channel=channel,
                    entered_by=entered_by,
                )
                ReferendumBallot.objects.create(
                    id=secrecy.random_key(), referendum=referendum, answer=answer, channel=channel
                )
            return
        except IntegrityError as exc:
            constraint = violated_constraint(exc)
            if constraint == ONE_VOTE_CONSTRAINT:
                raise AlreadyVoted(
                    _("Ta osoba już głosowała w tym referendum — drugi głos nie jest liczony."),
                    code="already_voted",
                ) from exc
            if constraint == _KEY_CONSTRAINT and attempt < _KEY_ATTEMPTS:
                continue
            raise VoteNotSaved(
                _("Nie udało się zapisać głosu. Głos nie został policzony — spróbuj ponownie."),
                code="not_saved",
            ) from exc


def referendum_vote(
    *, referendum: Referendum, user: User, answer: str, now: datetime | None = None
) -> None:
    """A verified resident of the district votes online."""
    if not referendum.voting_open(now):
        raise ValidationError(_("Głosowanie w tym referendum nie jest otwarte."), code="closed")
    if not has_level(user, VerificationLevel.RESIDENT, district_id=referendum.district_id) or not (
        user.pesel
    ):
        raise PermissionDenied(_("Głosować mogą zweryfikowani mieszkańcy tej dzielnicy."))
    if answer not in Answer.values:
        raise ValidationError(_("Wybierz odpowiedź: Tak albo Nie."), code="answer")
    _record(
        referendum=referendum,
        person_hash=voter_hash(user.pesel),
        answer=answer,
        channel=Channel.ONLINE,
        entered_by=None,
    )


@dataclass(frozen=True)
class PaperOutcome:
    accepted: bool
    message: str = ""


def referendum_paper_vote(
    *, referendum: Referendum, pesel: str, answer: str, acting_user: User
) -> PaperOutcome:
    """A clerk enters a paper ballot; ``answer=""`` is an invalid ballot (counted apart)."""
    if not acting_user.has_perm("referenda.enter_paper_vote"):
        raise PermissionDenied
    if referendum.status != ReferendumStatus.OPEN:
        return PaperOutcome(False, _("Referendum nie jest otwarte."))
    if answer not in (*Answer.values, ""):
        return PaperOutcome(False, _("Wybierz odpowiedź: Tak albo Nie."))
    try:
        number = parse_pesel(pesel).number
    except InvalidPesel:
        return PaperOutcome(False, _("Nieprawidłowy numer PESEL."))
    try:
        with transaction.atomic():
            _record(
                referendum=referendum,
                person_hash=voter_hash(number),
                answer=answer,
                channel=Channel.PAPER,
                entered_by=acting_user,
            )
            assisted_paper_entry_record(
                acting_user=acting_user,
                pesel=number,
                kind="referendum_paper_vote",
                what=referendum.question,
            )
    except ValidationError as exc:
        return PaperOutcome(False, str(exc.message))
    return PaperOutcome(True)


@transaction.atomic
def referendum_protocol_approve(*, referendum: Referendum, acting_user: User) -> Referendum:
    if not acting_user.has_perm("referenda.approve_protocol"):
        raise PermissionDenied
    referendum = Referendum.objects.select_for_update().get(pk=referendum.pk)
    if referendum.status != ReferendumStatus.CLOSED:
        raise ValidationError(_("Protokół zatwierdza się po zamknięciu głosowania."), code="open")
    if referendum.protocol_approved_at:
        raise ValidationError(_("Protokół jest już zatwierdzony."), code="approved")
    if not acting_user.get_full_name().strip():
        # The published protocol names who approved it; never by e-mail address.
        raise ValidationError(
            _(
                "Protokół zatwierdza się imieniem i nazwiskiem: uzupełnij je w swoim profilu, "
                "a potem zatwierdź protokół."
            ),
            code="no_name",
        )
    referendum.protocol_approved_by = acting_user
    referendum.protocol_approved_at = timezone.now()
    _history(referendum, acting_user)
    referendum.save()
    return referendum
