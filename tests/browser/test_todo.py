"""The start page's to-do list in a real browser, one journey per main role: the person starts at
the start page, follows an item to the page where the work is done, does it, and the item is
gone from the list when they come back (the Lotse does a whole day's work from it: needs, ranked
offers, the slip, a fortnight later the outcome; the administrator a locked account and an
expired invitation). The start page passes axe (no serious
finding), and an overdue item says so in words."""

from __future__ import annotations

import datetime as dt

import pytest

from browser.test_relocation_intake import serious_violations
from browser.test_relocation_journey import act_as

pytestmark = pytest.mark.browser

TODAY = dt.date.today()


def kind(page, code: str):
    return page.locator(f"[data-testid='todo-{code}']")


def start_page(watched, person, code: str):
    """Open the start page as ``person``; its list of kind ``code`` (checked for axe findings)."""
    act_as(watched, person)
    watched.goto("/")
    assert serious_violations(watched.page) == []
    return kind(watched.page, code)


def test_officer_decides_a_proposal_from_the_todo_list(watched, transactional_db):
    from passgenau.apps.relocation.models import Decision, Round
    from relocation_helpers import user
    from relocation_matching_helpers import published_round

    round_, run = published_round(2)
    Round.objects.filter(pk=round_.pk).update(decisions_due=TODAY - dt.timedelta(days=1))
    page = watched.page
    todo = start_page(watched, user("municipal_officer"), "relocation.proposals_to_decide")
    assert "2 Vorschläge zu entscheiden" in todo.inner_text()
    assert todo.locator("li.overdue").count() == 2
    assert "Überfällig" in todo.locator("li").first.inner_text()
    first = todo.locator("li a").first
    reference = first.inner_text().split()[-1]
    first.click()
    page.wait_for_url("**/relocation/proposals/*/")
    page.locator("input[name=outcome][value=accept]").check()
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url("**/relocation/proposals/*/")
    assert Decision.objects.filter(proposal__household__reference=reference).count() == 1
    watched.goto("/")
    todo = kind(page, "relocation.proposals_to_decide")
    assert "1 Vorschlag zu entscheiden" in todo.inner_text()
    assert reference not in todo.inner_text()
    assert run.proposals.count() == 2


def test_interviewer_records_a_households_answer_from_the_todo_list(watched, transactional_db):
    from passgenau.apps.relocation.services import decisions
    from relocation_helpers import user
    from relocation_matching_helpers import published_round

    _round, run = published_round(1)
    proposal = run.proposals.get()
    decisions.proposal_decide_municipality(
        actor=user("municipal_officer"), proposal=proposal, outcome="accept"
    )
    page = watched.page
    todo = start_page(watched, user("interviewer"), "relocation.answers_to_record")
    todo.locator("li a").first.click()
    page.wait_for_url(f"**/relocation/proposals/{proposal.pk}/")
    page.locator("input[name=outcome][value=accept]").check()
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url(f"**/relocation/proposals/{proposal.pk}/")
    proposal.refresh_from_db()
    assert proposal.status == "accepted"
    watched.goto("/")
    assert kind(page, "relocation.answers_to_record").count() == 0


def test_coordinator_plans_travel_from_the_todo_list(watched, transactional_db):
    from passgenau.apps.relocation.models import Travel
    from relocation_helpers import user
    from relocation_matching_helpers import accepted_proposal

    proposal = accepted_proposal()
    page = watched.page
    todo = start_page(watched, user("coordinator"), "relocation.travel_to_plan")
    todo.locator("li a").first.click()
    page.wait_for_url(f"**/relocation/placements/{proposal.pk}/travel/")
    page.locator("input[name=departure_on]").fill((TODAY + dt.timedelta(days=7)).isoformat())
    page.locator("select[name=status]").select_option("booked")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url("**/relocation/placements/")
    assert Travel.objects.filter(proposal=proposal, status="booked").exists()
    watched.goto("/")
    assert kind(page, "relocation.travel_to_plan").count() == 0
    # the receiving municipality now has the arrival on its list, due on the travel date
    todo = start_page(watched, user("municipal_officer"), "relocation.arrivals_to_record")
    assert todo.locator("li").count() == 1
    assert "Fällig bis" in todo.inner_text()


