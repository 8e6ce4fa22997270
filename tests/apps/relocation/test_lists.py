"""Search, filters and pagination of the relocation lists: households by name only for the
roles that see names (everyone else by the pseudonymous code), invalid filters as form errors,
pages with a constant number of queries, the read logged without the text typed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.relocation import policies
from passgenau.apps.relocation.models import Household, HouseholdStatus
from passgenau.apps.relocation.selectors import intake as intake_selectors
from relocation_helpers import (
    english,  # noqa: F401 (the fixture)
    make_round,
    municipality,
    register,
    user,
)
from relocation_matching_helpers import published_round

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _references(response) -> set[str]:
    return {h.reference for h in response.context["households"]}


# -- who may search by name ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "searchable"),
    [
        ("coordinator", True),
        ("interviewer", True),
        ("municipal_officer", False),
        ("funder", False),
        ("caseworker", False),
        ("administrator", False),
    ],
)
def test_names_searchable_only_for_roles_that_see_names(user_for_role, role, searchable):
    assert policies.household_names_searchable(user_for_role(role)) is searchable


def test_a_name_finds_nothing_for_roles_that_cannot_see_names(user_for_role):
    round_ = make_round()
    household = register(round_, contact_name="Olena Kovalenko")
    for role in ("municipal_officer", "funder"):
        user = user_for_role(role)
        for text in ("Kovalenko", household.reference):
            assert not intake_selectors.households_search(user=user, query=text).exists()


# -- households --------------------------------------------------------------------------------


def test_interviewer_finds_a_household_by_name_reference_and_own_reference(interviewer_client):
    round_ = make_round()
    olena = register(
        round_, contact_name="Olena Kovalenko", member_names="Dmytro Kovalenko\nIra Kovalenko"
    )
    ihor = register(round_, contact_name="Ihor Bondarenko", external_reference="HH-77")
    url = reverse("relocation:household_list")
    assert _references(interviewer_client.get(url, {"q": "kovalenko"})) == {olena.reference}
    assert _references(interviewer_client.get(url, {"q": "Ira"})) == {olena.reference}
    assert _references(interviewer_client.get(url, {"q": "hh-77"})) == {ihor.reference}
    assert _references(interviewer_client.get(url, {"q": ihor.reference})) == {ihor.reference}
    page = interviewer_client.get(url).content.decode()
    assert "Name or reference" in page


def test_coordinator_finds_households_of_its_rounds_by_name(coordinator_client):
    round_ = make_round()
    olena = register(round_, contact_name="Olena Kovalenko")
    register(round_, contact_name="Ihor Bondarenko")
    response = coordinator_client.get(reverse("relocation:household_list"), {"q": "Olena"})
    assert _references(response) == {olena.reference}


def test_household_filters_by_status_and_round(interviewer_client):
    first = make_round(name="Spring")
    second = make_round(name="Autumn")
    a = register(first)
    b = register(second)
    Household.objects.filter(pk=b.pk).update(status=HouseholdStatus.INTERVIEWED)
    url = reverse("relocation:household_list")
    assert _references(interviewer_client.get(url, {"round": first.pk})) == {a.reference}
    assert _references(interviewer_client.get(url, {"status": HouseholdStatus.INTERVIEWED})) == {
        b.reference
    }


@pytest.mark.parametrize(
    "query",
    [
        {"round": "999999"},
        {"round": "not-a-number"},
        {"status": "no-such-status"},
        {"q": "x" * 500},
        {"page": "abc"},
        {"page": "99999"},
    ],
)
def test_invalid_filters_are_form_errors_not_server_errors(interviewer_client, query):
    round_ = make_round()
    household = register(round_)
    response = interviewer_client.get(reverse("relocation:household_list"), query)
    assert response.status_code == 200
    if "page" not in query:
        assert response.context["form"].errors
    # the invalid field is ignored, the list still shows
    assert household.reference in response.content.decode()


def test_household_list_queries_do_not_grow_with_the_households(interviewer_client):
    round_ = make_round()
    url = reverse("relocation:household_list")
    for _ in range(3):
        register(round_)
    few = _queries(interviewer_client, url + "?q=Olena")
    for _ in range(55):
        register(round_)
    many = _queries(interviewer_client, url + "?q=Olena")
    assert many == few
    assert _queries(interviewer_client, url + "?q=Olena&page=2") == few


def test_pager_marks_the_current_page_and_keeps_the_filters(interviewer_client):
    round_ = make_round()
    for _ in range(52):
        register(round_)
    url = reverse("relocation:household_list")
    page = interviewer_client.get(url, {"q": "Olena", "page": "2"}).content.decode()
    assert 'aria-current="page"' in page
    assert 'href="?q=Olena&amp;page=1"' in page
    assert 'aria-label="Pages of the household list"' in page
    # the fields of the filter bar are labelled
    assert '<label for="id_q">' in page and '<label for="id_status">' in page


def test_a_name_search_is_logged_without_the_name(interviewer_client):
    round_ = make_round()
    register(round_, contact_name="Olena Kovalenko")
    interviewer_client.get(reverse("relocation:household_list"), {"q": "Kovalenko"})
    entry = AuditEntry.objects.filter(action="relocation.household.list").latest("id")
    assert entry.data["name_search"] is True
    assert "Kovalenko" not in str(entry.data)


# -- proposals ---------------------------------------------------------------------------------


@pytest.fixture
def two_per_page(monkeypatch):
    """Pages of two rows, so that a few proposals make several pages."""
    monkeypatch.setattr("passgenau.apps.listing.PER_PAGE", 2)


def _proposal_refs(response) -> set[str]:
    return {row["proposal"].household.reference for row in response.context["rows"]}


def test_officer_cannot_find_a_proposal_by_the_household_name(municipal_officer_client):
    _round, run = published_round(2)
    proposal = run.proposals.select_related("household__contact").first()
    name = proposal.household.contact.contact_name
    url = reverse("relocation:proposal_list")
    response = municipal_officer_client.get(url, {"q": name})
    assert response.status_code == 200 and _proposal_refs(response) == set()
    found = municipal_officer_client.get(url, {"q": proposal.household.reference})
    assert _proposal_refs(found) == {proposal.household.reference}
    page = municipal_officer_client.get(url).content.decode()
    assert "Name or reference" not in page and '<label for="id_q">Reference</label>' in page
    # the officer has one municipality: no municipality filter offered
    assert "municipality" not in response.context["form"].fields


def test_interviewer_finds_a_proposal_by_the_household_name(interviewer_client):
    _round, run = published_round(2)
    proposal = run.proposals.select_related("household__contact").first()
    response = interviewer_client.get(
        reverse("relocation:proposal_list"), {"q": proposal.household.contact.contact_name}
    )
    assert _proposal_refs(response) == {proposal.household.reference}
    entry = AuditEntry.objects.filter(action="relocation.household.list").latest("id")
    assert entry.data == {
        "page": "proposals",
        "name_search": True,
        "ids": [str(proposal.household_id)],
    }


def test_proposal_filters_by_status_round_and_municipality(interviewer_client):
    from passgenau.apps.relocation.models import ProposalStatus

    round_, run = published_round(2)
    first, second = run.proposals.order_by("pk")
    first.status = ProposalStatus.DECLINED
    first.save(update_fields=["status"])
    url = reverse("relocation:proposal_list")
    refs = _proposal_refs(interviewer_client.get(url, {"status": ProposalStatus.DECLINED}))
    assert refs == {first.household.reference}
    both = {first.household.reference, second.household.reference}
    assert _proposal_refs(interviewer_client.get(url, {"round": round_.pk})) == both
    by_place = interviewer_client.get(url, {"municipality": first.municipality_id})
    assert _proposal_refs(by_place) == both
    # a municipality none of the proposals goes to is not offered
    other = interviewer_client.get(url, {"municipality": municipality("Kiel").pk})
    assert "municipality" in other.context["form"].errors


@pytest.mark.parametrize(
    "query", [{"status": "draft"}, {"round": "x"}, {"municipality": "999999"}, {"q": "x" * 500}]
)
def test_invalid_proposal_filters_are_form_errors(municipal_officer_client, query):
    published_round(1)
    response = municipal_officer_client.get(reverse("relocation:proposal_list"), query)
    assert response.status_code == 200
    assert response.context["form"].errors or "municipality" in query


@pytest.mark.usefixtures("two_per_page")
@pytest.mark.parametrize("role", ["municipal_officer", "interviewer"])
def test_proposal_list_queries_do_not_grow(client_for_role, role):
    from passgenau.apps.relocation.models import Round

    client = client_for_role(role)
    url = reverse("relocation:proposal_list")
    counts = []
    for n in (3, 7):
        round_, _run = published_round(n)
        counts.append(_queries(client, url + "?q=H-&page=2"))
        counts.append(_queries(client, url + "?page=1"))
        Round.objects.filter(pk=round_.pk).update(name=f"old {round_.pk}")
    assert len(set(counts)) == 1, counts
    page = client.get(url + "?page=2").content.decode()
    assert 'aria-current="page"' in page


def test_coordinator_searches_a_rounds_decisions_by_name(coordinator_client):
    round_, run = published_round(2)
    proposal = run.proposals.select_related("household__contact").first()
    url = reverse("relocation:round_decisions", kwargs={"pk": round_.pk})
    response = coordinator_client.get(url, {"q": proposal.household.contact.contact_name})
    refs = {row["proposal"].household.reference for row in response.context["rows"]}
    assert refs == {proposal.household.reference}
    assert coordinator_client.get(url, {"municipality": "x"}).context["form"].errors


# -- placements and arrivals -------------------------------------------------------------------


def _accepted(n: int):
    """A published round whose ``n`` proposals both sides accepted (renamed afterwards, so that
    another can follow)."""
    from passgenau.apps.relocation.models import Round
    from passgenau.apps.relocation.services import decisions

    round_, run = published_round(n)
    proposals = list(run.proposals.select_related("household__contact").order_by("pk"))
    for proposal in proposals:
        decisions.proposal_decide_municipality(
            actor=user("municipal_officer"), proposal=proposal, outcome="accept"
        )
        decisions.proposal_decide_household(
            actor=user("interviewer"), proposal=proposal, outcome="accept"
        )
    Round.objects.filter(pk=round_.pk).update(name=f"Round {round_.pk}")
    return round_, proposals


def _placement_refs(response) -> set[str]:
    if "placements" in response.context:
        shown = response.context["placements"]
    else:  # the arrivals page: those expected, those arrived
        shown = [row["proposal"] for row in response.context["upcoming"]]
        shown += response.context["arrived"]
    return {p.household.reference for p in shown}


def test_coordinator_searches_and_filters_placements(coordinator_client):
    import datetime as dt

    from passgenau.apps.relocation.services import travel

    round_, (first, second) = _accepted(2)
    travel.travel_save(
        actor=user("coordinator"),
        proposal=first,
        values={"departure_on": dt.date.today() + dt.timedelta(days=7), "status": "booked"},
    )
    url = reverse("relocation:placement_list")
    name = second.household.contact.contact_name
    assert _placement_refs(coordinator_client.get(url, {"q": name})) == {second.household.reference}
    assert _placement_refs(coordinator_client.get(url, {"status": "unplanned"})) == {
        second.household.reference
    }
    assert _placement_refs(coordinator_client.get(url, {"status": "booked"})) == {
        first.household.reference
    }
    both = {first.household.reference, second.household.reference}
    assert _placement_refs(coordinator_client.get(url, {"round": round_.pk})) == both
    assert (
        _placement_refs(coordinator_client.get(url, {"municipality": first.municipality_id}))
        == both
    )
    for bad in ({"status": "x"}, {"municipality": "x"}, {"round": "0"}):
        response = coordinator_client.get(url, bad)
        assert response.status_code == 200 and response.context["form"].errors


def test_officer_finds_arrivals_by_code_never_by_name(municipal_officer_client):
    import datetime as dt

    from passgenau.apps.relocation.services import travel

    _round, (first, second) = _accepted(2)
    travel.arrival_record(
        actor=user("municipal_officer"), proposal=first, arrived_on=dt.date.today()
    )
    url = reverse("relocation:arrival_list")
    response = municipal_officer_client.get(url, {"q": second.household.contact.contact_name})
    assert response.status_code == 200 and _placement_refs(response) == set()
    assert "Name or reference" not in response.content.decode()
    found = municipal_officer_client.get(url, {"q": second.household.reference})
    assert _placement_refs(found) == {second.household.reference}
    expected = municipal_officer_client.get(url, {"status": "expected"})
    assert [row["proposal"] for row in expected.context["upcoming"]] == [second]
    assert expected.context["arrived"] == []
    recorded = municipal_officer_client.get(url, {"status": "recorded"})
    assert recorded.context["arrived"] == [first] and recorded.context["upcoming"] == []
    assert "municipality" not in response.context["form"].fields


@pytest.mark.usefixtures("two_per_page")
@pytest.mark.parametrize(
    ("role", "page"),
    [
        ("coordinator", "relocation:placement_list"),
        ("municipal_officer", "relocation:arrival_list"),
    ],
)
def test_placement_and_arrival_lists_queries_do_not_grow(client_for_role, role, page):
    client = client_for_role(role)
    url = reverse(page)
    counts = []
    for n in (4, 6):  # full pages of two rows: 4 and 10 placements
        _accepted(n)
        client.get(url)  # warms the caches (content types)
        counts.append(_queries(client, url + "?q=H-&page=2"))
        counts.append(_queries(client, url))
    assert len(set(counts)) == 1, counts
    assert 'aria-current="page"' in client.get(url + "?page=2").content.decode()


# -- surveys -----------------------------------------------------------------------------------


def _surveyed(n: int):
    """``n`` households arrived today in the test officer's municipality, with their surveys."""
    import datetime as dt

    from passgenau.apps.relocation.services import travel

    round_, proposals = _accepted(n)
    for proposal in proposals:
        travel.arrival_record(
            actor=user("municipal_officer"), proposal=proposal, arrived_on=dt.date.today()
        )
    return round_, proposals


