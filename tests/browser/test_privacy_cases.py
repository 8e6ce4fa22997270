"""Erasure and data-subject export of a case and of a mentor in a real browser (German): the
confirmation and export pages have no serious axe-core finding, a caseworker erases a case with a
reason and the confirmation, and downloads everything held about a mentor."""

from __future__ import annotations

import datetime as dt

import pytest

from browser.test_relocation_journey import accessible, act_as

pytestmark = pytest.mark.browser


@pytest.fixture
def setting(transactional_db):
    from cases_helpers import caseworker, make_case, make_mentee_request, make_mentor
    from passgenau.apps.cases.models import MentorProposal
    from passgenau.apps.cases.services import mentoring

    worker = caseworker()
    case = make_case(worker, name="Mariia Hnatiuk")
    mentor = make_mentor(worker, name="Oleksandra Pavlenko")
    make_mentee_request(make_case(worker, name="Olena K."))
    pair = MentorProposal.objects.get(run=mentoring.mentoring_run(actor=worker))
    today = dt.date.today()
    for side in mentoring.SIDES:
        mentoring.mentor_proposal_accept(actor=worker, proposal=pair, side=side, on=today)
    mentoring.pair_end(actor=worker, pair=pair, on=today)
    return worker, case, mentor


def test_erasure_and_export_pages(watched, setting):
    from passgenau.apps.cases.models import Case
    from passgenau.apps.core.models import ProtectedExport

    worker, case, mentor = setting
    page = watched.page
    act_as(watched, worker)
    for path in (
        f"/privacy/cases/{case.pk}/subject-access/",
        f"/privacy/mentors/{mentor.pk}/erase/",
        f"/privacy/mentors/{mentor.pk}/subject-access/",
        f"/privacy/cases/{case.pk}/erase/",
    ):
        assert watched.goto(path).status == 200, path
        assert accessible(page) == [], path

    page.locator("select[name=reason]").select_option("request")
    page.locator("input[name=confirm]").check()
    page.get_by_role("button", name="Fall löschen").click()
    page.wait_for_url("**/cases/")
    assert page.get_by_text(f"Fall {case.reference} wurde").is_visible()
    assert not Case.objects.filter(pk=case.pk).exists()

    watched.goto(f"/privacy/mentors/{mentor.pk}/subject-access/")
    page.locator("input[name=password]").fill("correct horse battery")
    page.locator("input[name=password_again]").fill("correct horse battery")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/privacy/exports/*/")
    assert accessible(page) == []
    assert ProtectedExport.objects.get().filename == f"{mentor.reference}-subject-access.zip"
