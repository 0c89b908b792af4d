import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.utils import timezone

from accounts.actions import (
    account_claim,
    activation_code_issue,
    assisted_act_record,
    assisted_profile_update,
    assisted_resident_register,
    training_signup,
)
from accounts.models import (
    CURRENT_CONSENT_VERSIONS,
    ActivationCode,
    AssistedAct,
    ConsentRecord,
    TrainingSession,
    TrainingSignup,
    User,
)
from tests.accounts.factories import TrainingSessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def _register(assistant, **extra):
    data = {"first_name": "Józef", "last_name": "Nowak", "paper_consent": True}
    data.update(extra)
    return assisted_resident_register(assistant=assistant, **data)


def test_assistant_registers_resident_without_email(assistant, district):
    resident, code = _register(assistant, district=district, postal_code="31-100")
    assert resident.email is None
    assert not resident.has_usable_password()
    consents = ConsentRecord.objects.filter(user=resident)
    assert {(c.kind, c.channel, c.recorded_by) for c in consents} == {
        ("assisted", "paper", assistant),
        ("terms", "paper", assistant),
        ("privacy", "paper", assistant),
    }
    assert consents.get(kind="terms").version == CURRENT_CONSENT_VERSIONS["terms"]
    kinds = set(
        AssistedAct.objects.filter(resident=resident, assistant=assistant).values_list(
            "kind", flat=True
        )
    )
    assert kinds == {"register", "activation_letter"}
    assert len(code) == 14
    assert not ActivationCode.objects.filter(code_hash__contains=code).exists()


def test_without_paper_consent_nothing_is_created(assistant):
    before = User.objects.count()
    with pytest.raises(ValidationError) as exc:
        _register(assistant, paper_consent=False)
    assert "paper_consent" in exc.value.message_dict
    assert User.objects.count() == before


def test_bad_postal_code_rolls_back_the_whole_registration(assistant):
    before = User.objects.count()
    with pytest.raises(ValidationError):
        _register(assistant, postal_code="00-001")
    assert User.objects.count() == before
    assert not ConsentRecord.objects.exists()


def test_a_resident_cannot_act_as_assistant(user):
    with pytest.raises(PermissionError):
        _register(user)
    with pytest.raises(PermissionError):
        assisted_act_record(assistant=user, resident=UserFactory(), kind="x")
    assert not AssistedAct.objects.exists()


def test_claim_with_code_is_one_time(assistant):
    resident, code = _register(assistant)
    user = account_claim(
        code=code.lower(),
        email="jozef@example.org",
        password="Bardzo-dlugie-haslo-77",
        accept_terms=True,
    )
    assert user.pk == resident.pk
    assert user.check_password("Bardzo-dlugie-haslo-77")
    assert user.emailaddress_set.get().verified is False
    with pytest.raises(ValidationError):
        account_claim(
            code=code,
            email="inny@example.org",
            password="Bardzo-dlugie-haslo-77",
            accept_terms=True,
        )


def test_new_code_voids_the_old_one_and_expired_codes_fail(assistant):
    resident, first = _register(assistant)
    second = activation_code_issue(user=resident, acting_user=assistant)
    with pytest.raises(ValidationError):
        account_claim(
            code=first, email="a@example.org", password="Bardzo-dlugie-haslo-77", accept_terms=True
        )
    ActivationCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ValidationError):
        account_claim(
            code=second, email="a@example.org", password="Bardzo-dlugie-haslo-77", accept_terms=True
        )
    assert User.objects.get(pk=resident.pk).email is None


def test_claim_with_a_taken_email_or_weak_password_changes_nothing(assistant, other_user):
    resident, code = _register(assistant)
    with pytest.raises(ValidationError) as exc:
        account_claim(
            code=code, email=other_user.email.upper(), password="krotkie", accept_terms=False
        )
    assert set(exc.value.message_dict) == {"email", "password", "accept_terms"}
    assert ActivationCode.objects.get(user=resident).used_at is None