def _survey_refs(response) -> set[str]:
    return {s.household.reference for s, _state in response.context["rows"]}


def test_surveys_searched_by_name_and_filtered(interviewer_client):
    import datetime as dt

    from passgenau.apps.relocation.models import FollowUpSurvey, SurveyStatus

    round_, (first, second) = _surveyed(2)
    late = FollowUpSurvey.objects.filter(household=first.household).order_by("wave").first()
    late.due_on = dt.date.today() - dt.timedelta(days=3)
    late.save(update_fields=["due_on"])
    done = FollowUpSurvey.objects.filter(household=second.household).order_by("wave").first()
    done.status = SurveyStatus.NOT_REACHED
    done.save(update_fields=["status"])
    url = reverse("relocation:survey_list")
    name = second.household.contact.contact_name
    assert _survey_refs(interviewer_client.get(url, {"q": name})) == {second.household.reference}
    overdue = interviewer_client.get(url, {"status": "overdue"})
    assert [s for s, _state in overdue.context["rows"]] == [late]
    reached = interviewer_client.get(url, {"status": SurveyStatus.NOT_REACHED})
    assert [s for s, _state in reached.context["rows"]] == [done]
    planned = interviewer_client.get(url, {"status": "planned"})
    assert late not in [s for s, _state in planned.context["rows"]]
    assert {state for _s, state in planned.context["rows"]} == {"planned"}
    both = {first.household.reference, second.household.reference}
    assert _survey_refs(interviewer_client.get(url, {"round": round_.pk})) == both
    placed = interviewer_client.get(url, {"municipality": first.municipality_id})
    assert _survey_refs(placed) == both
    for bad in ({"status": "x"}, {"municipality": municipality("Kiel").pk}, {"round": "x"}):
        response = interviewer_client.get(url, bad)
        assert response.status_code == 200 and response.context["form"].errors


