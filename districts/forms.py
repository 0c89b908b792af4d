from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from districts.models import AttachmentKind, TaskCategory, TaskStatus


class AccessibleForm(forms.Form):
    """Links every control to its help and error texts (aria-describedby)."""

    def full_clean(self) -> None:
        super().full_clean()
        for name, field in self.fields.items():
            auto_id = self[name].auto_id
            ids = [f"{auto_id}_helptext"] if field.help_text else []
            if name in self.errors:
                ids.append(f"{auto_id}_error")
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)

    def apply(self, error: ValidationError) -> None:
        """Show an action's error on the matching field (or at the top of the form)."""
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error)


class ResolutionForm(AccessibleForm):
    number = forms.CharField(
        label=_("Numer uchwały"),
        max_length=30,
        help_text=_("Sesja/numer/rok, np. XII/123/2025."),
    )
    adopted_on = forms.DateField(
        label=_("Data podjęcia"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Dzień, w którym rada podjęła uchwałę."),
    )


class ResolutionCreateForm(ResolutionForm):
    year = forms.TypedChoiceField(label=_("Rok budżetowy"), coerce=int, choices=[])

    field_order = ["year", "number", "adopted_on"]

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year_field: Any = self.fields["year"]
        year_field.choices = [(y, str(y)) for y in years]
        year_field.error_messages["invalid_choice"] = _("Wybierz rok z planu środków.")
        if years and "year" not in self.initial:
            self.initial["year"] = years[-1]


class TaskForm(AccessibleForm):
    title = forms.CharField(label=_("Nazwa zadania"), max_length=300)
    category = forms.ChoiceField(label=_("Kategoria"), choices=TaskCategory.choices)
    amount = forms.DecimalField(
        label=_("Kwota (zł)"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text=_("Kwota większa od zera, z dokładnością do grosza."),
    )
    implementing_unit = forms.CharField(label=_("Jednostka realizująca"), max_length=200)


class ReviewForm(AccessibleForm):
    decision = forms.ChoiceField(
        label=_("Decyzja"),
        choices=[("accept", _("Przyjmij uchwałę")), ("return", _("Zwróć do poprawy"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Uwagi dla rady"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Wymagane przy zwrocie uchwały."),
    )


class ProgressForm(AccessibleForm):
    status = forms.ChoiceField(label=_("Stan realizacji"), choices=TaskStatus.choices)
    committed = forms.DecimalField(
        label=_("Zaangażowano (zł)"), max_digits=14, decimal_places=2, min_value=Decimal("0")
    )
    spent = forms.DecimalField(
        label=_("Wydano (zł)"), max_digits=14, decimal_places=2, min_value=Decimal("0")
    )

    def __init__(self, *args: Any, prefix: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, prefix=prefix, **kwargs)


class AttachmentForm(AccessibleForm):
    kind = forms.ChoiceField(label=_("Rodzaj"), choices=AttachmentKind.choices)
    title = forms.CharField(label=_("Opis"), max_length=200)
    file = forms.FileField(
        label=_("Plik"),
        help_text=_(
            "Zdjęcie JPEG lub PNG albo dokument PDF, najwyżej 5 MB. Plik będzie publiczny."
        ),
    )
