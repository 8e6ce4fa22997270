"""A run of a case area (housing, mentoring, mediation) is reproduced from its snapshot: the
downloaded engine instance solved again gives the run's placements, and "run again" on the page
says the engine proposes the same. The download is audited with the requests' ids only."""

from __future__ import annotations

import io
import zipfile

import pytest
import pyzipper
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from cases_helpers import (
    caseworker,
    make_case,
    make_flat,
    make_housing_request,
    make_mediation_request,
    make_mediator,
    make_mentee_request,
    make_mentor,
)
from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.cases.services import housing, mediation, mentoring
from passgenau.engine.matching.instance import read_instance
from passgenau.engine.matching.mechanisms import solve
from passgenau.engine.matching.model import SolveOptions

pytestmark = pytest.mark.django_db


PASSWORD = "a long export password"


def _housing_run(actor):
    for persons in (2, 4, 5):
        make_flat(actor, max_persons=persons, address=f"Flat {persons}")
    for i, adults in enumerate((1, 2, 3, 2)):
        make_housing_request(
            make_case(actor, name=f"Household {i}"), adults=adults, school_children=i % 2
        )
    return "housing", housing.allocation_run(actor=actor)


def _mentoring_run(actor):
    make_mentor(actor, name="A", capacity=2, interests=["music"])
    make_mentor(actor, name="B", languages=["ar", "de"])
    for i, own in enumerate(("uk", "uk", "ar")):
        make_mentee_request(make_case(actor, name=f"Newcomer {i}"), own_language=own)
    return "mentoring", mentoring.mentoring_run(actor=actor)


def _mediation_run(actor):
    make_mediator(actor, name="A", capacity=1)
    make_mediator(actor, name="B", languages=["ar"])
    for i, language in enumerate(("uk", "uk", "ar")):
        make_mediation_request(make_case(actor, name=f"Appointment {i}"), language=language)
    return "mediation", mediation.mediation_run(actor=actor)


@pytest.mark.parametrize("build", [_housing_run, _mentoring_run, _mediation_run])
def test_the_downloaded_instance_solved_again_gives_the_runs_placements(
    build, caseworker_client, tmp_path
):
    actor = caseworker()
    prefix, run = build(actor)
    url = reverse(f"cases:{prefix}_run_export", args=[run.pk])
    assert 'type="password"' in caseworker_client.get(url).content.decode()
    form = {"password": PASSWORD, "password_again": PASSWORD}
    page = caseworker_client.post(url, form)
    assert page.status_code == 302
    response = caseworker_client.get(page["Location"].rstrip("/") + "/download/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert f"{run.programme}-run-{run.number}.zip" in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as plain, pytest.raises(RuntimeError):
        plain.read("run.json")  # encrypted: not readable without the password
    archive = pyzipper.AESZipFile(io.BytesIO(response.content))
    archive.setpassword(PASSWORD.encode())
    names = set(archive.namelist())
    assert {"run.json", "placements.csv", "profiles/households.jsonl"} <= names
    archive.extractall(tmp_path)
    instance = read_instance(tmp_path / "instance")
    assert instance.input_hash() == run.input_hash
    result = solve(instance, "auto", SolveOptions())
    again = sorted(
        (instance.household_ids[h], instance.site_ids[s])
        for h, s in enumerate(result.assignment)
        if s >= 0
    )
    stored = sorted(
        tuple(line.split(",")[:2])
        for line in archive.read("placements.csv").decode().splitlines()[1:]
    )
    assert again == stored and stored  # the run proposed something, and the same again
    entry = AuditEntry.objects.get(action="cases.enginerun.downloaded")
    assert entry.data["ids"] == [h["id"] for h in run.snapshot["households"]]
    assert "Household" not in str(entry.data) and "Newcomer" not in str(entry.data)
    fetched = AuditEntry.objects.get(action="core.protectedexport.downloaded")
    assert fetched.object_id == str(entry.data["export"]) and fetched.actor == actor

    response = caseworker_client.post(
        reverse(f"cases:{prefix}_run_reproduce", args=[run.pk]), follow=True
    )
    with translation.override("de"):
        expected = gettext("Run again on its inputs, the engine proposes the same.")
    assert expected in [str(m) for m in response.context["messages"]]
