"""Pure parser of the finance system's CSV export of local-tax records (R-SRV-4).

No Django import. One row per instalment or payment, UTF-8, comma or semicolon separated,
with this header (column order free)::

    typ,konto,mieszkaniec,id,rodzaj,rok,opis,rata,termin,kwota

- ``typ=rata``: an instalment of liability ``id`` of account ``konto``: ``rodzaj`` (property,
  transport, waste, dog, other), ``rok``, ``opis`` (optional), ``rata`` (number), ``termin``
  (due date, YYYY-MM-DD), ``kwota`` (PLN, dot or comma decimal). ``mieszkaniec`` (optional)
  is the resident's portal id (UUID) linking the account.
- ``typ=wplata``: payment ``id`` to account ``konto`` on ``termin`` of ``kwota``.

The result is the payload of ``services.actions.tax_records_load``.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

COLUMNS = ("typ", "konto", "mieszkaniec", "id", "rodzaj", "rok", "opis", "rata", "termin", "kwota")
KINDS = ("property", "transport", "waste", "dog", "other")
ID_RE = re.compile(r"^[A-Za-z0-9._/-]{1,64}$")
MAX_ERRORS = 200


def _amount(raw: str) -> Decimal | None:
    try:
        value = Decimal(raw.replace(" ", "").replace(",", "."))
    except InvalidOperation:
        return None
    if value <= 0 or value != value.quantize(Decimal("0.01")) or value >= Decimal("1e10"):
        return None
    return value.quantize(Decimal("0.01"))


def _date(raw: str) -> str | None:
    try:
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        return None


def rows_of(raw: bytes) -> tuple[list[dict[str, str]], str | None]:
    """The rows as dicts (lower-case keys), or an error code ``encoding`` / ``header``."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], "encoding"
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if not {"typ", "konto", "id", "termin", "kwota"} <= set(header):
        return [], "header"
    reader.fieldnames = header
    return [{k: (v or "").strip() for k, v in r.items() if k} for r in reader], None


def parse(
    rows: list[dict[str, str]], progress: Callable[[int], object] | None = None
) -> tuple[dict[str, Any], list[tuple[int, str, str]]]:
    """Validate every row; returns (payload, errors as (row number, column, code)).

    Row 1 is the header. Codes: ``required``, ``type``, ``id``, ``kind``, ``year``,
    ``number``, ``date``, ``amount``, ``resident``, ``conflict`` (a liability whose rows
    disagree), ``duplicate`` (an instalment or payment given twice). ``progress(n)`` is called
    every 1,000 rows with the number of rows checked so far.
    """
    accounts: dict[str, dict[str, Any]] = {}
    liabilities: dict[str, dict[str, Any]] = {}
    payments: dict[str, dict[str, Any]] = {}
    errors: list[tuple[int, str, str]] = []

    def err(number: int, column: str, code: str) -> None:
        errors.append((number, column, code))

    for number, row in _numbered(rows):
        if progress is not None and number % 1000 == 0:
            progress(number - 1)
        if len(errors) >= MAX_ERRORS:
            break
        kind = row.get("typ", "").lower()
        account, ident = row.get("konto", ""), row.get("id", "")
        if kind not in ("rata", "wplata"):
            err(number, "typ", "type")
            continue
        bad = False
        for column, value in (("konto", account), ("id", ident)):
            if not value:
                err(number, column, "required")
                bad = True
            elif not ID_RE.match(value):
                err(number, column, "id")
                bad = True
        amount = _amount(row.get("kwota", ""))
        if amount is None:
            err(number, "kwota", "amount")
            bad = True
        when = _date(row.get("termin", ""))
        if when is None:
            err(number, "termin", "date")
            bad = True
        resident = row.get("mieszkaniec", "")
        if resident:
            try:
                resident = str(uuid.UUID(resident))
            except ValueError:
                err(number, "mieszkaniec", "resident")
                bad = True
        if kind == "wplata":
            if bad:
                continue
            if ident in payments:
                err(number, "id", "duplicate")
                continue
            accounts.setdefault(account, {"id": account})
            payments[ident] = {"id": ident, "account": account, "paid_on": when, "amount": amount}
            if resident:
                accounts[account]["resident"] = resident
            continue
        tax_kind = row.get("rodzaj", "").lower()
        if tax_kind not in KINDS:
            err(number, "rodzaj", "kind")
            bad = True
        year = row.get("rok", "")
        if not (year.isdigit() and 2000 <= int(year) <= 2100):
            err(number, "rok", "year")
            bad = True
        instalment = row.get("rata", "")
        if not (instalment.isdigit() and 1 <= int(instalment) <= 99):
            err(number, "rata", "number")
            bad = True
        if bad:
            continue
        accounts.setdefault(account, {"id": account})
        if resident:
            accounts[account]["resident"] = resident
        liability = liabilities.setdefault(
            ident,
            {
                "id": ident,
                "account": account,
                "kind": tax_kind,
                "year": int(year),
                "description": row.get("opis", "")[:200],
                "instalments": [],
            },
        )
        if (liability["account"], liability["kind"], liability["year"]) != (
            account,
            tax_kind,
            int(year),
        ):
            err(number, "id", "conflict")
            continue
        if any(i["number"] == int(instalment) for i in liability["instalments"]):
            err(number, "rata", "duplicate")
            continue
        liability["instalments"].append(
            {"number": int(instalment), "due_date": when, "amount": amount}
        )
    payload = {
        "accounts": list(accounts.values()),
        "liabilities": list(liabilities.values()),
        "payments": list(payments.values()),
    }
    return payload, errors


def _numbered(rows: list[dict[str, str]]) -> Iterator[tuple[int, dict[str, str]]]:
    for index, row in enumerate(rows, start=2):
        if any(row.values()):
            yield index, row
