"""The consultation methodology algorithm (R-CON-2): published rules, as data, and their interpreter.

From a matter's properties (:class:`Matter`: scope, residents affected, cost, reversibility, legal
obligation, expected conflict) :func:`decide` works out whether a consultation is required, at
what level (inform < consult < involve < co-decide), the minimum announcement period and duration,
the mandatory forms and channels, and the reasons: every rule that fired, with the values that made
it fire. :func:`check_plan` compares a planned consultation with a decision and lists what breaks
it, so the portal can refuse to publish a plan with the reason. :func:`describe_policy` returns the
same rules as text (Polish and English) for the public "How we consult" page.

**The thresholds below are the city's policy parameters, editable as data.** ``RULES`` and
``LEVELS`` are plain records read by a small interpreter; changing a threshold, adding a rule or a
form changes the decisions and the public page together. :func:`validate_policy` (run at import
and by :func:`decide` for custom rules) refuses data that could break the legal floors.

Legal floors — Kraków City Council resolution CXI/2904/18 (on the rules and procedure of public
consultations with residents): at least 7 days between the announcement and the start, at least 21
days of consultation, at least 3 forms including a meeting or a workshop, and a mandatory report.
They apply to every consultation the city holds, also a voluntary one, so a decision carries them
even when a consultation is not required.

How rules combine: the level is the highest ``min_level`` among the fired rules (inform when none
fires); a consultation is *required* from level "consult" up. The minimum announcement period and
duration are the chosen level's figures (never below the floors) plus the ``extra_*_days`` of every
fired rule; the mandatory forms are the level's forms plus every fired rule's forms; the channels are
always online, paper and assisted (no resident is left out for lack of a computer — R-ACC-5).
Every condition is "upward closed" (``>``, ``>=`` or ``==`` on a yes/no field), so a larger cost,
more residents or more conflict never lowers the level, the days or the forms.

Default thresholds, and why:

* required by law (e.g. a district statute, the city's programme of cooperation with NGOs, a
  revitalisation programme) → consult;
* city-wide → consult, one more week of announcement (news must reach every district), a paper
  survey and consultation drop-ins (dyżury);
* 3 or more districts → consult with drop-ins in the districts;
* more than 10,000 residents affected (about a third of a smaller district) → consult; more than
  50,000 (more than any but the largest district) → involve, one more week;
* cost over PLN 1 million → consult; over PLN 5 million → involve;
* hard to reverse → one more week (if consulted); irreversible → consult, a study walk on site and
  another week;
* medium expected conflict → consult; high → involve with workshops and one more week;
* irreversible with high conflict, or irreversible costing over PLN 50 million → co-decide (a
  citizens' panel): candidates for a decision shared with residents.

Pure module: no Django import; every user-visible string is given in Polish and English.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum, IntEnum, StrEnum
from typing import Any, Literal

__all__ = [
    "ANNOUNCEMENT_FLOOR_DAYS",
    "DURATION_FLOOR_DAYS",
    "FORMS_FLOOR",
    "LEVELS",
    "RESOLUTION",
    "RULES",
    "Channel",
    "Condition",
    "Conflict",
    "Decision",
    "Form",
    "Level",
    "ALL_CHANNELS",
    "FIELDS",
    "MEETING_FORMS",
    "LevelDescription",
    "LevelRequirements",
    "Matter",
    "PlannedConsultation",
    "PolicyDescription",
    "Reason",
    "Reversibility",
    "Rule",
    "RuleDescription",
    "Violation",
    "check_plan",
    "decide",
    "describe_policy",
    "label",
    "validate_policy",
]

#: Kraków City Council resolution on public consultations with residents.
RESOLUTION = "CXI/2904/18"
ANNOUNCEMENT_FLOOR_DAYS = 7
DURATION_FLOOR_DAYS = 21
FORMS_FLOOR = 3
DISTRICTS = 18


# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------


class Level(IntEnum):
    """Participation levels, ordered (a higher level includes the lower ones)."""

    INFORM = 1
    CONSULT = 2
    INVOLVE = 3
    CO_DECIDE = 4

    @property
    def code(self) -> str:
        return self.name.lower()

    @property
    def label_pl(self) -> str:
        return _LEVEL_LABELS[self][0]

    @property
    def label_en(self) -> str:
        return _LEVEL_LABELS[self][1]


_LEVEL_LABELS: dict[Level, tuple[str, str]] = {
    Level.INFORM: ("informowanie", "inform"),
    Level.CONSULT: ("konsultowanie", "consult"),
    Level.INVOLVE: ("włączanie", "involve"),
    Level.CO_DECIDE: ("współdecydowanie", "co-decide"),
}


class Reversibility(StrEnum):
    """How reversible the decision's effects are; ordered from the least to the most lasting."""

    REVERSIBLE = "reversible"
    HARD_TO_REVERSE = "hard_to_reverse"
    IRREVERSIBLE = "irreversible"


