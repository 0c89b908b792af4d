"""Public budget pages for the axe harness (pl and en); creates what they show."""

from decimal import Decimal

from consultations.budget import actions
from consultations.budget.models import Ballot, BallotChoice
from tests.consultations.budget import factories as f


def pages() -> list[str]:
    edition = f.edition(phase="voting", year=2091)
    pool = f.pool(edition=edition)
    project = f.project(pool=pool, title="Zielone podwórko")
    f.project(pool=pool)
    past = f.edition(phase="closed", year=2090)
    closed_pool = f.pool(edition=past, district_number=1, amount=Decimal("300000"))
    projects = [f.project(pool=closed_pool, cost=c) for c in ("200000", "100000", "150000")]
    for chosen in ([0], [0, 1], [2, 1], [2]):
        ballot = Ballot.objects.create(pool=closed_pool, channel="paper")
        for pos, i in enumerate(chosen, start=1):
            BallotChoice.objects.create(
                ballot=ballot, project=projects[i], position=pos, points=4 - pos
            )
    result = actions.pool_results_compute(pool=closed_pool)
    actions.pool_results_publish(result=result, acting_user=f.clerk("budget.publish_results"))
    return [
        "/budzet-obywatelski/",
        "/budzet-obywatelski/2091/",
        "/budzet-obywatelski/2090/",
        "/budzet-obywatelski/projekty/",
        "/budzet-obywatelski/projekty/?q=zzz-nothing",
        f"/budzet-obywatelski/projekty/{project.public_id}/",
        "/budzet-obywatelski/sprawdz-glos/",
        f"/budzet-obywatelski/sprawdz-glos/?code={ballot.check_code}",
        "/budzet-obywatelski/sprawdz-glos/?code=",
        f"/budzet-obywatelski/2090/wyniki/{closed_pool.public_id}/",
        f"/budzet-obywatelski/2091/wyniki/{pool.public_id}/",
    ]
