"""A matching run's input is least-privilege (issue 13, docs/adr/0009): a housing run's engine
input and profiles carry a household's need for a barrier-free flat or for care (health data),
and the run page names each case next to its flat. The export of such a run is given only to a
user who may see the health data of every case whose profile carries one (its responsible
caseworker, with the consent for health data); every other role, and a colleague who keeps the
housing transition of the same organisation, gets 403 with the reason and no export, and the
run page shows them neither the download nor what the needs decided. Mentoring and mediation
runs carry no special-category data in their inputs (the appointment's note never enters)."""

from __future__ import annotations

import io

import pytest
import pyzipper
from django.urls import reverse

from accounts_helpers import ROLES_AND_PUBLIC, login_client
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
from passgenau.apps.cases.services import (
    CasesError,
    consent_withdraw,
    housing,
    mediation,
    mentoring,
)
from passgenau.apps.cases.services.matching import area_run_export
from passgenau.apps.core.models import ProtectedExport

pytestmark = pytest.mark.django_db

PASSWORD = "a long export password"
FORM = {"password": PASSWORD, "password_again": PASSWORD}
COLLEAGUE = "colleague"  # keeps the housing transition of the same organisation
REFUSED = "only their responsible caseworkers may download them"
# what tells a reader the household's needs on the run page (English labels of housing-v1)
NEED_WORDS = ("Barrier-free where the household needs it", "A doctor nearby", "barrier-free access")


def _needs_run(responsible, run=True):
    """A run of ``responsible``'s organisation that proposed a barrier-free flat to its case's
    household, which needs it and someone of which needs care (the case only, no run, where
    not ``run``)."""
    case = make_case(responsible, name="Tetiana Melnyk")
    make_housing_request(case, barrier_free=True, care_need=True)
    for address, barrier_free in (("Barrierefrei 1", True), ("Treppenhaus 2", False)):
        make_flat(responsible, barrier_free=barrier_free, address=address, doctor_nearby=True)
    return case, housing.allocation_run(actor=responsible) if run else None


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


def _export(client, run):
    return client.post(reverse("cases:housing_run_export", args=[run.pk]), FORM)


def _profiles(client, response) -> str:
    download = client.get(response["Location"].rstrip("/") + "/download/")
    archive = pyzipper.AESZipFile(io.BytesIO(download.content))
    archive.setpassword(PASSWORD.encode())
    return "".join(archive.read(name).decode() for name in archive.namelist())


def test_a_colleague_who_keeps_housing_cannot_download_a_run_with_anothers_needs(client):
    responsible = caseworker()
    case, run = _needs_run(responsible)
    colleague = caseworker("colleague", case.organisation)
    login_client(client, colleague)
    url = reverse("cases:housing_run_export", args=[run.pk])
    page = client.get(url)
    assert page.status_code == 403 and REFUSED in page.content.decode()
    assert 'type="password"' not in page.content.decode()
    refused = _export(client, run)
    assert refused.status_code == 403 and REFUSED in refused.content.decode()
    assert not ProtectedExport.objects.exists()
    assert not AuditEntry.objects.filter(action="cases.enginerun.downloaded").exists()
    with pytest.raises(CasesError):  # the service refuses too, whoever calls it
        area_run_export(housing.HOUSING, colleague, run, password=PASSWORD)
    # the run page: no link to the download, the reason instead, and nothing the needs decided
    detail = client.get(reverse("cases:housing_run_detail", args=[run.pk])).content.decode()
    assert url not in detail and REFUSED in detail
    assert case.reference in detail  # the proposal is still shown, with its case
    assert [w for w in NEED_WORDS if w in detail] == []
    assert "shown only to the case&#x27;s responsible caseworker" in detail


def test_the_responsible_caseworker_with_the_consent_downloads_it_and_sees_why(client):
    responsible = caseworker()
    _case, run = _needs_run(responsible)
    login_client(client, responsible)
    url = reverse("cases:housing_run_export", args=[run.pk])
    detail = client.get(reverse("cases:housing_run_detail", args=[run.pk])).content.decode()
    assert url in detail and REFUSED not in detail
    assert "A doctor nearby" in detail  # the care need's criterion in the score
    assert 'type="password"' in client.get(url).content.decode()
    response = _export(client, run)
    assert response.status_code == 302
    profiles = _profiles(client, response)
    assert '"barrier_free"' in profiles and '"care_need"' in profiles
    assert AuditEntry.objects.filter(action="cases.enginerun.downloaded", actor=responsible)


