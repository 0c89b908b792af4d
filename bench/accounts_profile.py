"""Citizen accounts at city scale: 200,000 residents, then time what clerks and residents do.

On a throw-away migrated PostgreSQL (``django_on_postgres``), bulk-creates the residents (each
with a valid, unique PESEL), ANALYZEs and prints: the clerk's PESEL search (the POST form's
action, with its audit row) and the admin's e-mail and name searches (indexed), a
profile update through ``profile_update`` (validation + unique PESEL check + history), one
person's GDPR export, and 40 parallel sign-ups racing for 25 training seats.

    .venv/bin/python bench/accounts_profile.py [RESIDENTS]
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._stack import django_on_postgres  # noqa: E402

RESIDENTS = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000


def timed(fn, repeat: int = 50) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    with django_on_postgres():
        from datetime import date, timedelta

        from django.db import connection
        from django.utils import timezone

        from accounts import actions, selectors
        from accounts.models import TrainingSession, User
        from districts.models import District
        from tests.accounts.factories import make_pesel

        districts = list(District.objects.all())
        started = time.perf_counter()
        batch = []
        for n in range(RESIDENTS):
            born = date(1930, 1, 1) + timedelta(days=n % 30000)
            batch.append(
                User(
                    email=f"mieszkaniec{n}@bench.example",
                    first_name="Anna",
                    last_name=f"Nowak{n}",
                    pesel=make_pesel(born, serial=n // 30000 * 5 % 1000),
                    postal_code="31-100",
                    district=districts[n % len(districts)],
                    password="!",  # noqa: S106 — unusable
                )
            )
            if len(batch) == 5000:
                User.objects.bulk_create(batch)
                batch = []
        User.objects.bulk_create(batch)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE accounts_user")
        print(f"created {RESIDENTS:,} residents in {time.perf_counter() - started:.1f} s")

        some = User.objects.order_by("?").first()
        assert some is not None
        clerk = User.objects.create_superuser(email="bench-clerk@bench.example")
        p50, p95 = timed(
            lambda: actions.pesel_lookup(pesel=some.pesel, purpose="bench", acting_user=clerk)
        )
        print(f"clerk's PESEL search (POST form, audit row): p50 {p50:.2f} ms, p95 {p95:.2f} ms")
        from django.contrib.admin.sites import site
        from django.test import RequestFactory

        admin = site._registry[User]
        request = RequestFactory().get("/admin/accounts/user/")
        request.user = clerk
        User.objects.filter(pk=some.pk).update(last_name="Zielińska")

        def admin_search(term: str) -> None:
            queryset, _distinct = admin.get_search_results(request, User.objects.all(), term)
            list(queryset[:100])

        p50, p95 = timed(lambda: admin_search(some.email.upper()))
        print(f"admin search, exact e-mail (Lower index): p50 {p50:.2f} ms, p95 {p95:.2f} ms")
        p50, p95 = timed(lambda: admin_search("Anna Zielińska"))
        print(f"admin search, whole names (Upper indexes): p50 {p50:.2f} ms, p95 {p95:.2f} ms")
        p50, p95 = timed(lambda: list(User.objects.filter(email__icontains=some.email[:12])))
        print(f"for comparison, e-mail icontains (scan): p50 {p50:.2f} ms, p95 {p95:.2f} ms")
        street = iter(range(10_000))
        p50, p95 = timed(
            lambda: actions.profile_update(
                user=some, acting_user=some, street_address=f"ul. Długa {next(street)}"
            )
        )
        print(f"profile_update (validation, history): p50 {p50:.2f} ms, p95 {p95:.2f} ms")
        other = User.objects.exclude(pk=some.pk).first()
        assert other is not None

        def clash() -> None:
            try:
                actions.profile_update(user=some, acting_user=some, pesel=other.pesel)
            except Exception:  # noqa: S110, BLE001 — the expected field error
                pass

        p50, p95 = timed(clash)
        print(
            f"profile_update with a PESEL in use (field error): p50 {p50:.2f} ms, p95 {p95:.2f} ms"
        )
        p50, p95 = timed(lambda: selectors.personal_data_export(user=some), repeat=20)
        print(f"GDPR export of one person: p50 {p50:.2f} ms, p95 {p95:.2f} ms")
        from accounts.registry import gdpr_contributors

        for contributor in gdpr_contributors():
            p50, _p95 = timed(lambda c=contributor: c.export(some), repeat=10)
            print(f"  export part {contributor.key!r}: p50 {p50:.2f} ms")

        import config.celery

        # No broker in this bench: the confirmation e-mails are not what is measured.
        config.celery.enqueue_after_commit = lambda *args, **kwargs: None  # type: ignore[assignment]
        session = TrainingSession.objects.create(
            title="Bench", place="Bench", starts_at=timezone.now() + timedelta(days=1), seats=25
        )
        people = list(User.objects.order_by("pk")[:40])
        barrier = threading.Barrier(len(people))
        outcomes: list[str] = []

        def sign(person: User) -> None:
            barrier.wait()
            try:
                actions.training_signup(session=session, user=person, acting_user=person)
                outcomes.append("ok")
            except Exception:  # noqa: BLE001
                outcomes.append("full")
            finally:
                connection.close()

        started = time.perf_counter()
        threads = [threading.Thread(target=sign, args=(p,)) for p in people]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        session.refresh_from_db()
        print(
            f"40 parallel sign-ups for 25 seats: {outcomes.count('ok')} in, "
            f"{outcomes.count('full')} refused, seats_taken={session.seats_taken} "
            f"in {(time.perf_counter() - started) * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
