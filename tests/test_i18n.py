"""Polish first, English complete: every translatable string has an English translation."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "accounts",
    "consultations",
    "consultations/budget",
    "consultations/referenda",
    "karta",
    "services",
    "districts",
    "opendata",
    "accessibility",
]


@pytest.fixture(scope="module")
def fresh_catalogues(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The catalogues re-extracted from a copy of the sources (catches strings never extracted)."""
    copy = tmp_path_factory.mktemp("i18n") / "src"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", "var", "tests", "bench", ".git", "*.pyc", "node_modules"
        ),
    )
    result = subprocess.run(
        ["make", "-s", "messages", f"PY={sys.executable}", f"VENV={ROOT / '.venv'}"],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return copy


def _catalogues(root: Path, language: str) -> list[Path]:
    return [
        root / "locale" / language / "LC_MESSAGES" / "django.po",
        *[root / app / "locale" / language / "LC_MESSAGES" / "django.po" for app in APPS],
    ]


def test_every_string_has_an_english_translation(fresh_catalogues: Path) -> None:
    missing = []
    for path in _catalogues(fresh_catalogues, "en"):
        catalogue = polib.pofile(str(path))
        missing += [
            f"{path.relative_to(fresh_catalogues)}: {entry.msgid!r}"
            for entry in catalogue
            if not entry.translated() or entry.fuzzy
        ]
    assert missing == [], "\n".join(missing)


def test_polish_plurals_have_all_three_forms(fresh_catalogues: Path) -> None:
    missing = []
    for path in _catalogues(fresh_catalogues, "pl"):
        for entry in polib.pofile(str(path)):
            if entry.msgid_plural and not all(entry.msgstr_plural.get(i) for i in range(3)):
                missing.append(entry.msgid)
    assert missing == []