def test_without_the_health_consent_the_responsible_caseworker_is_refused(client):
    responsible = caseworker()
    case, run = _needs_run(responsible)
    consent_withdraw(actor=responsible, case=case, purpose="health")
    login_client(client, responsible)
    assert _export(client, run).status_code == 403
    detail = client.get(reverse("cases:housing_run_detail", args=[run.pk])).content.decode()
    assert [w for w in NEED_WORDS if w in detail] == []
    assert not ProtectedExport.objects.exists()


def test_a_run_is_exported_by_whoever_may_see_the_needs_of_every_case_that_has_one(client):
    """Two caseworkers' households in one run, only the first's with a need: the first may
    download the run (it sees the only needs in it), the second may not. The second's
    household without needs is shown to the first without the reasons either: that a
    proposal's reasons are withheld tells nothing of whether its household has a need."""
    first = caseworker()
    case, _none = _needs_run(first, run=False)
    second = caseworker("second", case.organisation)
    other = make_case(second, name="Andrii Bondar")
    make_housing_request(other, adults=1)
    make_flat(first, max_persons=2, address="Klein 3")
    run = housing.allocation_run(actor=second)
    login_client(client, first)
    assert _export(client, run).status_code == 302
    detail = client.get(reverse("cases:housing_run_detail", args=[run.pk])).content.decode()
    assert detail.count("shown only to the case&#x27;s responsible caseworker") == 1
    client.logout()
    login_client(client, second)
    assert _export(client, run).status_code == 403


@pytest.mark.parametrize("role", [*ROLES_AND_PUBLIC, COLLEAGUE])
def test_the_export_of_a_run_with_needs_is_refused_to_every_role_but_the_responsible(
    role, client, user_for_role
):
    responsible = user_for_role("caseworker")
    case, run = _needs_run(responsible)
    reader = (
        caseworker("colleague", case.organisation) if role == COLLEAGUE else user_for_role(role)
    )
    if reader is not None:
        login_client(client, reader)
    url = reverse("cases:housing_run_export", args=[run.pk])
    answers = {client.get(url).status_code, _export(client, run).status_code}
    if role == "caseworker":
        assert answers == {200, 302}
        assert ProtectedExport.objects.filter(owner=responsible).count() == 1
    else:
        assert answers.isdisjoint({200, 302}) or (role == "public" and answers == {302})
        assert not ProtectedExport.objects.exists()
        if role == "public":  # to the login page, nothing else
            assert client.get(url)["Location"].startswith(reverse("accounts:login"))


def test_mentoring_and_mediation_runs_carry_no_special_category_data(client):
    """Their profiles hold catalogue tags only (languages, times, interests, area, district): a
    colleague who keeps the area downloads the run, and the appointment's note (health data,
    recorded with the consent for it) is in no file of it."""
    responsible = caseworker()
    note = "Schwangerschaftsvorsorge"
    make_mentor(responsible)
    mentee_case = make_case(responsible, name="Newcomer")
    make_mentee_request(mentee_case)
    mentoring_run = mentoring.mentoring_run(actor=responsible)
    make_mediator(responsible)
    make_mediation_request(make_case(responsible, name="Appointment"), note=note)
    mediation_run = mediation.mediation_run(actor=responsible)
    login_client(client, caseworker("colleague", mentee_case.organisation))
    for prefix, run in (("mentoring", mentoring_run), ("mediation", mediation_run)):
        url = reverse(f"cases:{prefix}_run_export", args=[run.pk])
        detail = client.get(reverse(f"cases:{prefix}_run_detail", args=[run.pk]))
        assert url in detail.content.decode()
        response = client.post(url, FORM)
        assert response.status_code == 302
        assert note not in _profiles(client, response)
