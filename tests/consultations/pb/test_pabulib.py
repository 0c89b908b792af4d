"""The .pb parser: strict validation with line numbers, and a writer that round-trips."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from consultations.pb import pabulib
from consultations.pb.pabulib import PabulibError

DATA = Path(__file__).resolve().parents[2] / "data" / "pabulib"

GOOD = """META
key;value
description;Test
num_projects;3
num_votes;3
budget;100
vote_type;ordinal
max_length;2
PROJECTS
project_id;cost;name;selected
a;60;"Park ""Zielony"";  nowy";1
b;50;Ławki;0
c;999999999;Wycofany;0
VOTES
voter_id;vote;points;district
v1;a,b;2,1;Czyżyny
v2;b;2;
v3;c,a;2,1;Bieżanów
"""


def _replace(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


def test_valid_file_parses_into_projects_votes_and_meta() -> None:
    # when
    instance = pabulib.loads(GOOD)

    # then
    assert instance.budget == Decimal(100)
    assert instance.vote_type == "ordinal"
    assert list(instance.projects) == ["a", "b", "c"]
    assert instance.projects["a"].name == 'Park "Zielony";  nowy'
    assert instance.projects["a"].selected is True
    assert instance.projects["b"].selected is False
    assert instance.projects["c"].cost == pabulib.WITHDRAWN_COST
    assert instance.votes[0].projects == ("a", "b")
    assert instance.votes[0].points == (2, 1)
    assert instance.votes[0].extra == {"district": "Czyżyny"}
    assert instance.has_recorded_winners()


def test_crlf_line_ends_and_blank_lines_are_accepted() -> None:
    # given
    text = GOOD.replace("\n", "\r\n").replace("PROJECTS", "\r\nPROJECTS")

    # when
    instance = pabulib.loads(text)

    # then
    assert pabulib.loads(GOOD) == instance


@pytest.mark.parametrize(
    ("old", "new", "line", "fragment"),
    [
        ("budget;100\n", "", 2, "no 'budget'"),
        ("budget;100", "budget;sto", 6, "not a number"),
        ("budget;100", "budget;0", 6, "must be positive"),
        ("budget;100", "budget;-5", 6, "must be positive"),
        ("vote_type;ordinal", "vote_type;ranked", 7, "unsupported vote_type"),
        ("a;60;", "a;zero;", 11, "not a number"),
        ("a;60;", "a;0;", 11, "must be positive"),
        ("b;50;Ławki;0", "b;-50;Ławki;0", 12, "must be positive"),
        ("b;50;Ławki;0", "a;50;Ławki;0", 12, "listed twice"),
        ("b;50;Ławki;0", "b;50;Ławki", 12, "3 fields"),
        ("v2;b;2;", "v2;x;2;", 17, "unknown project 'x'"),
        ("v2;b;2;", "v2;b,b;2,1;", 17, "lists project 'b' twice"),
        ("v2;b;2;", "v1;b;2;", 17, "votes twice"),
        ("v2;b;2;", "v2;b;2,1;", 17, "1 projects but 2 points"),
        ("v2;b;2;", "v2;b;1.5;", 17, "non-negative whole numbers"),
        ("v2;b;2;", "v2;a,b,c;3,2,1;", 17, "allows 0 to 2"),
        ("num_votes;3", "num_votes;4", 5, "num_votes=4 but the file has 3"),
        ("num_projects;3", "num_projects;2", 4, "num_projects=2"),
        ("project_id;cost;name;selected", "project_id;name;selected;x", 10, "lacks the 'cost'"),
        ("voter_id;vote;points;district", "voter;vote;points;district", 15, "lacks the 'voter_id'"),
        ("key;value", "klucz;wartość", 2, "key;value"),
    ],
)
def test_malformed_input_raises_pabulib_error_with_the_line(
    old: str, new: str, line: int | None, fragment: str
) -> None:
    # given
    text = _replace(old, new)

    # when
    with pytest.raises(PabulibError) as caught:
        pabulib.loads(text)

    # then
    assert caught.value.line == line
    assert fragment in str(caught.value)
    assert str(caught.value).startswith(f"line {line}: ")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "missing section META"),
        ("META\nkey;value\nbudget;10\n", "missing section PROJECTS"),
        ("PROJECTS\nproject_id;cost\n", "where META was expected"),
        (GOOD.split("VOTES")[0], "missing section VOTES"),
        (GOOD + "VOTES\nvoter_id;vote\n", "appears twice"),
        ("hello\n" + GOOD, "before the META section"),
    ],
)
def test_missing_or_misplaced_sections_are_rejected(text: str, fragment: str) -> None:
    with pytest.raises(PabulibError, match=fragment):
        pabulib.loads(text)


def test_cumulative_vote_without_points_column_is_rejected() -> None:
    # given
    text = GOOD.replace("vote_type;ordinal", "vote_type;cumulative").replace(
        "voter_id;vote;points;district", "voter_id;vote;pts;district"
    )

    # when / then
    with pytest.raises(PabulibError, match="needs a 'points' column") as caught:
        pabulib.loads(text)
    assert caught.value.line == 15


def test_file_that_is_not_utf8_is_rejected(tmp_path: Path) -> None:
    # given
    path = tmp_path / "latin2.pb"
    path.write_bytes(GOOD.encode("cp1250"))

    # when / then
    with pytest.raises(PabulibError, match="not valid UTF-8"):
        pabulib.load(path)


def test_written_file_reads_back_equal(tmp_path: Path) -> None:
    # given
    instance = pabulib.loads(GOOD)

    # when
    pabulib.write(instance, tmp_path / "out.pb")
    again = pabulib.load(tmp_path / "out.pb")

    # then
    assert again == instance
    assert pabulib.dumps(again) == pabulib.dumps(instance)


@pytest.mark.parametrize(
    "name",
    [
        "Poland_Krakow_2022_Czyzyny.pb",
        "Poland_Wieliczka_2023_Green_Budget.pb",
        "Poland_Krakow_2019_Debniki.pb",
        "Poland_Krakow_2019_Bienczyce.pb",
    ],
)
def test_real_file_round_trips_through_the_writer(name: str) -> None:
    # given
    instance = pabulib.load(DATA / name)

    # when
    again = pabulib.loads(pabulib.dumps(instance))

    # then
    assert again == instance
    assert len(again.votes) == int(instance.meta["num_votes"])


def test_decimal_costs_survive_a_round_trip() -> None:
    # given
    text = GOOD.replace("a;60;", "a;60.25;").replace("budget;100", "budget;100.5")

    # when
    instance = pabulib.loads(pabulib.dumps(pabulib.loads(text)))

    # then
    assert instance.projects["a"].cost == Decimal("60.25")
    assert instance.budget == Decimal("100.5")
