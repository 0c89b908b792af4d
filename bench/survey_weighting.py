"""Bench: weighting and aggregating a large survey (R-CON-3).

    python bench/survey_weighting.py [--respondents 100000] [--seed 2904]

Generates synthetic respondents (district 1–18, 6 age bands, 2 sexes) with a realistic skew —
older residents and the central districts answer far more often, so weighting matters — and 20
questions (single choice with 5 options, Likert 1–5, rating 0–10, multiple choice with 6 options;
about 5% item non-response), then runs :func:`consultations.weighting.aggregate_survey` and prints
the timings and the weighting figures. The population margins are the districts' registered
population from ``../shared/data/krakow-districts.csv`` when present (a fixed table otherwise) and
rough Kraków age and sex structures. Fixed seed: the figures are reproducible.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from consultations.weighting import (  # noqa: E402  (the path is set just above)
    Question,
    WeightingSettings,
    aggregate_survey,
    rake,
)

DISTRICTS_CSV = ROOT.parent / "shared" / "data" / "krakow-districts.csv"
AGE_BANDS = ("16-24", "25-34", "35-44", "45-54", "55-64", "65+")
# Approximate shares of Kraków's adult population by age band and by sex.
AGE_SHARES = (0.12, 0.20, 0.19, 0.15, 0.14, 0.20)
SEX_SHARES = {"F": 0.535, "M": 0.465}
# Relative propensity to answer a city survey: the young and the outer districts answer less.
AGE_PROPENSITY = (0.35, 0.6, 0.9, 1.1, 1.4, 1.8)
SEX_PROPENSITY = {"F": 1.25, "M": 0.8}


def district_population() -> dict[int, float]:
    if DISTRICTS_CSV.exists():
        with DISTRICTS_CSV.open(encoding="utf-8") as f:
            return {int(row["number"]): float(row["population"]) for row in csv.DictReader(f)}
    return {d: 30_000.0 + 4_000.0 * d for d in range(1, 19)}


def generate(
    n: int, seed: int, districts: dict[int, float]
) -> tuple[dict[str, np.ndarray], list[Question]]:
    rng = np.random.default_rng(seed)
    district_ids = np.array(sorted(districts))
    d_pop = np.array([districts[d] for d in district_ids])
    # Central districts (I–VII) answer about three times as often as Nowa Huta's (XIV–XVIII).
    d_prop = np.linspace(1.8, 0.6, district_ids.size)
    d_p = d_pop * d_prop / (d_pop * d_prop).sum()
    a_p = np.array(AGE_SHARES) * np.array(AGE_PROPENSITY)
    a_p /= a_p.sum()
    s_p = np.array([SEX_SHARES[s] * SEX_PROPENSITY[s] for s in ("F", "M")])
    s_p /= s_p.sum()
    district = rng.choice(district_ids, size=n, p=d_p)
    age = rng.choice(len(AGE_BANDS), size=n, p=a_p)
    sex = rng.choice(np.array(["F", "M"]), size=n, p=s_p)
    attributes = {"district": district, "age": np.array(AGE_BANDS)[age], "sex": sex}

    # Answers depend on age so that weighted and raw results differ.
    young = (age <= 1).astype(np.float64)
    questions: list[Question] = []
    for q in range(20):
        kind = q % 4
        missing = rng.random(n) < 0.05
        if kind == 0:  # single choice, 5 options (codes 1..5)
            base = np.array([0.3, 0.25, 0.2, 0.15, 0.1])
            pick = rng.choice(5, size=n, p=base) + 1
            pick = np.where((young > 0) & (rng.random(n) < 0.3), 5, pick)
            answers = np.where(missing, -1, pick)  # -1 is not an option: mapped below
            questions.append(
                Question(
                    id=f"q{q}",
                    kind="single",
                    answers=np.where(answers < 0, np.nan, answers),
                    options=(1, 2, 3, 4, 5),
                )
            )
        elif kind == 1:  # Likert 1..5
            x = np.clip(np.round(rng.normal(3.2 + 0.6 * young, 1.0, n)), 1, 5)
            x[missing] = np.nan
            questions.append(
                Question(id=f"q{q}", kind="numeric", answers=x, options=(1, 2, 3, 4, 5))
            )
        elif kind == 2:  # rating 0..10
            x = np.clip(np.round(rng.normal(6.5 - 1.5 * young, 2.0, n)), 0, 10)
            x[missing] = np.nan
            questions.append(
                Question(id=f"q{q}", kind="numeric", answers=x, options=tuple(range(11)))
            )
        else:  # multiple choice, 6 options
            p = np.array([0.5, 0.4, 0.3, 0.2, 0.15, 0.1])
            matrix = rng.random((n, 6)) < (p + 0.2 * young[:, None])
            questions.append(
                Question(
                    id=f"q{q}",
                    kind="multiple",
                    answers=matrix,
                    options=("a", "b", "c", "d", "e", "f"),
                    answered=~missing,
                )
            )
    return attributes, questions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2904)
    args = parser.parse_args()

    districts = district_population()
    total = sum(districts.values())
    population = {
        "district": districts,
        "age": {band: share * total for band, share in zip(AGE_BANDS, AGE_SHARES, strict=True)},
        "sex": {sex: share * total for sex, share in SEX_SHARES.items()},
    }

    t0 = time.perf_counter()
    attributes, questions = generate(args.respondents, args.seed, districts)
    t1 = time.perf_counter()
    settings = WeightingSettings()
    raked = rake(
        attributes,
        population,
        tolerance=settings.tolerance,
        max_iterations=settings.max_iterations,
        trim=settings.trim,
    )
    t2 = time.perf_counter()
    untrimmed = rake(attributes, population, tolerance=settings.tolerance)
    t3 = time.perf_counter()
    result = aggregate_survey(attributes, population, questions, settings=settings)
    t4 = time.perf_counter()
    stored = result.to_dict()
    t5 = time.perf_counter()

    report = raked.report
    trim = report.trimming
    print(
        f"respondents × questions        {args.respondents:,} × {len(questions)} (seed {args.seed})"
    )
    print(f"generation                     {(t1 - t0) * 1000:8.1f} ms")
    print(
        f"raking, no trimming            {(t3 - t2) * 1000:8.1f} ms  "
        f"({untrimmed.report.iterations} iterations, {untrimmed.report.cells} cells, "
        f"max margin error {untrimmed.report.max_margin_error:.2e}, "
        f"weights {untrimmed.report.min_weight:.3f}–{untrimmed.report.max_weight:.3f})"
    )
    if trim is not None:
        print(
            f"raking + trimming {trim.lower:g}–{trim.upper:g}       {(t2 - t1) * 1000:8.1f} ms  "
            f"({report.iterations} iterations + {trim.rounds} trimming rounds / "
            f"{trim.reraking_iterations} re-raking iterations, converged {report.converged}, "
            f"max margin error {report.max_margin_error:.2e}, "
            f"{trim.capped_respondents:,} respondents at a cap)"
        )
    print(f"full aggregation (rake + all)  {(t4 - t3) * 1000:8.1f} ms")
    print(f"to_dict()                      {(t5 - t4) * 1000:8.1f} ms")
    print(
        f"n = {report.n:,}   n_eff = {report.n_eff:,.1f}   deff = {report.deff:.3f}   "
        f"(untrimmed n_eff = {untrimmed.report.n_eff:,.1f}, deff = {untrimmed.report.deff:.3f})"
    )
    flagged = [
        f"{g.dimension}={g.category}" for g in result.groups if "under_represented" in g.flags
    ]
    print(f"under-represented groups       {', '.join(flagged) or 'none'}")
    q = result.questions[1]
    if q.raw_mean is not None and q.weighted_mean is not None:
        print(
            f"example {q.id} (Likert) mean     raw {q.raw_mean.mean:.3f}  "
            f"weighted {q.weighted_mean.mean:.3f} "
            f"[{q.weighted_mean.ci_low:.3f}, {q.weighted_mean.ci_high:.3f}]"
        )
    assert stored["n_respondents"] == args.respondents


if __name__ == "__main__":
    main()