@pytest.mark.usefixtures("two_per_page")
def test_survey_list_queries_do_not_grow(interviewer_client):
    url = reverse("relocation:survey_list")
    counts = []
    for n in (2, 4):  # several surveys per household: always full pages of two
        _surveyed(n)
        interviewer_client.get(url)
        counts.append(_queries(interviewer_client, url + "?q=Contact&page=2"))
        counts.append(_queries(interviewer_client, url))
    assert len(set(counts)) == 1, counts


# -- rounds ------------------------------------------------------------------------------------


def _round_names(response) -> set[str]:
    return {r.name for r in response.context["rounds"]}


def test_rounds_searched_by_name_and_filtered(coordinator_client, municipal_officer_client):
    from passgenau.apps.relocation.models import RoundStatus

    spring = make_round(name="Spring 2026")
    make_round(
        name="Autumn 2026", status=RoundStatus.MATCHING, municipalities=[municipality("Kiel")]
    )
    url = reverse("relocation:round_list")
    assert _round_names(coordinator_client.get(url, {"q": "spring"})) == {spring.name}
    matching = coordinator_client.get(url, {"status": RoundStatus.MATCHING})
    assert _round_names(matching) == {"Autumn 2026"}
    in_kiel = coordinator_client.get(url, {"municipality": municipality("Kiel").pk})
    assert _round_names(in_kiel) == {spring.name, "Autumn 2026"}
    in_ulm = coordinator_client.get(url, {"municipality": municipality("Ulm").pk})
    assert _round_names(in_ulm) == {spring.name}
    # the counts of the rows stay right when filtered by a municipality
    assert next(iter(in_ulm.context["rounds"])).municipality_count == 3
    for bad in ({"status": "x"}, {"municipality": "x"}, {"q": "x" * 500}):
        response = coordinator_client.get(url, bad)
        assert response.status_code == 200 and response.context["form"].errors
    officer = municipal_officer_client.get(url)
    assert "municipality" not in officer.context["form"].fields
    assert '<label for="id_q">Name</label>' in officer.content.decode()


