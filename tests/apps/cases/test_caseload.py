"""The caseload page's own figures: cases without contact for 30 days, reviews due (within two
weeks) and new arrivals without a case, each counted on the page and each case marked or listed
there (not only in the to-do list)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts_helpers import login_client
from cases_helpers import caseworker, make_case
from passgenau.apps.cases import services

pytestmark = pytest.mark.django_db


def _figure(html: str, testid: str) -> int:
    found = re.search(rf'data-testid="{testid}">(\d+) ', html)
    assert found, testid
    return int(found.group(1))


def _row(html: str, case) -> str:
    found = re.search(
        rf"<tr>\s*<th scope=\"row\"><a [^>]*>{case.reference}</a>.*?</tr>", html, re.S
    )
    assert found, case.reference
    return found.group(0)


def test_a_case_whose_last_contact_is_31_days_ago_is_without_contact_29_days_is_not(client):
    actor = caseworker()
    today = timezone.localdate()
    opened = today - dt.timedelta(days=60)
    silent = make_case(actor, name="Seit 31 Tagen", opened_on=opened)
    recent = make_case(actor, name="Seit 29 Tagen", opened_on=opened)
    for case, days in ((silent, 31), (recent, 29)):
        services.note_create(
            actor=actor, case=case, on=today - dt.timedelta(days=days), kind="phone", text="t"
        )
    login_client(client, actor)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("cases:caseload")).content.decode()
    assert _figure(html, "no-contact") == 1
    marked = "(no contact for a while)"
    assert marked in _row(html, silent) and marked not in _row(html, recent)
    only = client.get(reverse("cases:caseload"), {"only": "no_contact"}).content.decode()
    assert silent.reference in only and recent.reference not in only


def test_reviews_due_within_two_weeks_are_counted_on_the_caseload(client):
    actor = caseworker()
    today = timezone.localdate()
    case = make_case(actor, opened_on=today - dt.timedelta(days=30))
    later = make_case(actor, name="Später", opened_on=today - dt.timedelta(days=30))
    for which, (title, review_in) in (
        (case, ("B1", 3)),
        (case, ("Kita", 14)),
        (later, ("Arbeit", 15)),
    ):
        services.goal_create(
            actor=actor,
            case=which,
            area="language",
            title=title,
            responsible="Frau K.",
            due_on=today + dt.timedelta(days=90),
            review_on=today + dt.timedelta(days=review_in),
        )
    login_client(client, actor)
    html = client.get(reverse("cases:caseload")).content.decode()
    assert _figure(html, "reviews") == 2
    assert re.search(r'<td class="num">2</td>\s*<td>', _row(html, case))
    only = client.get(reverse("cases:caseload"), {"only": "reviews"}).content.decode()
    assert case.reference in only and later.reference not in only


def test_new_arrivals_without_a_case_are_counted_and_listed_until_a_case_is_opened(client):
    from relocation_matching_helpers import arrived_proposal

    proposal = arrived_proposal()
    actor = caseworker("sozialarbeit", proposal.municipality)
    elsewhere = caseworker("anderswo")  # another organisation sees no arrival of it
    reference = proposal.household.reference
    login_client(client, actor)
    html = client.get(reverse("cases:caseload")).content.decode()
    assert _figure(html, "arrivals") == 1
    arrivals = html[html.index('id="arrivals"') :]
    assert reference in arrivals
    assert proposal.household.contact.contact_name not in html  # pseudonymous reference only
    login_client(client, elsewhere)
    html = client.get(reverse("cases:caseload")).content.decode()
    assert _figure(html, "arrivals") == 0
    assert reference not in html

    from cases_helpers import consent
    from passgenau.apps.relocation.models import Arrival

    services.case_open_from_arrival(
        actor=actor, arrival=Arrival.objects.get(proposal=proposal), consent=consent()
    )
    login_client(client, actor)
    html = client.get(reverse("cases:caseload")).content.decode()
    assert _figure(html, "arrivals") == 0
    assert reference not in html[html.index('id="arrivals"') :]
