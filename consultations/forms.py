"""Forms of the public pages (survey questions are validated by the action, not here)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from consultations.models import AgeBand, Phase, Topic
from districts.models import District


class AccessibleForm(forms.Form):
    """Links every control to its help text and errors, and marks invalid ones (WCAG 3.3.1)."""

    def _describe(self) -> None:
        for name, field in self.fields.items():
            bound = self[name]
            ids = []
            if field.help_text:
                ids.append(f"{bound.auto_id}-help")
            if name in self.errors:
                ids.append(f"{bound.auto_id}-error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)

    def full_clean(self) -> None:
        super().full_clean()
        self._describe()

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        self._describe()


class ConsultationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Etap"), required=False, choices=[("", _("wszystkie"))] + list(Phase.choices)
    )
    district = forms.ModelChoiceField(
        label=_("Dzielnica"),
        required=False,
        queryset=District.objects.all(),
        empty_label=_("wszystkie"),
    )
    topic = forms.ChoiceField(
        label=_("Temat"), required=False, choices=[("", _("wszystkie"))] + list(Topic.choices)
    )


class OpinionForm(AccessibleForm):
    body = forms.CharField(
        label=_("Twoja opinia"),
        min_length=10,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Od 10 do 5000 znaków. Opinia będzie widoczna publicznie z Twoim imieniem."),
        error_messages={
            "required": _("Wpisz treść opinii."),
            "min_length": _("Opinia musi mieć co najmniej 10 znaków."),
        },
    )


class ReportOpinionForm(forms.Form):
    reason = forms.CharField(label=_("Powód zgłoszenia"), max_length=300)


class PaperRespondentForm(forms.Form):
    district = forms.ModelChoiceField(label=_("Dzielnica"), queryset=District.objects.all())
    age_band = forms.ChoiceField(label=_("Grupa wieku"), choices=AgeBand.choices)
    sex = forms.ChoiceField(label=_("Płeć"), choices=[("F", _("kobieta")), ("M", _("mężczyzna"))])
