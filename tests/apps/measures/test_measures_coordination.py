"""What the coordinating office does on the pages besides importing: areas for a plan made on the
page, actors added (and audited with the organisation they are linked to), the grants a measure
may name (only those the user sees, not every grant of the platform), and a closed plan that no
longer changes."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from accounts_helpers import login_client, make_user
from funding_helpers import make_grant, make_programme, organisation
from measures_helpers import coordinating_office, make_plan, role_organisation
from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.measures.models import Plan, PlanStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return make_user("municipal_officer", username="c-officer", organisation=coordinating_office())


@pytest.fixture
def officer_client(client, officer):
    return login_client(client, officer)


def test_a_plan_made_on_the_page_gets_its_areas_there(officer_client):
    officer_client.post(
        reverse("measures:plan_create"),
        {"name": "Integrationsfahrplan", "period_start": "2026-01-01", "period_end": "2028-12-31"},
    )
    plan = Plan.objects.get()
    new_area = reverse("measures:area_create", args=[plan.pk])
    # without an area no measure can be made: the page says so and links the area page
    page = officer_client.get(reverse("measures:measure_create", args=[plan.pk]))
    assert f'href="{new_area}"' in page.content.decode()
    assert f'href="{new_area}"' in officer_client.get(plan.get_absolute_url()).content.decode()
    response = officer_client.post(new_area, {"code": "3", "title": "Arbeit und Ausbildung"})
    assert response.status_code == 302
    area = plan.areas.get()
    assert (area.code, area.title) == ("3", "Arbeit und Ausbildung")
    entry = AuditEntry.objects.get(action="measures.area.created")
    assert entry.data == {"plan": plan.pk}
    again = officer_client.post(new_area, {"code": "3", "title": "Noch einmal"})
    assert set(again.context["form"].errors) == {"code"}
    blank = officer_client.post(new_area, {"code": "4", "title": "   "})
    assert set(blank.context["form"].errors) == {"title"}
    assert plan.areas.count() == 1
    response = officer_client.post(
        reverse("measures:measure_create", args=[plan.pk]),
        {"area": area.pk, "code": "3.1", "title": "Jobcoaching"},
    )
    assert response.status_code == 302 and plan.measures.get().area == area


def test_adding_an_actor_is_audited_with_the_organisation_it_is_linked_to(officer_client):
    plan = make_plan()
    ngo = organisation("Flüchtlingsrat Dresden", "provider")
    actors = reverse("measures:actor_list", args=[plan.pk])
    response = officer_client.post(
        actors, {"new-name": " Flüchtlingsrat  Dresden", "new-kind": "organisation"}
    )
    assert response.status_code == 302
    actor = plan.actors.get(name="Flüchtlingsrat Dresden")
    assert actor.organisation == ngo  # its staff take part from now on
    entry = AuditEntry.objects.get(action="measures.actor.added")
    assert entry.object_id == str(actor.pk)
    assert entry.data == {"plan": plan.pk, "kind": "organisation", "organisation": ngo.pk}
    committee = officer_client.post(
        actors, {"new-name": "Integrationsbeirat", "new-kind": "committee"}
    )
    assert committee.status_code == 302
    assert AuditEntry.objects.filter(action="measures.actor.added").count() == 2
    again = officer_client.post(actors, {"new-name": "Integrationsbeirat", "new-kind": "committee"})
    assert again.status_code == 200 and set(again.context["form"].errors) == {"name"}


def test_a_measure_names_only_grants_the_user_sees(officer_client):
    plan = make_plan()
    own = make_grant(recipient=coordinating_office())
    theirs = make_grant(
        programme=make_programme(name="Anderswo"), recipient=organisation("Leipzig", "municipality")
    )
    measure = plan.measures.get(code="1.2")
    measure.grant = own
    measure.save(update_fields=["grant"])
    other = plan.measures.get(code="1.1")
    edit = reverse("measures:measure_edit", args=[other.pk])
    grants = {g.pk for g in officer_client.get(edit).context["form"].fields["grant"].queryset}
    assert grants == {own.pk}  # named in the plan; the officer sees no other grant in funding
    response = officer_client.post(
        edit, {"area": other.area_id, "code": "1.1", "title": other.title, "grant": theirs.pk}
    )
    assert response.status_code == 200 and set(response.context["form"].errors) == {"grant"}
    other.refresh_from_db()
    assert other.grant is None
    # the grant's funder (in the steering group) sees the grants of its programmes
    funder = make_user("funder", username="c-funder", organisation=theirs.programme.funder)
    plan.actors.create(name="Landesdirektion", organisation=funder.organisation, coordinates=True)
    from django.test import Client

    form = login_client(Client(), funder).get(edit).context["form"]
    assert {g.pk for g in form.fields["grant"].queryset} == {own.pk, theirs.pk}


def test_a_closed_plan_no_longer_changes_but_is_reported_on(officer_client):
    plan = make_plan(status=PlanStatus.CLOSED)
    measure = plan.measures.get(code="1.1")
    proposal = plan.proposals.create(
        area=measure.area, title="Spät", organisation=role_organisation("provider")
    )
    for url in (
        reverse("measures:area_create", args=[plan.pk]),
        reverse("measures:measure_create", args=[plan.pk]),
        reverse("measures:measure_edit", args=[measure.pk]),
        reverse("measures:indicator_create", args=[plan.pk]),
        reverse("measures:actor_list", args=[plan.pk]),
        reverse("measures:plan_import", args=[plan.pk]),
        reverse("measures:proposal_decide", args=[proposal.pk]),
    ):
        assert officer_client.get(url).status_code == 403, url
    api = officer_client.post(
        f"/api/v1/measures/plans/{plan.pk}/indicators",
        data=json.dumps({"name": "X", "area_id": measure.area_id}),
        content_type="application/json",
    )
    assert api.status_code == 403 and not plan.indicators.exists()
    page = officer_client.get(plan.get_absolute_url()).content.decode()
    assert reverse("measures:measure_create", args=[plan.pk]) not in page
    assert reverse("measures:report_create", args=[plan.pk]) in page
    assert officer_client.get(reverse("measures:report_create", args=[plan.pk])).status_code == 200
    detail = officer_client.get(reverse("measures:measure_detail", args=[measure.pk]))
    assert reverse("measures:measure_edit", args=[measure.pk]) not in detail.content.decode()