def test_caseworker_marks_an_overdue_step_done_from_the_todo_list(watched, transactional_db):
    from cases_helpers import caseworker, make_case
    from passgenau.apps.cases import services

    worker = caseworker()
    case = make_case(worker)
    goal = services.goal_create(
        actor=worker,
        case=case,
        area="language",
        title="B1",
        responsible="x",
        due_on=TODAY + dt.timedelta(days=90),
        review_on=TODAY + dt.timedelta(days=60),
    )
    step = services.step_create(
        actor=worker,
        goal=goal,
        title="Anmeldung zum Kurs",
        responsible="x",
        due_on=TODAY - dt.timedelta(days=2),
    )
    page = watched.page
    todo = start_page(watched, worker, "cases.steps_overdue")
    assert "1 Schritt überfällig" in todo.inner_text()
    assert "Überfällig: Die Frist war der" in todo.inner_text()
    assert "Anmeldung zum Kurs" not in todo.inner_text()  # the start page names the case only
    todo.locator("li a").first.click()
    page.wait_for_url(f"**/cases/{case.pk}/#plan")
    page.locator(
        f"form[action$='/step_status/']:has(input[name=item][value='{step.pk}']) button"
    ).click()
    page.wait_for_url(f"**/cases/{case.pk}/**")
    step.refresh_from_db()
    assert step.status == "done"
    watched.goto("/")
    assert kind(page, "cases.steps_overdue").count() == 0
    assert page.locator("[data-testid='todo-empty']").count() == 1


def test_provider_confirms_an_offer_and_editor_reviews_a_change_from_the_todo_list(
    watched, transactional_db
):
    from directory_helpers import pending_change
    from passgenau.apps.directory.models import ChangeRequest, Service
    from relocation_helpers import user

    change = pending_change()
    service = change.service
    Service.objects.filter(pk=service.pk).update(
        last_confirmed=TODAY - dt.timedelta(days=service.directory.stale_after_days + 1)
    )
    page = watched.page
    todo = start_page(watched, user("provider"), "directory.offers_to_confirm")
    assert todo.locator("li.overdue").count() == 1
    todo.locator("li a").first.click()
    page.wait_for_url(f"**/directory/offers/mine/#offer-{service.pk}")
    page.locator(f"#offer-{service.pk} form[action$='/confirm/'] button").click()
    page.wait_for_url("**/directory/offers/mine/")
    service.refresh_from_db()
    assert service.last_confirmed == TODAY
    watched.goto("/")
    assert kind(page, "directory.offers_to_confirm").count() == 0

    todo = start_page(watched, user("directory_editor"), "directory.changes_to_review")
    todo.locator("li a").first.click()
    page.wait_for_url(f"**/directory/changes/{change.pk}/")
    page.locator("input[name=decision][value=approved]").check()
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_load_state()
    assert ChangeRequest.objects.get(pk=change.pk).status == "approved"
    watched.goto("/")
    assert kind(page, "directory.changes_to_review").count() == 0


def test_funder_approves_an_application_from_the_todo_list(watched, transactional_db):
    from funding_helpers import make_grant
    from relocation_helpers import user

    funder = user("funder")  # joins the test funder organisation, whose programme it is
    grant = make_grant()
    page = watched.page
    todo = start_page(watched, funder, "funding.applications_to_decide")
    todo.locator("li a").first.click()
    page.wait_for_url(f"**/funding/grants/{grant.pk}/")
    approve = page.locator("form[action$='/approve/']")
    approve.locator("input[name=notice_number]").fill("SO-2026-009")
    approve.locator("input[name=notice_date]").fill(TODAY.isoformat())
    approve.locator("button[type=submit]").click()
    page.wait_for_url(f"**/funding/grants/{grant.pk}/")
    grant.refresh_from_db()
    assert grant.status == "approved"
    watched.goto("/")
    assert kind(page, "funding.applications_to_decide").count() == 0


def test_actor_reports_an_overdue_measure_done_from_the_todo_list(watched, transactional_db):
    from measures_helpers import make_plan
    from passgenau.apps.measures.models import Measure
    from relocation_helpers import user

    provider = user("provider")  # its organisation leads measure 1.1
    plan = make_plan(status="adopted")
    measure = Measure.objects.get(plan=plan, code="1.1")
    Measure.objects.filter(pk=measure.pk).update(
        status="running", end=TODAY - dt.timedelta(days=10)
    )
    page = watched.page
    todo = start_page(watched, provider, "measures.measures_overdue")
    assert "1 Maßnahme überfällig" in todo.inner_text()
    todo.locator("li a").first.click()
    page.wait_for_url(f"**/measures/measure/{measure.pk}/update/")
    page.locator("select[name=status]").select_option("done")
    page.locator("textarea[name=note], input[name=note]").first.fill("Abgeschlossen")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_load_state()
    measure.refresh_from_db()
    assert measure.status == "done"
    watched.goto("/")
    assert kind(page, "measures.measures_overdue").count() == 0


