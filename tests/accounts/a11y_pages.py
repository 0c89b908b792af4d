"""Public account pages for the axe harness (signed-in pages: tests/accounts/test_a11y.py)."""


def pages() -> list[str]:
    return [
        "/moje-konto/aktywuj/",
        "/moje-konto/regulamin-i-prywatnosc/",
        "/konto/login/",
        "/konto/signup/",
        "/konto/password/reset/",
        "/konto/password/reset/done/",
        "/konto/confirm-email/",
    ]
