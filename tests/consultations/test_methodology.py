"""The consultation methodology algorithm (consultations/methodology.py, R-CON-2)."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consultations.methodology import (
    ANNOUNCEMENT_FLOOR_DAYS,
    DURATION_FLOOR_DAYS,
    FORMS_FLOOR,
    LEVELS,
    MEETING_FORMS,
    RESOLUTION,
    RULES,
    Channel,
    Condition,
    Conflict,
    Decision,
    Form,
    Level,
    Matter,
    PlannedConsultation,
    Reversibility,
    Rule,
    check_plan,
    decide,
    describe_policy,
    validate_policy,
)

QUIET = dict(
    city_wide=False,
    districts=1,
    residents_affected=100,
    cost_pln=Decimal(0),
    reversibility=Reversibility.REVERSIBLE,
    legally_required=False,
    conflict=Conflict.LOW,
)


def quiet_matter(**changes: Any) -> Matter:
    return Matter(**{**QUIET, **changes})


def fired(decision: Decision) -> set[str]:
    rule_ids = {r.id for r in RULES}
    return {reason.rule_id for reason in decision.reasons if reason.rule_id in rule_ids}


# ---------------------------------------------------------------------------------------------
# Single rules at their thresholds
# ---------------------------------------------------------------------------------------------


def test_quiet_local_matter_needs_no_consultation_but_keeps_the_legal_floors() -> None:
    # given a small, cheap, reversible, uncontested matter in one district
    matter = quiet_matter()
    # when
    decision = decide(matter)
    # then nothing requires a consultation, yet a voluntary one would still meet the resolution
    assert not decision.required
    assert decision.level is Level.INFORM
    assert fired(decision) == set()
    assert decision.reasons[0].rule_id == "below-thresholds"
    assert decision.announcement_days == ANNOUNCEMENT_FLOOR_DAYS
    assert decision.duration_days == DURATION_FLOOR_DAYS
    assert len(decision.forms) >= FORMS_FLOOR
    assert set(decision.forms) & MEETING_FORMS
    assert set(decision.channels) == set(Channel)


@pytest.mark.parametrize(
    ("rule_id", "at_threshold", "just_over", "level"),
    [
        (
            "residents-10k",
            {"residents_affected": 10_000},
            {"residents_affected": 10_001},
            Level.CONSULT,
        ),
        (
            "residents-50k",
            {"residents_affected": 50_000},
            {"residents_affected": 50_001},
            Level.INVOLVE,
        ),
        (
            "cost-1m",
            {"cost_pln": Decimal("1000000")},
            {"cost_pln": Decimal("1000000.01")},
            Level.CONSULT,
        ),
        (
            "cost-5m",
            {"cost_pln": Decimal("5000000")},
            {"cost_pln": Decimal("5000000.01")},
            Level.INVOLVE,
        ),
        ("several-districts", {"districts": 2}, {"districts": 3}, Level.CONSULT),
        ("city-wide", {"city_wide": False}, {"city_wide": True}, Level.CONSULT),
        (
            "legal-obligation",
            {"legally_required": False},
            {"legally_required": True},
            Level.CONSULT,
        ),
        (
            "conflict-medium",
            {"conflict": Conflict.LOW},
            {"conflict": Conflict.MEDIUM},
            Level.CONSULT,
        ),
        (
            "conflict-high",
            {"conflict": Conflict.MEDIUM},
            {"conflict": Conflict.HIGH},
            Level.INVOLVE,
        ),
        (
            "hard-to-reverse",
            {"reversibility": Reversibility.REVERSIBLE},
            {"reversibility": Reversibility.HARD_TO_REVERSE},
            Level.INFORM,
        ),
        (
            "irreversible",
            {"reversibility": Reversibility.HARD_TO_REVERSE},
            {"reversibility": Reversibility.IRREVERSIBLE},
            Level.CONSULT,
        ),
        (
            "irreversible-high-conflict",
            {"reversibility": Reversibility.IRREVERSIBLE, "conflict": Conflict.MEDIUM},
            {"reversibility": Reversibility.IRREVERSIBLE, "conflict": Conflict.HIGH},
            Level.CO_DECIDE,
        ),
        (
            "irreversible-cost-50m",
            {"reversibility": Reversibility.IRREVERSIBLE, "cost_pln": Decimal("50000000")},
            {"reversibility": Reversibility.IRREVERSIBLE, "cost_pln": Decimal("50000000.01")},
            Level.CO_DECIDE,
        ),
    ],
)
def test_rule_fires_just_over_its_threshold_and_not_at_it(
    rule_id: str, at_threshold: dict[str, Any], just_over: dict[str, Any], level: Level
) -> None:
    # given the same quiet matter at the threshold and just over it
    # when
    below = decide(quiet_matter(**at_threshold))
    above = decide(quiet_matter(**just_over))
    # then only the second fires the rule, and the level is at least the rule's
    assert rule_id not in fired(below)
    assert rule_id in fired(above)
    assert above.level >= level
    reason = next(r for r in above.reasons if r.rule_id == rule_id)
    assert reason.text_pl
    assert reason.text_en
    assert reason.values


def _boundary_value(cond: Condition, satisfied: bool) -> Any:
    """A value of ``cond.field`` just satisfying (or just failing) the condition."""
    value = cond.value
    if isinstance(value, bool):
        return value if satisfied else not value
    if isinstance(value, Decimal):
        step = Decimal("0.01")
        return {
            (">", True): value + step,
            (">", False): value,
            (">=", True): value,
            (">=", False): value - step,
        }[(cond.op, satisfied)]
    if isinstance(value, int):
        return {
            (">", True): value + 1,
            (">", False): value,
            (">=", True): value,
            (">=", False): value - 1,
        }[(cond.op, satisfied)]
    members = list(type(value))  # an ordinal enum
    i = members.index(value)
    if cond.op == ">=":
        return value if satisfied else (members[i - 1] if i > 0 else None)
    if cond.op == ">":
        return members[i + 1] if satisfied else value
    return value if satisfied else members[(i + 1) % len(members)]


def _matter_with(values: dict[str, Any]) -> Matter:
    kwargs = dict(QUIET)
    for field_name, value in values.items():
        kwargs["districts" if field_name == "districts_count" else field_name] = value
    return Matter(**kwargs)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_published_rule_fires_exactly_from_its_own_thresholds(rule: Rule) -> None:
    # given the rule's conditions all just satisfied
    satisfied = {c.field: _boundary_value(c, True) for c in rule.when}
    # when / then it fires
    assert rule.id in fired(decide(_matter_with(satisfied)))
    # and failing any one condition by the smallest step stops it
    for cond in rule.when:
        failing = _boundary_value(cond, False)
        if failing is None:  # e.g. ">= lowest value": cannot fail
            continue
        assert rule.id not in fired(decide(_matter_with({**satisfied, cond.field: failing})))


def test_city_wide_matter_counts_as_all_eighteen_districts() -> None:
    # given a city-wide matter that names no districts
    decision = decide(quiet_matter(city_wide=True, districts=0))
    # then both the city-wide and the several-districts rules apply
    assert {"city-wide", "several-districts"} <= fired(decision)
    assert decision.announcement_days == ANNOUNCEMENT_FLOOR_DAYS + 7
    assert Form.PAPER_SURVEY in decision.forms
    assert Form.CONSULTATION_DUTY in decision.forms


def test_extra_days_of_several_fired_rules_add_up() -> None:
    # given an irreversible (+7 for hard-to-reverse, +7 for irreversible) high-conflict (+7) matter
    decision = decide(
        quiet_matter(reversibility=Reversibility.IRREVERSIBLE, conflict=Conflict.HIGH)
    )
    # then the co-decide level's 42 days get 21 more, and its forms and the rules' are all required
    assert decision.level is Level.CO_DECIDE
    assert decision.duration_days == LEVELS[Level.CO_DECIDE].duration_days + 21
    assert decision.announcement_days == LEVELS[Level.CO_DECIDE].announcement_days
    assert {Form.CITIZENS_PANEL, Form.WORKSHOP, Form.STUDY_WALK} <= set(decision.forms)


def test_reason_carries_the_triggering_values_and_both_languages() -> None:
    # given a 6-million project
    decision = decide(quiet_matter(cost_pln=Decimal("6000000")))
    # when
    reason = next(r for r in decision.reasons if r.rule_id == "cost-5m")
    # then
    assert reason.values == {"cost_pln": "6000000"}
    assert "5\u00a0000\u00a0000\u00a0zł" in reason.text_pl
    assert "6\u00a0000\u00a0000\u00a0zł" in reason.text_pl
    assert "PLN\u00a06,000,000" in reason.text_en
    json.dumps(decision.to_dict())
    assert decision.to_dict()["level"] == "involve"


# ---------------------------------------------------------------------------------------------
# Properties over random matters
# ---------------------------------------------------------------------------------------------

costs = st.decimals(min_value=0, max_value=200_000_000, places=2, allow_nan=False)
matters = st.builds(
    Matter,
    city_wide=st.booleans(),
    districts=st.one_of(
        st.integers(min_value=0, max_value=18),
        st.frozensets(st.integers(min_value=1, max_value=18), max_size=18),
    ),
    residents_affected=st.integers(min_value=0, max_value=1_000_000),
    cost_pln=costs,
    reversibility=st.sampled_from(Reversibility),
    legally_required=st.booleans(),
    conflict=st.sampled_from(Conflict),
)


@settings(max_examples=150, deadline=None)
@given(matter=matters)
def test_minimums_never_go_below_the_legal_floors(matter: Matter) -> None:
    # when
    decision = decide(matter)
    # then
    assert decision.announcement_days >= ANNOUNCEMENT_FLOOR_DAYS
    assert decision.duration_days >= DURATION_FLOOR_DAYS
    assert decision.report_required
    assert decision.required == (decision.level >= Level.CONSULT)
    if decision.required:
        assert len(set(decision.forms)) >= FORMS_FLOOR
        assert set(decision.forms) & MEETING_FORMS
        assert {Channel.ONLINE, Channel.PAPER, Channel.ASSISTED} <= set(decision.channels)
        assert decision.reasons
        # at least one fired rule explains why it is required
        requiring = {r.id for r in RULES if r.min_level >= Level.CONSULT}
        assert fired(decision) & requiring


def _at_least_as_demanding(bigger: Decision, smaller: Decision) -> bool:
    return (
        bigger.level >= smaller.level
        and bigger.announcement_days >= smaller.announcement_days
        and bigger.duration_days >= smaller.duration_days
        and set(bigger.forms) >= set(smaller.forms)
    )


@settings(max_examples=100, deadline=None)
@given(matter=matters, more=costs)
def test_higher_cost_never_lowers_the_requirements(matter: Matter, more: Decimal) -> None:
    bigger = dataclasses.replace(matter, cost_pln=matter.cost_pln + more)
    assert _at_least_as_demanding(decide(bigger), decide(matter))


@settings(max_examples=100, deadline=None)
@given(matter=matters, more=st.integers(min_value=0, max_value=200_000))
def test_more_residents_affected_never_lowers_the_requirements(matter: Matter, more: int) -> None:
    bigger = dataclasses.replace(matter, residents_affected=matter.residents_affected + more)
    assert _at_least_as_demanding(decide(bigger), decide(matter))


@settings(max_examples=100, deadline=None)
@given(matter=matters, conflict=st.sampled_from(Conflict))
def test_more_conflict_never_lowers_the_requirements(matter: Matter, conflict: Conflict) -> None:
    order = list(Conflict)
    higher = max(matter.conflict, conflict, key=order.index)
    assert _at_least_as_demanding(
        decide(dataclasses.replace(matter, conflict=higher)), decide(matter)
    )


@settings(max_examples=60, deadline=None)
@given(matter=matters)
def test_a_plan_matching_the_decision_exactly_has_no_violations(matter: Matter) -> None:
    # given a plan that takes exactly the minimums
    decision = decide(matter)
    announced = date(2025, 3, 1)
    start = announced + timedelta(days=decision.announcement_days)
    plan = PlannedConsultation(
        announced_on=announced,
        starts_on=start,
        ends_on=start + timedelta(days=decision.duration_days - 1),
        forms=frozenset(decision.forms),
        channels=frozenset(decision.channels),
    )
    # then
    assert check_plan(decision, plan) == []


# ---------------------------------------------------------------------------------------------
# check_plan
# ---------------------------------------------------------------------------------------------


def good_plan(**changes: Any) -> PlannedConsultation:
    values: dict[str, Any] = dict(
        announced_on=date(2025, 2, 22),
        starts_on=date(2025, 3, 1),  # 7 days after the announcement
        ends_on=date(2025, 3, 21),  # 1–21 March: 21 days
        forms=frozenset({Form.ONLINE_SURVEY, Form.COMMENTS, Form.MEETING}),
        channels=frozenset(Channel),
        report_planned=True,
    )
    values.update(changes)
    return PlannedConsultation(**values)


def codes(decision: Decision, plan: PlannedConsultation) -> set[str]:
    return {v.code for v in check_plan(decision, plan)}


def test_plan_at_the_exact_legal_minimums_passes() -> None:
    decision = decide(quiet_matter(legally_required=True))
    assert check_plan(decision, good_plan()) == []


def test_announcement_one_day_short_is_refused_with_the_reason() -> None:
    # given a plan announced 6 days before the start
    decision = decide(quiet_matter(legally_required=True))
    plan = good_plan(announced_on=date(2025, 2, 23))
    # when
    violations = check_plan(decision, plan)
    # then
    assert [v.code for v in violations] == ["announcement_too_short"]
    assert violations[0].details == {"required": 7, "planned": 6}
    assert "7 dni" in violations[0].text_pl
    assert "7 days" in violations[0].text_en


def test_twenty_day_consultation_is_too_short() -> None:
    decision = decide(quiet_matter(legally_required=True))
    assert codes(decision, good_plan(ends_on=date(2025, 3, 20))) == {"duration_too_short"}


def test_rule_extra_days_are_checked_not_only_the_floor() -> None:
    # given a city-wide matter (14 days of announcement) planned with the 7-day floor
    decision = decide(quiet_matter(city_wide=True))
    plan = good_plan(forms=frozenset(decision.forms), announced_on=date(2025, 2, 22))
    assert codes(decision, plan) == {"announcement_too_short"}


def test_dates_out_of_order_are_reported() -> None:
    decision = decide(quiet_matter())
    plan = good_plan(announced_on=date(2025, 3, 2))
    assert {"dates_out_of_order", "announcement_too_short"} <= codes(decision, plan)


def test_two_forms_are_too_few() -> None:
    decision = decide(quiet_matter())
    plan = good_plan(forms=frozenset({Form.MEETING, Form.ONLINE_SURVEY}))
    assert "too_few_forms" in codes(decision, plan)


def test_three_forms_without_a_meeting_or_workshop_are_refused() -> None:
    decision = decide(quiet_matter())
    plan = good_plan(forms=frozenset({Form.ONLINE_SURVEY, Form.COMMENTS, Form.PAPER_SURVEY}))
    found = codes(decision, plan)
    assert "no_meeting_or_workshop" in found
    assert "too_few_forms" not in found


def test_missing_mandatory_form_is_named() -> None:
    # given an irreversible matter, which requires a study walk
    decision = decide(quiet_matter(reversibility=Reversibility.IRREVERSIBLE))
    plan = good_plan(ends_on=date(2025, 4, 30))
    # when
    violations = [v for v in check_plan(decision, plan) if v.code == "missing_forms"]
    # then
    assert len(violations) == 1
    assert violations[0].details == {"missing": ["study_walk"]}
    assert "spacer studyjny" in violations[0].text_pl


def test_missing_assisted_channel_is_refused() -> None:
    decision = decide(quiet_matter(legally_required=True))
    plan = good_plan(channels=frozenset({"online", "paper"}))
    violations = check_plan(decision, plan)
    assert [v.code for v in violations] == ["missing_channels"]
    assert violations[0].details == {"missing": ["assisted"]}


def test_plan_without_a_report_is_refused() -> None:
    decision = decide(quiet_matter(legally_required=True))
    assert codes(decision, good_plan(report_planned=False)) == {"no_report"}


# ---------------------------------------------------------------------------------------------
# The rules as data
# ---------------------------------------------------------------------------------------------


def test_how_we_consult_page_describes_every_rule_in_both_languages() -> None:
    # when
    policy = describe_policy()
    # then
    assert [r.id for r in policy.rules] == [r.id for r in RULES]
    for rule in policy.rules:
        assert rule.condition_pl
        assert rule.condition_en
        assert rule.effect_pl
        assert rule.effect_en
        assert rule.rationale_pl
        assert rule.rationale_en
    texts = {r.id: r for r in policy.rules}
    assert "10\u00a0000" in texts["residents-10k"].condition_pl
    assert "10,000" in texts["residents-10k"].condition_en
    assert [lv.code for lv in policy.levels] == ["inform", "consult", "involve", "co_decide"]
    assert RESOLUTION in policy.floors_pl
    assert RESOLUTION in policy.floors_en
    json.dumps(policy.to_dict())


def test_edited_threshold_changes_the_decision() -> None:
    # given the city lowers the residents threshold to 5,000
    rules = tuple(
        dataclasses.replace(r, when=(Condition("residents_affected", ">", 5_000),))
        if r.id == "residents-10k"
        else r
        for r in RULES
    )
    matter = quiet_matter(residents_affected=6_000)
    # then the same matter now requires a consultation
    assert not decide(matter).required
    assert decide(matter, rules=rules).required


def test_policy_data_that_undercuts_the_resolution_is_refused() -> None:
    short = {**LEVELS, Level.CONSULT: dataclasses.replace(LEVELS[Level.CONSULT], duration_days=14)}
    with pytest.raises(ValueError, match="floors"):
        validate_policy(RULES, short)
    no_meeting = {
        **LEVELS,
        Level.CONSULT: dataclasses.replace(
            LEVELS[Level.CONSULT],
            forms=frozenset({Form.ONLINE_SURVEY, Form.COMMENTS, Form.PAPER_SURVEY}),
        ),
    }
    with pytest.raises(ValueError, match="meeting"):
        validate_policy(RULES, no_meeting)
    bad_rule = Rule("typo", (Condition("kosts", ">", Decimal(1)),), Level.CONSULT)
    with pytest.raises(ValueError, match="unknown field"):
        decide(quiet_matter(), rules=(*RULES, bad_rule))


def test_money_as_float_is_refused() -> None:
    with pytest.raises(TypeError):
        quiet_matter(cost_pln=1.5)


def test_district_outside_krakow_is_refused() -> None:
    with pytest.raises(ValueError, match="districts"):
        quiet_matter(districts=frozenset({19}))