@pytest.mark.usefixtures("two_per_page")
def test_round_list_queries_do_not_grow(coordinator_client):
    url = reverse("relocation:round_list")
    counts = []
    for n in (3, 6):
        for k in range(n):
            make_round(name=f"Round {n}-{k}")
        coordinator_client.get(url)
        counts.append(_queries(coordinator_client, url + "?q=Round&page=2"))
        counts.append(_queries(coordinator_client, url))
    assert len(set(counts)) == 1, counts


@pytest.mark.usefixtures("two_per_page")
def test_filter_bar_and_pager_in_german(interviewer_client, settings):
    settings.LANGUAGE_CODE = "de"
    round_ = make_round()
    for _ in range(3):
        register(round_)
    page = interviewer_client.get(
        reverse("relocation:household_list"), {"q": "Olena"}, HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()
    for german in (
        "Haushalte filtern",
        "Name oder Kennung",
        "Filter zurücksetzen",
        "Seiten der Haushaltsliste",
        "Seite 1 von 2",
        "Nächste Seite",
    ):
        assert german in page, german


# -- a run's proposals (the coordinator's review) ----------------------------------------------


def test_run_review_searches_and_filters_its_proposals(coordinator_client):
    _round, run = published_round(2)
    first, second = run.proposals.select_related("household__contact").order_by("pk")
    url = reverse("relocation:run_detail", kwargs={"pk": run.pk})
    response = coordinator_client.get(url, {"q": first.household.contact.contact_name})
    assert [p.pk for p in response.context["proposals"]] == [first.pk]
    entry = AuditEntry.objects.filter(action="relocation.household.list").latest("id")
    assert entry.data == {"run": run.pk, "name_search": True, "ids": [str(first.household_id)]}
    there = coordinator_client.get(url, {"municipality": first.municipality_id})
    assert {p.pk for p in there.context["proposals"]} == {first.pk, second.pk}
    assert (
        coordinator_client.get(url, {"municipality": municipality("Kiel").pk}).context["proposals"]
        == []
    )
    for bad in ({"status": "x"}, {"municipality": "x"}):
        response = coordinator_client.get(url, bad)
        assert response.status_code == 200 and response.context["form"].errors


@pytest.mark.usefixtures("two_per_page")
def test_run_review_pages_keep_the_filters(coordinator_client, monkeypatch):
    monkeypatch.setattr("passgenau.apps.relocation.selectors.runs.PROPOSALS_PER_PAGE", 2)
    _round, run = published_round(5)
    url = reverse("relocation:run_detail", kwargs={"pk": run.pk})
    coordinator_client.get(url)
    few = _queries(coordinator_client, url + "?q=Contact&page=2")
    page = coordinator_client.get(url + "?q=Contact&page=2").content.decode()
    assert 'aria-current="page"' in page and 'href="?q=Contact&amp;page=3"' in page
    assert len(coordinator_client.get(url + "?page=3").context["proposals"]) == 1
    assert few == _queries(coordinator_client, url + "?q=Contact&page=1")


# -- the API's lists search as the pages do ----------------------------------------------------

API = "/api/v1/relocation"


def test_api_household_search_by_name_only_for_who_sees_names(interviewer_client):
    round_ = make_round()
    olena = register(round_, contact_name="Olena Kovalenko")
    register(round_, contact_name="Ihor Bondarenko")
    found = interviewer_client.get(f"{API}/households", {"q": "kovalenko"}).json()
    assert [h["reference"] for h in found] == [olena.reference]
    entry = AuditEntry.objects.filter(action="relocation.household.list").latest("id")
    assert entry.data["name_search"] is True and "ovalenko" not in str(entry.data)


def test_api_proposal_search_never_by_name_for_officers(
    municipal_officer_client, interviewer_client
):
    round_, run = published_round(2)
    proposal = run.proposals.select_related("household__contact").first()
    name = proposal.household.contact.contact_name
    assert municipal_officer_client.get(f"{API}/proposals", {"q": name}).json() == []
    by_code = municipal_officer_client.get(
        f"{API}/proposals", {"q": proposal.household.reference, "round_id": round_.pk}
    ).json()
    assert [p["id"] for p in by_code] == [proposal.pk]
    by_name = interviewer_client.get(f"{API}/proposals", {"q": name}).json()
    assert [p["id"] for p in by_name] == [proposal.pk]
