"""HTML forms of Karta Krakowska: they parse input; the rules live in actions.py."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

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


class RejectForm(AccessibleForm):
    reason = forms.CharField(label=_("Powód odrzucenia"), widget=forms.Textarea, max_length=2000)


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
