"""The form engine and the definition validator (R-SRV-2)."""

import copy
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from services.formengine import DefinitionForm
from services.formschema import condition_met, definition_errors
from services.reference import ANIMAL_STERILISATION, FLAT_FOR_RENOVATION, GENERAL_LETTER
from tests.services.conftest import animal_post

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.mark.parametrize("schema", [FLAT_FOR_RENOVATION, ANIMAL_STERILISATION, GENERAL_LETTER])
def test_shipped_definitions_are_valid(schema: dict[str, Any]) -> None:
    assert definition_errors(schema) == []


def test_definition_with_unknown_type_and_bad_condition_lists_every_problem() -> None:
    schema = copy.deepcopy(GENERAL_LETTER)
    schema["sections"][0]["fields"][0]["type"] = "hologram"
    errors = definition_errors(schema)
    assert len(errors) == 1
    assert "hologram" in errors[0]

    schema = copy.deepcopy(ANIMAL_STERILISATION)
    animal = schema["sections"][1]["fields"]
    animal[4]["show_if"] = {"field": "later_field", "equals": True}
    animal[0]["choices"].append(dict(animal[0]["choices"][0]))
    animal.append(dict(animal[1]))
    errors = definition_errors(schema)
    assert any("show_if" in e for e in errors)
    assert any("duplicate values" in e for e in errors)
    assert any("duplicate field key" in e for e in errors)


def test_choice_field_without_choices_and_bad_regex_are_reported() -> None:
    schema = {
        "sections": [
            {
                "key": "s",
                "legend": {"pl": "S", "en": "S"},
                "fields": [
                    {"key": "a", "type": "choice", "label": {"pl": "A", "en": "A"}},
                    {"key": "b", "type": "text", "label": {"pl": "B", "en": "B"}, "pattern": "("},
                    {
                        "key": "c",
                        "type": "number",
                        "label": {"pl": "C", "en": "C"},
                        "min": 5,
                        "max": 1,
                    },
                ],
            }
        ]
    }
    errors = definition_errors(schema)
    assert len(errors) == 3


def test_valid_animal_submission_becomes_nested_data() -> None:
    form = DefinitionForm(ANIMAL_STERILISATION, animal_post())
    assert form.is_valid(), form.errors
    data = form.submission()
    assert data["animal"] == {
        "species": "cat",
        "sex": "female",
        "age_years": "3",
        "has_chip": False,
        "chip_number": None,
        "clinic": "lecznica-podgorze",
    }
    assert data["owner"]["pesel"] == "44051401359"


def test_conditional_chip_number_is_required_only_when_shown() -> None:
    form = DefinitionForm(ANIMAL_STERILISATION, animal_post(**{"f-animal-has_chip": "on"}))
    assert not form.is_valid()
    assert "f-animal-chip_number" in form.errors

    form = DefinitionForm(
        ANIMAL_STERILISATION,
        animal_post(**{"f-animal-has_chip": "on", "f-animal-chip_number": "616093900012345"}),
    )
    assert form.is_valid(), form.errors
    assert form.submission()["animal"]["chip_number"] == "616093900012345"


def test_hidden_conditional_value_is_dropped_not_validated() -> None:
    # given a chip number typed but the "has chip" box not ticked (the field is not shown)
    form = DefinitionForm(ANIMAL_STERILISATION, animal_post(**{"f-animal-chip_number": "abc"}))
    # then the invalid value does not block the submission and is not kept
    assert form.is_valid(), form.errors
    assert form.submission()["animal"]["chip_number"] is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("f-owner-pesel", "44051401358"),
        ("f-owner-postal_code", "00-950"),
        ("f-owner-email", "not-an-email"),
        ("f-animal-species", "hamster"),
        ("f-animal-age_years", "-1"),
        ("f-animal-clinic", "clinic-from-elsewhere"),
        ("f-declarations-resident", None),
    ],
)
def test_invalid_values_per_definition_are_refused(field: str, value: str | None) -> None:
    form = DefinitionForm(ANIMAL_STERILISATION, animal_post(**{field: value}))
    assert not form.is_valid()
    assert field in form.errors


