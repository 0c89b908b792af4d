"""The WCAG 2.1 level A and AA success criteria (50) and the mapping of axe-core tags to them.

Pure data: no Django import. Names in Polish follow the official Polish translation of WCAG 2.1
(the one the 2019 act's annex refers to); English names are W3C's.
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Criterion:
    number: str
    level: str
    name_pl: str
    name_en: str

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_pl


_ROWS = [
    ("1.1.1", "A", "Treść nietekstowa", "Non-text Content"),
    (
        "1.2.1",
        "A",
        "Tylko audio lub tylko wideo (nagranie)",
        "Audio-only and Video-only (Prerecorded)",
    ),
    ("1.2.2", "A", "Napisy rozszerzone (nagranie)", "Captions (Prerecorded)"),
    (
        "1.2.3",
        "A",
        "Audiodeskrypcja lub alternatywa tekstowa dla mediów (nagranie)",
        "Audio Description or Media Alternative (Prerecorded)",
    ),
    ("1.2.4", "AA", "Napisy rozszerzone (na żywo)", "Captions (Live)"),
    ("1.2.5", "AA", "Audiodeskrypcja (nagranie)", "Audio Description (Prerecorded)"),
    ("1.3.1", "A", "Informacje i relacje", "Info and Relationships"),
    ("1.3.2", "A", "Zrozumiała kolejność", "Meaningful Sequence"),
    ("1.3.3", "A", "Właściwości zmysłowe", "Sensory Characteristics"),
    ("1.3.4", "AA", "Orientacja", "Orientation"),
    ("1.3.5", "AA", "Określenie pożądanej wartości", "Identify Input Purpose"),
    ("1.4.1", "A", "Użycie koloru", "Use of Color"),
    ("1.4.2", "A", "Kontrola odtwarzania dźwięku", "Audio Control"),
    ("1.4.3", "AA", "Kontrast (minimalny)", "Contrast (Minimum)"),
    ("1.4.4", "AA", "Zmiana rozmiaru tekstu", "Resize Text"),
    ("1.4.5", "AA", "Obrazy tekstu", "Images of Text"),
    ("1.4.10", "AA", "Dopasowanie do ekranu", "Reflow"),
    ("1.4.11", "AA", "Kontrast elementów nietekstowych", "Non-text Contrast"),
    ("1.4.12", "AA", "Odstępy w tekście", "Text Spacing"),
    ("1.4.13", "AA", "Treść spod kursora lub fokusu", "Content on Hover or Focus"),
    ("2.1.1", "A", "Klawiatura", "Keyboard"),
    ("2.1.2", "A", "Bez pułapki na klawiaturę", "No Keyboard Trap"),
    ("2.1.4", "A", "Jednoznakowe skróty klawiaturowe", "Character Key Shortcuts"),
    ("2.2.1", "A", "Dostosowanie czasu", "Timing Adjustable"),
    ("2.2.2", "A", "Pauza, zatrzymanie, ukrycie", "Pause, Stop, Hide"),
    ("2.3.1", "A", "Trzy błyski lub wartości poniżej progu", "Three Flashes or Below Threshold"),
    ("2.4.1", "A", "Możliwość pominięcia bloków", "Bypass Blocks"),
    ("2.4.2", "A", "Tytuł strony", "Page Titled"),
    ("2.4.3", "A", "Kolejność fokusu", "Focus Order"),
    ("2.4.4", "A", "Cel łącza (w kontekście)", "Link Purpose (In Context)"),
    ("2.4.5", "AA", "Wiele dróg", "Multiple Ways"),
    ("2.4.6", "AA", "Nagłówki i etykiety", "Headings and Labels"),
    ("2.4.7", "AA", "Widoczny fokus", "Focus Visible"),
    ("2.5.1", "A", "Gesty dotykowe", "Pointer Gestures"),
    ("2.5.2", "A", "Rezygnacja ze wskazania", "Pointer Cancellation"),
    ("2.5.3", "A", "Etykieta w nazwie", "Label in Name"),
    ("2.5.4", "A", "Aktywowanie ruchem", "Motion Actuation"),
    ("3.1.1", "A", "Język strony", "Language of Page"),
    ("3.1.2", "AA", "Język części", "Language of Parts"),
    ("3.2.1", "A", "Po otrzymaniu fokusu", "On Focus"),
    ("3.2.2", "A", "Podczas wprowadzania danych", "On Input"),
    ("3.2.3", "AA", "Spójna nawigacja", "Consistent Navigation"),
    ("3.2.4", "AA", "Spójna identyfikacja", "Consistent Identification"),
    ("3.3.1", "A", "Identyfikacja błędu", "Error Identification"),
    ("3.3.2", "A", "Etykiety lub instrukcje", "Labels or Instructions"),
    ("3.3.3", "AA", "Sugestie korekty błędów", "Error Suggestion"),
    (
        "3.3.4",
        "AA",
        "Zapobieganie błędom (prawnym, finansowym, w danych)",
        "Error Prevention (Legal, Financial, Data)",
    ),
    ("4.1.1", "A", "Poprawność kodu", "Parsing"),
    ("4.1.2", "A", "Nazwa, rola, wartość", "Name, Role, Value"),
    ("4.1.3", "AA", "Komunikaty o stanie", "Status Messages"),
]

CRITERIA: tuple[Criterion, ...] = tuple(Criterion(*row) for row in _ROWS)
BY_NUMBER: dict[str, Criterion] = {c.number: c for c in CRITERIA}
CHOICES: list[tuple[str, str]] = [(c.number, f"{c.number} {c.name_pl}") for c in CRITERIA]

_TAG = re.compile(r"^wcag(\d)(\d)(\d{1,2})$")


def criterion_for_tag(tag: str) -> str | None:
    """``"wcag143"`` → ``"1.4.3"``, ``"wcag1410"`` → ``"1.4.10"``; level tags and unknown
    criteria (``"wcag2aa"``, ``"wcag111"`` outside 2.1 A/AA…) → None."""
    match = _TAG.match(tag)
    if match is None:
        return None
    number = ".".join(match.groups())
    return number if number in BY_NUMBER else None


def criteria_for_tags(tags: list[str]) -> list[str]:
    """The 2.1 A/AA criteria an axe rule's tags name, in table order, without duplicates."""
    found = {n for n in (criterion_for_tag(t) for t in tags) if n is not None}
    return [c.number for c in CRITERIA if c.number in found]
