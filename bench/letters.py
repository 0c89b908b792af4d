"""Correspondence pipeline throughput (R-SRV-6): letters per second, PDF + e-mail.

Renders each letter to PDF with config.pdf.render_pdf (WeasyPrint, the template
services/letter_pdf.html) and sends it as an attachment over one SMTP connection to a local
aiosmtpd sink, in batches of 50 (one connection per batch, as a worker would). Prints the PDF
rate, the SMTP rate and the combined letters/s. No database: it measures the per-letter work
a mailing job does, not the job's bookkeeping.

    .venv/bin/python bench/letters.py [LETTERS]
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

LETTERS = int(sys.argv[1]) if len(sys.argv) > 1 else 200
BATCH = 50


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    import django
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Sink

    django.setup()
    # WeasyPrint and aiosmtpd log every step at INFO: keep the output to the figures.
    logging.disable(logging.INFO)
    from django.core.mail import EmailMessage, get_connection

    from config.pdf import render_pdf

    class CountingSink(Sink):
        received = 0

        async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
            CountingSink.received += 1
            return "250 OK"

    port = free_port()
    controller = Controller(CountingSink(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        render_pdf("services/letter_pdf.html", {"subject": "rozgrzewka", "body": "x"})  # warm-up
        pdf_seconds = smtp_seconds = 0.0
        sizes = 0
        started = time.perf_counter()
        for batch_start in range(0, LETTERS, BATCH):
            connection = get_connection(
                "django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=port
            )
            connection.open()
            for n in range(batch_start, min(batch_start + BATCH, LETTERS)):
                t0 = time.perf_counter()
                pdf = render_pdf(
                    "services/letter_pdf.html",
                    {
                        "place_date": "Kraków, 23 listopada 2026 r.",
                        "recipient_name": f"Adresat {n} (BENCH)",
                        "recipient_address": f"ul. Przykładowa {n}\n31-004 Kraków",
                        "subject": "Informacja o wysokości podatku od nieruchomości na 2027 r.",
                        "body": "Szanowni Państwo,\n\n" + "Treść zawiadomienia. " * 60,
                        "signature": "Wydział Podatków i Opłat",
                    },
                )
                t1 = time.perf_counter()
                message = EmailMessage(
                    subject="Zawiadomienie podatkowe",
                    body="W załączniku pismo.",
                    from_email="noreply@krakow.example",
                    to=[f"adresat{n}@example.org"],
                    connection=connection,
                )
                message.attach(f"pismo-{n}.pdf", pdf, "application/pdf")
                message.send()
                t2 = time.perf_counter()
                pdf_seconds += t1 - t0
                smtp_seconds += t2 - t1
                sizes += len(pdf)
            connection.close()
        total = time.perf_counter() - started
    finally:
        controller.stop()
    print(
        f"letters:            {LETTERS} (batches of {BATCH}), received by the sink: {CountingSink.received}"
    )
    print(f"average PDF size:   {sizes / LETTERS / 1024:.1f} KiB")
    print(
        f"PDF rendering:      {LETTERS / pdf_seconds:.1f} letters/s ({pdf_seconds / LETTERS * 1000:.1f} ms each)"
    )
    print(
        f"SMTP sending:       {LETTERS / smtp_seconds:.1f} letters/s ({smtp_seconds / LETTERS * 1000:.1f} ms each)"
    )
    print(f"PDF + mail:         {LETTERS / total:.1f} letters/s ({total:.1f} s total)")


if __name__ == "__main__":
    main()
