"""API rate limits: the sliding window in Redis (one round trip), and DRF's own without Redis."""

import pytest
from django.core.cache import caches
from rest_framework.test import APIClient

from accounts.actions import api_token_create
from config import throttling
from config.cache import RedisCache
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_limits(monkeypatch):
    rates = {"user": "3/min", "anon": "2/min"}
    monkeypatch.setattr(throttling.UserRateThrottle, "THROTTLE_RATES", rates)
    monkeypatch.setattr(throttling.AnonRateThrottle, "THROTTLE_RATES", rates)
    clock = {"now": 1_000_000.0}
    monkeypatch.setattr(throttling._RedisWindow, "timer", lambda self: clock["now"])
    return clock


def _client(user):  # type: ignore[no-untyped-def]
    client = APIClient()
    _token, secret = api_token_create(user=user, name="t", acting_user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def test_the_test_cache_is_redis_so_the_one_round_trip_path_is_tested():
    assert isinstance(caches["default"], RedisCache)


def test_a_user_over_the_limit_gets_429_with_retry_after_and_others_do_not(low_limits):
    user = UserFactory()
    client = _client(user)
    assert [client.get("/api/v1/me").status_code for _ in range(3)] == [200, 200, 200]
    low_limits["now"] += 20
    response = client.get("/api/v1/me")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    # the oldest of the three requests leaves the window 40 s from now
    assert response["Retry-After"] == "40"
    # another resident has their own window
    assert _client(UserFactory()).get("/api/v1/me").status_code == 200
    # the window is kept in Redis as a sorted set under the prefixed key
    backend = caches["default"]
    key = backend.make_and_validate_key(f"throttle_user_{user.pk}:window")
    assert backend.redis_client().zcard(key) == 3


def test_a_refused_request_does_not_count_and_the_window_slides(low_limits):
    client = _client(UserFactory())
    for _ in range(3):
        assert client.get("/api/v1/me").status_code == 200
        low_limits["now"] += 10
    # at t=30: full; refused requests are not recorded, so they do not prolong the wait
    for _ in range(5):
        assert client.get("/api/v1/me").status_code == 429
    # at t=61 the first request (t=0) has left the 60 s window: one more is allowed
    low_limits["now"] += 31
    assert client.get("/api/v1/me").status_code == 200
    assert client.get("/api/v1/me").status_code == 429


def test_anonymous_clients_are_limited_by_address(low_limits):
    client = APIClient(REMOTE_ADDR="192.0.2.7")
    assert [client.get("/api/v1/").status_code for _ in range(2)] == [200, 200]
    assert client.get("/api/v1/").status_code == 429
    assert APIClient(REMOTE_ADDR="192.0.2.8").get("/api/v1/").status_code == 200


def test_without_the_redis_cache_drf_s_own_window_applies(low_limits, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert not isinstance(caches["default"], RedisCache)
    client = APIClient(REMOTE_ADDR="192.0.2.9")
    assert [client.get("/api/v1/").status_code for _ in range(3)] == [200, 200, 429]
