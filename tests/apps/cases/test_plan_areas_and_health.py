"""The integration plan's areas and the health area's two special fields on the pages: goals in
all seven areas shown with their area on the plan (the case page) and on the agreed version;
the vaccination status and the language for low-threshold health counselling shown to the
responsible caseworker with the consent for health data, and to nobody else."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from accounts_helpers import ROLES_AND_PUBLIC, login_client
from cases_helpers import case_with_health, caseworker, make_case
from passgenau.apps.cases import services
from passgenau.apps.cases.models import GoalArea

pytestmark = pytest.mark.django_db

# German page words of the areas (the page's language is German)
AREAS_DE = {
    "language": "Sprache",
    "work": "Arbeit und Ausbildung",
    "housing": "Wohnen",
    "health": "Gesundheit",
    "school": "Schule und Kita",
    "residence": "Aufenthaltsstatus",
    "participation": "Gesellschaftliche Teilhabe",
}


def _german(client):
    client.cookies["django_language"] = "de"
    return client


def test_goals_in_all_seven_areas_are_on_the_plan_and_its_agreed_version(client):
    actor = caseworker()
    case = make_case(actor)
    assert set(AREAS_DE) == set(GoalArea.values)
    for area in GoalArea.values:
        services.goal_create(
            actor=actor,
            case=case,
            area=area,
            title=f"Ziel {area}",
            responsible="Frau K.",
            due_on=dt.date(2026, 9, 30),
            review_on=dt.date(2026, 6, 30),
        )
    services.plan_agree(actor=actor, case=case, agreed_on=dt.date(2026, 1, 20))
    _german(login_client(client, actor))
    plan = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    version = client.get(reverse("cases:plan_version", args=[case.pk, 1])).content.decode()
    for area, words in AREAS_DE.items():
        heading = rf"<h[23][^>]*>\s*{re.escape(words)}: Ziel {area}\s*</h[23]>"
        assert re.search(heading, plan, re.I), (area, "plan")
        assert re.search(heading, version, re.I), (area, "version")


def _with_health(actor, purposes=None):
    return case_with_health(actor, purposes=purposes, counselling_language="ru")  # case: uk


def _health_facts(html: str) -> dict[str, str]:
    found = re.search(r'<dl class="facts" data-testid="health">(.*?)</dl>', html, re.S)
    if found is None:
        return {}
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", found.group(1), re.S)
    return {dt_.strip(): dd.strip() for dt_, dd in pairs}


VACCINATION = "unvollständig, Nachholen geplant"


def test_the_responsible_caseworker_with_consent_sees_vaccination_and_counselling_language(
    client,
):
    actor = caseworker()
    case = _with_health(actor)
    _german(login_client(client, actor))
    html = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    facts = _health_facts(html)
    assert facts["Impfstatus"] == VACCINATION
    assert facts["Sprache für niedrigschwellige Gesundheitsberatung"] == "Russisch"


@pytest.mark.parametrize("role", ROLES_AND_PUBLIC)
def test_vaccination_and_counselling_language_hidden_from_every_other_role(
    role, client_for_role, user_for_role
):
    responsible = user_for_role("caseworker")
    case = _with_health(responsible)
    response = _german(client_for_role(role)).get(reverse("cases:case_detail", args=[case.pk]))
    html = response.content.decode()
    if role == "caseworker":
        assert _health_facts(html)["Impfstatus"] == VACCINATION
        return
    assert response.status_code in (302, 403, 404)
    assert VACCINATION not in html and "Impfstatus" not in html and _health_facts(html) == {}


def test_vaccination_and_counselling_language_hidden_from_a_colleague_and_without_consent(
    client,
):
    actor = caseworker()
    case = _with_health(actor)
    _german(login_client(client, caseworker("kollegin", case.organisation)))
    html = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "Impfstatus" not in html and VACCINATION not in html and _health_facts(html) == {}
    services.consent_withdraw(actor=actor, case=case, purpose="health")
    _german(login_client(client, actor))
    html = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "Impfstatus" not in html and VACCINATION not in html and _health_facts(html) == {}
    # a case opened without the consent for health data shows neither
    without = _with_health(actor, purposes={"case_management", "billing"})
    html = client.get(reverse("cases:case_detail", args=[without.pk])).content.decode()
    assert "Impfstatus" not in html and _health_facts(html) == {}
