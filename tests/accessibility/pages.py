"""The one list of public pages the accessibility harness checks, in every language.

Each app adds its public pages here as they land (issue 10 generates it from the URL
configuration). Paths are given without the language prefix.
"""

PUBLIC_PAGES: list[str] = [
    "/",
    "/dzielnice/",
    "/konto/login/",
    "/konto/signup/",
    "/konto/password/reset/",
    "/strona-ktorej-nie-ma/",  # the 404 page
]

LANGUAGE_PREFIXES = {"pl": "", "en": "/en"}
