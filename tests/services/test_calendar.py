"""Tests for holidays, KPA deadlines and office hours (services/calendar.py, R-SRV-3, R-SRV-5)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.calendar import (
    WARSAW,
    OfficeHours,
    case_deadline,
    deadline_days,
    deadline_months,
    deadline_weeks,
    easter_sunday,
    is_overdue,
    is_public_holiday,
    is_working_day,
    next_working_day,
    polish_public_holidays,
    shift_to_working_day,
    today_in_warsaw,
)

# ---------------------------------------------------------------------------------- Easter


@pytest.mark.parametrize(
    "expected",
    [
        date(1818, 3, 22),
        date(1943, 4, 25),
        date(2008, 3, 23),
        date(2019, 4, 21),
        date(2024, 3, 31),
        date(2025, 4, 20),
        date(2026, 4, 5),
        date(2027, 3, 28),
        date(2038, 4, 25),
        date(2285, 3, 22),
    ],
)
def test_easter_sunday_matches_known_dates(expected):
    assert easter_sunday(expected.year) == expected


@settings(max_examples=200, deadline=None)
@given(year=st.integers(min_value=1583, max_value=9999))
def test_easter_is_a_sunday_between_22_march_and_25_april(year):
    easter = easter_sunday(year)

    assert easter.weekday() == 6
    assert date(year, 3, 22) <= easter <= date(year, 4, 25)


def test_easter_before_the_gregorian_calendar_is_refused():
    with pytest.raises(ValueError, match="1583"):
        easter_sunday(1500)


# ---------------------------------------------------------------------------------- holidays


def test_holidays_2026_are_the_fourteen_statutory_days():
    # given / when
    holidays = polish_public_holidays(2026)

    # then
    assert list(holidays) == [
        date(2026, 1, 1),
        date(2026, 1, 6),
        date(2026, 4, 5),  # Easter Sunday
        date(2026, 4, 6),  # Easter Monday
        date(2026, 5, 1),
        date(2026, 5, 3),
        date(2026, 5, 24),  # Pentecost = Easter + 49
        date(2026, 6, 4),  # Corpus Christi = Easter + 60
        date(2026, 8, 15),
        date(2026, 11, 1),
        date(2026, 11, 11),
        date(2026, 12, 24),
        date(2026, 12, 25),
        date(2026, 12, 26),
    ]
    assert holidays[date(2026, 6, 4)] == "Boże Ciało"


def test_christmas_eve_is_a_holiday_from_2025_but_not_in_2024():
    assert is_public_holiday(date(2025, 12, 24))
    assert not is_working_day(date(2025, 12, 24))
    assert not is_public_holiday(date(2024, 12, 24))
    assert is_working_day(date(2024, 12, 24))


def test_epiphany_is_a_holiday_from_2011():
    assert date(2011, 1, 6) in polish_public_holidays(2011)
    assert date(2010, 1, 6) not in polish_public_holidays(2010)


def test_years_before_1990_are_refused():
    with pytest.raises(ValueError, match="1990"):
        polish_public_holidays(1989)


def test_holiday_mapping_cannot_be_mutated_by_a_caller():
    holidays = polish_public_holidays(2026)

    with pytest.raises(TypeError):
        holidays[date(2026, 7, 1)] = "x"  # type: ignore[index]


def test_sunday_is_a_day_free_from_work_and_saturday_is_not_a_working_day():
    assert is_public_holiday(date(2026, 3, 8))  # an ordinary Sunday
    assert not is_public_holiday(date(2026, 3, 7))  # Saturday: not a holiday ...
    assert not is_working_day(date(2026, 3, 7))  # ... but not a working day either (art. 57 §4)
    assert is_working_day(date(2026, 3, 9))


def test_next_working_day_skips_the_easter_weekend():
    assert next_working_day(date(2026, 4, 3)) == date(2026, 4, 7)  # Good Friday → Tuesday


def test_datetime_is_rejected_where_a_date_is_expected():
    with pytest.raises(TypeError):
        is_working_day(datetime(2026, 1, 1, tzinfo=UTC))


# ------------------------------------------------------------------------------ KPA deadlines


def test_day_term_does_not_count_the_day_of_the_event():
    # given: delivery on Monday 2 March 2026; 14-day term (art. 57 §1)
    # when / then: ends Monday 16 March
    assert deadline_days(date(2026, 3, 2), 14) == date(2026, 3, 16)


def test_day_term_ending_on_saturday_moves_to_monday():
    # given: 7 days after Saturday 7 March 2026 is Saturday 14 March
    assert deadline_days(date(2026, 3, 7), 7) == date(2026, 3, 16)


def test_day_term_ending_on_easter_monday_moves_to_tuesday():
    assert deadline_days(date(2026, 3, 23), 14) == date(2026, 4, 7)


def test_term_ending_on_11_november_falling_on_saturday_moves_to_monday():
    # given: 11 Nov 2028 is a Saturday; employers give another day off for it, but for a KPA
    # term only the art. 57 §4 shift matters: Sat → Sun → Monday 13 Nov
    assert date(2028, 11, 11).weekday() == 5
    assert deadline_days(date(2028, 10, 28), 14) == date(2028, 11, 13)


def test_term_ending_on_christmas_eve_2025_moves_past_christmas_and_the_weekend():
    # given: Wed 24 Dec 2025 (holiday since 2025), 25-26 holidays, 27 Sat, 28 Sun
    assert deadline_days(date(2025, 12, 10), 14) == date(2025, 12, 29)


def test_term_ending_on_christmas_eve_2024_stays():
    assert deadline_days(date(2024, 12, 10), 14) == date(2024, 12, 24)


def test_chain_of_may_holidays_moves_to_monday_4_may_2026():
    # given: Fri 1 May (holiday) → Sat 2 May → Sun 3 May (holiday) → Monday 4 May
    assert deadline_days(date(2026, 4, 17), 14) == date(2026, 5, 4)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year: last day of February
        (date(2025, 1, 31), 1, date(2025, 2, 28)),  # Friday
        (date(2026, 1, 31), 1, date(2026, 3, 2)),  # 28 Feb 2026 is a Saturday → Monday
        (date(2026, 3, 31), 1, date(2026, 4, 30)),  # no 31 April
        (date(2026, 3, 15), 1, date(2026, 4, 15)),  # corresponding day
        (date(2025, 12, 31), 2, date(2026, 3, 2)),  # across the year; 28 Feb 2026 is Saturday
    ],
)
def test_month_term_ends_on_the_corresponding_day_or_the_last_day_of_the_month(
    start, months, expected
):
    assert deadline_months(start, months) == expected


def test_case_deadline_is_one_month_or_two_for_complex_cases():
    # given: proceedings started on Friday 15 May 2026
    start = date(2026, 5, 15)

    # when / then: 15 June (Mon); complex: 15 July (Wed)
    assert case_deadline(start) == date(2026, 6, 15)
    assert case_deadline(start, complex_case=True) == date(2026, 7, 15)


def test_case_deadline_adds_excluded_periods_before_the_weekend_shift():
    # given: 15 June 2026 + 5 days of suspension (art. 35 §5) = Saturday 20 June
    assert case_deadline(date(2026, 5, 15), excluded_days=5) == date(2026, 6, 22)


def test_week_term_ends_on_the_same_weekday():
    assert deadline_weeks(date(2026, 3, 4), 2) == date(2026, 3, 18)


@pytest.mark.parametrize("call", [deadline_days, deadline_months, deadline_weeks])
def test_non_positive_terms_are_refused(call):
    with pytest.raises(ValueError, match="≥ 1"):
        call(date(2026, 1, 1), 0)


def test_deadline_day_itself_is_not_overdue():
    deadline = date(2026, 5, 4)

    assert not is_overdue(deadline, date(2026, 5, 4))
    assert is_overdue(deadline, date(2026, 5, 5))


def test_today_in_warsaw_uses_local_date_not_utc():
    # given: 23:30 UTC on 31 Dec is already 1 Jan in Warsaw
    now = datetime(2025, 12, 31, 23, 30, tzinfo=UTC)

    assert today_in_warsaw(now) == date(2026, 1, 1)


def test_today_in_warsaw_refuses_naive_datetime():
    with pytest.raises(ValueError, match="aware"):
        today_in_warsaw(datetime(2026, 1, 1))  # noqa: DTZ001 - the point of the test


_dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2199, 12, 1))


@settings(max_examples=300, deadline=None)
@given(event=_dates, days=st.integers(min_value=1, max_value=60))
def test_day_deadline_is_a_working_day_at_most_five_days_after_the_raw_end(event, days):
    raw = event + timedelta(days=days)

    result = deadline_days(event, days)

    assert is_working_day(result)
    assert raw <= result <= raw + timedelta(days=5)
    # nothing in between was a working day (it is the *next* one)
    assert all(not is_working_day(raw + timedelta(days=k)) for k in range((result - raw).days))


def _raw_month_end(start: date, months: int) -> date:
    """Oracle for art. 57 §3: the corresponding day, or the last day of the final month."""
    year, month0 = divmod(start.year * 12 + start.month - 1 + months, 12)
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month0 + 1, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@settings(max_examples=300, deadline=None)
@given(start=_dates, months=st.integers(min_value=1, max_value=24))
def test_month_deadline_is_the_next_working_day_from_the_calendar_end(start, months):
    raw = _raw_month_end(start, months)

    result = deadline_months(start, months)

    assert is_working_day(result)
    assert raw <= result <= raw + timedelta(days=5)
    assert all(not is_working_day(raw + timedelta(days=k)) for k in range((result - raw).days))


def test_the_longest_shift_in_the_calendar_is_five_days():
    # given every day 1990-2299, the worst case is Christmas Eve on a Wednesday since 2025
    first, last = date(1990, 1, 1), date(2299, 12, 31)
    days = (first + timedelta(days=k) for k in range((last - first).days + 1))

    worst = max((shift_to_working_day(d) - d).days for d in days)

    assert worst == 5


# ------------------------------------------------------------------------------ office hours

_WEEKDAYS_0730_1530 = {wd: [(time(7, 30), time(15, 30))] for wd in range(5)}


def _warsaw(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WARSAW)


def test_office_is_open_inside_hours_and_closed_at_closing_time():
    office = OfficeHours(_WEEKDAYS_0730_1530)

    assert office.is_open(_warsaw(2026, 3, 9, 7, 30))
    assert office.is_open(_warsaw(2026, 3, 9, 15, 29))
    assert not office.is_open(_warsaw(2026, 3, 9, 15, 30))
    assert not office.is_open(_warsaw(2026, 3, 7, 10, 0))  # Saturday


def test_opening_hours_follow_local_time_across_the_spring_dst_change():
    # given: clocks go forward on Sunday 30 March 2025; 07:30 local is 06:30 UTC on Friday
    # and 05:30 UTC on Monday
    office = OfficeHours(_WEEKDAYS_0730_1530)

    # then
    assert not office.is_open(datetime(2025, 3, 28, 6, 0, tzinfo=UTC))  # 07:00 CET
    assert office.is_open(datetime(2025, 3, 31, 6, 0, tzinfo=UTC))  # 08:00 CEST
    assert not office.is_open(datetime(2025, 3, 31, 5, 0, tzinfo=UTC))  # 07:00 CEST


def test_next_opening_over_the_spring_dst_weekend_is_monday_0730_summer_time():
    office = OfficeHours(_WEEKDAYS_0730_1530)

    # when: asked on Friday evening before the change
    opening = office.next_opening(_warsaw(2025, 3, 28, 16, 0))

    # then
    assert opening == _warsaw(2025, 3, 31, 7, 30)
    assert opening is not None
    assert opening.utcoffset() == timedelta(hours=2)
    assert opening.astimezone(UTC) == datetime(2025, 3, 31, 5, 30, tzinfo=UTC)


def test_next_opening_over_the_autumn_dst_weekend_is_monday_0730_winter_time():
    office = OfficeHours(_WEEKDAYS_0730_1530)

    opening = office.next_opening(_warsaw(2025, 10, 24, 16, 0))

    assert opening is not None
    assert opening.astimezone(UTC) == datetime(2025, 10, 27, 6, 30, tzinfo=UTC)


def test_repeated_autumn_hour_is_compared_as_real_instants():
    # given: an office open 02:00-02:45 on Sunday 26 Oct 2025, the night the clocks go back;
    # the wall times are read as their first occurrence (CEST), i.e. 00:00-00:45 UTC
    office = OfficeHours({6: [(time(2, 0), time(2, 45))]})
    first_0230 = datetime(2025, 10, 26, 0, 30, tzinfo=UTC)  # 02:30 CEST
    second_0230 = datetime(2025, 10, 26, 1, 30, tzinfo=UTC)  # 02:30 CET, an hour later

    # then: a wall-clock comparison would call both open
    assert office.is_open(first_0230)
    assert not office.is_open(second_0230)
    assert second_0230.astimezone(WARSAW).hour == 2


def test_office_is_closed_on_a_public_holiday_on_a_weekday():
    office = OfficeHours(_WEEKDAYS_0730_1530)

    # when: Tuesday 11 November 2025
    assert not office.is_open(_warsaw(2025, 11, 11, 10, 0))
    assert office.next_opening(_warsaw(2025, 11, 10, 16, 0)) == _warsaw(2025, 11, 12, 7, 30)


def test_exception_replaces_weekly_hours_shorter_day_closure_and_holiday_opening():
    # given: short day on 23 Dec 2025, closed on Friday 2 Jan 2026, open on Sunday 12 Oct 2025
    office = OfficeHours(
        _WEEKDAYS_0730_1530,
        exceptions={
            date(2025, 12, 23): [(time(7, 30), time(12, 0))],
            date(2026, 1, 2): [],
            date(2025, 10, 12): [(time(9, 0), time(13, 0))],
        },
    )

    # then
    assert not office.is_open(_warsaw(2025, 12, 23, 12, 30))
    assert office.closes_at(_warsaw(2025, 12, 23, 11, 0)) == _warsaw(2025, 12, 23, 12, 0)
    assert not office.is_open(_warsaw(2026, 1, 2, 10, 0))
    assert office.is_open(_warsaw(2025, 10, 12, 10, 0))
    # 24-26 Dec holidays, 27-28 weekend, 29-31 open
    assert office.next_opening(_warsaw(2025, 12, 23, 13, 0)) == _warsaw(2025, 12, 29, 7, 30)
    # 1 Jan holiday, 2 Jan closed by exception, weekend → Monday 5 Jan
    assert office.next_opening(_warsaw(2025, 12, 31, 16, 0)) == _warsaw(2026, 1, 5, 7, 30)


def test_next_opening_with_split_hours_and_exact_opening_moment():
    office = OfficeHours({0: [(time(13, 0), time(17, 0)), (time(8, 0), time(12, 0))]})

    assert office.next_opening(_warsaw(2026, 3, 9, 12, 30)) == _warsaw(2026, 3, 9, 13, 0)
    assert office.next_opening(_warsaw(2026, 3, 9, 8, 0)) == _warsaw(2026, 3, 9, 8, 0)
    assert office.next_opening(_warsaw(2026, 3, 9, 8, 1)) == _warsaw(2026, 3, 9, 13, 0)


def test_office_that_never_opens_has_no_next_opening():
    assert OfficeHours({}).next_opening(_warsaw(2026, 1, 1, 0, 0), horizon_days=30) is None


def test_office_hours_refuse_naive_datetimes_and_bad_intervals():
    office = OfficeHours(_WEEKDAYS_0730_1530)

    with pytest.raises(ValueError, match="aware"):
        office.is_open(datetime(2026, 3, 9, 10, 0))  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError, match="before closing"):
        OfficeHours({0: [(time(16, 0), time(8, 0))]})
    with pytest.raises(ValueError, match="overlap"):
        OfficeHours({0: [(time(8, 0), time(12, 0)), (time(11, 0), time(13, 0))]})
    with pytest.raises(ValueError, match="0..6"):
        OfficeHours({7: [(time(8, 0), time(12, 0))]})
