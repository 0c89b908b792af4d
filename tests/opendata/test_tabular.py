from hypothesis import given
from hypothesis import strategies as st

from opendata import tabular
from opendata.charts import chart_svg


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_integers_round_trip(number):
    assert tabular.cast_value("integer", str(number)) == number


@given(st.decimals(min_value=-(10**6), max_value=10**6, places=3, allow_nan=False))
def test_decimal_comma_numbers_parse(number):
    text = str(number).replace(".", ",")
    assert abs(tabular.cast_value("number", text, ",") - float(number)) < 1e-6


@given(st.text(max_size=50))
def test_casting_never_raises_anything_but_value_error(text):
    for kind in tabular.FIELD_TYPES:
        try:
            tabular.cast_value(kind, text, ",")
        except ValueError:
            pass


def test_polish_dates_and_booleans():
    assert tabular.cast_value("date", "05.03.2024") == "2024-03-05"
    assert tabular.cast_value("boolean", "Tak") is True
    assert tabular.cast_value("integer", " ") is None


def test_sniff_detects_cp1250_and_semicolon():
    dialect = tabular.sniff("miasto;wartość\nKraków;1,5\n".encode("cp1250"))
    assert dialect == tabular.Dialect("cp1250", ";", ",")


def test_chart_escapes_labels():
    svg = chart_svg(kind="bar", labels=["<script>"], values=[1.0], title="t", description="d")
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
