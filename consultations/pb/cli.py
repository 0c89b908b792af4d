"""Command-line front end of the results engine (``manage.py pb_compute`` wraps it).

``pb_compute FILE.pb --rule {greedy,mes,mes-add1} [--json]`` prints the selected project ids, one
per line in order of selection, or with ``--json`` one JSON object with the selection and every
project's score and explanation. Exit codes: 0 done, 2 bad usage or an unreadable/malformed file
(the message goes to stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from consultations.pb import pabulib
from consultations.pb.rules import RULES, Rule, compute, voters_with_funded_project

__all__ = ["EXIT_BAD_INPUT", "build_parser", "main", "run"]

EXIT_BAD_INPUT = 2


def build_parser(prog: str = "pb_compute") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog, description="Compute participatory-budget winners from a pabulib .pb file."
    )
    add_arguments(parser)
    return parser


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options, shared with the Django management command."""
    parser.add_argument("file", help="election in pabulib .pb format")
    parser.add_argument("--rule", choices=RULES, required=True, help="counting rule")
    parser.add_argument("--json", action="store_true", help="print a JSON object with details")


def run(path: str, rule: Rule, *, as_json: bool, out: TextIO, err: TextIO) -> int:
    """Compute and print; return the exit code."""
    try:
        instance = pabulib.load(path)
    except FileNotFoundError:
        err.write(f"error: {path}: no such file\n")
        return EXIT_BAD_INPUT
    except (IsADirectoryError, PermissionError) as exc:
        err.write(f"error: {path}: cannot read ({exc.strerror})\n")
        return EXIT_BAD_INPUT
    except pabulib.PabulibError as exc:
        err.write(f"error: {path}: invalid pabulib file: {exc}\n")
        return EXIT_BAD_INPUT
    outcome = compute(instance, rule)
    if as_json:
        payload: dict[str, Any] = {
            "file": Path(path).name,
            "voters": len(instance.votes),
            "voters_with_funded_project": voters_with_funded_project(instance, outcome.selected),
            **outcome.to_dict(),
        }
        out.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    elif outcome.selected:  # nothing at all for an empty selection, not an empty line
        out.write("".join(f"{pid}\n" for pid in outcome.selected))
    return 0


def main(
    argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Entry point: parse ``argv`` (default ``sys.argv[1:]``) and :func:`run`."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        # argparse reports usage errors by printing to stderr and raising SystemExit(2)
        saved, sys.stderr = sys.stderr, err
        try:
            args = parser.parse_args(argv)
        finally:
            sys.stderr = saved
    except SystemExit as exc:
        return int(exc.code or 0)
    return run(args.file, args.rule, as_json=args.json, out=out, err=err)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