def test_lotse_does_the_days_work_from_the_todo_list(watched, transactional_db):
    """The Lotse starts at the start page: records a newcomer's needs at the desk without a name,
    refers the best-ranked offer and prints the slip; a fortnight later the referral is overdue
    on the start page, and the outcome is recorded from there."""
    from django.utils import timezone

    from accounts_helpers import make_user
    from directory_helpers import make_directory, role_organisation
    from passgenau.apps.directory.models import NeedsRecord, Referral
    from pdf_helpers import pdf_text

    make_directory()
    lotse = make_user("lotse", username="lotsin", organisation=role_organisation("lotse"))
    page = watched.page
    act_as(watched, lotse)
    watched.goto("/")
    assert page.locator("[data-testid='todo-empty']").count() == 1
    assert serious_violations(page) == []
    page.locator("nav.main-nav").get_by_role("link", name="Lotsen-Schalter", exact=True).click()
    page.wait_for_url("**/directory/lotse/")

    # the needs, anonymously: the form asks for no name and no contact
    form = page.locator("main form[method=post]")
    assert form.locator("input[type=text], input[type=email], input[type=tel]").count() == 1
    assert form.locator("input[type=text]").get_attribute("name") == "place"
    form.locator("fieldset").first.get_by_label("Beratung", exact=True).check()
    form.locator("fieldset").nth(1).get_by_label("العربية").check()
    page.get_by_label("Zweite Sprache des Vermittlungszettels").select_option("ar")
    page.get_by_label("Postleitzahl oder Ort").fill("38226")
    page.get_by_role("button", name="Angebote finden").click()
    page.wait_for_url("**/directory/lotse/needs/*/")
    needs = NeedsRecord.objects.get()
    assert needs.lotse_id == lotse.pk and needs.languages == ["ar"]

    # the offers ranked by fit, the best first with its reasons; refer it and print the slip
    table = page.get_by_role("table", name="Angebote nach Passung geordnet")
    best = table.get_by_role("rowheader").first.inner_text()
    assert best.startswith("Migrationsberatung für Erwachsene")
    assert "ein gesuchtes Thema" in table.locator("[data-testid=reasons]").first.inner_text()
    assert serious_violations(page) == []
    table.get_by_role("button").first.click()
    page.wait_for_url("**/directory/lotse/needs/*/#referral-*")
    assert "Vermittlung erfasst" in page.locator(".messages").inner_text()
    referral = Referral.objects.get()
    assert referral.outcome == "open"
    slip = page.request.get(
        page.get_by_role("link", name="Vermittlungszettel (PDF)").get_attribute("href")
    )
    assert slip.headers["content-type"] == "application/pdf"
    assert "Migrationsberatung für Erwachsene" in pdf_text(slip.body())

    # the same day, nothing is asked yet
    watched.goto("/")
    assert kind(page, "directory.referral_outcomes").count() == 0

    # a fortnight and a day later the outcome is overdue on the start page
    Referral.objects.filter(pk=referral.pk).update(
        created_at=timezone.now() - dt.timedelta(days=15)
    )
    todo = start_page(watched, lotse, "directory.referral_outcomes")
    assert "1 Vermittlung, deren Ergebnis noch nicht erfasst ist" in todo.inner_text()
    assert todo.locator("li.overdue").count() == 1
    assert "Überfällig" in todo.inner_text()
    assert "Migrationsberatung für Erwachsene" in todo.inner_text()
    todo.locator("li a").first.click()
    page.wait_for_url(f"**/directory/lotse/referrals/{referral.pk}/outcome/")
    assert serious_violations(page) == []
    page.get_by_label("Ergebnis").select_option("went")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_url(f"**/directory/lotse/needs/{needs.pk}/")
    assert "Ergebnis erfasst" in page.locator(".messages").inner_text()
    referral.refresh_from_db()
    assert referral.outcome == "went"
    watched.goto("/")
    assert kind(page, "directory.referral_outcomes").count() == 0
    assert page.locator("[data-testid='todo-empty']").count() == 1


