"""Reading and writing participatory-budgeting elections in the pabulib ``.pb`` format.

The format (pabulib.org/format) is one UTF-8 text file with three sections, each a line naming the
section followed by a ``;``-separated header row and data rows, quoted as the ``csv`` module does::

    META                      PROJECTS                  VOTES
    key;value                 project_id;cost;...       voter_id;vote[;points];...
    budget;1000000            1;50000;...               v1;1,3[;3,2];...

This module is pure Python (no Django): plain frozen dataclasses in, text out. Parsing is strict:
anything that a results engine could silently misread raises :class:`PabulibError` carrying the
(1-based, physical) line number of the offending row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

__all__ = [
    "VOTE_TYPES",
    "WITHDRAWN_COST",
    "Instance",
    "PabulibError",
    "Project",
    "Vote",
    "dumps",
    "load",
    "loads",
    "write",
]

#: Ballot kinds this engine understands. ``choose-1`` is an approval ballot of length one.
VOTE_TYPES = frozenset({"approval", "choose-1", "ordinal", "cumulative", "scoring"})

#: Kraków marks a project withdrawn after it was on the ballot with this cost. It needs no special
#: case: it is an ordinary project that costs more than any budget, so no rule can fund it.
WITHDRAWN_COST = Decimal(999_999_999)

_SECTIONS = ("meta", "projects", "votes")
_PROJECT_CORE = ("project_id", "cost", "name")
_VOTE_CORE = ("voter_id", "vote", "points")


class PabulibError(ValueError):
    """A ``.pb`` text that is not a valid election. ``line`` is 1-based, or None for the file."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(f"line {line}: {message}" if line is not None else message)


@dataclass(frozen=True, slots=True)
class Project:
    """One project on the ballot. ``extra`` keeps every other column verbatim (votes, score,
    selected, category, latitude…), in file order."""

    project_id: str
    cost: Decimal
    name: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def selected(self) -> bool | None:
        """The recorded winner flag (``selected`` column), or None when the file has none."""
        value = self.extra.get("selected")
        if value is None or value == "":
            return None
        return value.strip() not in ("0", "")


@dataclass(frozen=True, slots=True)
class Vote:
    """One ballot: the chosen project ids in ballot order and, for points ballots, the points
    given to each (same length). ``extra`` keeps the other columns (voting_method, district,
    age, sex, neighborhood…)."""

    voter_id: str
    projects: tuple[str, ...]
    points: tuple[int, ...] | None = None
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Instance:
    """A whole election: META as a dict, projects keyed by id in file order, votes in file order.

    ``project_columns``/``vote_columns`` remember the header order so that :func:`dumps`
    reproduces the file's layout.
    """

    meta: Mapping[str, str]
    projects: Mapping[str, Project]
    votes: tuple[Vote, ...]
    project_columns: tuple[str, ...] = ("project_id", "cost", "name")
    vote_columns: tuple[str, ...] = ("voter_id", "vote")

    @property
    def budget(self) -> Decimal:
        return Decimal(self.meta["budget"])

    @property
    def vote_type(self) -> str:
        return self.meta.get("vote_type", "approval")

    def has_recorded_winners(self) -> bool:
        return "selected" in self.project_columns


# --------------------------------------------------------------------------------------------
# reading