def test_training_signup_sends_confirmation_and_counts_seat(user, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    session = TrainingSessionFactory(seats=1)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("django.db.transaction.on_commit", lambda fn, using=None, robust=False: fn())
        training_signup(session=session, user=user, acting_user=user)
    session.refresh_from_db()
    assert session.seats_taken == 1
    assert len(mail.outbox) == 1
    assert session.title in mail.outbox[0].body
    late = UserFactory()
    with pytest.raises(ValidationError, match="Brak wolnych miejsc"):
        training_signup(session=session, user=late, acting_user=late)
    assert TrainingSignup.objects.count() == 1


def test_assistant_signs_resident_up_and_act_is_recorded(assistant, user):
    session = TrainingSessionFactory()
    training_signup(session=session, user=user, acting_user=assistant)
    assert AssistedAct.objects.filter(
        assistant=assistant, resident=user, kind="training_signup"
    ).exists()


def test_resident_cannot_sign_someone_else_up(user, other_user):
    session = TrainingSessionFactory()
    with pytest.raises(PermissionError):
        training_signup(session=session, user=other_user, acting_user=user)
    assert not TrainingSignup.objects.exists()


def test_past_and_duplicate_signups_are_refused(user):
    past = TrainingSessionFactory(starts_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(ValidationError):
        training_signup(session=past, user=user, acting_user=user)
    session = TrainingSessionFactory()
    training_signup(session=session, user=user, acting_user=user)
    with pytest.raises(ValidationError):
        training_signup(session=session, user=user, acting_user=user)
    session.refresh_from_db()
    assert session.seats_taken == 1


def test_database_refuses_overbooking_directly():
    session = TrainingSessionFactory(seats=1)
    with pytest.raises(IntegrityError):
        TrainingSession.objects.filter(pk=session.pk).update(seats_taken=2)


@pytest.mark.django_db(transaction=True)
def test_parallel_signups_never_exceed_capacity():
    session = TrainingSessionFactory(seats=3)
    people = [UserFactory(email=None) for _ in range(8)]
    barrier = threading.Barrier(len(people))
    outcomes: list[str] = []

    def sign(person: User) -> None:
        try:
            barrier.wait()
            training_signup(session=session, user=person, acting_user=person)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("full")
        finally:
            connection.close()

    threads = [threading.Thread(target=sign, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    session.refresh_from_db()
    assert outcomes.count("ok") == 3
    assert outcomes.count("full") == 5
    assert session.seats_taken == 3 == TrainingSignup.objects.filter(session=session).count()


# --- the assistant corrects a resident's details at the office ------------------------------


def test_assisted_profile_update_records_changed_field_names_not_values(assistant, district):
    from datetime import date

    from tests.accounts.factories import make_pesel

    resident, _code = _register(assistant)
    pesel = make_pesel(date(1950, 3, 4), female=True)
    assisted_profile_update(
        assistant=assistant,
        resident=resident,
        first_name="Józef",  # unchanged
        last_name="Nowakowski",
        pesel=pesel,
        postal_code="31-100",
        district=district,
    )
    resident.refresh_from_db()
    assert (resident.last_name, resident.pesel, resident.sex) == ("Nowakowski", pesel, "F")
    act = AssistedAct.objects.get(resident=resident, kind="profile_update")
    assert act.assistant == assistant
    assert act.description == "district, last_name, pesel, postal_code"
    assert pesel not in act.description
    assert resident.history.first().history_user == assistant


def test_assisted_profile_update_with_empty_pesel_keeps_the_number(assistant):
    from datetime import date

    from tests.accounts.factories import make_pesel

    pesel = make_pesel(date(1944, 8, 1))
    resident, _code = _register(assistant, pesel=pesel)
    assisted_profile_update(assistant=assistant, resident=resident, pesel="", first_name="Jan")
    resident.refresh_from_db()
    assert (resident.pesel, resident.first_name) == (pesel, "Jan")


def test_assisted_profile_update_with_bad_input_changes_and_records_nothing(assistant):
    resident, _code = _register(assistant)
    acts = AssistedAct.objects.count()
    with pytest.raises(ValidationError) as exc:
        assisted_profile_update(
            assistant=assistant, resident=resident, last_name="X", postal_code="00-950"
        )
    assert "postal_code" in exc.value.message_dict
    assert User.objects.get(pk=resident.pk).last_name == "Nowak"
    assert AssistedAct.objects.count() == acts


def test_only_assistants_correct_residents_and_never_themselves(assistant, user):
    resident, _code = _register(assistant)
    with pytest.raises(PermissionError):
        assisted_profile_update(assistant=user, resident=resident, last_name="X")
    with pytest.raises(ValidationError):
        assisted_profile_update(assistant=assistant, resident=assistant, last_name="X")
    assert User.objects.get(pk=resident.pk).last_name == "Nowak"
