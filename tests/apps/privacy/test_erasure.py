"""Erasure of a household or a member: afterwards no table holds its name, contact data or
answers (searched in every table with plain SQL and in ``dumpdata``), in one transaction, by the
right people only, and the audit entry names only the reference and the reason."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.cases.models import Case, HealthRecord
from passgenau.apps.privacy import services
from passgenau.apps.relocation.models import Household, MatchingRun, Member
from passgenau.apps.relocation.services import runs as run_services
from privacy_helpers import (
    case_areas,
    database_text,
    dumpdata_text,
    lived_household,
    tables_holding,
)
from relocation_helpers import (
    FAMILY,
    english,  # noqa: F401 (the fixture)
    make_round,
    register,
    user,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_nothing_of_an_erased_household_is_left_in_any_table():
    lived = lived_household(marker="Q7X", control_marker="K8Y", read_contact=False)
    reference = lived.household.reference
    before = database_text()
    # the markers really are everywhere before (else the search below proves nothing)
    for table in (
        "relocation_householdcontact",
        "relocation_interview",
        "relocation_travel",
        "relocation_arrival",
        "relocation_followupsurvey",
        "cases_case",
        "cases_healthrecord",
        "cases_goal",
        "cases_step",
        "cases_planversion",
        "cases_referral",
        "cases_contactnote",
    ):
        assert table in tables_holding("Q7X", before), table
    assert "relocation_matchingrun" in tables_holding(reference, before)

    erased = services.household_erase(
        actor=user("interviewer"), household=lived.household, reason="request"
    )

    assert erased == reference
    after = database_text()
    assert tables_holding("Q7X", after) == []
    assert "Q7X".lower() not in dumpdata_text().lower()
    # the reference is left only in the audit trail, whose entries are pseudonymous
    assert tables_holding(reference, after) == ["audit_auditentry"]
    # the other household of the round is untouched
    assert "relocation_householdcontact" in tables_holding("K8Y", after)
    assert "relocation_interview" in tables_holding("K8Y", after)
    control_ref = lived.control.reference
    run = MatchingRun.objects.get()
    assert [h["id"] for h in run.snapshot["households"]] == [control_ref]
    assert run.snapshot["erased"] == 1
    assert not Case.objects.exists()
    entry = AuditEntry.objects.get(action="relocation.household.erased")
    assert entry.data == {"reason": "request"}
    assert entry.actor == user("interviewer")
    assert AuditEntry.objects.get(action="cases.case.erased").data == {
        "reason": "request",
        "kept_for_billing": False,
    }


def test_nothing_of_an_erased_household_with_a_full_case_is_left_in_any_table():
    """The case taken over from the household with everything case management holds: health,
    plan, referral, note, a housing request, a mentor pair with a meeting, a mediator booked
    for an appointment, its hours billed and corrected with a typed reason."""
    from passgenau.apps.cases.models import (
        EngineRun,
        HourEntry,
        HousingRequest,
        MediationRequest,
        MediatorProposal,
        MenteeRequest,
        MentorMeeting,
        MentorProposal,
    )

    lived = lived_household(marker="Q7X", control_marker="K8Y", read_contact=False)
    areas = case_areas(lived.case, marker="Q7X")
    before = database_text()
    for table in ("cases_mediationrequest", "cases_hourentry", "cases_case", "cases_contactnote"):
        assert table in tables_holding("Q7X", before), table
    for model in (HousingRequest, MenteeRequest, MentorProposal, MentorMeeting, MediatorProposal):
        assert model.objects.filter().exists(), model
    request_ids = {str(areas.housing.pk), str(areas.mentee.pk), str(areas.booking.pk)}
    assert EngineRun.objects.count() == 3

    services.household_erase(actor=user("interviewer"), household=lived.household, reason="request")

    after = database_text()
    assert tables_holding("Q7X", after) == []
    assert "q7x" not in dumpdata_text().lower()
    for model in (
        HousingRequest,
        MenteeRequest,
        MentorProposal,
        MentorMeeting,
        MediationRequest,
        MediatorProposal,
    ):
        assert not model.objects.exists(), model
    # the runs no longer profile the case's requests
    for run in EngineRun.objects.all():
        assert run.snapshot["erased"] == 1, run.programme
        assert not {str(h["id"]) for h in run.snapshot["households"]} & request_ids
    # the billed hours stay summable, under the case's pseudonymous reference only
    case = Case.objects.get(pk=lived.case.pk)
    assert case.name == case.reference and case.household is None
    entries = HourEntry.objects.filter(case=case)
    assert sorted(e.hours for e in entries) == [-0.5, 1.5]
    assert all(e.assignment_id is None for e in entries)


def test_the_municipalitys_read_of_the_contact_leaves_no_name_behind():
    lived = lived_household(marker="Q7X", read_contact=True)
    services.household_erase(actor=user("interviewer"), household=lived.household, reason="request")
    assert tables_holding("Q7X", database_text()) == []


def test_a_run_of_the_round_can_still_be_exported_after_an_erasure():
    import io
    import json
    import zipfile

    lived = lived_household(read_contact=False)
    services.household_erase(
        actor=user("interviewer"), household=lived.household, reason="in_error"
    )
    run = MatchingRun.objects.get()
    archive = zipfile.ZipFile(io.BytesIO(run_services.run_export_zip(run=run)))
    assert json.loads(archive.read("run.json"))["erased_households"] == 1
    assert lived.household.reference not in archive.read("profiles/households.jsonl").decode()


def test_a_case_with_billed_hours_keeps_only_a_pseudonymous_shell():
    import datetime as dt
    from decimal import Decimal

    from cases_helpers import make_contract
    from passgenau.apps.cases import services as cases
    from passgenau.apps.cases.models import HourEntry

    lived = lived_household(read_contact=False)
    worker = lived.case.caseworker
    contract = make_contract(recipient=worker.organisation)
    cases.hours_log(
        actor=worker,
        case=lived.case,
        contract=contract,
        on=dt.date.today(),
        activity="counselling",
        hours=Decimal("1.5"),
    )
    services.household_erase(actor=user("interviewer"), household=lived.household, reason="request")
    case = Case.objects.get(pk=lived.case.pk)
    assert case.name == case.reference and case.needs == [] and case.household is None
    assert not HealthRecord.objects.exists()
    assert not case.goals.exists() and not case.plan_versions.exists()
    assert not case.referrals.exists() and not case.notes.exists()
    assert HourEntry.objects.get().hours == Decimal("1.5")
    assert tables_holding("Q7X", database_text()) == []
    assert AuditEntry.objects.get(action="cases.case.erased").data["kept_for_billing"] is True


def test_only_the_registering_organisations_interviewers_erase():
    from accounts_helpers import make_user
    from relocation_helpers import municipality

    round_ = make_round()
    household = register(round_)
    for role in ("coordinator", "municipal_officer", "caseworker", "administrator"):
        with pytest.raises(ValidationError, match="may not erase"):
            services.household_erase(actor=user(role), household=household, reason="request")
    elsewhere = make_user("interviewer", username="other-ngo", organisation=municipality("NGO 2"))
    with pytest.raises(ValidationError, match="may not erase"):
        services.household_erase(actor=elsewhere, household=household, reason="request")
    with pytest.raises(ValidationError) as error:
        services.household_erase(actor=user("interviewer"), household=household, reason="bored")
    assert "reason" in error.value.message_dict
    assert Household.objects.filter(pk=household.pk).exists()
    assert not AuditEntry.objects.filter(action__endswith=".erased").exists()


def test_an_erasure_is_refused_while_a_run_of_the_round_is_working():
    from passgenau.apps.relocation.models import RunStatus

    lived = lived_household(read_contact=False)
    MatchingRun.objects.update(status=RunStatus.RUNNING)
    with pytest.raises(ValidationError, match="working") as error:
        services.household_erase(
            actor=user("interviewer"), household=lived.household, reason="request"
        )
    assert error.value.status == 409
    assert Household.objects.filter(pk=lived.household.pk).exists()


def test_the_erasure_is_one_transaction():
    """A failure after the cases went (here: a damaged run snapshot, met when the household's
    profile is taken out of it) leaves everything as it was, the case included."""
    lived = lived_household(read_contact=False)
    run = MatchingRun.objects.get()
    MatchingRun.objects.filter(pk=run.pk).update(snapshot={**run.snapshot, "fixed": [7]})
    with pytest.raises(TypeError):
        services.household_erase(
            actor=user("interviewer"), household=lived.household, reason="request"
        )
    assert Case.objects.filter(pk=lived.case.pk, name__contains="Q7X").exists()
    assert HealthRecord.objects.exists()
    assert Household.objects.filter(pk=lived.household.pk).exists()
    assert not AuditEntry.objects.filter(action__endswith=".erased").exists()


def test_erasing_a_member_removes_their_row_and_name_only():
    round_ = make_round()
    household = register(
        round_, contact_name="Olena K.", member_names="Olena K.\nIvan M7Q\nDaria K."
    )
    from passgenau.apps.relocation.services import intake

    three = [*FAMILY, {"age_band": "18-29", "relation": "other"}]
    intake.interview_save(
        actor=user("interviewer"), household=household, answers={}, members=three, complete=False
    )
    child, adult = list(household.members.all())[1:]
    services.member_erase(
        actor=user("interviewer"), household=household, member=adult, name_line=1, reason="request"
    )
    household.contact.refresh_from_db()
    assert household.contact.member_names == "Olena K.\nDaria K."
    assert [(m.position, m.age_band) for m in household.members.all()] == [(0, "30-44"), (1, "6-9")]
    assert tables_holding("M7Q", database_text()) == []
    entry = AuditEntry.objects.get(action="relocation.member.erased")
    assert entry.data == {"reason": "request"} and entry.object_id == str(household.pk)
    main = household.members.get(relation="main_contact")
    with pytest.raises(ValidationError, match="main contact"):
        services.member_erase(
            actor=user("interviewer"),
            household=household,
            member=main,
            name_line=None,
            reason="request",
        )
    with pytest.raises(ValidationError) as error:
        services.member_erase(
            actor=user("interviewer"),
            household=household,
            member=child,
            name_line=7,
            reason="request",
        )
    assert "name_line" in error.value.message_dict
    assert Member.objects.filter(pk=child.pk).exists()


def test_a_failed_runs_input_problems_of_the_household_go_with_it():
    """A failed run keeps the engine's input problems (with the values that were wrong, which
    may be text from an import) and the error text made of them: the erased household's go,
    the other household's stay."""
    from passgenau.apps.relocation.models import RunStatus
    from passgenau.engine.problems import InputProblem

    lived = lived_household(marker="Q7X", control_marker="K8Y", read_contact=False)

    def wrong(household, text):
        return InputProblem(
            "snapshot:households",
            1,
            "languages",
            "field.not_choice",
            {"expected": "uk, ru", "value": text},
            record=household.reference,
        )

    problems = [wrong(lived.household, "Olena Q7X"), wrong(lived.control, "Ihor K8Y")]
    failure = run_services.run_failure(
        run_services.RunError(
            " ".join(p.message + " " + p.parameters["value"] for p in problems),
            code="snapshot",
            problems=problems,
        )
    )
    MatchingRun.objects.update(status=RunStatus.FAILED, **failure)
    assert "relocation_matchingrun" in tables_holding("Q7X", database_text())

    services.household_erase(actor=user("interviewer"), household=lived.household, reason="request")

    assert tables_holding("Q7X", database_text()) == []
    run = MatchingRun.objects.get()
    assert [p["record"] for p in run.error_problems] == [lived.control.reference]
    assert "K8Y" in run.error
