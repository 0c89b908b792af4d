"""Fixtures shared by every app's tests."""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.accounts.factories import UserFactory


@pytest.fixture
def user(db: Any) -> Any:
    return UserFactory()


@pytest.fixture
def other_user(db: Any) -> Any:
    return UserFactory()


@pytest.fixture
def staff_user(db: Any) -> Any:
    return UserFactory(is_staff=True)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright (never a downloaded browser build)."""
    from tests.accessibility.browser import launch_chromium

    with launch_chromium() as browser:
        yield browser


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    # A request under /en/ or a test's translation.activate() leaves the thread's language
    # active; each test starts and ends in the default (Polish) so no test depends on order.
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()
