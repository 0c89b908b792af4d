"""``manage.py pb_compute FILE.pb --rule {greedy,mes,mes-add1} [--json]``.

A thin wrapper: the work is done by :mod:`consultations.pb.cli`, which has no Django import and is
tested on its own. A malformed file exits with status 2 (not CommandError's 1), as the CLI does.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from consultations.pb import cli


class Command(BaseCommand):
    help = "Compute participatory-budget winners (greedy, MES, MES add1) from a pabulib .pb file."

    def add_arguments(self, parser: CommandParser) -> None:
        cli.add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        code = cli.run(
            options["file"],
            options["rule"],
            as_json=options["json"],
            out=self.stdout,  # type: ignore[arg-type]  # OutputWrapper is a TextIO in practice
            err=self.stderr,  # type: ignore[arg-type]
        )
        if code:
            raise SystemExit(code)
