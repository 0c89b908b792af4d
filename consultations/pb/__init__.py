"""Participatory-budget results engine: pure Python + numpy, no Django import anywhere.

* :mod:`~consultations.pb.pabulib` — read/write pabulib ``.pb`` files (strict, line numbers).
* :mod:`~consultations.pb.election` — the integer, grouped form the rules compute on.
* :mod:`~consultations.pb.rules` — greedy (Kraków), MES, MES add1; results and explanations.
* :mod:`~consultations.pb.cli` — ``pb_compute`` (wrapped by the management command).
* :mod:`~consultations.pb.pabutools_bridge` — the same rules via pabutools (tests/bench only).
"""
