"""Pure helpers of mass correspondence (R-SRV-6): letter placeholders and recipient CSV files.

No Django import: plain data in, plain data out.
"""

from __future__ import annotations

import csv
import io
import re
from string import Template
from typing import Any

PLACEHOLDER_RE = re.compile(r"\$(?:\{(?P<braced>[a-z_]+)\}|(?P<named>[a-z_]+))")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_CSV_ROWS = 50_000
CSV_COLUMNS = ("imie_nazwisko", "email", "adres")


def unknown_placeholders(text: str, known: set[str]) -> list[str]:
    """Placeholders in ``text`` that are not in ``known`` (sorted, each once)."""
    found = {m.group("braced") or m.group("named") for m in PLACEHOLDER_RE.finditer(text)}
    return sorted(found - known)


def fill(text: str, values: dict[str, str]) -> str:
    """``text`` with ``$name`` / ``${name}`` replaced; unknown ones are left as written."""
    return Template(text).safe_substitute(values)


def parse_recipients_csv(raw: bytes) -> tuple[list[dict[str, str]], list[tuple[int, str]]]:
    """Rows ``{"name", "email", "address"}`` of a recipients file, and errors as (row, code).

    The file is UTF-8 (a BOM is allowed) with a header naming the columns ``imie_nazwisko``,
    ``email`` and ``adres`` (comma or semicolon separated). A row needs a name and an e-mail
    address or a postal address. Error codes: ``encoding``, ``header``, ``too_many``,
    ``no_name``, ``bad_email``, ``no_contact``, ``duplicate``; row 1 is the header.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [(0, "encoding")]
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "imie_nazwisko" not in header or not ({"email", "adres"} & set(header)):
        return [], [(1, "header")]
    reader.fieldnames = header
    rows: list[dict[str, str]] = []
    errors: list[tuple[int, str]] = []
    seen: set[str] = set()
    for number, record in enumerate(reader, start=2):
        if len(rows) >= MAX_CSV_ROWS:
            return [], [(number, "too_many")]
        values: dict[str, Any] = {k: (v or "").strip() for k, v in record.items() if k}
        name, email = values.get("imie_nazwisko", ""), values.get("email", "")
        address = values.get("adres", "").replace("\\n", "\n")
        if not any(values.values()):
            continue
        if not name:
            errors.append((number, "no_name"))
            continue
        if email and not EMAIL_RE.match(email):
            errors.append((number, "bad_email"))
            continue
        if not email and not address:
            errors.append((number, "no_contact"))
            continue
        key = email.lower() or f"{name}\n{address}".lower()
        if key in seen:
            errors.append((number, "duplicate"))
            continue
        seen.add(key)
        rows.append({"name": name[:200], "email": email.lower(), "address": address[:300]})
    return rows, errors
