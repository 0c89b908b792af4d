"""Polish public holidays, KPA deadlines and office hours (R-SRV-3, R-SRV-5).

Pure module: no Django import.

Public holidays follow the Act of 18 January 1951 on days free from work (ustawa o dniach
wolnych od pracy, art. 1), as amended:
  * 1990 (3 May restored, 22 July removed) — the set from which this module starts;
  * 2011: 6 January (Epiphany) added (ustawa z 24 września 2010, Dz.U. 2010 nr 224 poz. 1459);
  * 2025: 24 December (Christmas Eve) added (ustawa z 6 grudnia 2024, Dz.U. 2024 poz. 1965).
Years before 1990 are refused rather than answered wrongly.

Deadlines follow the Code of Administrative Procedure (Kodeks postępowania administracyjnego,
KPA): art. 35 §3 (one month, two for particularly complex cases), art. 57 §1 (day-based terms
start the day after the event), art. 57 §3 (month-based terms end on the corresponding day, or
the month's last day), art. 57 §4 (an end on a Saturday or a day free from work moves to the
next day that is neither).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import Final
from zoneinfo import ZoneInfo

__all__ = [
    "FIRST_SUPPORTED_YEAR",
    "WARSAW",
    "OfficeHours",
    "case_deadline",
    "deadline_days",
    "deadline_months",
    "deadline_weeks",
    "easter_sunday",
    "is_overdue",
    "is_public_holiday",
    "is_working_day",
    "next_working_day",
    "polish_public_holidays",
    "shift_to_working_day",
    "today_in_warsaw",
]

WARSAW: Final = ZoneInfo("Europe/Warsaw")

#: The first year the current holiday set (with its dated amendments) describes.
FIRST_SUPPORTED_YEAR: Final = 1990

_EPIPHANY_SINCE: Final = 2011
_CHRISTMAS_EVE_SINCE: Final = 2025

SATURDAY: Final = 5
SUNDAY: Final = 6


# --------------------------------------------------------------------------------------------
# Holidays
# --------------------------------------------------------------------------------------------


def easter_sunday(year: int) -> date:
    """Western (Gregorian) Easter Sunday: the anonymous Gregorian algorithm (Meeus/Jones/Butcher).

    Valid for any Gregorian year (1583 onwards).
    """
    if year < 1583:
        raise ValueError(f"the Gregorian Easter computation needs a year ≥ 1583, got {year}")
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=256)
def polish_public_holidays(year: int) -> Mapping[date, str]:
    """The statutory public holidays of ``year`` (art. 1 ustawy o dniach wolnych od pracy).

    Returns date → Polish name, sorted by date. Ordinary Sundays are days free from work too
    (art. 1 pkt 2) but are not listed; :func:`is_public_holiday` covers them. Raises
    ``ValueError`` for years before :data:`FIRST_SUPPORTED_YEAR`.
    """
    if year < FIRST_SUPPORTED_YEAR:
        raise ValueError(
            f"holidays are modelled from {FIRST_SUPPORTED_YEAR} on (the law differed before)"
        )
    easter = easter_sunday(year)
    days: dict[date, str] = {
        date(year, 1, 1): "Nowy Rok",
        easter: "Wielkanoc",
        easter + timedelta(days=1): "Poniedziałek Wielkanocny",
        date(year, 5, 1): "Święto Pracy",
        date(year, 5, 3): "Święto Konstytucji 3 Maja",
        easter + timedelta(days=49): "Zielone Świątki",
        easter + timedelta(days=60): "Boże Ciało",
        date(year, 8, 15): "Wniebowzięcie Najświętszej Maryi Panny",
        date(year, 11, 1): "Wszystkich Świętych",
        date(year, 11, 11): "Narodowe Święto Niepodległości",
        date(year, 12, 25): "Boże Narodzenie (pierwszy dzień)",
        date(year, 12, 26): "Boże Narodzenie (drugi dzień)",
    }
    if year >= _EPIPHANY_SINCE:
        days[date(year, 1, 6)] = "Święto Trzech Króli"
    if year >= _CHRISTMAS_EVE_SINCE:
        days[date(year, 12, 24)] = "Wigilia Bożego Narodzenia"
    # Read-only: the mapping is cached and shared between callers.
    return MappingProxyType(dict(sorted(days.items())))


def _check_plain_date(d: date, name: str = "d") -> None:
    # datetime is a subclass of date; passing one here is almost always a timezone bug.
    if isinstance(d, datetime):
        raise TypeError(f"{name} must be a date, not a datetime (convert with today_in_warsaw)")


def is_public_holiday(d: date) -> bool:
    """True on Sundays and the statutory holidays: the "dni wolne od pracy" of the Act."""
    _check_plain_date(d)
    return d.weekday() == SUNDAY or d in polish_public_holidays(d.year)


def is_working_day(d: date) -> bool:
    """True if ``d`` is neither a Saturday nor a day free from work (art. 57 §4 KPA sense)."""
    return d.weekday() != SATURDAY and not is_public_holiday(d)


def next_working_day(d: date) -> date:
    """The first working day strictly after ``d``."""
    return shift_to_working_day(d + timedelta(days=1))


def shift_to_working_day(d: date) -> date:
    """``d`` itself if it is a working day, else the next working day (art. 57 §4 KPA)."""
    _check_plain_date(d)
    while not is_working_day(d):
        d += timedelta(days=1)
    return d


# --------------------------------------------------------------------------------------------
# KPA deadlines
# --------------------------------------------------------------------------------------------


def _add_months(start: date, months: int) -> date:
    """Art. 57 §3 KPA: the corresponding day of the final month, or its last day if none."""
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    next_year, next_month0 = divmod(index + 1, 12)
    last_day = (date(next_year, next_month0 + 1, 1) - timedelta(days=1)).day
    return date(year, month0 + 1, min(start.day, last_day))


def deadline_months(start: date, months: int) -> date:
    """The last day of a term of ``months`` months starting on ``start`` (art. 57 §3-4 KPA).

    The term ends on the day of the final month that corresponds to ``start``'s day (31 Jan +
    1 month → 28 or 29 Feb); an end on a Saturday or a day free from work moves to the next
    working day (§4). The action is on time if taken on or before the returned date.
    """
    _check_plain_date(start, "start")
    if months < 1:
        raise ValueError(f"months must be ≥ 1, got {months}")
    return shift_to_working_day(_add_months(start, months))


def deadline_weeks(event: date, weeks: int) -> date:
    """A term of ``weeks`` weeks (art. 57 §2 KPA): ends on the same weekday, then §4 shift."""
    _check_plain_date(event, "event")
    if weeks < 1:
        raise ValueError(f"weeks must be ≥ 1, got {weeks}")
    return shift_to_working_day(event + timedelta(weeks=weeks))


def deadline_days(event: date, days: int) -> date:
    """The last day of a ``days``-day term that starts with ``event`` (art. 57 §1, §4 KPA).

    The day of the event is not counted (§1), so a 14-day term after a delivery on 1 March ends
    on 15 March; an end on a Saturday or a day free from work moves to the next working day.
    """
    _check_plain_date(event, "event")
    if days < 1:
        raise ValueError(f"days must be ≥ 1, got {days}")
    return shift_to_working_day(event + timedelta(days=days))


def case_deadline(started: date, *, complex_case: bool = False, excluded_days: int = 0) -> date:
    """The statutory time to settle a case needing an investigation (art. 35 §3 KPA).

    One month from the start of the proceedings, two months for a particularly complex case.
    ``excluded_days`` are the periods art. 35 §5 leaves out (suspension, delays caused by the
    party or beyond the authority's control); they extend the raw end date before the art. 57
    §4 shift.
    """
    if excluded_days < 0:
        raise ValueError("excluded_days must not be negative")
    _check_plain_date(started, "started")
    raw = _add_months(started, 2 if complex_case else 1) + timedelta(days=excluded_days)
    return shift_to_working_day(raw)


def is_overdue(deadline: date, today: date) -> bool:
    """True once ``today`` is after ``deadline``: a term ends when its last day ends (art. 57
    §1 "upływ ostatniego dnia"), so the deadline day itself is still on time.

    Both are dates; obtain ``today`` from an aware datetime with :func:`today_in_warsaw`.
    """
    _check_plain_date(deadline, "deadline")
    _check_plain_date(today, "today")
    return today > deadline


def today_in_warsaw(now: datetime) -> date:
    """The calendar date in Kraków at the aware instant ``now``."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(WARSAW).date()


# --------------------------------------------------------------------------------------------
# Office hours
# --------------------------------------------------------------------------------------------

Interval = tuple[time, time]


def _validate_intervals(intervals: Sequence[Interval], where: str) -> tuple[Interval, ...]:
    result = tuple(sorted(intervals))
    for opens, closes in result:
        if opens.tzinfo is not None or closes.tzinfo is not None:
            raise ValueError(f"{where}: times are local Warsaw wall-clock times, without tzinfo")
        if not opens < closes:
            raise ValueError(f"{where}: opening {opens} must be before closing {closes}")
    for (_, prev_close), (next_open, _) in zip(result, result[1:], strict=False):
        if next_open < prev_close:
            raise ValueError(f"{where}: intervals overlap")
    return result


def _local(d: date, t: time) -> datetime:
    """The UTC instant of the Warsaw wall-clock time ``t`` on ``d``.

    A wall time that does not exist (02:30 on the last Sunday of March) is read with the offset
    before the change (fold=0), i.e. as 03:30 CEST; a repeated one (02:30 on the last Sunday of
    October) is its first occurrence. Office hours never sit in that hour in practice.
    """
    return datetime.combine(d, t, tzinfo=WARSAW).astimezone(UTC)


@dataclass(frozen=True)
class OfficeHours:
    """Opening hours of an office, in Warsaw local time.

    ``weekly`` maps a weekday (0 = Monday … 6 = Sunday) to opening intervals ``(open, close)``,
    half-open ``[open, close)``; a missing weekday is closed. ``exceptions`` map a date to the
    intervals of that day, replacing the weekly ones; an empty sequence means closed. Unless
    ``open_on_public_holidays``, the office is closed on public holidays that have no exception.
    """

    weekly: Mapping[int, Sequence[Interval]]
    exceptions: Mapping[date, Sequence[Interval]] = field(default_factory=dict)
    open_on_public_holidays: bool = False

    def __post_init__(self) -> None:
        weekly = {}
        for weekday, intervals in self.weekly.items():
            if weekday not in range(7):
                raise ValueError(f"weekday must be 0..6, got {weekday}")
            weekly[weekday] = _validate_intervals(intervals, f"weekday {weekday}")
        exceptions = {}
        for day, intervals in self.exceptions.items():
            _check_plain_date(day, "exception date")
            exceptions[day] = _validate_intervals(intervals, f"exception {day}")
        object.__setattr__(self, "weekly", weekly)
        object.__setattr__(self, "exceptions", exceptions)

    def intervals_on(self, day: date) -> list[tuple[datetime, datetime]]:
        """The opening intervals of a local calendar ``day`` as aware UTC instants."""
        _check_plain_date(day, "day")
        if day in self.exceptions:
            local = self.exceptions[day]
        elif not self.open_on_public_holidays and day in polish_public_holidays(day.year):
            local = ()
        else:
            local = self.weekly.get(day.weekday(), ())
        return [(_local(day, o), _local(day, c)) for o, c in local]

    def is_open(self, at: datetime) -> bool:
        """Whether the office is open at the aware instant ``at``."""
        return self.closes_at(at) is not None

    def closes_at(self, at: datetime) -> datetime | None:
        """The end (aware, Warsaw time) of the interval open at ``at``, or None if closed."""
        instant = _aware_utc(at)
        day = instant.astimezone(WARSAW).date()
        # Comparisons are between UTC instants: aware datetimes sharing a ZoneInfo compare by
        # wall clock, which is wrong in the repeated hour of the autumn change.
        for opens, closes in self.intervals_on(day):
            if opens <= instant < closes:
                return closes.astimezone(WARSAW)
        return None

    def next_opening(self, at: datetime, *, horizon_days: int = 400) -> datetime | None:
        """The first opening moment at or after ``at`` (aware, Warsaw time).

        Independent of whether the office is open at ``at``: if open, this is the next interval
        start (or ``at`` itself when ``at`` is exactly an opening moment). None if the office
        does not open within ``horizon_days``.
        """
        instant = _aware_utc(at)
        day = instant.astimezone(WARSAW).date()
        for offset in range(horizon_days + 1):
            for opens, _ in self.intervals_on(day + timedelta(days=offset)):
                if opens >= instant:
                    return opens.astimezone(WARSAW)
        return None


def _aware_utc(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("a timezone-aware datetime is required")
    return at.astimezone(UTC)
