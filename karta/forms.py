"""HTML forms of Karta Krakowska: they parse input; the rules live in actions.py."""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from karta.documents import MAX_BYTES
from karta.models import Carrier, Category, DocumentKind, HolderGroup, Offer, PartnerKind


class AccessibleForm(forms.Form):
    """Invalid fields point at their error (aria-describedby) and say so (aria-invalid)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"{self[name].auto_id}_helptext"

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.mark_invalid(name)

    def mark_invalid(self, name: str) -> None:
        bound = self[name]
        ids = [f"{bound.auto_id}_error"]
        if self.fields[name].help_text:
            ids.append(f"{bound.auto_id}_helptext")
        self.fields[name].widget.attrs["aria-describedby"] = " ".join(ids)
        self.fields[name].widget.attrs["aria-invalid"] = "true"


def apply_action_errors(form: forms.Form, exc: ValidationError, field: str | None = None) -> None:
    form.add_error(field, exc.messages)


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Szukaj"), max_length=100, required=False)
    category = forms.ChoiceField(
        label=_("Kategoria"),
        choices=[("", _("wszystkie"))] + list(Category.choices),
        required=False,
    )
    group = forms.ChoiceField(
        label=_("Dla kogo"),
        choices=[("", _("wszyscy"))] + list(HolderGroup.choices),
        required=False,
    )
    kind = forms.ChoiceField(
        label=_("Partner"),
        choices=[("", _("wszyscy partnerzy"))] + list(PartnerKind.choices),
        required=False,
    )


class UploadForm(AccessibleForm):
    document_kind = forms.ChoiceField(label=_("Rodzaj dokumentu"), choices=DocumentKind.choices)
    document = forms.FileField(
        label=_("Plik"),
        help_text=_("PDF, JPEG lub PNG, najwyżej 10 MB. Zasłoń numery, których nie musimy znać."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    def clean_document(self) -> bytes:
        upload = self.cleaned_data["document"]
        if upload.size > MAX_BYTES:
            raise ValidationError(_("Plik jest większy niż 10 MB."), code="too_large")
        return bytes(upload.read())


class CardForm(AccessibleForm):
    carrier = forms.ChoiceField(label=_("Nośnik"), choices=Carrier.choices)
    large_family = forms.BooleanField(
        label=_("Karta rodziny wielodzietnej"),
        required=False,
        help_text=_("Dla posiadaczy zatwierdzonego uprawnienia rodziny wielodzietnej."),
    )
    child_first_name = forms.CharField(
        label=_("Imię dziecka"),
        max_length=100,
        required=False,
        help_text=_("Tylko dla karty dziecka poniżej 18 lat."),
    )
    child_birth_date = forms.DateField(
        label=_("Data urodzenia dziecka"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Tylko dla karty dziecka, w formacie RRRR-MM-DD."),
    )
    field_order = ["carrier", "child_first_name", "child_birth_date", "large_family"]


class RejectForm(AccessibleForm):
    reason = forms.CharField(label=_("Powód odrzucenia"), widget=forms.Textarea, max_length=2000)


class ReasonForm(AccessibleForm):
    reason = forms.CharField(label=_("Powód"), max_length=200)


class LargeFamilyUploadForm(AccessibleForm):
    document = forms.FileField(
        label=_("Skan Karty Dużej Rodziny lub decyzji o jej przyznaniu"),
        help_text=_("PDF, JPEG lub PNG, najwyżej 10 MB. Obie strony karty w jednym pliku."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    def clean_document(self) -> bytes:
        upload = self.cleaned_data["document"]
        if upload.size > MAX_BYTES:
            raise ValidationError(_("Plik jest większy niż 10 MB."), code="too_large")
        return bytes(upload.read())


class LargeFamilyGrantForm(AccessibleForm):
    valid_until = forms.DateField(
        label=_("Karta Dużej Rodziny ważna do"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Data ważności z dokumentu (najwyżej 3 lata od dziś), RRRR-MM-DD."),
    )
    children_count = forms.IntegerField(
        label=_("Liczba dzieci w rodzinie"), min_value=0, max_value=30
    )


def find_resident(value: str) -> User | None:
    """An active account by e-mail (case-insensitive) or by its public id (UUID)."""
    value = (value or "").strip()
    if not value:
        return None
    users = User.objects.filter(is_active=True)
    try:
        return users.filter(public_id=uuid.UUID(value)).first()
    except ValueError:
        return users.filter(email__iexact=value).first()


class ResidentField(forms.CharField):
    def clean(self, value: object) -> User:  # type: ignore[override]
        raw = super().clean(value)
        user = find_resident(raw)
        if user is None:
            raise ValidationError(
                _("Nie znaleziono aktywnego konta o tym adresie e-mail lub identyfikatorze."),
                code="resident_unknown",
            )
        return user


class VerifyInPersonForm(LargeFamilyGrantForm):
    resident = ResidentField(
        label=_("Mieszkaniec (e-mail lub identyfikator konta)"), max_length=254
    )
    field_order = ["resident", "valid_until", "children_count"]


class ClerkCardForm(CardForm):
    resident = ResidentField(
        label=_("Mieszkaniec (e-mail lub identyfikator konta)"), max_length=254
    )
    large_family = forms.BooleanField(
        label=_("Karta rodziny wielodzietnej"),
        required=False,
        help_text=_("Wymaga zatwierdzonego uprawnienia rodziny wielodzietnej."),
    )
    field_order = ["resident", "carrier", "child_first_name", "child_birth_date", "large_family"]


class ProjectionForm(AccessibleForm):
    offer = forms.ModelChoiceField(label=_("Oferta"), queryset=Offer.objects.none())
    extend_to_group = forms.ChoiceField(
        label=_("Rozszerz na grupę"),
        choices=[("", _("bez zmian"))] + list(HolderGroup.choices),
        required=False,
    )
    new_percent = forms.IntegerField(
        label=_("Nowa zniżka (%)"), min_value=0, max_value=100, required=False
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = Offer.objects.select_related("partner")  # type: ignore[attr-defined]
