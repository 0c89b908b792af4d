"""`make run`'s embedded default keeps working: SQLite migrates, seeds and serves the demo.

The suite itself runs on PostgreSQL only (config/settings/test.py refuses anything else), so
this test runs the local settings in a subprocess on a throw-away SQLite file: `migrate`,
`seed_demo`, then a small script requests the home page, every app's list pages and every
page they link to (one level), the API root, the open-data catalogue search, a dataset, a
resource, its CSV and the CKAN datastore_search — anonymous and as the demo resident and clerk.
No request may answer 5xx.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Runs inside the subprocess (local settings, the SQLite file already migrated and seeded).
CRAWL = r"""
import json, re, sys, traceback
from urllib.parse import urljoin, urlparse

import django

django.setup()
from django.test import Client

from opendata.models import Resource

LISTS = [
    "/", "/en/", "/konsultacje/", "/konsultacje/ankiety/", "/konsultacje/archiwum/",
    "/moje-konto/", "/budzet-obywatelski/", "/budzet-obywatelski/projekty/", "/referenda/",
    "/karta-krakowska/",
    "/e-uslugi/", "/dzielnice/", "/dzielnice/fundusze/", "/dzielnice/uchwaly/", "/dostepnosc/",
    "/otwarte-dane/", "/en/otwarte-dane/?q=drzew", "/otwarte-dane/?keyword=drzewa",
]
trees = Resource.objects.select_related("dataset").get(dataset__own_slug="nasadzenia-drzew")
resource = str(trees.public_id)
DIRECT = [
    "/api/v1/", "/api/schema/", "/opendata/catalog.ttl",
    f"/otwarte-dane/zbiory/{trees.dataset.slug}/", f"/otwarte-dane/zasoby/{resource}/",
    f"/otwarte-dane/zasoby/{resource}/?q=klon&sort=_id+desc",
    f"/otwarte-dane/zasoby/{resource}/dane.csv",
    "/api/3/action/package_search?q=drzew",
    f"/api/3/action/datastore_search?resource_id={resource}",
    f"/api/3/action/datastore_search?resource_id={resource}&q=klon&sort=_id%20desc&limit=5",
    f"/api/3/action/datastore_search?resource_id={resource}"
    '&filters={"dzielnica":"Krowodrza"}',
]
SKIP = re.compile(r"wyloguj|logout|/static/|/media/|/admin/")
USERS = [None, "mieszkaniec@demo.krakow.example", "urzednik@demo.krakow.example"]
results, bodies = {}, {}
for email in USERS:
    client = Client(HTTP_HOST="127.0.0.1")
    if email:
        assert client.login(email=email, password="demo-Krakow-2026"), email
    seen, queue = set(), [*LISTS, *DIRECT]
    linked = []
    for depth, paths in ((0, queue), (1, linked)):
        for path in paths:
            if path in seen or len(seen) >= (120 if email is None else 45):
                continue
            seen.add(path)
            key = f"{email or 'anonymous'} {path}"
            try:
                response = client.get(path)
            except Exception:
                results[key] = 599
                bodies[key] = traceback.format_exc()[-3000:]
                continue
            results[key] = response.status_code
            if response.status_code >= 500:
                bodies[key] = response.content.decode(errors="replace")[:3000]
            kind = response.get("Content-Type", "")
            if path.startswith("/api/3/") and response.status_code == 200:
                bodies[key] = response.content.decode()
            if depth == 0 and response.status_code == 200 and "html" in kind:
                for href in re.findall(r'href="([^"#]+)"', response.content.decode()):
                    url = urlparse(urljoin("http://127.0.0.1" + path, href.replace("&amp;", "&")))
                    target = url.path + (f"?{url.query}" if url.query else "")
                    if url.scheme in ("http", "") and url.netloc in ("", "127.0.0.1") and not SKIP.search(target):
                        linked.append(target)
json.dump({"status": results, "bodies": bodies}, sys.stdout)
"""


def _run(args: list[str], env: dict[str, str], timeout: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 — this interpreter, fixed arguments
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_local_settings_migrate_seed_and_serve_the_demo_on_sqlite(tmp_path: Path) -> None:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env = {
        **clean,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "PRIVATE_STORAGE_ROOT": str(tmp_path / "private"),
        "LOG_LEVEL": "WARNING",
    }
    migrate = _run(["manage.py", "migrate", "--noinput", "-v", "0"], env, timeout=300)
    assert migrate.returncode == 0, migrate.stderr[-3000:]
    seed = _run(["manage.py", "seed_demo"], env, timeout=300)
    assert seed.returncode == 0, seed.stderr[-3000:]

    crawl = _run(["-c", CRAWL], env, timeout=300)

    assert crawl.returncode == 0, crawl.stderr[-3000:]
    report = json.loads(crawl.stdout)
    status, bodies = report["status"], report["bodies"]
    failures = {key: bodies.get(key, "") for key, code in status.items() if code >= 500}
    assert failures == {}
    assert len(status) > 150  # the list pages and what they link to, for three users
    for user in ("anonymous", "mieszkaniec@demo.krakow.example", "urzednik@demo.krakow.example"):
        assert status[f"{user} /"] == 200
        assert status[f"{user} /otwarte-dane/"] == 200
    assert status["mieszkaniec@demo.krakow.example /moje-konto/"] == 200
    search = json.loads(bodies["anonymous /api/3/action/package_search?q=drzew"])
    assert search["result"]["count"] >= 1
    rows = [
        json.loads(body)["result"]
        for key, body in bodies.items()
        if key.startswith("anonymous /api/3/action/datastore_search")
    ]
    assert len(rows) == 3
    assert all(result["records"] for result in rows)
    assert {record["dzielnica"] for record in rows[2]["records"]} == {"Krowodrza"}
