"""The accessibility request / complaint form."""

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accessibility.models import RequestKind


class RequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Rodzaj zgłoszenia"), choices=RequestKind.choices, widget=forms.RadioSelect
    )
    name = forms.CharField(label=_("Imię i nazwisko"), max_length=200)
    email = forms.EmailField(
        label=_("Adres e-mail"), help_text=_("Na ten adres wyślemy potwierdzenie i odpowiedź.")
    )
    phone = forms.CharField(label=_("Telefon"), max_length=30, required=False)
    subject_url = forms.CharField(
        label=_("Strona, dokument lub budynek"),
        max_length=500,
        help_text=_("Adres strony, nazwa dokumentu albo adres budynku."),
    )
    description = forms.CharField(
        label=_("Opis problemu"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_("Co jest niedostępne i czego potrzebujesz?"),
    )
    preferred_contact = forms.CharField(
        label=_("Preferowany sposób kontaktu lub dostępu alternatywnego"),
        max_length=200,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        autocomplete = {"name": "name", "email": "email", "phone": "tel"}
        for name, field in self.fields.items():
            if not field.required:
                field.label = format_lazy("{} ({})", field.label, _("opcjonalnie"))
            if name in autocomplete:
                field.widget.attrs["autocomplete"] = autocomplete[name]
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}_helptext"

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound:
            return
        for name, field in self.fields.items():
            described = []
            if field.help_text:
                described.append(f"id_{name}_helptext")
            if name in self.errors:
                described.append(f"id_{name}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if described and not isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs["aria-describedby"] = " ".join(described)
