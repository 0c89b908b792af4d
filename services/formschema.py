"""The format of a form definition (R-SRV-2) and its validation. Pure module: no Django import.

A definition is JSON::

    {"sections": [
      {"key": "applicant",                          # [a-z][a-z0-9_]*, unique in the form
       "legend": {"pl": "Wnioskodawca", "en": "Applicant"},
       "repeat": {"min": 0, "max": 6},              # optional: a repeatable group of rows
       "fields": [
         {"key": "first_name", "type": "text",
          "label": {"pl": "Imię", "en": "First name"},
          "help": {"pl": "…", "en": "…"},            # optional
          "required": true,                          # optional, default false
          "min_length": 2, "max_length": 100,        # text types
          "pattern": "^[0-9]+$",                     # text types (a Python regex)
          "min": 0, "max": 100000,                   # number
          "choices": [{"value": "cat", "label": {"pl": "kot", "en": "cat"}}],  # choice types
          "max_size_mb": 5,                          # file (default 10)
          "show_if": {"field": "has_chip", "equals": true}}   # optional condition
       ]}]}

``show_if.field`` names an earlier field of the same section (or ``section.field`` of an
earlier, non-repeated section); a field whose condition is false is neither required nor kept.
"""

from __future__ import annotations

import re
from typing import Any, Final

import jsonschema

FIELD_TYPES: Final = (
    "text",
    "textarea",
    "number",
    "date",
    "choice",
    "multichoice",
    "checkbox",
    "email",
    "phone",
    "pesel",
    "nip",
    "postal_code",
    "address",
    "file",
)
CHOICE_TYPES: Final = ("choice", "multichoice")
TEXT_TYPES: Final = ("text", "textarea", "address")
KEY_PATTERN: Final = "^[a-z][a-z0-9_]{0,39}$"
MAX_REPEAT: Final = 20

_TEXT = {
    "type": "object",
    "properties": {"pl": {"type": "string", "minLength": 1}, "en": {"type": "string"}},
    "required": ["pl", "en"],
    "additionalProperties": False,
}

DEFINITION_JSON_SCHEMA: Final[dict[str, Any]] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["sections"],
    "additionalProperties": False,
    "properties": {
        "sections": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["key", "legend", "fields"],
                "additionalProperties": False,
                "properties": {
                    "key": {"type": "string", "pattern": KEY_PATTERN},
                    "legend": _TEXT,
                    "repeat": {
                        "type": "object",
                        "required": ["min", "max"],
                        "additionalProperties": False,
                        "properties": {
                            "min": {"type": "integer", "minimum": 0},
                            "max": {"type": "integer", "minimum": 1, "maximum": MAX_REPEAT},
                        },
                    },
                    "fields": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "required": ["key", "type", "label"],
                            "additionalProperties": False,
                            "properties": {
                                "key": {"type": "string", "pattern": KEY_PATTERN},
                                "type": {"enum": list(FIELD_TYPES)},
                                "label": _TEXT,
                                "help": _TEXT,
                                "required": {"type": "boolean"},
                                "min_length": {"type": "integer", "minimum": 0},
                                "max_length": {"type": "integer", "minimum": 1, "maximum": 10000},
                                "pattern": {"type": "string"},
                                "min": {"type": "number"},
                                "max": {"type": "number"},
                                "max_size_mb": {"type": "number", "exclusiveMinimum": 0},
                                "choices": {
                                    "type": "array",
                                    "minItems": 1,
                                    "items": {
                                        "type": "object",
                                        "required": ["value", "label"],
                                        "additionalProperties": False,
                                        "properties": {
                                            "value": {"type": "string", "minLength": 1},
                                            "label": _TEXT,
                                        },
                                    },
                                },
                                "show_if": {
                                    "type": "object",
                                    "required": ["field", "equals"],
                                    "additionalProperties": False,
                                    "properties": {
                                        "field": {"type": "string"},
                                        "equals": {"type": ["string", "boolean", "number"]},
                                    },
                                },
                            },
                        },
                    },
                },
            },
        }
    },
}

_VALIDATOR = jsonschema.Draft202012Validator(DEFINITION_JSON_SCHEMA)


def definition_errors(definition: Any) -> list[str]:
    """Every problem of ``definition`` as readable lines (empty when it is valid).

    First the JSON schema above, then what a schema cannot say: unique keys, choices present
    exactly on choice fields, regexes that compile, ``min ≤ max``, conditions that point at an
    earlier field.
    """
    errors = [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in sorted(_VALIDATOR.iter_errors(definition), key=lambda e: list(e.path))
    ]
    if errors:
        return errors
    seen_sections: set[str] = set()
    earlier_plain: set[str] = set()
    for s_index, section in enumerate(definition["sections"]):
        where = f"sections/{s_index}"
        if section["key"] in seen_sections:
            errors.append(f"{where}/key: duplicate section key {section['key']!r}")
        seen_sections.add(section["key"])
        repeat = section.get("repeat")
        if repeat and repeat["min"] > repeat["max"]:
            errors.append(f"{where}/repeat: min is greater than max")
        seen_fields: set[str] = set()
        for f_index, field in enumerate(section["fields"]):
            fwhere = f"{where}/fields/{f_index}"
            key, kind = field["key"], field["type"]
            if key in seen_fields:
                errors.append(f"{fwhere}/key: duplicate field key {key!r}")
            if kind in CHOICE_TYPES and "choices" not in field:
                errors.append(f"{fwhere}: a {kind} field needs choices")
            if kind not in CHOICE_TYPES and "choices" in field:
                errors.append(f"{fwhere}: only choice fields take choices")
            if "choices" in field:
                values = [c["value"] for c in field["choices"]]
                if len(values) != len(set(values)):
                    errors.append(f"{fwhere}/choices: duplicate values")
            if "pattern" in field:
                try:
                    re.compile(field["pattern"])
                except re.error as exc:
                    errors.append(f"{fwhere}/pattern: not a regular expression ({exc})")
            for low, high in (("min", "max"), ("min_length", "max_length")):
                if low in field and high in field and field[low] > field[high]:
                    errors.append(f"{fwhere}: {low} is greater than {high}")
            condition = field.get("show_if")
            if condition and not (
                condition["field"] in seen_fields or condition["field"] in earlier_plain
            ):
                errors.append(
                    f"{fwhere}/show_if: {condition['field']!r} is not an earlier field "
                    "of this section (or section.field of an earlier section)"
                )
            seen_fields.add(key)
        if not repeat:
            earlier_plain.update(f"{section['key']}.{k}" for k in seen_fields)
    return errors


def condition_met(condition: dict[str, Any] | None, value: Any) -> bool:
    """Whether a field with ``show_if`` ``condition`` applies, given the controlling value."""
    if condition is None:
        return True
    expected = condition["equals"]
    if isinstance(value, list):
        return expected in value
    if isinstance(expected, bool):
        return bool(value) is expected
    return value is not None and str(value) == str(expected)