def load(path: str | Path) -> Instance:
    """Parse the ``.pb`` file at ``path`` (UTF-8, a BOM is tolerated)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PabulibError(f"file is not valid UTF-8 ({exc.reason} at byte {exc.start})") from exc
    return loads(text)


def loads(text: str) -> Instance:
    """Parse ``.pb`` text into an :class:`Instance`; raise :class:`PabulibError` when malformed."""
    return _Parser(text).parse()


def _decimal(raw: str, what: str, line: int) -> Decimal:
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        raise PabulibError(f"{what} {raw!r} is not a number", line) from None
    if not value.is_finite():
        raise PabulibError(f"{what} {raw!r} is not a finite number", line)
    return value


class _Parser:
    def __init__(self, text: str) -> None:
        if text.startswith("\ufeff"):
            text = text[1:]
        # newline="" lets the csv module see CRLF/LF itself, so quoted fields may span lines and
        # reader.line_num counts physical lines (the number a person sees in an editor).
        self._reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")

    def _rows(self) -> Iterator[tuple[int, list[str]]]:
        try:
            for row in self._reader:
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue  # blank lines separate nothing in pabulib; skip them
                yield self._reader.line_num, row
        except csv.Error as exc:
            raise PabulibError(f"unreadable CSV: {exc}", self._reader.line_num) from exc

    def parse(self) -> Instance:
        sections: dict[str, tuple[int, list[str], list[tuple[int, list[str]]]]] = {}
        current: str | None = None
        expect_header = False
        for line, row in self._rows():
            word = row[0].strip().lower()
            if len(row) == 1 and word in _SECTIONS:
                if word in sections:
                    raise PabulibError(f"section {word.upper()} appears twice", line)
                expected = _SECTIONS[len(sections)]
                if word != expected:
                    raise PabulibError(
                        f"section {word.upper()} found where {expected.upper()} was expected "
                        "(sections must be META, PROJECTS, VOTES in this order)",
                        line,
                    )
                current = word
                sections[word] = (line, [], [])
                expect_header = True
                continue
            if current is None:
                raise PabulibError("text before the META section", line)
            if expect_header:
                header = [h.strip() for h in row]
                sections[current] = (line, header, [])
                expect_header = False
                continue
            sections[current][2].append((line, row))
        for name in _SECTIONS:
            if name not in sections:
                raise PabulibError(f"missing section {name.upper()}")
            if not sections[name][1]:
                raise PabulibError(f"section {name.upper()} has no header row", sections[name][0])
        meta = self._meta(*sections["meta"])
        projects, project_columns = self._projects(*sections["projects"])
        votes, vote_columns = self._votes(meta, projects, *sections["votes"])
        # The declared counts are how a truncated download or a botched hand edit shows itself.
        for key, actual in (("num_projects", len(projects)), ("num_votes", len(votes))):
            declared = meta.get(key)
            if declared is not None and declared.strip() != str(actual):
                raise PabulibError(
                    f"META says {key}={declared} but the file has {actual}",
                    self._meta_lines.get(key),
                )
        return Instance(
            meta=meta,
            projects=projects,
            votes=votes,
            project_columns=project_columns,
            vote_columns=vote_columns,
        )

    @staticmethod
    def _check_header(
        header: list[str], required: tuple[str, ...], section: str, line: int
    ) -> None:
        seen: set[str] = set()
        for column in header:
            if not column:
                raise PabulibError(f"{section} header has an empty column name", line)
            if column in seen:
                raise PabulibError(f"{section} header repeats column {column!r}", line)
            seen.add(column)
        for column in required:
            if column not in seen:
                raise PabulibError(f"{section} header lacks the {column!r} column", line)

    def _meta(
        self, line: int, header: list[str], rows: list[tuple[int, list[str]]]
    ) -> dict[str, str]:
        if header[:2] != ["key", "value"] or len(header) != 2:
            raise PabulibError("META header must be 'key;value'", line)
        meta: dict[str, str] = {}
        self._meta_lines: dict[str, int] = {}
        for row_line, row in rows:
            if len(row) != 2:
                raise PabulibError(
                    f"META row needs 2 fields (key;value), found {len(row)}", row_line
                )
            key, value = row[0].strip(), row[1].strip()
            if not key:
                raise PabulibError("META row with an empty key", row_line)
            if key in meta:
                raise PabulibError(f"META key {key!r} repeated", row_line)
            meta[key] = value
            self._meta_lines[key] = row_line
        budget_raw = meta.get("budget")
        if budget_raw is None:
            raise PabulibError("META has no 'budget'", line)
        budget_line = self._meta_lines["budget"]
        if _decimal(budget_raw, "budget", budget_line) <= 0:
            raise PabulibError(f"budget must be positive, got {budget_raw}", budget_line)
        vote_type = meta.setdefault("vote_type", "approval")
        if vote_type not in VOTE_TYPES:
            raise PabulibError(
                f"unsupported vote_type {vote_type!r} (expected one of {sorted(VOTE_TYPES)})",
                self._meta_lines["vote_type"],
            )
        for key in ("min_length", "max_length"):
            if key in meta and not meta[key].strip().isdigit():
                raise PabulibError(
                    f"{key} {meta[key]!r} is not a whole number", self._meta_lines[key]
                )
        return meta

    def _projects(
        self, line: int, header: list[str], rows: list[tuple[int, list[str]]]
    ) -> tuple[dict[str, Project], tuple[str, ...]]:
        self._check_header(header, ("project_id", "cost"), "PROJECTS", line)
        projects: dict[str, Project] = {}
        for row_line, row in rows:
            if len(row) != len(header):
                raise PabulibError(
                    f"project row has {len(row)} fields, the header has {len(header)}", row_line
                )
            values = dict(zip(header, row, strict=True))
            pid = values["project_id"].strip()
            if not pid:
                raise PabulibError("empty project_id", row_line)
            if pid in projects:
                raise PabulibError(f"project {pid!r} listed twice", row_line)
            cost = _decimal(values["cost"], f"cost of project {pid!r}", row_line)
            if cost <= 0:
                raise PabulibError(
                    f"cost of project {pid!r} must be positive, got {cost}", row_line
                )
            extra = {k: v for k, v in values.items() if k not in _PROJECT_CORE}
            projects[pid] = Project(pid, cost, values.get("name", ""), extra)
        if not projects:
            raise PabulibError("PROJECTS section lists no project", line)
        return projects, tuple(header)

    def _votes(
        self,
        meta: dict[str, str],
        projects: dict[str, Project],
        line: int,
        header: list[str],
        rows: list[tuple[int, list[str]]],
    ) -> tuple[tuple[Vote, ...], tuple[str, ...]]:
        self._check_header(header, ("voter_id", "vote"), "VOTES", line)
        vote_type = meta["vote_type"]
        has_points = "points" in header
        if vote_type in ("cumulative", "scoring") and not has_points:
            raise PabulibError(f"a {vote_type} election needs a 'points' column", line)
        n_fields = len(header)
        i_voter, i_vote = header.index("voter_id"), header.index("vote")
        i_points = header.index("points") if has_points else -1
        others = [(i, h) for i, h in enumerate(header) if h not in _VOTE_CORE]
        min_length = int(meta.get("min_length", "0"))
        max_length = (
            1 if vote_type == "choose-1" else int(meta.get("max_length", str(len(projects))))
        )
        voter_ids: set[str] = set()
        votes: list[Vote] = []
        # Ballots repeat a lot (65k voters, a few thousand distinct ballots): cache the parsed
        # tuples so that equal strings are validated once and share one tuple object.
        ballot_cache: dict[str, tuple[str, ...]] = {}
        points_cache: dict[str, tuple[int, ...]] = {}
        for row_line, row in rows:
            if len(row) != n_fields:
                raise PabulibError(
                    f"vote row has {len(row)} fields, the header has {n_fields}", row_line
                )
            voter_id = row[i_voter].strip()
            if not voter_id:
                raise PabulibError("empty voter_id", row_line)
            if voter_id in voter_ids:
                raise PabulibError(f"voter {voter_id!r} votes twice", row_line)
            voter_ids.add(voter_id)
            raw_vote = row[i_vote]
            ballot = ballot_cache.get(raw_vote)
            if ballot is None:
                ballot = self._ballot(raw_vote, projects, voter_id, row_line)
                ballot_cache[raw_vote] = ballot
            if not min_length <= len(ballot) <= max_length:
                raise PabulibError(
                    f"voter {voter_id!r} chose {len(ballot)} projects; this election allows "
                    f"{min_length} to {max_length}",
                    row_line,
                )
            points: tuple[int, ...] | None = None
            if has_points:
                raw_points = row[i_points]
                cached = points_cache.get(raw_points)
                if cached is None:
                    cached = self._points(raw_points, voter_id, row_line)
                    points_cache[raw_points] = cached
                points = cached
                if len(points) != len(ballot):
                    raise PabulibError(
                        f"voter {voter_id!r} lists {len(ballot)} projects but {len(points)} points",
                        row_line,
                    )
            votes.append(Vote(voter_id, ballot, points, {h: row[i] for i, h in others}))
        return tuple(votes), tuple(header)

    @staticmethod
    def _ballot(
        raw: str, projects: Mapping[str, Project], voter_id: str, line: int
    ) -> tuple[str, ...]:
        ids = tuple(p.strip() for p in raw.split(",")) if raw.strip() else ()
        seen: set[str] = set()
        for pid in ids:
            if not pid:
                raise PabulibError(f"voter {voter_id!r}: empty project id in vote {raw!r}", line)
            if pid not in projects:
                raise PabulibError(f"voter {voter_id!r} votes for unknown project {pid!r}", line)
            if pid in seen:
                raise PabulibError(f"voter {voter_id!r} lists project {pid!r} twice", line)
            seen.add(pid)
        return ids

    @staticmethod
    def _points(raw: str, voter_id: str, line: int) -> tuple[int, ...]:
        if not raw.strip():
            return ()
        points: list[int] = []
        for part in raw.split(","):
            text = part.strip()
            # Points are whole, non-negative numbers in every supported ballot kind; the rules do
            # exact integer arithmetic on them, so "2.5" or "-1" is an error, not a rounding.
            if not text.isdigit():
                raise PabulibError(
                    f"voter {voter_id!r}: points {raw!r} must be non-negative whole numbers", line
                )
            points.append(int(text))
        return tuple(points)


# --------------------------------------------------------------------------------------------
# writing


def dumps(instance: Instance) -> str:
    """Render ``instance`` as ``.pb`` text (LF line ends) that :func:`loads` reads back equal."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    for key, value in instance.meta.items():
        writer.writerow([key, value])
    writer.writerow(["PROJECTS"])
    project_columns = list(instance.project_columns)
    for column in ("project_id", "cost"):
        if column not in project_columns:
            project_columns.insert(0 if column == "project_id" else 1, column)
    writer.writerow(project_columns)
    for project in instance.projects.values():
        core = {"project_id": project.project_id, "cost": str(project.cost), "name": project.name}
        writer.writerow(
            [core[c] if c in core else project.extra.get(c, "") for c in project_columns]
        )
    writer.writerow(["VOTES"])
    vote_columns = list(instance.vote_columns)
    if any(v.points is not None for v in instance.votes) and "points" not in vote_columns:
        vote_columns.insert(2, "points")
    writer.writerow(vote_columns)
    for vote in instance.votes:
        core = {
            "voter_id": vote.voter_id,
            "vote": ",".join(vote.projects),
            "points": ",".join(map(str, vote.points or ())),
        }
        writer.writerow([core[c] if c in core else vote.extra.get(c, "") for c in vote_columns])
    return out.getvalue()


def write(instance: Instance, path: str | Path) -> None:
    """Write ``instance`` to ``path`` as UTF-8 ``.pb`` text."""
    Path(path).write_text(dumps(instance), encoding="utf-8", newline="")
