"""The review and decision pages make a bounded number of queries, however many proposals."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts_helpers import login_client
from relocation_helpers import user
from relocation_matching_helpers import published_round

pytestmark = pytest.mark.django_db


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["review", "decisions", "arrivals"])
def test_query_count_does_not_grow_with_proposals(page):
    counts = []
    for n in (2, 8):
        round_, run = published_round(n)
        if page == "review":
            role, url = "coordinator", reverse("relocation:run_detail", args=[run.pk])
        elif page == "decisions":
            role, url = "municipal_officer", reverse("relocation:proposal_list")
        else:
            from passgenau.apps.relocation.services import decisions

            for proposal in run.proposals.all():
                decisions.proposal_decide_municipality(
                    actor=user("municipal_officer"), proposal=proposal, outcome="accept"
                )
                decisions.proposal_decide_household(
                    actor=user("interviewer"), proposal=proposal, outcome="accept"
                )
            role, url = "municipal_officer", reverse("relocation:arrival_list")
        client = login_client(Client(), user(role))
        client.get(url)  # warms the caches (content types), which the first request fills
        counts.append(queries(client, url))
        # next size: a fresh round (the old one is closed off by renaming nothing: new name)
        from passgenau.apps.relocation.models import Round

        Round.objects.filter(pk=round_.pk).update(name=f"old {round_.pk}")
    assert counts[0] == counts[1], counts
    assert counts[1] <= 25, counts
