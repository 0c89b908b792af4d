"""Mass correspondence end to end (R-SRV-6): letters per second through the real pipeline.

A throw-away PostgreSQL and Redis, production settings, and a Celery worker (2 processes, as
many as this machine has cores) started as `celery -A config worker`. A clerk's mailing of
LETTERS recipients (a CSV list, channel e-mail) is started with ``services.actions.
mailing_start``; the worker selects the recipients, renders each letter to PDF
(config.pdf.render_pdf), e-mails it with the PDF attached to a local aiosmtpd sink and records
each letter's status, in batches of services.actions.LETTER_BATCH. Printed: letters/s from the
start to the mailing's ``finished`` state, the letters the sink received, and the statuses
(every letter sent exactly once).

    .venv/bin/python bench/letters.py [LETTERS]
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._stack import django_on_postgres  # noqa: E402
from tests.servers import RedisServer, free_port  # noqa: E402

LETTERS = int(sys.argv[1]) if len(sys.argv) > 1 else 500
WORKERS = 2


def main() -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Sink

    class CountingSink(Sink):
        received = 0
        recipients: set[str] = set()

        async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
            CountingSink.received += 1
            CountingSink.recipients.update(envelope.rcpt_tos)
            return "250 OK"

    logging.disable(logging.INFO)
    smtp_port = free_port()
    sink = Controller(CountingSink(), hostname="127.0.0.1", port=smtp_port)
    sink.start()
    redis = RedisServer().start()
    mail_env = {
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "false",
        "DEFAULT_FROM_EMAIL": "noreply@krakow.example",
    }
    worker = None
    try:
        with django_on_postgres(redis_url=redis.url(), **mail_env):
            from accounts.actions import role_grant
            from accounts.models import Department, Role, User
            from services.actions import mailing_create, mailing_start
            from services.models import Letter, LetterTemplate, Mailing, MailingStatus

            worker = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", "worker", "-c", str(WORKERS),
                 "--loglevel", "WARNING", "--without-gossip", "--without-mingle"],
                cwd=ROOT,
                env=os.environ.copy(),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
            department = Department.objects.get(code="ks")
            clerk = User.objects.create_user(email="urzednik@bench.example", password=None)
            role_grant(user=clerk, role=Role.CLERK, acting_user=None, department=department)
            template = LetterTemplate.objects.create(
                department=department,
                name="Zawiadomienie (BENCH)",
                subject="Informacja o sprawie",
                body="Szanowna Pani / Szanowny Panie $imie_nazwisko,\n\n"
                + "Treść zawiadomienia. " * 60,
                signature="Wydział Kształtowania Środowiska",
            )
            rows = [
                {
                    "name": f"Adresat {n} (BENCH)",
                    "email": f"adresat{n}@bench.example",
                    "address": f"ul. Przykładowa {n}\n31-004 Kraków",
                }
                for n in range(LETTERS)
            ]
            mailing = mailing_create(
                template=template, source="csv", channel="email", csv_rows=rows, acting_user=clerk
            )
            from config.celery import app

            ready_by = time.monotonic() + 300
            while not app.control.ping(timeout=1.0) and time.monotonic() < ready_by:
                pass  # the clock starts once the worker answers
            started = time.perf_counter()
            mailing_start(mailing=mailing, acting_user=clerk)
            deadline = started + 60 * 30
            while time.perf_counter() < deadline:
                status = Mailing.objects.values_list("status", flat=True).get(pk=mailing.pk)
                if status == MailingStatus.FINISHED:
                    break
                time.sleep(0.2)
            elapsed = time.perf_counter() - started
            load = os.getloadavg()[0]
            # For scale: the PDF step alone, in this process, on the same letters.
            from services.actions import letter_pdf

            sample = list(Letter.objects.filter(mailing=mailing).order_by("pk")[:20])
            t0 = time.perf_counter()
            for letter in sample:
                letter_pdf(letter)
            pdf_ms = (time.perf_counter() - t0) / max(len(sample), 1) * 1000
            statuses: dict[str, int] = {}
            for value in Letter.objects.filter(mailing=mailing).values_list("status", flat=True):
                statuses[value] = statuses.get(value, 0) + 1
            duplicates = CountingSink.received - len(CountingSink.recipients)
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
        redis.stop()
        sink.stop()
    print(f"letters:              {LETTERS} (CSV recipients, e-mail channel)")
    print(f"worker processes:     {WORKERS} (celery prefork, Redis broker, PostgreSQL)")
    print(f"mailing finished:     {status == MailingStatus.FINISHED} in {elapsed:.1f} s")
    print(f"letter statuses:      {statuses}")
    print(f"received by the sink: {CountingSink.received} (duplicates: {duplicates})")
    print(f"end to end:           {LETTERS / elapsed:.1f} letters/s (PDF + SMTP + bookkeeping)")
    print(f"PDF alone:            {pdf_ms:.0f} ms per letter in one process (for scale)")
    print(f"load average (1 min): {load:.1f} on {os.cpu_count()} cores (figures are noisy above 2)")


if __name__ == "__main__":
    main()
