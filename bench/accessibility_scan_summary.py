"""How fast a large axe result (many rules × nodes) is mapped to WCAG criteria before storing.

Prints rows/s for ``accessibility.actions.summarise_violations`` and tags/s for the tag map.
"""

import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from accessibility import wcag  # noqa: E402
from accessibility.actions import summarise_violations  # noqa: E402

random.seed(10)
TAGS = [f"wcag{c.number.replace('.', '')}" for c in wcag.CRITERIA] + [
    "wcag2a",
    "wcag2aa",
    "best-practice",
]
violations = [
    {
        "id": f"rule-{i % 90}",
        "impact": "serious",
        "help": "x",
        "tags": random.sample(TAGS, 3),
        "nodes": [{}] * random.randint(1, 50),
    }
    for i in range(5_000)
]
start = time.perf_counter()
rows = summarise_violations(violations)
elapsed = time.perf_counter() - start
print(
    f"summarise_violations: {len(violations)} violations -> {len(rows)} rows in {elapsed * 1000:.1f} ms"
)

tags = [random.choice(TAGS) for _ in range(200_000)]
start = time.perf_counter()
mapped = sum(wcag.criterion_for_tag(t) is not None for t in tags)
elapsed = time.perf_counter() - start
print(f"criterion_for_tag: {len(tags) / elapsed:,.0f} tags/s ({mapped} mapped)")
