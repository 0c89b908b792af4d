"""Mass correspondence (R-SRV-6): selection, batches, no duplicates, retries, report, access."""

import smtplib
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Department
from services import actions, tasks
from services.letters import fill, parse_recipients_csv, unknown_placeholders
from services.models import (
    Letter,
    LetterStatus,
    LetterTemplate,
    Mailing,
    MailingStatus,
    RecipientSource,
)
from services.selectors import mailing_progress
from tests.accounts.factories import UserFactory
from tests.accounts.helpers import enable_totp, mfa_login


def _admin_login(client: Any, user: Any) -> None:
    mfa_login(client, user, enable_totp(user))


@pytest.fixture
def ks(reference: None) -> Department:
    return Department.objects.get(code="ks")


@pytest.fixture
def template(ks: Department) -> LetterTemplate:
    return LetterTemplate.objects.create(
        department=ks,
        name="Informacja o sprawie",
        subject="Sprawa $numer_sprawy",
        body="Szanowna Pani / Szanowny Panie $imie_nazwisko,\nPani/Pana sprawa $numer_sprawy "
        "($usluga) jest w toku.",
        signature="Wydział Kształtowania Środowiska",
    )


@pytest.fixture
def tax_clerk(clerk: Any) -> Any:
    clerk.user_permissions.add(Permission.objects.get(codename="send_tax_mailing"))
    return type(clerk).objects.get(pk=clerk.pk)  # drop the permission cache


def _taxpayer(resident: Any, n: int, amount: str = "100.00", paid: str | None = None) -> None:
    payload: dict[str, Any] = {
        "accounts": [{"id": f"FK-{n}", "resident": str(resident.public_id)}],
        "liabilities": [
            {
                "id": f"NAL-{n}",
                "account": f"FK-{n}",
                "kind": "property",
                "year": 2026,
                "instalments": [{"number": 1, "due_date": "2026-03-15", "amount": amount}],
            }
        ],
        "payments": [],
    }
    if paid:
        payload["payments"] = [
            {"id": f"WP-{n}", "account": f"FK-{n}", "paid_on": "2026-03-01", "amount": paid}
        ]
    actions.tax_records_load(payload=payload, acting_user=resident)


def _started(mailing: Mailing, clerk: Any, django_capture_on_commit_callbacks: Any) -> Mailing:
    with django_capture_on_commit_callbacks(execute=True):
        actions.mailing_start(mailing=mailing, acting_user=clerk)
    mailing.refresh_from_db()
    return mailing


# ------------------------------------------------------------------------ pure helpers


def test_placeholders_are_checked_and_filled() -> None:
    assert unknown_placeholders(
        "$imie_nazwisko ${saldo} $nieznane", {"imie_nazwisko", "saldo"}
    ) == ["nieznane"]
    assert fill("Do zapłaty: ${saldo} zł", {"saldo": "12,50"}) == "Do zapłaty: 12,50 zł"


def test_recipients_csv_reports_errors_by_row() -> None:
    raw = (
        "imie_nazwisko;email;adres\n"
        "Anna Nowak;anna@example.org;\n"
        ";bez@example.org;\n"
        "Jan Kowal;zly-adres;\n"
        "Ewa Bez;;\n"
        "Anna Nowak;ANNA@example.org;\n"
        "Piotr Pocztowy;;ul. Floriańska 1\\n31-019 Kraków\n"
    ).encode()
    rows, errors = parse_recipients_csv(raw)
    assert errors == [(3, "no_name"), (4, "bad_email"), (5, "no_contact"), (6, "duplicate")]
    assert [r["name"] for r in rows] == ["Anna Nowak", "Piotr Pocztowy"]
    assert rows[1]["address"] == "ul. Floriańska 1\n31-019 Kraków"
    assert parse_recipients_csv(b"\xff\xfe") == ([], [(0, "encoding")])
    assert parse_recipients_csv(b"a,b\n1,2\n") == ([], [(1, "header")])


# ------------------------------------------------------------------------ the pipeline


def test_department_cases_mailing_sends_one_pdf_letter_per_applicant(
    template: Any, clerk: Any, animal_case: Any, django_capture_on_commit_callbacks: Any
) -> None:
    mailing = actions.mailing_create(
        template=template,
        source=RecipientSource.DEPARTMENT_CASES,
        channel="email",
        acting_user=clerk,
    )
    mailing = _started(mailing, clerk, django_capture_on_commit_callbacks)
    assert mailing.status == MailingStatus.FINISHED
    letter = Letter.objects.get(mailing=mailing)
    assert letter.status == LetterStatus.SENT
    assert letter.case == animal_case
    assert len(letter.pdf_sha256) == 64
    [message] = mail.outbox
    assert message.to == [animal_case.applicant.email]
    name, content, mimetype = message.attachments[0]
    assert mimetype == "application/pdf"
    assert content.startswith(b"%PDF")
    assert animal_case.number in letter.context["subject"]
    progress = mailing_progress(mailing=mailing)
    assert (progress.percent, progress.counts["sent"], progress.finished) == (100, 1, True)