def _flat_post(**overrides: Any) -> dict[str, Any]:
    data = {
        "f-applicant-first_name": "Jan",
        "f-applicant-last_name": "Kowalski",
        "f-applicant-pesel": "44051401359",
        "f-applicant-address": "ul. Długa 1",
        "f-applicant-postal_code": "31-147",
        "f-applicant-email": "jan@example.org",
        "count-household": "1",
        "f-household-0-name": "Ewa Kowalska",
        "f-household-0-relation": "spouse",
        "f-household-0-birth_date": "1980-02-03",
        "f-income-monthly_income": "4200.50",
        "f-income-persons": "2",
        "f-flat-choice": "oferta-3",
        "f-declarations-no_other_flat": "on",
        "f-declarations-renovate_own_cost": "on",
        "f-declarations-truthful": "on",
    }
    data.update(overrides)
    return data


def test_repeatable_group_rows_are_validated_and_listed() -> None:
    form = DefinitionForm(FLAT_FOR_RENOVATION, _flat_post())
    assert form.is_valid(), form.errors
    data = form.submission()
    assert data["household"] == [
        {"name": "Ewa Kowalska", "relation": "spouse", "birth_date": "1980-02-03"}
    ]
    assert data["income"]["monthly_income"] == "4200.50"


@pytest.mark.parametrize("count", ["9", "-1", "many"])
def test_tampered_row_count_is_refused(count: str) -> None:
    form = DefinitionForm(FLAT_FOR_RENOVATION, _flat_post(**{"count-household": count}))
    assert not form.is_valid()
    assert any("zmieniony" in str(e) for e in form.non_field_errors())


def test_file_types_are_sniffed_from_bytes() -> None:
    files = {"f-attachments-income_statement": SimpleUploadedFile("dochody.pdf", PDF)}
    form = DefinitionForm(FLAT_FOR_RENOVATION, _flat_post(), files)
    assert form.is_valid(), form.errors
    form.submission()
    assert list(form.uploads) == ["attachments.income_statement"]


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("dochody.pdf", PNG, "file_disguised"),
        ("program.exe", b"MZ\x90\x00" + b"\x00" * 40, "file_type"),
        ("dochody.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "file_too_large"),
    ],
)
def test_disguised_unknown_or_oversized_files_are_refused(
    name: str, content: bytes, code: str
) -> None:
    files = {"f-attachments-income_statement": SimpleUploadedFile(name, content)}
    form = DefinitionForm(FLAT_FOR_RENOVATION, _flat_post(), files)
    assert not form.is_valid()
    assert form.errors.as_data()["f-attachments-income_statement"][0].code == code


def test_labels_follow_the_active_language() -> None:
    with translation.override("en"):
        form = DefinitionForm(ANIMAL_STERILISATION)
        assert form.fields["f-animal-species"].label == "Species"
    with translation.override("pl"):
        form = DefinitionForm(ANIMAL_STERILISATION)
        assert form.fields["f-animal-species"].label == "Gatunek"


def test_invalid_fields_get_aria_invalid_and_describedby() -> None:
    form = DefinitionForm(ANIMAL_STERILISATION, animal_post(**{"f-owner-postal_code": "x"}))
    form.is_valid()
    form.mark_accessibility()
    attrs = form.fields["f-owner-postal_code"].widget.attrs
    assert attrs["aria-invalid"] == "true"
    assert "id_f-owner-postal_code_error" in attrs["aria-describedby"]
    assert "id_f-owner-postal_code_helptext" in attrs["aria-describedby"]
    assert form.summary_errors()[0][0] == "id_f-owner-postal_code"


def test_condition_met_handles_booleans_lists_and_strings() -> None:
    assert condition_met({"field": "a", "equals": True}, True)
    assert not condition_met({"field": "a", "equals": True}, False)
    assert condition_met({"field": "a", "equals": "dog"}, ["cat", "dog"])
    assert not condition_met({"field": "a", "equals": "dog"}, None)
    assert condition_met(None, None)
