"""API rate limits in one Redis round trip.

DRF's throttles keep each client's request times as a pickled list under a cache key: a GET and
a SET per request. These keep the same sliding window in a Redis sorted set, checked and updated
by one Lua script, so the limits mean exactly what ``DEFAULT_THROTTLE_RATES`` says ("600/min":
at most 600 requests in any 60 s) for one round trip. Without the Redis cache (``make run``)
DRF's own implementation is used.
"""

from __future__ import annotations

import math
import secrets
from typing import Any

from django.core.cache import caches
from rest_framework import throttling
from rest_framework.request import Request

from config.cache import RedisCache

# KEYS[1] the client's window; ARGV now, window length (s), limit, a unique member.
# Answers {1, ""} when the request is allowed (and recorded), {0, oldest} when it is not.
_SLIDING_WINDOW = """
local key = KEYS[1]
local now = tonumber(ARGV[1])
local duration = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - duration)
if redis.call('ZCARD', key) >= tonumber(ARGV[3]) then
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return {0, oldest[2]}
end
redis.call('ZADD', key, now, ARGV[4])
redis.call('EXPIRE', key, math.ceil(duration))
return {1, ''}
"""

_script: Any = None  # the registered script (its SHA); each call names the client to run on


class _RedisWindow(throttling.SimpleRateThrottle):
    # Set by SimpleRateThrottle.__init__ from the rate (not declared in the stubs).
    duration: int
    num_requests: int
    _retry_after: float | None = None

    def allow_request(self, request: Request, view: Any) -> bool:
        backend = caches["default"]
        if not isinstance(backend, RedisCache):
            return super().allow_request(request, view)
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        global _script
        client = backend.redis_client(write=True)
        if _script is None:
            _script = client.register_script(_SLIDING_WINDOW)
        self.now = self.timer()
        key = backend.make_and_validate_key(f"{self.key}:window")
        allowed, oldest = _script(
            keys=[key],
            args=[repr(self.now), self.duration, self.num_requests, secrets.token_hex(8)],
            client=client,
        )
        if allowed:
            self._retry_after = None
            return True
        self._retry_after = max(self.duration - (self.now - float(oldest)), 0.0)
        return False

    def wait(self) -> float | None:
        if self._retry_after is None:  # DRF's own window (no Redis cache)
            return super().wait()
        return math.ceil(self._retry_after)


class AnonRateThrottle(_RedisWindow, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_RedisWindow, throttling.UserRateThrottle):
    pass
