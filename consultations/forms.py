"""Forms of the public pages (survey questions are validated by the action, not here)."""

import uuid
from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from accounts.actions import pesel_lookup
from accounts.models import User
from accounts.validators import InvalidPesel, parse_pesel
from consultations import selectors
from consultations.models import AgeBand, Phase, Topic
from districts.models import District


class AccessibleForm(forms.Form):
    """Links every control to its help text and errors, and marks invalid ones (WCAG 3.3.1).
    The ids are those of the shared ``templates/includes/form_field.html``."""

    def _describe(self) -> None:
        for name, field in self.fields.items():
            bound = self[name]
            ids = []
            if name in self.errors:
                ids.append(f"{bound.auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if field.help_text:
                ids.append(f"{bound.auto_id}_helptext")
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


#: Signed reference to the resident a clerk looked up (so the PESEL is typed once and never
#: echoed back into the page); valid for an hour.
RESIDENT_TOKEN_SALT = "consultations.paper-resident"  # noqa: S105 — a salt, not a secret
RESIDENT_TOKEN_MAX_AGE = 3600


def resident_token(user: User) -> str:
    return signing.dumps(str(user.public_id), salt=RESIDENT_TOKEN_SALT)


class PaperRespondentForm(AccessibleForm):
    """Who filled in a paper questionnaire: an existing account (found by PESEL, in a POST
    body only) or the weighting cell written on the form."""

    pesel = forms.CharField(
        label=_("PESEL osoby, jeśli ma konto w portalu"),
        required=False,
        max_length=11,
        help_text=_(
            "Opcjonalnie. Wtedy obowiązuje zasada jednej odpowiedzi na osobę (także przez "
            "internet), a dzielnica, wiek i płeć są brane z profilu."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    resident = forms.CharField(required=False, widget=forms.HiddenInput)
    district = forms.ModelChoiceField(
        label=_("Dzielnica"),
        queryset=District.objects.order_by("number"),
        required=False,
        empty_label=_("— wybierz —"),
    )
    age_band = forms.ChoiceField(
        label=_("Grupa wieku"),
        required=False,
        choices=[("", _("— wybierz —")), *AgeBand.choices],
    )
    sex = forms.ChoiceField(
        label=_("Płeć"),
        required=False,
        choices=[("", _("— wybierz —")), ("F", _("kobieta")), ("M", _("mężczyzna"))],
    )

    def __init__(
        self, *args: Any, acting_user: User | None = None, purpose: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.acting_user = acting_user
        self.purpose = purpose

    def clean_pesel(self) -> User | None:
        """Through the audited accounts look-up: every search (found or not) is logged with
        the clerk and the purpose, never the number."""
        value = (self.cleaned_data.get("pesel") or "").strip()
        if not value:
            return None
        try:
            number = parse_pesel(value).number
        except InvalidPesel:
            raise forms.ValidationError(_("Nieprawidłowy numer PESEL.")) from None
        if self.acting_user is None:
            raise forms.ValidationError(_("Nie masz uprawnień do wyszukiwania po numerze PESEL."))
        try:
            user = pesel_lookup(
                pesel=number,
                purpose=self.purpose[:200],
                acting_user=self.acting_user,
                assisting=True,
            )
        except PermissionError:
            raise forms.ValidationError(
                _("Nie masz uprawnień do wyszukiwania po numerze PESEL.")
            ) from None
        if user is None or not user.is_active:
            raise forms.ValidationError(
                _(
                    "Nie ma konta z tym numerem PESEL. Zostaw pole puste, aby wprowadzić "
                    "ankietę bez powiązania z kontem."
                )
            )
        return user

    def clean_resident(self) -> User | None:
        token = self.cleaned_data.get("resident") or ""
        if not token:
            return None
        try:
            public_id = signing.loads(
                token, salt=RESIDENT_TOKEN_SALT, max_age=RESIDENT_TOKEN_MAX_AGE
            )
            user = selectors.resident_by_public_id(public_id=uuid.UUID(str(public_id)))
        except (signing.BadSignature, ValueError):
            user = None
        if user is None:
            raise forms.ValidationError(_("Wyszukaj osobę ponownie (wynik wygasł)."))
        return user

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        data["person"] = data.get("pesel") or data.get("resident")
        if data["person"] is None:
            for name in ("district", "age_band", "sex"):
                if not data.get(name):
                    self.add_error(
                        name,
                        _("Uzupełnij to pole z formularza albo podaj PESEL osoby z kontem."),
                    )
        return data
