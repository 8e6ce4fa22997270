"""Starting a run on the page (issue 11, bug 3): in an open round it closes the intake, so the
page says so, names the unfinished interviews and starts only once the coordinator confirms."""

from __future__ import annotations

import pytest
from django.urls import reverse

from passgenau.apps.relocation.models import MatchingRun, Round, RoundStatus
from relocation_helpers import english, register  # noqa: F401 (fixture)
from relocation_matching_helpers import ready_round

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_an_open_round_starts_matching_only_when_confirmed(client_for_role):

    round_ = ready_round(2)
    unfinished = register(round_, external_reference="UNFINISHED")
    client = client_for_role("coordinator")
    url = reverse("relocation:run_list", kwargs={"pk": round_.pk})
    page = client.get(url).content.decode()
    assert "unfinished interviews can no longer be changed" in page
    assert "1 interview is not finished" in page and unfinished.reference in page
    refused = client.post(url, {"mechanism": "greedy", "seed": "0"})
    assert refused.status_code == 200
    assert "Confirm that the intake closes" in refused.content.decode()
    assert not MatchingRun.objects.filter(round=round_).exists()
    assert Round.objects.get(pk=round_.pk).status == RoundStatus.OPEN
    started = client.post(url, {"mechanism": "greedy", "seed": "0", "close_intake": "on"})
    assert started.status_code == 302, started.content.decode()[-3000:]
    assert MatchingRun.objects.filter(round=round_).count() == 1
    assert Round.objects.get(pk=round_.pk).status == RoundStatus.MATCHING
    # in matching the question is not asked again
    again = client.get(url).content.decode()
    assert "Close the intake" not in again
