from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accessibility import wcag


def test_table_holds_the_50_criteria_of_wcag_21_a_and_aa():
    assert len(wcag.CRITERIA) == 50
    assert sum(c.level == "A" for c in wcag.CRITERIA) == 30
    assert len(wcag.BY_NUMBER) == 50
    assert all(c.name_pl and c.name_en for c in wcag.CRITERIA)


def test_axe_tags_map_to_criteria():
    assert wcag.criterion_for_tag("wcag143") == "1.4.3"
    assert wcag.criterion_for_tag("wcag1410") == "1.4.10"
    assert wcag.criterion_for_tag("wcag2aa") is None
    assert wcag.criterion_for_tag("wcag146") is None  # AAA
    assert wcag.criteria_for_tags(["wcag412", "wcag111", "cat.aria"]) == ["1.1.1", "4.1.2"]


# Generation speed depends on the machine's load, not on the code under test.
@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.text(max_size=10)))
def test_any_tags_give_known_criteria_only(tags):
    assert set(wcag.criteria_for_tags(tags)) <= set(wcag.BY_NUMBER)