def test_tax_mailing_selects_only_residents_with_a_balance(
    ks: Any, tax_clerk: Any, django_capture_on_commit_callbacks: Any
) -> None:
    owing, settled, no_email = UserFactory(), UserFactory(), UserFactory(email=None)
    no_email.street_address, no_email.postal_code = "ul. Rybna 3", "30-254"
    no_email.save()
    _taxpayer(owing, 1, "100.00", paid="40.00")
    _taxpayer(settled, 2, "50.00", paid="50.00")
    _taxpayer(no_email, 3, "10.00")
    template = LetterTemplate.objects.create(
        department=ks, name="Saldo", subject="Saldo", body="Do zapłaty: $saldo zł.", signature="X"
    )
    mailing = actions.mailing_create(
        template=template,
        source=RecipientSource.TAX_BALANCE_DUE,
        channel="email",
        acting_user=tax_clerk,
    )
    mailing = _started(mailing, tax_clerk, django_capture_on_commit_callbacks)
    letters = {letter.recipient: letter for letter in mailing.letters.all()}
    assert set(letters) == {owing, no_email}
    assert "60,00" in letters[owing].context["body"]
    assert letters[owing].status == LetterStatus.SENT
    assert letters[no_email].status == LetterStatus.PRINT  # no e-mail: marked for print
    assert len(mail.outbox) == 1


def _cases_for(clerk: Any, count: int, animal_service: Any) -> list[Any]:
    from services.formengine import DefinitionForm
    from services.selectors import service_definition
    from tests.services.conftest import animal_post

    definition = service_definition(service=animal_service)
    cases = []
    for _n in range(count):
        applicant = UserFactory()
        form = DefinitionForm(definition.schema, animal_post())
        assert form.is_valid(), form.errors
        cases.append(
            actions.case_submit(
                service=animal_service,
                definition=definition,
                applicant=applicant,
                data=form.submission(),
                acting_user=applicant,
            )
        )
    return cases


@pytest.fixture
def running_mailing(template: Any, clerk: Any, animal_service: Any) -> Mailing:
    """A department-cases mailing of 5 letters, prepared (letters created) but not sent."""
    _cases_for(clerk, 5, animal_service)
    mailing = actions.mailing_create(
        template=template,
        source=RecipientSource.DEPARTMENT_CASES,
        channel="email",
        acting_user=clerk,
    )
    with mock.patch.object(tasks.mailing_prepare, "apply_async"):
        actions.mailing_start(mailing=mailing, acting_user=clerk)
    return mailing


def test_prepare_and_batch_run_twice_produce_no_duplicates(running_mailing: Mailing) -> None:
    first = actions.mailing_prepare(mailing_id=running_mailing.pk)
    second = actions.mailing_prepare(mailing_id=running_mailing.pk)  # redelivered task
    assert first == second
    assert len(first[0]) == 5
    assert Letter.objects.filter(mailing=running_mailing).count() == 5
    for _run in range(2):  # the batch task delivered twice (worker died after the sends)
        tasks.mailing_send_batch.apply(args=(running_mailing.pk, first[0]))
    assert len(mail.outbox) == 5
    assert len({m.to[0] for m in mail.outbox}) == 5
    assert set(running_mailing.letters.values_list("status", flat=True)) == {LetterStatus.SENT}
    assert set(running_mailing.letters.values_list("attempts", flat=True)) == {1}
    running_mailing.refresh_from_db()
    assert running_mailing.status == MailingStatus.FINISHED
    assert running_mailing.total == 5


def test_letter_claimed_by_a_live_worker_is_not_sent_by_another(running_mailing: Mailing) -> None:
    [batch] = actions.mailing_prepare(mailing_id=running_mailing.pk)
    Letter.objects.filter(pk=batch[0]).update(status=LetterStatus.SENDING)
    from django.utils import timezone

    Letter.objects.filter(pk=batch[0]).update(claimed_at=timezone.now())
    actions.mailing_send_batch(letter_ids=batch)
    assert len(mail.outbox) == 4
    # A claim whose worker died (lease expired) is taken over and sent once.
    Letter.objects.filter(pk=batch[0]).update(claimed_at=timezone.now() - actions.LETTER_LEASE * 2)
    actions.mailing_send_batch(letter_ids=batch)
    assert len(mail.outbox) == 5


