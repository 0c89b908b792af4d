"""Public referendum pages for the axe harness (pl and en)."""

from consultations.referenda import actions
from tests.consultations.budget import factories as bf
from tests.consultations.referenda import factories as rf


def pages() -> list[str]:
    voters = [bf.resident() for _ in range(3)]
    open_one = rf.referendum(question="Czy otworzyć nowy park?")
    closed = rf.referendum(question="Czy wydłużyć godziny biblioteki?")
    for voter, answer in zip(voters, ["yes", "yes", "no"], strict=True):
        actions.referendum_vote(referendum=closed, user=voter, answer=answer)
    closed = actions.referendum_close(
        referendum=closed, acting_user=bf.clerk("referenda.manage_referendum")
    )
    actions.referendum_protocol_approve(
        referendum=closed, acting_user=bf.clerk("referenda.approve_protocol")
    )
    return [
        "/referenda/",
        f"/referenda/{open_one.public_id}/",
        f"/referenda/{closed.public_id}/",
    ]