class Conflict(StrEnum):
    """Expected conflict around the matter; ordered."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Form(StrEnum):
    """Forms of consultation (the resolution's "formy konsultacji")."""

    ONLINE_SURVEY = "online_survey"
    PAPER_SURVEY = "paper_survey"
    COMMENTS = "comments"
    MEETING = "meeting"
    WORKSHOP = "workshop"
    STUDY_WALK = "study_walk"
    CONSULTATION_DUTY = "consultation_duty"
    CITIZENS_PANEL = "citizens_panel"


class Channel(StrEnum):
    """Ways a resident can take part."""

    ONLINE = "online"
    PAPER = "paper"
    ASSISTED = "assisted"


_ENUM_LABELS: dict[Enum, tuple[str, str]] = {
    Reversibility.REVERSIBLE: ("odwracalne", "reversible"),
    Reversibility.HARD_TO_REVERSE: ("trudno odwracalne", "hard to reverse"),
    Reversibility.IRREVERSIBLE: ("nieodwracalne", "irreversible"),
    Conflict.LOW: ("niski", "low"),
    Conflict.MEDIUM: ("średni", "medium"),
    Conflict.HIGH: ("wysoki", "high"),
    Form.ONLINE_SURVEY: ("ankieta internetowa", "online survey"),
    Form.PAPER_SURVEY: ("ankieta papierowa", "paper survey"),
    Form.COMMENTS: ("zbieranie uwag i opinii na formularzu", "comments and opinions on a form"),
    Form.MEETING: ("otwarte spotkanie konsultacyjne", "open consultation meeting"),
    Form.WORKSHOP: ("warsztaty", "workshop"),
    Form.STUDY_WALK: ("spacer studyjny", "study walk"),
    Form.CONSULTATION_DUTY: ("dyżur konsultacyjny", "consultation drop-in (dyżur)"),
    Form.CITIZENS_PANEL: ("panel obywatelski", "citizens' panel"),
    Channel.ONLINE: ("przez internet (portal)", "online (the portal)"),
    Channel.PAPER: (
        "na papierze (formularz w urzędzie lub pocztą)",
        "on paper (a form at the office or by post)",
    ),
    Channel.ASSISTED: ("z pomocą urzędnika", "assisted by a clerk"),
}


def label(member: Enum, lang: Literal["pl", "en"]) -> str:
    """Polish or English label of a reversibility, conflict, form or channel value."""
    pl, en = _ENUM_LABELS[member]
    return pl if lang == "pl" else en


ALL_CHANNELS: tuple[Channel, ...] = tuple(Channel)
MEETING_FORMS = frozenset({Form.MEETING, Form.WORKSHOP})


# --------------------------------------------------------------------------------------------
# The matter
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Matter:
    """A matter the city is about to decide.

    ``districts`` is either the districts concerned (numbers 1–18) or just how many; a city-wide
    matter concerns all 18 whatever is given. ``cost_pln`` is a ``Decimal`` (an int or a string
    is converted; a float is refused, money is never binary floating point). Strings are accepted
    for ``reversibility`` and ``conflict`` (their enum values).
    """

    city_wide: bool
    districts: frozenset[int] | int = frozenset()
    residents_affected: int = 0
    cost_pln: Decimal = Decimal(0)
    reversibility: Reversibility = Reversibility.REVERSIBLE
    legally_required: bool = False
    conflict: Conflict = Conflict.LOW

    def __post_init__(self) -> None:
        if isinstance(self.cost_pln, float):
            raise TypeError("cost_pln must be a Decimal, not a float")
        cost = Decimal(self.cost_pln)
        if not cost.is_finite() or cost < 0:
            raise ValueError("cost_pln must be a non-negative amount")
        object.__setattr__(self, "cost_pln", cost)
        object.__setattr__(self, "reversibility", Reversibility(self.reversibility))
        object.__setattr__(self, "conflict", Conflict(self.conflict))
        if self.residents_affected < 0:
            raise ValueError("residents_affected must not be negative")
        if isinstance(self.districts, int):
            if not 0 <= self.districts <= DISTRICTS:
                raise ValueError(f"the number of districts must be within 0..{DISTRICTS}")
        else:
            districts = frozenset(self.districts)
            if any(not 1 <= d <= DISTRICTS for d in districts):
                raise ValueError(f"districts are numbered 1..{DISTRICTS}")
            object.__setattr__(self, "districts", districts)

    @property
    def districts_count(self) -> int:
        if self.city_wide:
            return DISTRICTS
        return self.districts if isinstance(self.districts, int) else len(self.districts)

    def facts(self) -> dict[str, object]:
        """The values the rules' conditions read, by field name."""
        return {
            "legally_required": self.legally_required,
            "city_wide": self.city_wide,
            "districts_count": self.districts_count,
            "residents_affected": self.residents_affected,
            "cost_pln": self.cost_pln,
            "reversibility": self.reversibility,
            "conflict": self.conflict,
        }


# --------------------------------------------------------------------------------------------
# Rules as data
# --------------------------------------------------------------------------------------------

FieldKind = Literal["bool", "count", "money", "ordinal"]
Operator = Literal["==", ">", ">="]


@dataclass(frozen=True, slots=True)
class _Field:
    kind: FieldKind
    label_pl: str
    label_en: str
    #: For yes/no fields: the statement when true, and when false.
    true_pl: str = ""
    true_en: str = ""
    false_pl: str = ""
    false_en: str = ""
    ordinal: type[Enum] | None = None


FIELDS: dict[str, _Field] = {
    "legally_required": _Field(
        "bool",
        "obowiązek prawny",
        "legal obligation",
        true_pl="przepis prawa nakazuje konsultacje",
        true_en="a law requires consultation",
        false_pl="żaden przepis prawa nie nakazuje konsultacji",
        false_en="no law requires consultation",
    ),
    "city_wide": _Field(
        "bool",
        "zasięg ogólnomiejski",
        "city-wide scope",
        true_pl="sprawa dotyczy całego miasta",
        true_en="the matter concerns the whole city",
        false_pl="sprawa nie dotyczy całego miasta",
        false_en="the matter does not concern the whole city",
    ),
    "districts_count": _Field("count", "liczba dzielnic", "number of districts"),
    "residents_affected": _Field(
        "count", "liczba mieszkańców objętych sprawą", "number of residents affected"
    ),
    "cost_pln": _Field("money", "koszt", "cost"),
    "reversibility": _Field("ordinal", "skutki", "effects", ordinal=Reversibility),
    "conflict": _Field("ordinal", "przewidywany konflikt", "expected conflict", ordinal=Conflict),
}


@dataclass(frozen=True, slots=True)
class Condition:
    """``facts[field] <op> value``. Ordinal fields compare by their order (low < medium < high)."""

    field: str
    op: Operator
    value: object


@dataclass(frozen=True, slots=True)
class Rule:
    """A published rule: when every condition holds, its effects apply (see the module doc)."""

    id: str
    when: tuple[Condition, ...]
    min_level: Level
    extra_announcement_days: int = 0
    extra_duration_days: int = 0
    forms: frozenset[Form] = frozenset()
    rationale_pl: str = ""
    rationale_en: str = ""


@dataclass(frozen=True, slots=True)
class LevelRequirements:
    """What a consultation at ``level`` must at least have (before rules add to it)."""

    level: Level
    announcement_days: int
    duration_days: int
    forms: frozenset[Form]
    description_pl: str
    description_en: str


_BASE_FORMS = frozenset({Form.ONLINE_SURVEY, Form.COMMENTS, Form.MEETING})

#: Minimums per level. "inform" carries the legal floors because a voluntary consultation must
#: still meet the resolution.
LEVELS: Mapping[Level, LevelRequirements] = {
    Level.INFORM: LevelRequirements(
        Level.INFORM,
        7,
        21,
        _BASE_FORMS,
        "Mieszkańcy są informowani o decyzji. Konsultacje nie są wymagane; jeżeli miasto je "
        "przeprowadzi, obowiązują minima uchwały.",
        "Residents are informed of the decision. Consultation is not required; if the city holds "
        "one, the resolution's minimums apply.",
    ),
    Level.CONSULT: LevelRequirements(
        Level.CONSULT,
        7,
        21,
        _BASE_FORMS,
        "Mieszkańcy wypowiadają się o projekcie; miasto odpowiada na uwagi w raporcie.",
        "Residents give their opinion on a draft; the city answers the comments in the report.",
    ),
    Level.INVOLVE: LevelRequirements(
        Level.INVOLVE,
        14,
        28,
        _BASE_FORMS | {Form.WORKSHOP},
        "Mieszkańcy współtworzą warianty rozwiązania na warsztatach, zanim powstanie projekt.",
        "Residents help shape the options in workshops before a draft is written.",
    ),
    Level.CO_DECIDE: LevelRequirements(
        Level.CO_DECIDE,
        21,
        42,
        _BASE_FORMS | {Form.WORKSHOP, Form.CITIZENS_PANEL},
        "Rozstrzygnięcie zapada wspólnie z mieszkańcami, np. przez panel obywatelski, którego "
        "rekomendacje miasto zobowiązuje się wykonać.",
        "The decision is shared with residents, e.g. through a citizens' panel whose "
        "recommendations the city undertakes to carry out.",
    ),
}


def _c(field_name: str, op: Operator, value: object) -> Condition:
    return Condition(field_name, op, value)


#: The city's published rules (policy parameters, editable as data; see the module docstring).
RULES: tuple[Rule, ...] = (
    Rule(
        "legal-obligation",
        (_c("legally_required", "==", True),),
        Level.CONSULT,
        rationale_pl="Gdy przepis prawa nakazuje konsultacje (np. statut dzielnicy, program "
        "współpracy z organizacjami pozarządowymi, program rewitalizacji), miasto je przeprowadza.",
        rationale_en="When a law requires consultation (e.g. a district statute, the programme of "
        "cooperation with NGOs, a revitalisation programme), the city holds one.",
    ),
    Rule(
        "city-wide",
        (_c("city_wide", "==", True),),
        Level.CONSULT,
        extra_announcement_days=7,
        forms=frozenset({Form.PAPER_SURVEY, Form.CONSULTATION_DUTY}),
        rationale_pl="Sprawy całego miasta ogłaszamy tydzień dłużej, by informacja dotarła do "
        "każdej dzielnicy, i zbieramy opinie także na papierze i na dyżurach.",
        rationale_en="City-wide matters are announced a week longer so the news reaches every "
        "district, and opinions are also collected on paper and at drop-ins.",
    ),
    Rule(
        "several-districts",
        (_c("districts_count", ">=", 3),),
        Level.CONSULT,
        forms=frozenset({Form.CONSULTATION_DUTY}),
        rationale_pl="Sprawa kilku dzielnic wymaga dyżurów konsultacyjnych na miejscu.",
        rationale_en="A matter spanning several districts needs drop-ins on site.",
    ),
    Rule(
        "residents-10k",
        (_c("residents_affected", ">", 10_000),),
        Level.CONSULT,
        rationale_pl="Sprawa dotyczy wielu mieszkańców (około jednej trzeciej mniejszej dzielnicy).",
        rationale_en="The matter affects many residents (about a third of a smaller district).",
    ),
    Rule(
        "residents-50k",
        (_c("residents_affected", ">", 50_000),),
        Level.INVOLVE,
        extra_duration_days=7,
        rationale_pl="Sprawa dotyczy większej liczby mieszkańców niż liczy niemal każda dzielnica.",
        rationale_en="The matter affects more residents than live in almost any single district.",
    ),
    Rule(
        "cost-1m",
        (_c("cost_pln", ">", Decimal("1000000")),),
        Level.CONSULT,
        rationale_pl="Wydatek powyżej miliona złotych mieszkańcy powinni móc ocenić.",
        rationale_en="Residents should be able to weigh in on spending over a million złoty.",
    ),
    Rule(
        "cost-5m",
        (_c("cost_pln", ">", Decimal("5000000")),),
        Level.INVOLVE,
        rationale_pl="Przy dużej inwestycji mieszkańcy współtworzą warianty, zanim powstanie projekt.",
        rationale_en="For a large investment residents help shape the options before the design.",
    ),
    Rule(
        "hard-to-reverse",
        (_c("reversibility", ">=", Reversibility.HARD_TO_REVERSE),),
        Level.INFORM,
        extra_duration_days=7,
        rationale_pl="Skutki trudne do cofnięcia wymagają dłuższego namysłu.",
        rationale_en="Effects that are hard to undo call for a longer deliberation.",
    ),
    Rule(
        "irreversible",
        (_c("reversibility", ">=", Reversibility.IRREVERSIBLE),),
        Level.CONSULT,
        extra_duration_days=7,
        forms=frozenset({Form.STUDY_WALK}),
        rationale_pl="Nieodwracalnej zmiany nie przeprowadzamy bez konsultacji i spaceru na "
        "miejscu.",
        rationale_en="An irreversible change is not made without a consultation and a walk on site.",
    ),
    Rule(
        "conflict-medium",
        (_c("conflict", ">=", Conflict.MEDIUM),),
        Level.CONSULT,
        rationale_pl="Gdy interesy mieszkańców się różnią, trzeba je poznać przed decyzją.",
        rationale_en="When residents' interests differ, they must be heard before deciding.",
    ),
    Rule(
        "conflict-high",
        (_c("conflict", ">=", Conflict.HIGH),),
        Level.INVOLVE,
        extra_duration_days=7,
        forms=frozenset({Form.WORKSHOP}),
        rationale_pl="Silny konflikt wymaga moderowanych warsztatów i więcej czasu.",
        rationale_en="A strong conflict needs moderated workshops and more time.",
    ),
    Rule(
        "irreversible-high-conflict",
        (
            _c("reversibility", ">=", Reversibility.IRREVERSIBLE),
            _c("conflict", ">=", Conflict.HIGH),
        ),
        Level.CO_DECIDE,
        rationale_pl="Nieodwracalna i sporna decyzja jest kandydatem do współdecydowania "
        "(panel obywatelski).",
        rationale_en="An irreversible, contested decision is a candidate for co-decision "
        "(a citizens' panel).",
    ),
    Rule(
        "irreversible-cost-50m",
        (
            _c("reversibility", ">=", Reversibility.IRREVERSIBLE),
            _c("cost_pln", ">", Decimal("50000000")),
        ),
        Level.CO_DECIDE,
        rationale_pl="Nieodwracalna inwestycja powyżej 50 mln zł jest kandydatem do "
        "współdecydowania.",
        rationale_en="An irreversible investment over PLN 50 million is a candidate for "
        "co-decision.",
    ),
)


def validate_policy(
    rules: Sequence[Rule] = RULES, levels: Mapping[Level, LevelRequirements] = LEVELS
) -> None:
    """Raise ``ValueError`` if the policy data is malformed or undercuts the legal floors."""
    seen: set[str] = set()
    for rule in rules:
        if not rule.id or rule.id in seen:
            raise ValueError(f"rule ids must be unique and non-empty: {rule.id!r}")
        seen.add(rule.id)
        if not rule.when:
            raise ValueError(f"rule {rule.id}: needs at least one condition")
        if rule.extra_announcement_days < 0 or rule.extra_duration_days < 0:
            raise ValueError(f"rule {rule.id}: extra days must not be negative")
        for cond in rule.when:
            spec = FIELDS.get(cond.field)
            if spec is None:
                raise ValueError(f"rule {rule.id}: unknown field {cond.field!r}")
            if cond.op not in ("==", ">", ">="):
                raise ValueError(f"rule {rule.id}: unknown operator {cond.op!r}")
            ok = {
                "bool": isinstance(cond.value, bool) and cond.op == "==",
                "count": isinstance(cond.value, int) and not isinstance(cond.value, bool),
                "money": isinstance(cond.value, Decimal),
                "ordinal": spec.ordinal is not None and isinstance(cond.value, spec.ordinal),
            }[spec.kind]
            if not ok:
                raise ValueError(
                    f"rule {rule.id}: {cond.op} {cond.value!r} does not suit {cond.field}"
                )
    for level in Level:
        req = levels.get(level)
        if req is None or req.level is not level:
            raise ValueError(f"no requirements for level {level.code}")
        if (
            req.announcement_days < ANNOUNCEMENT_FLOOR_DAYS
            or req.duration_days < DURATION_FLOOR_DAYS
        ):
            raise ValueError(f"level {level.code}: days below the floors of {RESOLUTION}")
        if len(req.forms) < FORMS_FLOOR or not req.forms & MEETING_FORMS:
            raise ValueError(f"level {level.code}: needs ≥ {FORMS_FLOOR} forms incl. a meeting")


validate_policy()


# --------------------------------------------------------------------------------------------
# Text rendering
# --------------------------------------------------------------------------------------------

_NBSP = "\u00a0"


def _fmt_count(value: int, lang: str) -> str:
    text = f"{value:,}"
    return text.replace(",", _NBSP) if lang == "pl" else text


def _fmt_money(value: Decimal, lang: str) -> str:
    amount = value.quantize(Decimal("0.01"))
    whole = int(amount)
    grosze = int((amount - whole) * 100)
    number = _fmt_count(whole, lang)
    if grosze:
        number += ("," if lang == "pl" else ".") + f"{grosze:02d}"
    return f"{number}{_NBSP}zł" if lang == "pl" else f"PLN{_NBSP}{number}"


def _fmt_value(field_name: str, value: object, lang: str) -> str:
    spec = FIELDS[field_name]
    if spec.kind == "bool":
        return ("tak" if value else "nie") if lang == "pl" else ("yes" if value else "no")
    if spec.kind == "money" and isinstance(value, Decimal):
        return _fmt_money(value, lang)
    if spec.kind == "count" and isinstance(value, int):
        return _fmt_count(value, lang)
    if isinstance(value, Enum):
        return label(value, "pl" if lang == "pl" else "en")
    return str(value)


_OPS = {
    ">": ("przekracza", "greater than"),
    ">=": ("wynosi co najmniej", "at least"),
    "==": ("wynosi", "equal to"),
}


def _condition_text(cond: Condition, lang: Literal["pl", "en"]) -> str:
    spec = FIELDS[cond.field]
    if spec.kind == "bool":
        if cond.value:
            return spec.true_pl if lang == "pl" else spec.true_en
        return spec.false_pl if lang == "pl" else spec.false_en
    name = spec.label_pl if lang == "pl" else spec.label_en
    if spec.kind == "ordinal" and spec.ordinal is not None:
        matching = [m for m in spec.ordinal if _compare(m, cond.op, cond.value)]
        joiner = " lub " if lang == "pl" else " or "
        return f"{name}: {joiner.join(label(m, lang) for m in matching)}"
    verb = _OPS[cond.op][0 if lang == "pl" else 1]
    return f"{name} {verb} {_fmt_value(cond.field, cond.value, lang)}"


def _effect_text(rule: Rule, lang: Literal["pl", "en"]) -> str:
    parts: list[str] = []
    if rule.min_level > Level.INFORM:
        if lang == "pl":
            parts.append(f"co najmniej poziom „{rule.min_level.label_pl}”")
        else:
            parts.append(f"at least level “{rule.min_level.label_en}”")
    if rule.extra_announcement_days:
        parts.append(
            f"+{rule.extra_announcement_days} dni ogłoszenia"
            if lang == "pl"
            else f"+{rule.extra_announcement_days} days of announcement"
        )
    if rule.extra_duration_days:
        parts.append(
            f"+{rule.extra_duration_days} dni konsultacji"
            if lang == "pl"
            else f"+{rule.extra_duration_days} days of consultation"
        )
    if rule.forms:
        names = ", ".join(label(f, lang) for f in _ordered(rule.forms))
        parts.append(f"obowiązkowe formy: {names}" if lang == "pl" else f"mandatory forms: {names}")
    return "; ".join(parts)


def _ordered(forms: Iterable[Form]) -> tuple[Form, ...]:
    chosen = set(forms)
    return tuple(f for f in Form if f in chosen)


# --------------------------------------------------------------------------------------------
# The interpreter
# --------------------------------------------------------------------------------------------


def _rank(value: object) -> object:
    if isinstance(value, Enum):
        return list(type(value)).index(value)
    return value


def _compare(actual: object, op: str, threshold: object) -> bool:
    a, t = _rank(actual), _rank(threshold)
    if op == "==":
        return a == t
    if op == ">":
        return bool(a > t)  # type: ignore[operator]
    if op == ">=":
        return bool(a >= t)  # type: ignore[operator]
    raise ValueError(f"unknown operator {op!r}")


JsonValue = str | int | bool


@dataclass(frozen=True, slots=True)
class Reason:
    """Why the decision is what it is: a fired rule (or the legal floors, or "below thresholds").

    ``values`` are the facts the rule's conditions read (money as a decimal string, enums as
    their codes); ``text_pl``/``text_en`` is the sentence to show.
    """

    rule_id: str
    text_pl: str
    text_en: str
    condition_pl: str = ""
    condition_en: str = ""
    effect_pl: str = ""
    effect_en: str = ""
    values: dict[str, JsonValue] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Decision:
    """The methodology's answer for one matter (minimums; a plan may always do more)."""

    required: bool
    level: Level
    announcement_days: int
    duration_days: int
    forms: tuple[Form, ...]
    channels: tuple[Channel, ...]
    report_required: bool
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (level and enums as their string codes)."""
        data = asdict(self)
        data["level"] = self.level.code
        data["forms"] = [str(f) for f in self.forms]
        data["channels"] = [str(c) for c in self.channels]
        return data


def _json_value(value: object) -> JsonValue:
    if isinstance(value, bool | int):
        return value
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def _floors_reason() -> Reason:
    return Reason(
        rule_id=f"resolution-{RESOLUTION}",
        text_pl=f"Uchwała Rady Miasta Krakowa nr {RESOLUTION}: co najmniej "
        f"{ANNOUNCEMENT_FLOOR_DAYS} dni od ogłoszenia do rozpoczęcia, co najmniej "
        f"{DURATION_FLOOR_DAYS} dni konsultacji, co najmniej {FORMS_FLOOR} formy, w tym spotkanie "
        "lub warsztaty, udział przez internet, na papierze i z pomocą urzędnika oraz raport z "
        "konsultacji.",
        text_en=f"Kraków City Council resolution {RESOLUTION}: at least {ANNOUNCEMENT_FLOOR_DAYS} "
        f"days from announcement to start, at least {DURATION_FLOOR_DAYS} days of consultation, "
        f"at least {FORMS_FLOOR} forms including a meeting or a workshop, taking part online, on "
        "paper and with a clerk's help, and a report on the consultation.",
    )


def decide(
    matter: Matter,
    *,
    rules: Sequence[Rule] = RULES,
    levels: Mapping[Level, LevelRequirements] = LEVELS,
) -> Decision:
    """Apply the rules to ``matter`` (see the module docstring for how effects combine).

    The returned minimums never go below the floors of resolution CXI/2904/18; ``reasons`` lists
    the fired rules in rule order, then the level's requirements and the legal floors (and, when
    no rule requires a consultation, a "below-thresholds" reason first), so it is never empty.
    """
    if rules is not RULES or levels is not LEVELS:
        validate_policy(rules, levels)
    facts = matter.facts()
    fired = [r for r in rules if all(_compare(facts[c.field], c.op, c.value) for c in r.when)]
    level = max((r.min_level for r in fired), default=Level.INFORM)
    req = levels[level]
    announcement = max(req.announcement_days, ANNOUNCEMENT_FLOOR_DAYS) + sum(
        r.extra_announcement_days for r in fired
    )
    duration = max(req.duration_days, DURATION_FLOOR_DAYS) + sum(
        r.extra_duration_days for r in fired
    )
    forms = set(req.forms)
    for rule in fired:
        forms |= rule.forms

    reasons: list[Reason] = []
    required = level >= Level.CONSULT
    if not required:
        reasons.append(
            Reason(
                rule_id="below-thresholds",
                text_pl="Żadna reguła nie wymaga konsultacji: wystarczy poinformować mieszkańców.",
                text_en="No rule requires a consultation: informing residents is enough.",
            )
        )
    for rule in fired:
        values = {c.field: _json_value(facts[c.field]) for c in rule.when}
        cond_pl = " i ".join(_condition_text(c, "pl") for c in rule.when)
        cond_en = " and ".join(_condition_text(c, "en") for c in rule.when)
        here_pl = ", ".join(_fmt_value(c.field, facts[c.field], "pl") for c in rule.when)
        here_en = ", ".join(_fmt_value(c.field, facts[c.field], "en") for c in rule.when)
        effect_pl, effect_en = _effect_text(rule, "pl"), _effect_text(rule, "en")
        reasons.append(
            Reason(
                rule_id=rule.id,
                text_pl=f"{_cap(cond_pl)} (tu: {here_pl}) — {effect_pl}. {rule.rationale_pl}".strip(),
                text_en=f"{_cap(cond_en)} (here: {here_en}) — {effect_en}. {rule.rationale_en}".strip(),
                condition_pl=cond_pl,
                condition_en=cond_en,
                effect_pl=effect_pl,
                effect_en=effect_en,
                values=values,
            )
        )
    reasons.append(_level_reason(req))
    reasons.append(_floors_reason())
    return Decision(
        required=required,
        level=level,
        announcement_days=announcement,
        duration_days=duration,
        forms=_ordered(forms),
        channels=ALL_CHANNELS,
        report_required=True,
        reasons=tuple(reasons),
    )


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _level_reason(req: LevelRequirements) -> Reason:
    forms_pl = ", ".join(label(f, "pl") for f in _ordered(req.forms))
    forms_en = ", ".join(label(f, "en") for f in _ordered(req.forms))
    return Reason(
        rule_id=f"level-{req.level.code}",
        text_pl=f"Poziom „{req.level.label_pl}”: {req.description_pl} Co najmniej "
        f"{req.announcement_days} dni ogłoszenia i {req.duration_days} dni konsultacji; "
        f"formy: {forms_pl}.",
        text_en=f"Level “{req.level.label_en}”: {req.description_en} At least "
        f"{req.announcement_days} days of announcement and {req.duration_days} days of "
        f"consultation; forms: {forms_en}.",
    )


# --------------------------------------------------------------------------------------------
# Checking a plan
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlannedConsultation:
    """A consultation as a clerk planned it. Dates are local (Europe/Warsaw) calendar dates.

    The announcement period is ``(starts_on − announced_on)`` in days; the duration counts both
    the first and the last day: ``(ends_on − starts_on) + 1`` (1–21 March is 21 days). Forms and
    channels may be given as enum members or their string values.
    """

    announced_on: date
    starts_on: date
    ends_on: date
    forms: frozenset[Form]
    channels: frozenset[Channel]
    report_planned: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "forms", frozenset(Form(f) for f in self.forms))
        object.__setattr__(self, "channels", frozenset(Channel(c) for c in self.channels))

    @property
    def announcement_days(self) -> int:
        return (self.starts_on - self.announced_on).days

    @property
    def duration_days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


@dataclass(frozen=True, slots=True)
class Violation:
    """One reason a plan cannot be published. ``code`` is stable (for tests and the UI)."""

    code: str
    text_pl: str
    text_en: str
    details: dict[str, JsonValue | list[str]] = field(default_factory=dict)


def check_plan(decision: Decision, planned: PlannedConsultation) -> list[Violation]:
    """Every way ``planned`` falls short of ``decision``; an empty list means it may be published.

    Codes: ``dates_out_of_order``, ``announcement_too_short``, ``duration_too_short``,
    ``too_few_forms``, ``no_meeting_or_workshop``, ``missing_forms``, ``missing_channels``,
    ``no_report``. The legal floors are checked even if ``decision`` was built from custom data.
    """
    out: list[Violation] = []
    if planned.announced_on > planned.starts_on or planned.ends_on < planned.starts_on:
        out.append(
            Violation(
                "dates_out_of_order",
                "Daty są w złej kolejności: ogłoszenie musi poprzedzać rozpoczęcie, a zakończenie "
                "nie może być przed rozpoczęciem.",
                "The dates are out of order: the announcement must come before the start and the "
                "end cannot be before the start.",
                {
                    "announced_on": planned.announced_on.isoformat(),
                    "starts_on": planned.starts_on.isoformat(),
                    "ends_on": planned.ends_on.isoformat(),
                },
            )
        )
    need = max(decision.announcement_days, ANNOUNCEMENT_FLOOR_DAYS)
    if planned.announcement_days < need:
        out.append(
            Violation(
                "announcement_too_short",
                f"Konsultacje trzeba ogłosić co najmniej {need} dni przed rozpoczęciem; "
                f"zaplanowano {planned.announcement_days}.",
                f"The consultation must be announced at least {need} days before it starts; "
                f"{planned.announcement_days} are planned.",
                {"required": need, "planned": planned.announcement_days},
            )
        )
    need = max(decision.duration_days, DURATION_FLOOR_DAYS)
    if planned.duration_days < need:
        out.append(
            Violation(
                "duration_too_short",
                f"Konsultacje muszą trwać co najmniej {need} dni; zaplanowano "
                f"{planned.duration_days}.",
                f"The consultation must last at least {need} days; {planned.duration_days} are "
                "planned.",
                {"required": need, "planned": planned.duration_days},
            )
        )
    if len(planned.forms) < FORMS_FLOOR:
        out.append(
            Violation(
                "too_few_forms",
                f"Potrzebne są co najmniej {FORMS_FLOOR} formy konsultacji; zaplanowano "
                f"{len(planned.forms)}.",
                f"At least {FORMS_FLOOR} forms of consultation are needed; "
                f"{len(planned.forms)} are planned.",
                {"required": FORMS_FLOOR, "planned": len(planned.forms)},
            )
        )
    if not planned.forms & MEETING_FORMS:
        out.append(
            Violation(
                "no_meeting_or_workshop",
                "Wśród form musi być spotkanie lub warsztaty.",
                "The forms must include a meeting or a workshop.",
            )
        )
    missing_forms = [f for f in decision.forms if f not in planned.forms]
    if missing_forms:
        out.append(
            Violation(
                "missing_forms",
                "Brakuje obowiązkowych form: "
                + ", ".join(label(f, "pl") for f in missing_forms)
                + ".",
                "Mandatory forms are missing: "
                + ", ".join(label(f, "en") for f in missing_forms)
                + ".",
                {"missing": [str(f) for f in missing_forms]},
            )
        )
    missing_channels = [c for c in (*decision.channels, *ALL_CHANNELS) if c not in planned.channels]
    missing_channels = list(dict.fromkeys(missing_channels))
    if missing_channels:
        out.append(
            Violation(
                "missing_channels",
                "Mieszkańcy muszą móc wziąć udział także: "
                + ", ".join(label(c, "pl") for c in missing_channels)
                + ".",
                "Residents must also be able to take part: "
                + ", ".join(label(c, "en") for c in missing_channels)
                + ".",
                {"missing": [str(c) for c in missing_channels]},
            )
        )
    if not planned.report_planned:
        out.append(
            Violation(
                "no_report",
                "Raport z konsultacji jest obowiązkowy.",
                "A report on the consultation is mandatory.",
            )
        )
    return out


# --------------------------------------------------------------------------------------------
# The public "How we consult" page
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RuleDescription:
    id: str
    condition_pl: str
    condition_en: str
    effect_pl: str
    effect_en: str
    rationale_pl: str
    rationale_en: str


@dataclass(frozen=True, slots=True)
class LevelDescription:
    code: str
    label_pl: str
    label_en: str
    description_pl: str
    description_en: str
    announcement_days: int
    duration_days: int
    forms_pl: tuple[str, ...]
    forms_en: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PolicyDescription:
    """Everything the "How we consult" page shows, in both languages."""

    floors_pl: str
    floors_en: str
    combination_pl: str
    combination_en: str
    channels_pl: tuple[str, ...]
    channels_en: tuple[str, ...]
    levels: tuple[LevelDescription, ...]
    rules: tuple[RuleDescription, ...]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def describe_policy(
    rules: Sequence[Rule] = RULES, levels: Mapping[Level, LevelRequirements] = LEVELS
) -> PolicyDescription:
    """The rules and levels as presentable text (condition and effect in Polish and English)."""
    floors = _floors_reason()
    return PolicyDescription(
        floors_pl=floors.text_pl,
        floors_en=floors.text_en,
        combination_pl="Obowiązuje najwyższy poziom wskazany przez spełnione reguły; konsultacje "
        "są wymagane od poziomu „konsultowanie”. Do minimalnych terminów poziomu dodaje się dni z "
        "każdej spełnionej reguły, a do form poziomu — formy z każdej spełnionej reguły.",
        combination_en="The highest level named by the rules that apply is used; a consultation "
        "is required from the level “consult” up. The days of every rule that applies are added to "
        "the level's minimum periods, and its forms to the level's forms.",
        channels_pl=tuple(label(c, "pl") for c in ALL_CHANNELS),
        channels_en=tuple(label(c, "en") for c in ALL_CHANNELS),
        levels=tuple(
            LevelDescription(
                code=req.level.code,
                label_pl=req.level.label_pl,
                label_en=req.level.label_en,
                description_pl=req.description_pl,
                description_en=req.description_en,
                announcement_days=req.announcement_days,
                duration_days=req.duration_days,
                forms_pl=tuple(label(f, "pl") for f in _ordered(req.forms)),
                forms_en=tuple(label(f, "en") for f in _ordered(req.forms)),
            )
            for req in (levels[level] for level in Level)
        ),
        rules=tuple(
            RuleDescription(
                id=rule.id,
                condition_pl=_cap(" i ".join(_condition_text(c, "pl") for c in rule.when)),
                condition_en=_cap(" and ".join(_condition_text(c, "en") for c in rule.when)),
                effect_pl=_effect_text(rule, "pl"),
                effect_en=_effect_text(rule, "en"),
                rationale_pl=rule.rationale_pl,
                rationale_en=rule.rationale_en,
            )
            for rule in rules
        ),
    )
