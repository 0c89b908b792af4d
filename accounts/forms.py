"""HTML forms of accounts: they parse input; the rules live in actions.py."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.models import (
    CURRENT_CONSENT_VERSIONS,
    ConsentChannel,
    DigestFrequency,
    NotificationTopic,
    TrainingSession,
    User,
)
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


def _terms_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=_(
            "Akceptuję regulamin portalu i potwierdzam, że zapoznałem(-am) się z informacją "
            "o przetwarzaniu danych osobowych."
        ),
        required=True,
        error_messages={
            "required": _("Aby założyć konto, zaakceptuj regulamin i informację o ochronie danych.")
        },
    )


def _terms_help_text() -> str:
    return format_html(
        '<a href="{}">{}</a> ({} {})',
        reverse("accounts:terms"),
        _("Regulamin portalu i informacja o ochronie danych"),
        _("wersja"),
        CURRENT_CONSENT_VERSIONS["terms"],
    )


class SignupConsentForm(forms.Form):
    """Extra fields of allauth's sign-up form (ACCOUNT_SIGNUP_FORM_CLASS): acceptance of the
    current terms and privacy notice, logged in the consent log when the account is created."""

    accept_terms = _terms_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["accept_terms"].help_text = _terms_help_text()

    def signup(self, request: HttpRequest, user: User) -> None:
        from accounts.actions import terms_acceptance_record

        terms_acceptance_record(user=user, channel=ConsentChannel.ONLINE, acting_user=user)


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


class AssistedProfileForm(AccessibleForm):
    """What an assistant may correct for a resident at the office."""

    first_name = forms.CharField(label=_("Imię"), max_length=150)
    last_name = forms.CharField(label=_("Nazwisko"), max_length=150)
    pesel = forms.CharField(
        label=_("Nowy PESEL (opcjonalnie)"),
        max_length=11,
        required=False,
        help_text=_("Pozostaw puste, aby nie zmieniać zapisanego numeru."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
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


class PeselSearchForm(AccessibleForm):
    """The clerk's PESEL search: sent in the body of a POST, never in a URL."""

    pesel = forms.CharField(
        label=_("PESEL"),
        max_length=11,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    purpose = forms.CharField(
        label=_("Cel wyszukania"),
        max_length=200,
        help_text=_("Np. numer sprawy. Każde wyszukanie jest zapisywane w rejestrze."),
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
    accept_terms = _terms_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["accept_terms"].help_text = _terms_help_text()


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
