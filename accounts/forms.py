"""HTML forms of accounts: they parse input; the rules live in actions.py."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import DigestFrequency, NotificationTopic, TrainingSession
from districts.models import District


def apply_action_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put an action's ValidationError on the form's fields (or the form when not a field)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class AccessibleForm(forms.Form):
    """Invalid fields point at their error message (and help text) with aria-describedby."""

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                bound = self[name]
                ids = [f"{bound.auto_id}_error"]
                if self.fields[name].help_text:
                    ids.append(f"{bound.auto_id}_helptext")
                self.fields[name].widget.attrs["aria-describedby"] = " ".join(ids)


class ProfileForm(AccessibleForm):
    first_name = forms.CharField(label=_("Imię"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Nazwisko"), max_length=150, required=False)
    street_address = forms.CharField(label=_("Ulica i numer"), max_length=200, required=False)
    postal_code = forms.CharField(
        label=_("Kod pocztowy"),
        max_length=6,
        required=False,
        help_text=_("Krakowski kod pocztowy: 30-xxx lub 31-xxx."),
    )
    district = forms.ModelChoiceField(
        label=_("Dzielnica"),
        queryset=District.objects.order_by("number"),
        required=False,
        empty_label=_("— wybierz —"),
        help_text=_("Zmiana adresu lub dzielnicy cofa weryfikację zamieszkania."),
    )
    phone = forms.CharField(label=_("Telefon (opcjonalnie)"), max_length=20, required=False)
    preferred_language = forms.ChoiceField(
        label=_("Preferowany język"), choices=[("pl", "polski"), ("en", "English")]
    )


class PeselForm(AccessibleForm):
    pesel = forms.CharField(
        label=_("PESEL"),
        max_length=11,
        required=False,
        help_text=_("11 cyfr. Pozostaw puste, aby usunąć numer z konta."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class NotificationForm(AccessibleForm):
    topics = forms.MultipleChoiceField(
        label=_("Tematy"),
        choices=NotificationTopic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    districts = forms.ModelMultipleChoiceField(
        label=_("Dzielnice"),
        queryset=District.objects.order_by("number"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    digest_frequency = forms.ChoiceField(
        label=_("Jak często wysyłać podsumowanie"),
        choices=DigestFrequency.choices,
        widget=forms.RadioSelect,
    )


class TokenForm(AccessibleForm):
    name = forms.CharField(
        label=_("Nazwa tokenu"),
        max_length=100,
        help_text=_("Np. nazwa aplikacji, która będzie go używać."),
    )


class DeleteAccountForm(AccessibleForm):
    confirm = forms.BooleanField(
        label=_("Rozumiem, że usunięcia konta nie można cofnąć."), required=True
    )


class AssistedRegisterForm(AccessibleForm):
    first_name = forms.CharField(label=_("Imię"), max_length=150)
    last_name = forms.CharField(label=_("Nazwisko"), max_length=150)
    pesel = forms.CharField(label=_("PESEL (opcjonalnie)"), max_length=11, required=False)
    street_address = forms.CharField(label=_("Ulica i numer"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Kod pocztowy"), max_length=6, required=False)
    district = forms.ModelChoiceField(
        label=_("Dzielnica"),
        queryset=District.objects.order_by("number"),
        required=False,
        empty_label=_("— wybierz —"),
    )
    phone = forms.CharField(label=_("Telefon (opcjonalnie)"), max_length=20, required=False)
    paper_consent = forms.BooleanField(
        label=_("Mieszkaniec podpisał papierową zgodę na założenie konta."), required=False
    )


class ClaimForm(AccessibleForm):
    code = forms.CharField(
        label=_("Kod z listu aktywacyjnego"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    email = forms.EmailField(label=_("Adres e-mail"))
    password = forms.CharField(
        label=_("Hasło"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Co najmniej 12 znaków."),
    )


class AssistedTrainingForm(AccessibleForm):
    session = forms.ModelChoiceField(
        label=_("Szkolenie"), queryset=TrainingSession.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, sessions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions  # type: ignore[attr-defined]


class TrainingSessionAdminForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = ["title", "place", "starts_at", "seats"]

    def clean_seats(self) -> int:
        seats: int = self.cleaned_data["seats"]
        if self.instance.pk and seats < self.instance.seats_taken:
            raise ValidationError(
                _("Liczba zapisanych osób to %(n)d: liczba miejsc nie może być mniejsza.")
                % {"n": self.instance.seats_taken}
            )
        return seats
