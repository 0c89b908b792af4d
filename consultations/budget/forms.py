"""Forms of the budget pages: the ballot (per ballot type), project submission, paper entry."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from consultations.budget.models import BallotType, Pool, Project


class AccessibleForm(forms.Form):
    """Links every control to its help and error texts; invalid controls get aria-invalid."""

    def full_clean(self) -> None:
        super().full_clean()
        for name, field in self.fields.items():
            auto_id = self[name].auto_id
            ids = [f"{auto_id}_helptext"] if field.help_text else []
            if name in self.errors:
                ids.append(f"{auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)

    def apply(self, error: ValidationError) -> None:
        """Show an action's error at the top of the form."""
        self.add_error(None, error)


def _ordinal_label(rank: int, points: int) -> str:
    return str(_("Wybór nr %(rank)d (%(points)d pkt)") % {"rank": rank, "points": points})


class BallotForm(AccessibleForm):
    """The ballot of one pool, without drag-and-drop.

    ordinal: one select per place (1st, 2nd, 3rd choice); approval: a checkbox per project;
    cumulative: a number field per project. ``cleaned_data["projects"]``/``["points"]`` feed
    the cast action, which re-checks every rule.
    """

    def __init__(self, *args: Any, pool: Pool, projects: list[Project], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pool = pool
        self.projects = {str(p.public_id): p for p in projects}
        choices = [(str(p.public_id), f"{p.number}. {p.title}") for p in projects]
        if pool.ballot_type == BallotType.ORDINAL:
            for rank, points in enumerate(pool.points_for_ranks(), start=1):
                self.fields[f"rank_{rank}"] = forms.ChoiceField(
                    label=_ordinal_label(rank, points),
                    choices=[("", pgettext_lazy("ballot", "— nie wybieram —")), *choices],
                    required=False,
                )
        elif pool.ballot_type == BallotType.APPROVAL:
            self.fields["approved"] = forms.MultipleChoiceField(
                label=_("Projekty, które popierasz"),
                choices=choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text=_("Możesz zaznaczyć od %(min)d do %(max)d projektów.")
                % {"min": pool.min_choices, "max": pool.max_choices},
            )
        else:
            for p in projects:
                self.fields[f"points_{p.public_id}"] = forms.IntegerField(
                    label=f"{p.number}. {p.title}",
                    min_value=0,
                    max_value=pool.cumulative_points,
                    required=False,
                    initial=0,
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        pool = self.pool
        selected: list[Project] = []
        points: list[int] | None = None
        if pool.ballot_type == BallotType.ORDINAL:
            for rank in range(1, len(pool.points_for_ranks()) + 1):
                value = data.get(f"rank_{rank}")
                if value:
                    selected.append(self.projects[value])
        elif pool.ballot_type == BallotType.APPROVAL:
            selected = [self.projects[v] for v in data.get("approved") or []]
        else:
            points = []
            for key, project in self.projects.items():
                value = data.get(f"points_{key}") or 0
                if value:
                    selected.append(project)
                    points.append(value)
        data["projects"] = selected
        data["points"] = points
        return data

    def as_hidden_review(self) -> list[tuple[str, str]]:
        """The submitted values again, for the review step's hidden fields."""
        pairs: list[tuple[str, str]] = []
        for name in self.fields:
            value = self.data.getlist(name) if hasattr(self.data, "getlist") else []
            pairs.extend((name, v) for v in value if v)
        return pairs


class ProjectForm(AccessibleForm):
    pool = forms.ModelChoiceField(label=_("Pula"), queryset=Pool.objects.none())
    title = forms.CharField(label=_("Tytuł projektu"), max_length=200)
    description = forms.CharField(label=_("Opis"), widget=forms.Textarea(attrs={"rows": 6}))
    location = forms.CharField(
        label=_("Lokalizacja"), max_length=300, help_text=_("Adres lub opis miejsca.")
    )
    cost_items = forms.CharField(
        label=_("Kosztorys"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Jedna pozycja w wierszu: nazwa; kwota w zł, np. „Ławki; 12000”."),
    )

    def __init__(self, *args: Any, edition: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pool"].queryset = edition.pools.select_related("district")  # type: ignore[attr-defined]

    def clean_cost_items(self) -> list[tuple[str, Decimal]]:
        items = []
        for line in self.cleaned_data["cost_items"].splitlines():
            if not line.strip():
                continue
            name, sep, amount = line.rpartition(";")
            try:
                value = Decimal(amount.strip().replace(" ", "").replace(",", "."))
            except ArithmeticError:
                value = Decimal(0)
            if not sep or not name.strip() or not value.is_finite() or value <= 0:
                raise ValidationError(
                    _("Każdy wiersz: nazwa; kwota większa od zera (np. „Ławki; 12000”).")
                )
            items.append((name.strip(), value.quantize(Decimal("0.01"))))
        if not items:
            raise ValidationError(_("Podaj co najmniej jedną pozycję kosztorysu."))
        return items


class PaperBallotForm(BallotForm):
    """A clerk's paper entry: the ballot plus the voter's PESEL and a spoilt-ballot box."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pesel"] = forms.CharField(
            label=_("PESEL głosującego"),
            max_length=11,
            widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
        )
        self.fields["invalid"] = forms.BooleanField(
            label=_("Karta nieważna (liczona osobno)"), required=False
        )
        self.order_fields(["pesel", "invalid"])


class CheckCodeForm(AccessibleForm):
    code = forms.CharField(label=_("Kod sprawdzenia karty"), max_length=12)


class ProjectDecisionForm(AccessibleForm):
    """A clerk's verification of a submitted project."""

    decision = forms.ChoiceField(
        label=_("Decyzja"),
        choices=[
            ("accept", _("Zweryfikuj pozytywnie (projekt trafi na kartę)")),
            ("reject", _("Odrzuć projekt")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Uzasadnienie"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=5000,
        help_text=_("Wymagane przy odrzuceniu; autor zobaczy je na stronie projektu."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Odrzucenie wymaga uzasadnienia."))
        return data


class AppealDecisionForm(AccessibleForm):
    """A clerk's decision on the author's appeal."""

    decision = forms.ChoiceField(
        label=_("Rozstrzygnięcie odwołania"),
        choices=[
            ("uphold", _("Uwzględnij odwołanie (projekt trafi na kartę)")),
            ("dismiss", _("Oddal odwołanie (projekt pozostaje odrzucony)")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Uzasadnienie rozstrzygnięcia"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
    )


class AppealForm(AccessibleForm):
    """The author's appeal against a rejection."""

    text = forms.CharField(
        label=_("Uzasadnienie odwołania"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=5000,
        help_text=_("Napisz, dlaczego decyzja o odrzuceniu jest według Ciebie błędna."),
    )


class ApproveResultsForm(AccessibleForm):
    confirm = forms.BooleanField(
        label=_("Sprawdziłem(-am) wyniki i zatwierdzam ich publikację"),
        error_messages={"required": _("Zaznacz potwierdzenie, aby opublikować wyniki.")},
    )
