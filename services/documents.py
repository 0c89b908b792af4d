"""Documents rendered from cases: the PDF confirmation of a submission (R-SRV-3)."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from config.pdf import render_pdf
from services.formengine import text
from services.models import Case


def submission_blocks(schema: dict[str, Any], data: dict[str, Any]) -> list[dict[str, Any]]:
    """The submitted content as (legend, [(label, value)]) blocks in the form's order."""
    blocks = []
    for section in schema["sections"]:
        stored = data.get(section["key"])
        rows = stored if isinstance(stored, list) else [stored or {}]
        for index, values in enumerate(rows):
            legend = text(section["legend"])
            if section.get("repeat"):
                legend = f"{legend} — {index + 1}"
            items = []
            for spec in section["fields"]:
                value = values.get(spec["key"])
                if value is None or value == "":
                    continue
                if spec["type"] in ("choice", "multichoice"):
                    labels = {c["value"]: text(c["label"]) for c in spec["choices"]}
                    chosen = value if isinstance(value, list) else [value]
                    value = ", ".join(labels.get(str(v), str(v)) for v in chosen)
                elif spec["type"] == "checkbox":
                    value = translation.gettext("tak") if value else translation.gettext("nie")
                elif spec["type"] == "file" and isinstance(value, dict):
                    value = f"{value['name']} (SHA-256 {value['sha256']})"
                elif spec["type"] == "pesel":
                    value = "•" * 7 + str(value)[-4:]
                items.append((text(spec["label"]), value))
            blocks.append({"legend": legend, "items": items})
    return blocks


def confirmation_pdf(case: Case) -> bytes:
    """The confirmation: number, time, content and the SHA-256 of the canonical submission.

    The PESEL is masked in the PDF (the document may be printed or forwarded); the hash is over
    the full canonical submission held by the office.
    """
    return render_pdf(
        "services/confirmation_pdf.html",
        {"case": case, "blocks": submission_blocks(case.definition.schema, case.data)},
    )
