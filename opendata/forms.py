"""The clerk's form for a table's chart and map (choices come from the current schema)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opendata.models import ChartType


class DisplaySettingsForm(forms.Form):
    chart_type = forms.ChoiceField(label=_("Rodzaj wykresu"), required=False)
    chart_x = forms.ChoiceField(
        label=_("Kolumna osi X (etykiety)"), required=False, help_text=_("Np. rok lub nazwa.")
    )
    chart_y = forms.ChoiceField(
        label=_("Kolumna osi Y (wartości)"), required=False, help_text=_("Kolumna liczbowa.")
    )
    map_lat = forms.ChoiceField(label=_("Kolumna szerokości geograficznej"), required=False)
    map_lon = forms.ChoiceField(label=_("Kolumna długości geograficznej"), required=False)
    map_geojson = forms.ChoiceField(
        label=_("Kolumna z geometrią GeoJSON"),
        required=False,
        help_text=_(
            "Zamiast współrzędnych: kolumna tekstowa z geometrią GeoJSON (punkt, linia, wielokąt)."
        ),
    )

    def __init__(self, *args: Any, fields: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        none: list[tuple[str, Any]] = [("", _("(brak)"))]
        every = [(f["name"], f["name"]) for f in fields]
        numeric = [(f["name"], f["name"]) for f in fields if f["type"] in ("integer", "number")]
        text = [(f["name"], f["name"]) for f in fields if f["type"] == "string"]
        self.fields["chart_type"].choices = [(c.value, c.label) for c in ChartType]
        self.fields["chart_x"].choices = none + every
        self.fields["chart_y"].choices = none + numeric
        self.fields["map_lat"].choices = none + numeric
        self.fields["map_lon"].choices = none + numeric
        self.fields["map_geojson"].choices = none + text
        self.mark_errors()

    def mark_errors(self) -> None:
        """aria-describedby (help, error) and aria-invalid on every field; call after errors."""
        for name, field in self.fields.items():
            auto_id = self[name].auto_id
            ids = []
            if field.help_text:
                ids.append(f"{auto_id}_helptext")
            if self.is_bound and name in self.errors:
                ids.append(f"{auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)
