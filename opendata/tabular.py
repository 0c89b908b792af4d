"""Reading CSV files into typed rows: dialect sniffing, schema inference, casting (pure).

No Django here: bytes and strings in, plain data out. Errors are codes with parameters
(``{"row", "column", "code", "value"}``); the views translate them.

Row numbers count data rows from 1 (the header is row 0), as a clerk sees them in a
spreadsheet minus the header line.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

FIELD_TYPES = ("string", "integer", "number", "date", "boolean")
MAX_FIELD_BYTES = 100_000  # a single cell larger than this is rejected ("huge field")
MAX_ERRORS = 100
SAMPLE_ROWS = 1000

_INT = re.compile(r"^[+-]?\d+$")
_NUM_DOT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_NUM_COMMA = re.compile(r"^[+-]?(\d+(,\d*)?|,\d+)$")
_DATE_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_PL = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}$")
_TRUE = {"true", "tak", "t", "yes", "1"}
_FALSE = {"false", "nie", "f", "no", "0"}

csv.field_size_limit(MAX_FIELD_BYTES)


class TableError(Exception):
    """The file cannot be read at all (encoding, no header, ...): ``code`` names the reason."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Dialect:
    encoding: str
    delimiter: str
    decimal_char: str


def detect_encoding(head: bytes) -> str:
    """UTF-8 when the first bytes decode as UTF-8 (a split last character is fine), else CP1250."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head.removeprefix(codecs.BOM_UTF8), final=False)
    except UnicodeDecodeError:
        return "cp1250"
    return "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"


def sniff(head: bytes) -> Dialect:
    encoding = detect_encoding(head)
    text = head.decode(encoding, errors="ignore")
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if not lines:
        raise TableError("empty")
    header = lines[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    if header.count("\t") > max(header.count(";"), header.count(",")):
        delimiter = "\t"
    decimal_char = "."
    if delimiter != ",":
        rows = list(csv.reader(io.StringIO("\n".join(lines[1:])), delimiter=delimiter))
        cells = [cell.strip() for row in rows for cell in row]
        if any(_NUM_COMMA.match(c) and not _INT.match(c) for c in cells):
            decimal_char = ","
    return Dialect(encoding=encoding, delimiter=delimiter, decimal_char=decimal_char)


def _looks(kind: str, value: str, decimal_char: str) -> bool:
    if kind == "integer":
        return bool(_INT.match(value))
    if kind == "number":
        return bool(_NUM_DOT.match(value) or (decimal_char == "," and _NUM_COMMA.match(value)))
    if kind == "date":
        return bool(_DATE_ISO.match(value) or _DATE_PL.match(value)) and _parse_date(value) != ""
    if kind == "boolean":
        return value.lower() in _TRUE | _FALSE and not _INT.match(value)
    return True


def infer_schema(header: list[str], sample: list[list[str]], decimal_char: str) -> dict[str, Any]:
    """A Frictionless Table Schema: the narrowest type every non-empty sample value fits."""
    fields = []
    for index, name in enumerate(header):
        values = [row[index].strip() for row in sample if index < len(row) and row[index].strip()]
        chosen = "string"
        if values:
            for kind in ("integer", "number", "date", "boolean"):
                if all(_looks(kind, value, decimal_char) for value in values):
                    chosen = kind
                    break
        field: dict[str, Any] = {"name": name, "type": chosen}
        if chosen == "number" and decimal_char == ",":
            field["decimalChar"] = ","
        fields.append(field)
    return {"fields": fields}


def validate_header(header: list[str]) -> None:
    names = [name.strip() for name in header]
    if not names or all(not name for name in names):
        raise TableError("no_header")
    for position, name in enumerate(names, start=1):
        if not name:
            raise TableError("empty_column_name", column=position)
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise TableError("duplicate_column", column=duplicates[0])


def _parse_date(value: str) -> str:
    try:
        if _DATE_ISO.match(value):
            return date.fromisoformat(value).isoformat()
        day, month, year = value.split(".")
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return ""


def cast_value(kind: str, raw: str, decimal_char: str = ".") -> Any:
    """The JSON value of one cell; raises ValueError when it does not fit ``kind``."""
    value = raw.strip()
    if value == "":
        return None
    if kind == "string":
        return raw
    if kind == "integer":
        if not _INT.match(value):
            raise ValueError(value)
        return int(value)
    if kind == "number":
        # With a decimal comma, dot decimals (coordinates) are accepted too.
        if decimal_char == "," and _NUM_COMMA.match(value):
            value = value.replace(",", ".")
        elif not _NUM_DOT.match(value):
            raise ValueError(value)
        number = float(value)
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError(value)
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if kind == "date":
        parsed = _parse_date(value) if (_DATE_ISO.match(value) or _DATE_PL.match(value)) else ""
        if not parsed:
            raise ValueError(value)
        return parsed
    if kind == "datetime":
        return datetime.fromisoformat(value).isoformat()
    if kind == "boolean":
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ValueError(value)
    return raw


def read_rows(text: IO[str], delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """``(row number, cells)`` for every data row; the header is row 0.

    Raises TableError for an undecodable byte or a malformed/huge field, naming the row.
    """
    reader = csv.reader(text, delimiter=delimiter, strict=True)
    number = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError as exc:
            raise TableError("encoding", row=number) from exc
        except csv.Error as exc:
            code = "huge_field" if "field larger" in str(exc) else "malformed"
            raise TableError(code, row=number) from exc
        if number > 0 and not any(cell.strip() for cell in row):
            continue  # blank lines carry no data
        yield number, row
        number += 1


def open_text(binary: IO[bytes], encoding: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(binary, encoding=encoding, errors="strict", newline="")


def sample_table(
    binary: IO[bytes], dialect: Dialect
) -> tuple[list[str], dict[str, Any], list[list[str]]]:
    """Header, inferred schema and the sampled rows from the start of the file."""
    text = open_text(binary, dialect.encoding)
    rows = read_rows(text, dialect.delimiter)
    try:
        _, header = next(rows)
    except StopIteration:
        raise TableError("empty") from None
    header = [name.strip() for name in header]
    validate_header(header)
    sample = []
    for number, row in rows:
        if len(row) != len(header):
            raise TableError("column_count", row=number, value=len(row), expected=len(header))
        sample.append(row)
        if len(sample) >= SAMPLE_ROWS:
            break
    text.detach()
    return header, infer_schema(header, sample, dialect.decimal_char), sample


# The SQL type each Table Schema type is stored as (one typed table per version, see
# docs/opendata.md); other types (the portal's own geojson, geopoint, datetime) are text.
SQL_TYPES = {
    "string": "text",
    "integer": "bigint",
    "number": "double precision",
    "date": "date",
    "boolean": "boolean",
}