@pytest.fixture
def eager_retries(monkeypatch: Any) -> None:
    """Eager Celery re-runs a retried task at once, as long as errors do not propagate."""
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_eager_propagates", False)


def test_transient_smtp_failure_is_retried_then_sent(
    running_mailing: Mailing, eager_retries: None
) -> None:
    [batch] = actions.mailing_prepare(mailing_id=running_mailing.pk)
    real_send = mail.EmailMessage.send
    calls = {"n": 0}

    def flaky(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:  # the server hangs up once, on the third letter
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(self, *args, **kwargs)

    with mock.patch.object(mail.EmailMessage, "send", flaky):
        result = tasks.mailing_send_batch.apply(args=(running_mailing.pk, batch))
    assert result.successful()
    assert len(mail.outbox) == 5
    statuses = dict(running_mailing.letters.values_list("pk", "status"))
    assert set(statuses.values()) == {LetterStatus.SENT}
    assert Letter.objects.get(pk=batch[2]).attempts == 2


def test_smtp_failing_every_time_is_retried_with_backoff_then_reported(
    running_mailing: Mailing, eager_retries: None
) -> None:
    [batch] = actions.mailing_prepare(mailing_id=running_mailing.pk)
    countdowns: list[int] = []
    real_retry = tasks.mailing_send_batch.retry

    def spy(*args: Any, **kwargs: Any) -> Any:
        countdowns.append(kwargs["countdown"])
        return real_retry(*args, **kwargs)

    refused = smtplib.SMTPResponseException(451, b"Temporary local problem")
    with (
        mock.patch.object(mail.EmailMessage, "send", side_effect=refused),
        mock.patch.object(tasks.mailing_send_batch, "retry", side_effect=spy),
    ):
        tasks.mailing_send_batch.apply(args=(running_mailing.pk, batch))
    assert countdowns == list(tasks.BATCH_BACKOFF)
    letters = list(running_mailing.letters.all())
    assert {letter.status for letter in letters} == {LetterStatus.FAILED}
    assert "451" in letters[0].error
    running_mailing.refresh_from_db()
    assert running_mailing.status == MailingStatus.FINISHED
    progress = mailing_progress(mailing=running_mailing)
    assert progress.counts["failed"] == 5
    assert progress.percent == 100


def test_permanent_refusal_fails_one_letter_without_retry(running_mailing: Mailing) -> None:
    [batch] = actions.mailing_prepare(mailing_id=running_mailing.pk)
    real_send = mail.EmailMessage.send

    def refuse_first(self: Any, *args: Any, **kwargs: Any) -> Any:
        if self.to[0] == Letter.objects.get(pk=batch[0]).email:
            raise smtplib.SMTPRecipientsRefused({self.to[0]: (550, b"No such user")})
        return real_send(self, *args, **kwargs)

    with mock.patch.object(mail.EmailMessage, "send", refuse_first):
        tasks.mailing_send_batch.apply(args=(running_mailing.pk, batch))
    assert Letter.objects.get(pk=batch[0]).status == LetterStatus.FAILED
    assert running_mailing.letters.filter(status=LetterStatus.SENT).count() == 4


# ------------------------------------------------------------------------ permissions


def test_only_a_clerk_of_the_department_creates_and_starts(
    template: Any, clerk: Any, other_clerk: Any, user: Any, council_member: Any
) -> None:
    for outsider in (user, other_clerk, council_member):
        with pytest.raises(PermissionDenied):
            actions.mailing_create(
                template=template,
                source="department_cases",
                channel="email",
                acting_user=outsider,
            )
    mailing = actions.mailing_create(
        template=template, source="department_cases", channel="email", acting_user=clerk
    )
    with mock.patch.object(tasks.mailing_prepare, "apply_async") as queued:
        for outsider in (user, other_clerk, council_member):
            with pytest.raises(PermissionDenied):
                actions.mailing_start(mailing=mailing, acting_user=outsider)
    queued.assert_not_called()
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.DRAFT


def test_tax_mailing_needs_the_tax_permission(ks: Any, clerk: Any) -> None:
    template = LetterTemplate.objects.create(
        department=ks, name="T", subject="T", body="$saldo", signature="X"
    )
    with pytest.raises(PermissionDenied):
        actions.mailing_create(
            template=template, source="tax_overdue", channel="email", acting_user=clerk
        )
    assert not Mailing.objects.exists()


def test_started_mailing_cannot_start_again(running_mailing: Mailing, clerk: Any) -> None:
    with pytest.raises(ValidationError):
        actions.mailing_start(mailing=running_mailing, acting_user=clerk)


def test_unknown_placeholder_is_refused(ks: Any, clerk: Any) -> None:
    template = LetterTemplate(department=ks, name="T", subject="T", body="$pesel", signature="X")
    with pytest.raises(ValidationError):
        actions.letter_template_save(template=template, acting_user=clerk)
    assert not LetterTemplate.objects.exists()


# ------------------------------------------------------------------------ admin and residents


def test_clerk_admin_starts_follows_and_downloads_the_report(
    client: Any,
    template: Any,
    clerk: Any,
    other_clerk: Any,
    animal_case: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    mailing = actions.mailing_create(
        template=template, source="department_cases", channel="email", acting_user=clerk
    )
    progress = reverse("admin:services_mailing_progress", args=[mailing.pk])
    report = reverse("admin:services_mailing_report", args=[mailing.pk])
    as_json = reverse("admin:services_mailing_json", args=[mailing.pk])
    _admin_login(client, other_clerk)  # a clerk of another department sees nothing
    for url in (progress, report, as_json):
        assert client.get(url).status_code in (403, 404)
    assert client.post(progress, {"start": "1"}).status_code in (403, 404)
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.DRAFT
    client.logout()
    _admin_login(client, clerk)
    assert "Uruchom" in client.get(progress).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(progress, {"start": "1"}).status_code == 302
    data = client.get(as_json).json()
    assert (data["percent"], data["counts"]["sent"], data["finished"]) == (100, 1, True)
    csv_text = b"".join(client.get(report).streaming_content).decode()
    assert animal_case.number in csv_text
    assert animal_case.applicant.email in csv_text
    changelist = client.get(reverse("admin:services_mailing_changelist"))
    assert changelist.status_code == 200


def test_clerk_creates_a_csv_mailing_in_the_admin(client: Any, template: Any, clerk: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    _admin_login(client, clerk)
    add = reverse("admin:services_mailing_add")
    bad = SimpleUploadedFile("a.csv", b"imie_nazwisko,email\nJan,zly\n", "text/csv")
    response = client.post(
        add, {"template": template.pk, "source": "csv", "channel": "email", "csv_file": bad}
    )
    assert response.status_code == 200
    assert "Wiersz 2" in response.content.decode()
    assert not Mailing.objects.exists()
    good = SimpleUploadedFile(
        "a.csv", b"imie_nazwisko,email,adres\nJan Nowak,jan@example.org,\n", "text/csv"
    )
    response = client.post(
        add, {"template": template.pk, "source": "csv", "channel": "print", "csv_file": good}
    )
    mailing = Mailing.objects.get()
    assert response.status_code == 302
    assert mailing.csv_rows[0]["email"] == "jan@example.org"


def test_progress_query_count_does_not_grow(
    running_mailing: Mailing, django_assert_max_num_queries: Any
) -> None:
    actions.mailing_prepare(mailing_id=running_mailing.pk)
    running_mailing.refresh_from_db()
    with django_assert_max_num_queries(2):
        mailing_progress(mailing=running_mailing)


def test_resident_sees_and_downloads_own_letter_only(
    client: Any,
    template: Any,
    clerk: Any,
    animal_case: Any,
    other_user: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    mailing = actions.mailing_create(
        template=template, source="department_cases", channel="email", acting_user=clerk
    )
    _started(mailing, clerk, django_capture_on_commit_callbacks)
    letter = Letter.objects.get(mailing=mailing)
    url = reverse("services:letter", kwargs={"public_id": letter.public_id})
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(other_user)
    assert client.get(url).status_code == 404
    client.force_login(animal_case.applicant)
    page = client.get(reverse("services:case", kwargs={"public_id": animal_case.public_id}))
    assert url in page.content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert response["Cache-Control"] == "no-store, private"


def test_stalled_mailing_is_resumed_without_duplicates(
    running_mailing: Mailing, django_capture_on_commit_callbacks: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    [batch] = actions.mailing_prepare(mailing_id=running_mailing.pk)
    actions.mailing_send_batch(letter_ids=batch[:2])  # then the worker died
    Letter.objects.filter(pk=batch[2]).update(
        status=LetterStatus.SENDING, claimed_at=timezone.now() - actions.LETTER_LEASE * 2
    )
    assert actions.mailings_stalled() == []  # letters were sent just now
    long_ago = timezone.now() - timedelta(hours=1)
    Letter.objects.filter(mailing=running_mailing).update(done_at=None)
    Letter.objects.filter(pk__in=batch[:2]).update(done_at=long_ago)
    Mailing.objects.filter(pk=running_mailing.pk).update(started_at=long_ago)
    assert actions.mailings_stalled() == [running_mailing.pk]
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.mailing_resume_stalled.apply().get() == 1
    assert len(mail.outbox) == 5
    running_mailing.refresh_from_db()
    assert running_mailing.status == MailingStatus.FINISHED
