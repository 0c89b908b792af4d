"""The one engine that turns a form definition (services/formschema.py) into a Django form.

The same form renders the page, validates a browser submission and validates an API
submission, so the rules cannot drift apart. Field names are ``f-<section>-<field>`` and, in a
repeatable group, ``f-<section>-<row>-<field>``; the number of rows of a group travels in the
hidden ``count-<section>`` and is checked against the definition (a tampered count is refused).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import RegexValidator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.validators import (
    validate_krakow_postal_code,
    validate_nip,
    validate_pesel,
    validate_phone,
)
from services.formschema import condition_met

DEFAULT_MAX_FILE_MB = 10
RADIO_LIMIT = 5

#: Content types recognised from the first bytes of a file, with the extensions each may carry.
SNIFFED_TYPES: dict[str, tuple[bytes, tuple[str, ...]]] = {
    "application/pdf": (b"%PDF-", (".pdf",)),
    "image/png": (b"\x89PNG\r\n\x1a\n", (".png",)),
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg")),
}


def sniff_content_type(head: bytes) -> str | None:
    for content_type, (magic, _extensions) in SNIFFED_TYPES.items():
        if head.startswith(magic):
            return content_type
    return None


def text(value: dict[str, str] | None) -> str:
    """A bilingual ``{"pl", "en"}`` text in the active language (Polish when English is empty)."""
    if not value:
        return ""
    if (get_language() or "pl").startswith("en") and value.get("en"):
        return value["en"]
    return value["pl"]


def _validate_upload(upload: UploadedFile, max_mb: float) -> str:
    """The sniffed content type of ``upload``; raises ValidationError for a bad file."""
    if upload.size is None or upload.size > max_mb * 1024 * 1024:
        raise ValidationError(
            _("Plik jest za duży (największy dopuszczalny rozmiar: %(mb)s MB).") % {"mb": max_mb},
            code="file_too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff_content_type(head)
    name = (upload.name or "").lower()
    if content_type is None:
        raise ValidationError(
            _("Nieobsługiwany rodzaj pliku. Dołącz plik PDF, PNG lub JPEG."), code="file_type"
        )
    if not name.endswith(SNIFFED_TYPES[content_type][1]):
        raise ValidationError(
            _("Rozszerzenie pliku nie odpowiada jego zawartości."), code="file_disguised"
        )
    return content_type


class DefinitionFileField(forms.FileField):
    def __init__(self, *, max_mb: float, **kwargs: Any) -> None:
        self.max_mb = max_mb
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        value = super().clean(data, initial)
        if value:
            _validate_upload(value, self.max_mb)
        return value


def _field_for(spec: dict[str, Any]) -> forms.Field:
    kind = spec["type"]
    common: dict[str, Any] = {
        "label": text(spec["label"]),
        "help_text": text(spec.get("help")),
        # Conditional fields are required only when shown: checked in DefinitionForm.clean.
        "required": bool(spec.get("required")) and "show_if" not in spec,
    }
    validators = []
    if "pattern" in spec:
        validators.append(
            RegexValidator(re.compile(spec["pattern"]), _("Wartość ma nieprawidłowy format."))
        )
    if kind == "text":
        return forms.CharField(
            **common,
            validators=validators,
            min_length=spec.get("min_length"),
            max_length=spec.get("max_length", 200),
        )
    if kind in ("textarea", "address"):
        rows = 3 if kind == "address" else 6
        return forms.CharField(
            **common,
            validators=validators,
            min_length=spec.get("min_length"),
            max_length=spec.get("max_length", 5000),
            widget=forms.Textarea(attrs={"rows": rows}),
        )
    if kind == "number":
        return forms.DecimalField(
            **common,
            min_value=spec.get("min"),
            max_value=spec.get("max"),
            max_digits=14,
            decimal_places=2,
            widget=forms.NumberInput(attrs={"step": "any"}),
        )
    if kind == "date":
        return forms.DateField(
            **common, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        )
    if kind in ("choice", "multichoice"):
        choices = [(c["value"], text(c["label"])) for c in spec["choices"]]
        if kind == "multichoice":
            return forms.MultipleChoiceField(
                **common, choices=choices, widget=forms.CheckboxSelectMultiple
            )
        if len(choices) <= RADIO_LIMIT:
            return forms.ChoiceField(**common, choices=choices, widget=forms.RadioSelect)
        return forms.ChoiceField(**common, choices=[("", "—"), *choices])
    if kind == "checkbox":
        return forms.BooleanField(**common)
    if kind == "email":
        return forms.EmailField(**common, max_length=254)
    if kind == "phone":
        return forms.CharField(
            **common,
            max_length=20,
            validators=[validate_phone],
            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        )
    if kind == "pesel":
        return forms.CharField(
            **common,
            max_length=11,
            validators=[validate_pesel],
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        )
    if kind == "nip":
        return forms.CharField(**common, max_length=13, validators=[validate_nip])
    if kind == "postal_code":
        return forms.CharField(
            **common,
            max_length=6,
            validators=[validate_krakow_postal_code],
            widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
        )
    if kind == "file":
        return DefinitionFileField(
            **common,
            max_mb=spec.get("max_size_mb", DEFAULT_MAX_FILE_MB),
            widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
        )
    raise ValueError(f"unknown field type {kind!r}")  # definitions are validated before use


def field_name(section: str, key: str, row: int | None = None) -> str:
    return f"f-{section}-{key}" if row is None else f"f-{section}-{row}-{key}"


@dataclass
class RenderedField:
    name: str
    spec: dict[str, Any]
    bound: Any = None

    @property
    def is_group(self) -> bool:
        """Radio buttons and checkbox lists are wrapped in their own fieldset and legend."""
        return isinstance(self.bound.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)

    @property
    def condition(self) -> dict[str, Any] | None:
        return self.spec.get("show_if")


@dataclass
class RenderedRow:
    legend: str
    fields: list[RenderedField] = field(default_factory=list)


@dataclass
class RenderedSection:
    key: str
    legend: str
    repeat: dict[str, int] | None
    count: int
    rows: list[RenderedRow] = field(default_factory=list)


class DefinitionForm(forms.Form):
    """A form built from a definition. After ``is_valid()``, ``submission()`` is the nested
    JSON-ready data and ``uploads`` the uploaded files by their dotted path."""

    def __init__(
        self,
        schema: dict[str, Any],
        *args: Any,
        row_counts: dict[str, int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.schema = schema
        self.row_counts: dict[str, int] = {}
        self.layout: list[RenderedSection] = []
        self.uploads: dict[str, UploadedFile] = {}
        self._count_error = False
        for section in schema["sections"]:
            repeat = section.get("repeat")
            rows: list[int | None] = [None]
            count = 1
            if repeat:
                count = self._row_count(section, repeat, (row_counts or {}).get(section["key"]))
                rows = list(range(count))
                self.row_counts[section["key"]] = count
            rendered = RenderedSection(section["key"], text(section["legend"]), repeat, count)
            for row in rows:
                legend = f"{text(section['legend'])} — {row + 1}" if row is not None else ""
                rendered_row = RenderedRow(legend)
                for spec in section["fields"]:
                    name = field_name(section["key"], spec["key"], row)
                    self.fields[name] = _field_for(spec)
                    rendered_row.fields.append(RenderedField(name, spec))
                rendered.rows.append(rendered_row)
            self.layout.append(rendered)

    def _row_count(self, section: dict[str, Any], repeat: dict[str, int], asked: int | None) -> int:
        raw = self.data.get(f"count-{section['key']}") if self.is_bound else None
        if raw is None:
            return max(repeat["min"], min(asked or 0, repeat["max"]))
        try:
            count = int(raw)
        except (TypeError, ValueError):
            count = -1
        if not repeat["min"] <= count <= repeat["max"]:
            # The count is a hidden field only a tampered request can put out of range.
            self._count_error = True
            return repeat["min"]
        return count

    def bind_layout(self) -> list[RenderedSection]:
        for section in self.layout:
            for row in section.rows:
                for item in row.fields:
                    item.bound = self[item.name]
        return self.layout

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self._count_error:
            raise ValidationError(
                _("Formularz został zmieniony poza portalem (nieprawidłowa liczba wierszy)."),
                code="tampered",
            )
        for section in self.schema["sections"]:
            rows = range(self.row_counts[section["key"]]) if section.get("repeat") else [None]
            for row in rows:
                for spec in section["fields"]:
                    name = field_name(section["key"], spec["key"], row)
                    if not self._applies(section, spec, row, cleaned):
                        cleaned[name] = None
                        self.errors.pop(name, None)
                        continue
                    if spec.get("required") and "show_if" in spec and _empty(cleaned.get(name)):
                        if name not in self.errors:
                            self.add_error(name, _("To pole jest wymagane."))
        return cleaned

    def _applies(
        self,
        section: dict[str, Any],
        spec: dict[str, Any],
        row: int | None,
        cleaned: dict[str, Any],
    ) -> bool:
        condition = spec.get("show_if")
        if not condition:
            return True
        target = condition["field"]
        if "." in target:
            other_section, other_key = target.split(".", 1)
            value = cleaned.get(field_name(other_section, other_key))
        else:
            value = cleaned.get(field_name(section["key"], target, row))
        return condition_met(condition, value)

    def submission(self) -> dict[str, Any]:
        """The cleaned values as ``{section: {field: value}}`` (a list of rows for groups)."""
        result: dict[str, Any] = {}
        self.uploads = {}
        for section in self.schema["sections"]:
            if section.get("repeat"):
                result[section["key"]] = [
                    self._section_values(section, row)
                    for row in range(self.row_counts[section["key"]])
                ]
            else:
                result[section["key"]] = self._section_values(section, None)
        return result

    def _section_values(self, section: dict[str, Any], row: int | None) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for spec in section["fields"]:
            value = self.cleaned_data.get(field_name(section["key"], spec["key"], row))
            if isinstance(value, UploadedFile):
                path = (
                    f"{section['key']}.{row}.{spec['key']}"
                    if row is not None
                    else (f"{section['key']}.{spec['key']}")
                )
                self.uploads[path] = value
                value = None  # replaced by the stored attachment's description
            values[spec["key"]] = _jsonable(value)
        return values

    def mark_accessibility(self) -> None:
        """``aria-describedby`` for help and errors and ``aria-invalid`` on invalid fields.

        Ids follow includes/form_field.html: ``<id>_helptext`` and ``<id>_error``. Radio and
        checkbox groups carry them on their fieldset instead (see the template).
        """
        for name, form_field in self.fields.items():
            widget_id = f"id_{name}"
            described = []
            if form_field.help_text:
                described.append(f"{widget_id}_helptext")
            if self.is_bound and name in self.errors:
                described.append(f"{widget_id}_error")
                form_field.widget.attrs["aria-invalid"] = "true"
            if described and not form_field.widget.use_fieldset:
                form_field.widget.attrs["aria-describedby"] = " ".join(described)

    def summary_errors(self) -> list[tuple[str, str, str]]:
        """(anchor id, label with its row, message) for the error summary, in page order."""
        result = []
        for section in self.layout:
            for row in section.rows:
                for item in row.fields:
                    for message in self.errors.get(item.name, []):
                        anchor = f"id_{item.name}"
                        if self.fields[item.name].widget.use_fieldset:
                            anchor += "_legend"
                        label = str(self.fields[item.name].label)
                        if row.legend:
                            label = f"{row.legend}: {label}"
                        result.append((anchor, label, str(message)))
        return result


def _empty(value: Any) -> bool:
    return value in (None, "", [], False)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def initial_from_data(
    schema: dict[str, Any], data: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, int]]:
    """Form initial values and row counts from nested data (a draft)."""
    initial: dict[str, Any] = {}
    counts: dict[str, int] = {}
    for section in schema["sections"]:
        stored = data.get(section["key"])
        if section.get("repeat"):
            rows = stored if isinstance(stored, list) else []
            counts[section["key"]] = len(rows)
            for row, values in enumerate(rows):
                for spec in section["fields"]:
                    if isinstance(values, dict) and spec["key"] in values:
                        initial[field_name(section["key"], spec["key"], row)] = values[spec["key"]]
        elif isinstance(stored, dict):
            for spec in section["fields"]:
                if spec["key"] in stored:
                    initial[field_name(section["key"], spec["key"])] = stored[spec["key"]]
    return initial, counts


def raw_data(schema: dict[str, Any], form: DefinitionForm) -> dict[str, Any]:
    """What the resident typed so far, unvalidated, as nested data (for a draft; no files)."""
    result: dict[str, Any] = {}
    post = form.data

    def value(spec: dict[str, Any], name: str) -> Any:
        if spec["type"] == "file":
            return None
        if spec["type"] == "multichoice":
            return (
                [str(v)[:200] for v in post.getlist(name)][:50] if hasattr(post, "getlist") else []
            )
        if spec["type"] == "checkbox":
            return name in post
        raw = post.get(name)
        return str(raw)[:5000] if raw is not None else ""

    for section in schema["sections"]:
        if section.get("repeat"):
            count = form.row_counts[section["key"]]
            result[section["key"]] = [
                {
                    s["key"]: value(s, field_name(section["key"], s["key"], row))
                    for s in section["fields"]
                }
                for row in range(count)
            ]
        else:
            result[section["key"]] = {
                s["key"]: value(s, field_name(section["key"], s["key"])) for s in section["fields"]
            }
    return result


def file_fields(schema: dict[str, Any], row_counts: dict[str, int]) -> dict[str, dict[str, Any]]:
    """Every file input of the form as ``{field name: {"spec", "label"}}``."""
    found: dict[str, dict[str, Any]] = {}
    for section in schema["sections"]:
        rows: list[int | None] = (
            list(range(row_counts.get(section["key"], 0))) if section.get("repeat") else [None]
        )
        for row in rows:
            for spec in section["fields"]:
                if spec["type"] == "file":
                    label = text(spec["label"])
                    if row is not None:
                        label = f"{text(section['legend'])} {row + 1}: {label}"
                    found[field_name(section["key"], spec["key"], row)] = {
                        "spec": spec,
                        "label": label,
                    }
    return found


def check_uploads(
    schema: dict[str, Any], row_counts: dict[str, int], files: Any
) -> tuple[dict[str, UploadedFile], dict[str, str]]:
    """The uploaded files of a draft, checked like on submission: (files, errors by name)."""
    uploads: dict[str, UploadedFile] = {}
    errors: dict[str, str] = {}
    for name, info in file_fields(schema, row_counts).items():
        upload = files.get(name) if files is not None else None
        if not upload:
            continue
        try:
            _validate_upload(upload, info["spec"].get("max_size_mb", DEFAULT_MAX_FILE_MB))
        except ValidationError as exc:
            errors[name] = " ".join(exc.messages)
        else:
            uploads[name] = upload
    return uploads, errors
