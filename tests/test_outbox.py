"""config.outbox: jobs queued in a Redis stream are done exactly when the handler says so."""

import pytest
from django.core.cache import caches

from config.outbox import Outbox


class _Recorder:
    def __init__(self, answers=None):  # type: ignore[no-untyped-def]
        self.seen: list[dict] = []
        self.answers = answers  # None: every job done

    def __call__(self, jobs):  # type: ignore[no-untyped-def]
        self.seen.extend(jobs)
        if self.answers is None:
            return [True] * len(jobs)
        return [self.answers(job) for job in jobs]


@pytest.fixture
def outbox_named(request):
    made: list[Outbox] = []

    def make(handler, **options):  # type: ignore[no-untyped-def]
        box = Outbox(f"test-{request.node.name}-{len(made)}", handler, task=None, **options)
        made.append(box)
        return box

    yield make
    client = caches["default"].redis_client()
    for box in made:
        client.delete(*box._keys())


def test_queued_jobs_are_done_in_order_once_and_removed(outbox_named):
    handler = _Recorder()
    box = outbox_named(handler, batch=2)
    for n in range(5):
        box.add({"n": n})
    assert handler.seen == []  # nothing is done when queued
    assert box.pending() == 5
    assert box.drain() == 5
    assert [job["n"] for job in handler.seen] == [0, 1, 2, 3, 4]
    assert box.pending() == 0
    assert box.drain() == 0
    assert len(handler.seen) == 5


def test_a_job_not_done_stays_queued_and_is_retried_after_the_delay(outbox_named):
    handler = _Recorder(answers=lambda job: job["n"] != 1)
    box = outbox_named(handler, retry_after=3600)
    for n in range(3):
        box.add({"n": n})
    assert box.drain() == 2
    assert box.pending() == 1
    # not yet idle long enough: a second run leaves it alone
    assert box.drain() == 0
    assert [job["n"] for job in handler.seen] == [0, 1, 2]
    # once due it is claimed again; now it succeeds
    box.retry_after = 0
    handler.answers = None
    assert box.drain() == 1
    assert [job["n"] for job in handler.seen] == [0, 1, 2, 1]
    assert box.pending() == 0


def test_a_handler_that_crashes_loses_nothing(outbox_named):
    def crash(jobs):  # type: ignore[no-untyped-def]
        raise OSError("mail server down")

    box = outbox_named(crash, retry_after=0)
    box.add({"n": 1})
    with pytest.raises(OSError, match="mail server down"):
        box.drain()
    assert box.pending() == 1
    handler = _Recorder()
    box.handler = handler
    assert box.drain() == 1
    assert handler.seen == [{"n": 1}]
    assert box.pending() == 0


def test_without_redis_a_job_is_done_at_once(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    handler = _Recorder()
    box = Outbox("no-redis", handler, task=None)
    box.add({"n": 7})
    assert handler.seen == [{"n": 7}]
    assert box.pending() == 0
    assert box.drain() == 0


def test_the_draining_task_is_kicked_once_per_window_when_not_eager(outbox_named, monkeypatch):
    from config.celery import app

    kicks: list[dict] = []
    from consultations.budget.tasks import send_receipts

    monkeypatch.setattr(send_receipts, "apply_async", lambda **kw: kicks.append(kw))
    box = outbox_named(_Recorder(), kick_every=30)
    box.task = "consultations.budget.tasks.send_receipts"
    was = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        for n in range(10):
            box.add({"n": n})
    finally:
        app.conf.task_always_eager = was
    assert kicks == [{"countdown": 30}]
    assert box.pending() == 10


def test_with_redis_down_a_job_is_done_at_once_and_nothing_is_raised(outbox_named, monkeypatch):
    from redis.client import Pipeline
    from redis.exceptions import ConnectionError as RedisConnectionError

    def down(self):  # type: ignore[no-untyped-def]
        raise RedisConnectionError("connection refused")

    monkeypatch.setattr(Pipeline, "execute", down)
    handler = _Recorder()
    box = outbox_named(handler)
    box.add({"n": 1})
    assert handler.seen == [{"n": 1}]


def test_with_redis_and_the_handler_down_the_caller_still_gets_no_error(
    outbox_named, monkeypatch, caplog
):
    from redis.client import Pipeline
    from redis.exceptions import ConnectionError as RedisConnectionError

    def down(self):  # type: ignore[no-untyped-def]
        raise RedisConnectionError("connection refused")

    def crash(jobs):  # type: ignore[no-untyped-def]
        raise OSError("mail server down")

    monkeypatch.setattr(Pipeline, "execute", down)
    box = outbox_named(crash)
    box.add({"n": 1, "secret": "K0D"})
    assert "neither queued nor done" in caplog.text
    assert "K0D" not in caplog.text
