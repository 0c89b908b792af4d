"""Django's Redis cache, keeping one client object per connection pool.

``django.core.cache.backends.redis`` builds a new ``redis.Redis`` for every cache call, and each
one copies redis-py's table of ~170 response callbacks: a measurable share of an API request
that only touches the cache for its rate limit. Client objects are thread-safe and hold no
connection themselves (the pool does), so one per pool is enough.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends import redis as django_redis


class _Client(django_redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        base: Any = self  # the stubs do not declare Django's private helpers used here
        index = base._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = base._client(
                connection_pool=base._get_connection_pool(index)
            )
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _Client

    def redis_client(self, *, write: bool = False) -> Any:
        """The underlying redis-py client, for commands the cache API has no word for."""
        return self._cache.get_client(write=write)
