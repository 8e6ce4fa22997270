"""Pages of case management: the journey through the case page, field-level access to health
data for every role, audited reads without names, and a caseload whose query count does not
grow with the cases on it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts_helpers import ROLES_AND_PUBLIC, login_client
from cases_helpers import case_with_health, caseworker, make_case, make_contract
from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.cases import services
from passgenau.apps.cases.models import Case, Goal, GoalStatus, HourEntry

pytestmark = pytest.mark.django_db

SECRET_HEALTH = "Diabetes type 1, insulin"


def _with_health(purposes=None):
    return case_with_health(purposes=purposes, needs=SECRET_HEALTH)


@pytest.mark.parametrize("role", ROLES_AND_PUBLIC)
def test_health_data_only_for_the_responsible_caseworker(role, client_for_role, user_for_role):
    user_for_role("caseworker")  # the responsible caseworker is the caseworker role's user
    case = _with_health()
    response = client_for_role(role).get(reverse("cases:case_detail", args=[case.pk]))
    text = response.content.decode()
    if role == "caseworker":  # the responsible caseworker (the test caseworker opened it)
        assert response.status_code == 200 and SECRET_HEALTH in text
        assert AuditEntry.objects.filter(action="cases.healthrecord.read").exists()
    else:
        assert SECRET_HEALTH not in text
        assert response.status_code in (302, 403)


def test_health_hidden_from_a_colleague_and_without_consent(client):
    case = _with_health()
    colleague = caseworker("colleague", case.organisation)
    login_client(client, colleague)
    response = client.get(reverse("cases:case_detail", args=[case.pk]))
    assert response.status_code == 200 and SECRET_HEALTH not in response.content.decode()
    # the responsible caseworker without the consent (withdrawn) no longer sees it either
    services.consent_withdraw(actor=caseworker(), case=case, purpose="health")
    login_client(client, caseworker())
    response = client.get(reverse("cases:case_detail", args=[case.pk]))
    assert response.status_code == 200 and SECRET_HEALTH not in response.content.decode()
    with pytest.raises(services.CasesError):
        services.health_update(
            actor=caseworker(),
            case=case,
            vaccination_status="complete",
            counselling_language="",
            needs="",
        )


def test_other_organisations_case_is_not_found(client):
    from funding_helpers import organisation

    case = make_case()
    login_client(client, caseworker("elsewhere", organisation("Caritas", "provider")))
    assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code == 404
    url = reverse("cases:case_action", args=[case.pk, "note"])
    response = client.post(url, {"on": "2026-02-01", "kind": "phone", "text": "x"})
    assert response.status_code == 404


def test_reads_audited_with_pseudonyms_only(caseworker_client):
    case = make_case(name="Olena Kovalenko")
    caseworker_client.get(reverse("cases:caseload"))
    caseworker_client.get(reverse("cases:case_detail", args=[case.pk]))
    reads = AuditEntry.objects.filter(action__in=["cases.case.read", "cases.case.list"])
    assert {e.action for e in reads} == {"cases.case.read", "cases.case.list"}
    for entry in AuditEntry.objects.all():
        assert "Olena" not in f"{entry.object_repr} {entry.data}"


def test_case_page_journey(caseworker_client):
    client = caseworker_client
    today = dt.date.today()
    later = lambda days: (today + dt.timedelta(days=days)).isoformat()  # noqa: E731
    response = client.post(
        reverse("cases:case_create"),
        {
            "name": "Familie Petrenko",
            "kind": "household",
            "persons": 4,
            "language": "uk",
            "purposes": ["case_management", "referral", "billing", "health"],
            "given_on": "2026-01-05",
            "explained_in": "uk",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()

    def act(action, data):
        """POST one form of the case page (its fields carry the form's prefix)."""
        prefixed = {f"{action}-{k}": v for k, v in data.items()}
        url = reverse("cases:case_action", args=[case.pk, action])
        response = client.post(url, prefixed)
        assert response.status_code == 302, response.content.decode()[:2000]
        return response

    for area, title in [("language", "B1"), ("work", "Anerkennung"), ("school", "Kita")]:
        act(
            "goal",
            {
                "area": area,
                "title": title,
                "responsible": "Frau P.",
                "due_on": later(200),
                "review_on": later(90),
            },
        )
    goal = Goal.objects.get(title="B1")
    act("step", {"goal": goal.pk, "title": "VHS", "responsible": "x", "due_on": later(30)})
    act("plan_agree", {})
    act(
        "referral",
        {"offer_text": "Sprachcafé Johannstadt", "referred_on": later(0), "goal": goal.pk},
    )
    act("note", {"on": later(0), "kind": "phone", "text": "Termin"})
    contract = make_contract(case.organisation)
    act(
        "hours",
        {"contract": contract.pk, "on": later(0), "activity": "counselling", "hours": "1.75"},
    )
    entry = HourEntry.objects.get()
    act("correct", {"entry": entry.pk, "hours": "-0.25", "reason": "Tippfehler"})
    messages = [str(m) for m in client.get(case.get_absolute_url()).context["messages"]]
    assert not any("nicht" in m for m in messages), messages
    # a bad form comes back with the errors, status 400
    bad = client.post(
        reverse("cases:case_action", args=[case.pk, "goal"]),
        {"goal-area": "language", "goal-title": "", "goal-due_on": "x"},
    )
    assert bad.status_code == 400
    page = client.get(case.get_absolute_url()).content.decode()
    for text in ("Anerkennung", "Sprachcafé Johannstadt", "Termin", "VHS"):
        assert text in page
    assert case.plan_versions.count() == 1
    assert sum(e.hours for e in HourEntry.objects.all()) == Decimal("1.50")


def test_statement_pages_for_funder(funder_client, caseworker_client):
    case = make_case()
    contract = make_contract()
    services.hours_log(
        actor=caseworker(),
        case=case,
        contract=contract,
        on=dt.date(2026, 3, 2),
        activity="counselling",
        hours=Decimal("2.00"),
    )
    url = reverse("cases:contract_detail", args=[contract.pk]) + "?year=2026&month=3"
    for client in (funder_client, caseworker_client):
        text = client.get(url).content.decode()
        assert case.reference in text and "Olena" not in text and "124,80" in text
    pdf = funder_client.get(
        reverse("cases:statement_download", args=[contract.pk, "pdf"]) + "?year=2026&month=3"
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    api = funder_client.get(f"/api/v1/cases/contracts/{contract.pk}/statements/2026/3")
    assert api.json()["amount"] == "124.80"


def test_grant_page_shows_hours_budget(funder_client):
    case = make_case()
    contract = make_contract(budget=Decimal("2.00"))
    services.hours_log(
        actor=caseworker(),
        case=case,
        contract=contract,
        on=dt.date(2026, 3, 2),
        activity="counselling",
        hours=Decimal("2.50"),
    )
    text = funder_client.get(contract.grant.get_absolute_url()).content.decode()
    assert contract.name in text and "2,50" in text and "-0,50" in text


def _cases_with_work(n: int, actor, start: int = 0):
    for i in range(start, start + n):
        case = make_case(actor, name=f"P{i}")
        goal = services.goal_create(
            actor=actor,
            case=case,
            area="language",
            title="B1",
            responsible="x",
            due_on=dt.date(2026, 6, 1),
            review_on=dt.date(2026, 2, 1),
        )
        services.step_create(
            actor=actor, goal=goal, title="s", responsible="x", due_on=dt.date(2026, 2, 1)
        )
        services.note_create(actor=actor, case=case, on=dt.date(2026, 1, 6), kind="phone", text="t")


def test_caseload_figures_and_constant_queries(caseworker_client, django_assert_num_queries):
    actor = caseworker()
    _cases_with_work(2, actor)
    url = reverse("cases:caseload")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        response = caseworker_client.get(url)
    assert response.status_code == 200
    _cases_with_work(8, actor, start=2)
    with django_assert_num_queries(len(few.captured_queries)):
        response = caseworker_client.get(url)
    text = response.content.decode()
    assert 'data-testid="overdue">10 ' in text


@pytest.mark.parametrize(
    ("language", "due", "status"),
    [("de", "30.06.2026", "offen"), ("en", "06/30/2026", "open")],
)
def test_plan_version_shows_dates_in_the_page_language(client, language, due, status):
    """Bug (issue 11, bug 10): an agreed plan version showed its dates as stored (2026-06-30)
    on a German page, next to 30.06.2026 elsewhere."""
    from django.utils import translation

    actor = caseworker()
    case = make_case()
    goal = services.goal_create(
        actor=actor,
        case=case,
        area="language",
        title="B1",
        responsible="Frau K.",
        due_on=dt.date(2026, 6, 30),
        review_on=dt.date(2026, 3, 31),
    )
    services.step_create(
        actor=actor, goal=goal, title="VHS", responsible="caseworker", due_on=dt.date(2026, 6, 30)
    )
    services.plan_agree(actor=actor, case=case, agreed_on=dt.date(2026, 1, 20))
    login_client(client, actor)
    client.cookies["django_language"] = language
    page = client.get(reverse("cases:plan_version", args=[case.pk, 1]))
    html = page.content.decode()
    assert page.status_code == 200 and page["Content-Language"] == language
    assert "2026-06-30" not in html and "2026-03-31" not in html
    assert html.count(due) == 2  # the goal and its step
    with translation.override(language):
        assert str(dict(GoalStatus.choices)["open"]) == status
    assert f"· {status}</p>" in html


@pytest.mark.parametrize(
    ("hours", "warning"),
    [
        ("2.00", "Das Stundenbudget des Vertrags ist um 1 Stunde überschritten."),
        ("3.00", "Das Stundenbudget des Vertrags ist um 2 Stunden überschritten."),
        ("1.25", "Das Stundenbudget des Vertrags ist um 0,25 Stunden überschritten."),
    ],
)
def test_the_overrun_warning_counts_its_hours_in_german(caseworker_client, hours, warning):
    case = make_case()
    contract = make_contract(budget=Decimal("1.00"))
    url = reverse("cases:case_action", args=[case.pk, "hours"])
    data = {"contract": contract.pk, "on": "2026-03-02", "activity": "counselling", "hours": hours}
    response = caseworker_client.post(url, {f"hours-{k}": v for k, v in data.items()}, follow=True)
    assert warning in [str(m) for m in response.context["messages"]]