def test_administrator_handles_a_locked_account_and_an_expired_invitation_from_the_todo_list(
    watched, transactional_db, mailoutbox
):
    """The administrator starts at the start page: an account locked after wrong passwords comes
    first, and an invitation whose link has expired is overdue. From the items: the locked
    account (nobody of that name works here any more) is deactivated, the invitation is sent
    again; both items are gone or due again when the administrator comes back."""
    import re

    from django.conf import settings
    from django.utils import timezone

    from accounts_helpers import make_user
    from passgenau.apps.accounts import services
    from passgenau.apps.accounts.models import Organisation, User

    admin = make_user("administrator", username="admina", last_login=timezone.now())
    admin.totp_secret = services.totp_new_secret()
    admin.totp_confirmed_at = timezone.now()
    admin.save()
    left = make_user("interviewer", username="ehemals", last_login=timezone.now())
    left.totp_secret = services.totp_new_secret()
    left.totp_confirmed_at = timezone.now()
    left.save()
    for _ in range(settings.LOCKOUT_MAX_FAILURES):
        services.login_attempt_record(username="ehemals", ip_address="10.0.0.9", succeeded=False)
    # invited a week and a day ago (the trail, which is append-only, has no entry of it: the
    # account's creation dates the invitation)
    organisation = Organisation.objects.create(name="Stadt Nord", kind="municipality")
    nora = User(username="nora", role="municipal_officer", organisation=organisation)
    nora.email = "nora@example.org"
    nora.set_unusable_password()
    nora.save()
    days = settings.ACCOUNT_INVITATION_TIMEOUT // 86400
    User.objects.filter(pk=nora.pk).update(date_joined=timezone.now() - dt.timedelta(days=days + 1))
    page = watched.page

    locked = start_page(watched, admin, "accounts.locked_out")
    assert "1 Konto nach Fehlversuchen gesperrt" in locked.inner_text()
    assert "ehemals" not in locked.inner_text()  # the account's number, not its name
    invitations = kind(page, "accounts.never_used")
    assert invitations.locator("li.overdue").count() == 1
    assert "Einladung nicht angenommen" in invitations.inner_text()
    assert kind(page, "accounts.second_factor_missing").count() == 0
    # the locked account comes first on the page
    codes = page.locator("[data-testid^='todo-accounts.']").evaluate_all(
        "sections => sections.map(s => s.dataset.testid)"
    )
    assert codes[0] == "todo-accounts.locked_out"

    locked.locator("li a").first.click()
    page.wait_for_url(f"**/accounts/users/{left.pk}/")
    assert "gesperrt" in page.get_by_test_id("locked-out").inner_text()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Konto deaktivieren").click()
    page.wait_for_url(f"**/accounts/users/{left.pk}/deactivate/")
    page.get_by_role("button", name="Deaktivieren").click()
    page.wait_for_url(f"**/accounts/users/{left.pk}/")
    assert "Das Konto wurde deaktiviert" in page.locator(".messages").inner_text()
    assert not User.objects.get(pk=left.pk).is_active

    watched.goto("/")
    assert kind(page, "accounts.locked_out").count() == 0
    kind(page, "accounts.never_used").locator("li a").first.click()
    page.wait_for_url(f"**/accounts/users/{nora.pk}/")
    assert "Einladung nicht angenommen" in page.locator("main dl").inner_text()
    page.get_by_role("link", name="Einladung erneut senden").click()
    page.wait_for_url(f"**/accounts/users/{nora.pk}/invitation/")
    assert serious_violations(page) == []
    page.get_by_role("button", name="E-Mail senden").click()
    page.wait_for_url(f"**/accounts/users/{nora.pk}/")
    assert "Die Einladung wurde erneut gesendet." in page.locator(".messages").inner_text()
    assert [mail.to for mail in mailoutbox] == [["nora@example.org"]]
    assert re.search(r"/accounts/invitation/\S+/", mailoutbox[0].body)

    watched.goto("/")
    invitations = kind(page, "accounts.never_used")
    assert invitations.locator("li.overdue").count() == 0
    later = (timezone.localdate() + dt.timedelta(days=days)).strftime("%d.%m.%Y")
    assert f"Fällig bis {later}" in invitations.inner_text()
