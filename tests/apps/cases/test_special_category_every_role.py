"""Special-category data of the housing transition and language mediation, for every role: a
household's need for a barrier-free flat or for care, and the note on what an appointment with
a language mediator is about, appear only to the responsible caseworker with the consent for
health data — on no page or API endpoint that shows the request to any other role, to a
colleague of the same organisation, or to the public."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts_helpers import ROLES_AND_PUBLIC, login_client
from cases_helpers import (
    caseworker,
    make_case,
    make_flat,
    make_housing_request,
    make_mediation_request,
    make_mediator,
)
from passgenau.apps.cases.models import FlatProposal, MediatorProposal
from passgenau.apps.cases.services import housing, mediation

pytestmark = pytest.mark.django_db

NOTE = "Schwangerschaftsvorsorge"
COLLEAGUE = "colleague"  # a caseworker of the same organisation, not the responsible one


def _setting(responsible):
    """A case of ``responsible`` with consent to health data, waiting for a barrier-free flat
    with someone who needs care (proposed and confirmed) and an appointment with a mediator
    whose note is health data (proposed and confirmed)."""
    case = make_case(responsible, name="Tetiana Melnyk")
    request = make_housing_request(case, barrier_free=True, care_need=True)
    make_flat(responsible, barrier_free=True, max_persons=4)
    housing_run = housing.allocation_run(actor=responsible)
    flat_proposal = FlatProposal.objects.get(run=housing_run)
    housing.flat_proposal_confirm(actor=responsible, proposal=flat_proposal)
    make_mediator(responsible)
    appointment = make_mediation_request(case, note=NOTE)
    mediation_run = mediation.mediation_run(actor=responsible)
    assignment = MediatorProposal.objects.get(run=mediation_run)
    mediation.mediator_proposal_confirm(actor=responsible, proposal=assignment)
    return case, request, appointment, housing_run, mediation_run, assignment


def _urls(case, request, appointment, housing_run, mediation_run, assignment) -> list[str]:
    """Every page and endpoint that shows the housing request or the appointment."""
    return [
        reverse("cases:case_detail", args=[case.pk]),
        reverse("cases:caseload"),
        reverse("cases:housing_request_create", args=[case.pk]),
        reverse("cases:housing"),
        reverse("cases:housing_run_detail", args=[housing_run.pk]),
        reverse("cases:housing_run_export", args=[housing_run.pk]),
        reverse("cases:housing_move", args=[request.pk]),
        reverse("cases:mediation_request_create", args=[case.pk]),
        reverse("cases:mediation"),
        reverse("cases:mediation_run_detail", args=[mediation_run.pk]),
        reverse("cases:mediation_run_export", args=[mediation_run.pk]),
        reverse("cases:mediation_assignment", args=[assignment.pk]),
        "/api/v1/cases/caseload",
    ]


def _leaks(html: str) -> list[str]:
    """What of the three special-category facts ``html`` tells."""
    found = []
    # the case page's words for the housing need ("3 Personen warten seit …, barrierefrei, jemand
    # ist pflegebedürftig: …"), on German and English pages
    if re.search(r", (barrierefrei|barrier-free)(?=[,:])", html):
        found.append("barrier-free need")
    if "jemand ist pflegebedürftig" in html or "someone needs care" in html:
        found.append("care need")
    # the request's form, filled in with the need
    for field in ("barrier_free", "care_need"):
        if re.search(rf'<input[^>]*name="{field}"[^>]*checked', html):
            found.append(f"{field} ticked in the form")
    if NOTE in html:
        found.append("appointment note")
    return found


@pytest.mark.parametrize("role", [*ROLES_AND_PUBLIC, COLLEAGUE])
def test_housing_need_and_appointment_note_only_for_the_responsible_caseworker(
    role, client, user_for_role
):
    responsible = user_for_role("caseworker")
    setting = _setting(responsible)
    case = setting[0]
    reader = (
        caseworker("colleague", case.organisation) if role == COLLEAGUE else user_for_role(role)
    )
    if reader is not None:
        login_client(client, reader)
    client.cookies["django_language"] = "de"
    told = {}
    for url in _urls(*setting):
        response = client.get(url)
        leaks = _leaks(response.content.decode())
        if leaks:
            told[url] = leaks
    if role == "caseworker":  # the responsible caseworker, with the consent for health data
        page = reverse("cases:case_detail", args=[case.pk])
        assert set(told[page]) == {"barrier-free need", "care need", "appointment note"}
    else:
        assert told == {}


def test_without_the_health_consent_the_responsible_caseworker_sees_neither(client):
    from passgenau.apps.cases.services import consent_withdraw

    responsible = caseworker()
    setting = _setting(responsible)
    consent_withdraw(actor=responsible, case=setting[0], purpose="health")
    login_client(client, responsible)
    client.cookies["django_language"] = "de"
    told = {url: _leaks(client.get(url).content.decode()) for url in _urls(*setting)}
    assert {url: leaks for url, leaks in told.items() if leaks} == {}
