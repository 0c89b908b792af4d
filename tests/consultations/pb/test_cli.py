"""The pure CLI behind ``manage.py pb_compute``: ids on stdout, --json, exit 2 on bad input."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from consultations.pb import cli, pabulib, rules

DATA = Path(__file__).resolve().parents[2] / "data" / "pabulib"
CZYZYNY = DATA / "Poland_Krakow_2022_Czyzyny.pb"


def _main(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("rule", rules.RULES)
def test_prints_selected_ids_one_per_line_in_selection_order(rule: rules.Rule) -> None:
    # when
    code, out, err = _main(str(CZYZYNY), "--rule", rule)

    # then
    assert code == 0
    assert err == ""
    assert out.splitlines() == list(rules.compute(pabulib.load(CZYZYNY), rule).selected)


def test_greedy_ids_are_the_recorded_krakow_winners() -> None:
    # when
    code, out, _ = _main(str(CZYZYNY), "--rule", "greedy")

    # then
    recorded = {p.project_id for p in pabulib.load(CZYZYNY).projects.values() if p.selected}
    assert code == 0
    assert set(out.split()) == recorded


def test_json_output_has_selection_money_and_project_details() -> None:
    # when
    code, out, _ = _main(str(CZYZYNY), "--rule", "mes-add1", "--json")

    # then
    assert code == 0
    data = json.loads(out)
    assert data["rule"] == "mes-add1"
    assert data["file"] == CZYZYNY.name
    assert data["selected"]
    assert data["budget"] == "1548961.00"
    assert float(data["spent"]) + float(data["left"]) == pytest.approx(float(data["budget"]))
    assert 0 < data["voters_with_funded_project"] <= data["voters"] == 1418
    by_id = {p["project_id"]: p for p in data["projects"]}
    assert set(by_id) == set(pabulib.load(CZYZYNY).projects)
    first = by_id[data["selected"][0]]
    assert first["selected"] is True
    assert first["explanation"]["status"] == "funded_mes"


def test_malformed_file_exits_2_with_the_line_on_stderr(tmp_path: Path) -> None:
    # given
    bad = tmp_path / "bad.pb"
    bad.write_text(
        CZYZYNY.read_text(encoding="utf-8").replace("1;430000;", "1;-430000;"), encoding="utf-8"
    )

    # when
    code, out, err = _main(str(bad), "--rule", "greedy")

    # then
    assert code == cli.EXIT_BAD_INPUT == 2
    assert out == ""
    assert "bad.pb" in err
    assert "line 23" in err
    assert "must be positive" in err


def test_missing_file_exits_2(tmp_path: Path) -> None:
    # when
    code, out, err = _main(str(tmp_path / "nope.pb"), "--rule", "mes")

    # then
    assert code == 2
    assert out == ""
    assert "no such file" in err


def test_unknown_rule_is_a_usage_error_with_exit_2() -> None:
    # when
    code, out, err = _main(str(CZYZYNY), "--rule", "dhondt")

    # then
    assert code == 2
    assert out == ""
    assert "invalid choice" in err
