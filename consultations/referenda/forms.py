from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from consultations.budget.forms import AccessibleForm
from consultations.referenda.models import Answer


class VoteForm(AccessibleForm):
    answer = forms.ChoiceField(
        label=_("Twoja odpowiedź"), choices=Answer.choices, widget=forms.RadioSelect
    )


class PaperVoteForm(AccessibleForm):
    pesel = forms.CharField(
        label=_("PESEL głosującego"),
        max_length=11,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    answer = forms.ChoiceField(
        label=_("Odpowiedź na karcie"),
        choices=[*Answer.choices, ("", _("karta nieważna"))],
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class ApproveProtocolForm(AccessibleForm):
    confirm = forms.BooleanField(
        label=_("Sprawdziłem(-am) protokół i zatwierdzam go"),
        error_messages={"required": _("Zaznacz potwierdzenie, aby zatwierdzić protokół.")},
    )
