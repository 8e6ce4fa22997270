"""Intake: registration with consent, the interview saved unfinished or completed, the access
functions (only one's own organisation's households) and the audit trail of reads and changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.relocation.models import (
    Household,
    HouseholdStatus,
    Interview,
    RoundStatus,
)
from passgenau.apps.relocation.selectors import intake as intake_selectors
from passgenau.apps.relocation.services import intake, rounds
from relocation_helpers import (
    FAMILY,
    english,  # noqa: F401 (the fixture)
    full_answers,
    make_round,
    municipality,
    register,
    user,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_register_household_with_consent():
    round_ = make_round()
    household = register(round_, member_names="Olena\nDmytro", phone="+48 600 000 000")
    assert household.interviewing_organisation == user("interviewer").organisation
    assert household.status == HouseholdStatus.REGISTERED
    assert household.contact.contact_name == "Olena K."
    consent = household.consents.get()
    assert consent.recorded_by == user("interviewer")
    assert consent.explained_in == "uk" and consent.given_on == dt.date(2026, 3, 1)
    assert consent.covers("matching")
    entry = AuditEntry.objects.get(action="relocation.household.registered")
    assert entry.object_id == str(household.pk)


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"contact_name": ""}, "contact_name", "contact person"),
        ({"consent_purposes": ["matching"]}, "consent_purposes", "cannot take part"),
        ({"consent_purposes": ["matching", "spam"]}, "consent_purposes", "spam"),
        ({"consent_given_on": None}, "consent_given_on", "Enter the date"),
        ({"consent_given_on": dt.date(2999, 1, 1)}, "consent_given_on", "future"),
        ({"consent_explained_in": "fr"}, "consent_explained_in", "language"),
        ({"language": "xx"}, "language", "uk, ru, pl, de or en"),
        ({"email": "not-an-address"}, "email", "not-an-address"),
    ],
)
def test_registration_errors_are_specific(overrides, field, words):
    round_ = make_round()
    with pytest.raises(ValidationError) as info:
        register(round_, **overrides)
    messages = info.value.message_dict
    assert field in messages and words in messages[field][0]
    assert not Household.objects.exists()


@pytest.mark.parametrize("status", [RoundStatus.DRAFT, RoundStatus.MATCHING, RoundStatus.CLOSED])
def test_no_registration_outside_open_rounds(status):
    round_ = make_round(status=status)
    with pytest.raises(rounds.RoundStateError):
        register(round_)
    assert not Household.objects.exists()


def test_only_interviewers_register():
    round_ = make_round()
    with pytest.raises(ValidationError):
        register(round_, actor=user("coordinator"))


def test_external_reference_unique_per_organisation():
    round_ = make_round()
    register(round_, external_reference="WAW-1")
    with pytest.raises(ValidationError) as info:
        register(round_, external_reference="WAW-1")
    assert "external_reference" in info.value.message_dict


def test_interview_saved_unfinished_then_completed():
    round_ = make_round()
    household = register(round_)
    interviewer = user("interviewer")
    # unfinished: only what was entered is checked; nothing required yet
    intake.interview_save(
        actor=interviewer,
        household=household,
        answers={"languages": ["uk"], "importance": {"family_ties": 3}},
        members=[{"age_band": "30-44", "relation": "main_contact"}],
        complete=False,
    )
    interview = Interview.objects.get(household=household)
    assert not interview.completed and interview.completed_at is None
    assert Household.objects.get(pk=household.pk).status == HouseholdStatus.REGISTERED
    # completing needs every rating
    with pytest.raises(ValidationError) as info:
        intake.interview_save(
            actor=interviewer,
            household=household,
            answers={"languages": ["uk"], "importance": {"family_ties": 3}},
            members=FAMILY,
            complete=True,
        )
    missing = [k for k in info.value.message_dict if k.startswith("importance.")]
    assert len(missing) == len(intake.household_rated_criteria(round_)) - 1
    kiel = round_.profiles.get(municipality__name="Kiel").municipality
    intake.interview_save(
        actor=interviewer,
        household=household,
        answers=full_answers(round_, ranked_places=[kiel.pk], needs=["barrier_free"]),
        members=FAMILY,
        complete=True,
    )
    household = Household.objects.get(pk=household.pk)
    assert household.status == HouseholdStatus.INTERVIEWED
    assert household.interview.completed and household.interview.completed_at
    assert [m.role for m in household.members.all()] == ["adult", "child"]
    profile = household.to_domain()
    assert profile.ranked_places == (f"m{kiel.pk}",) and profile.persons == 2
    actions = list(
        AuditEntry.objects.filter(action__startswith="relocation.interview").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["relocation.interview.completed", "relocation.interview.saved"]
    # saving unfinished again takes the household out of the matching
    intake.interview_save(
        actor=interviewer, household=household, answers={}, members=FAMILY, complete=False
    )
    assert Household.objects.get(pk=household.pk).status == HouseholdStatus.REGISTERED


def _errors(round_, *, answers=None, members=None, complete=True):
    return intake.interview_errors(
        round_=round_,
        answers=full_answers(round_, **(answers or {})),
        members=FAMILY if members is None else members,
        complete=complete,
    )


def test_interview_validation_messages_are_specific():
    round_ = make_round()
    kiel = round_.profiles.get(municipality__name="Kiel").municipality
    outsider = municipality("Not in the round")
    assert _errors(round_) == {}
    assert _errors(round_, members=[]) == {
        "members": "Add every member of the household (at least one)."
    }
    assert _errors(round_, members=[{"age_band": "6-9", "relation": "child"}])["members"] == (
        "Mark one adult member as the main contact person."
    )
    bad_band = _errors(round_, members=[{"age_band": "40", "relation": "main_contact"}])
    assert bad_band["members.1.age_band"] == "Member 1: choose an age band."
    child_contact = _errors(round_, members=[{"age_band": "3-5", "relation": "main_contact"}])
    assert "must be 18 or older" in child_contact["members.1.age_band"]
    both = _errors(round_, answers={"ranked_places": [kiel.pk], "excluded_places": [kiel.pk]})
    assert both["excluded_places"] == "A place cannot be both preferred and excluded: Kiel."
    assert (
        "not a municipality of this round"
        in _errors(round_, answers={"ties": [outsider.pk]})["ties"]
    )
    everything = [p.municipality_id for p in round_.profiles.all()]
    assert (
        "Every place of the round is excluded"
        in _errors(round_, answers={"excluded_places": everything})["excluded_places"]
    )
    assert _errors(round_, answers={"languages": []})["languages"] == (
        "Choose at least one language the household speaks."
    )
    assert _errors(round_, answers={"languages": []}, complete=False) == {}
    assert (
        "0 (does not matter) to 3"
        in _errors(round_, answers={"importance": {"region": 5}})["importance.region"]
    )


def test_interview_of_another_organisation_is_refused():
    round_ = make_round()
    household = register(round_)
    other_ngo = municipality("Other NGO")
    other_ngo.kind = "ngo"
    other_ngo.save()
    stranger = user("interviewer", "stranger", organisation=other_ngo)
    with pytest.raises(ValidationError):
        intake.interview_save(
            actor=stranger, household=household, answers={}, members=FAMILY, complete=False
        )
    with pytest.raises(Http404):
        intake_selectors.household_get_for_user(user=stranger, pk=household.pk)


def test_interview_only_while_round_is_open():
    round_ = make_round()
    household = register(round_)
    round_.status = RoundStatus.MATCHING
    round_.save()
    with pytest.raises(rounds.RoundStateError):
        intake.interview_save(
            actor=user("interviewer"),
            household=household,
            answers={},
            members=FAMILY,
            complete=False,
        )


def test_access_functions_by_role():
    round_ = make_round()
    mine = register(round_)
    other_ngo = municipality("Other NGO")
    other_ngo.kind = "ngo"
    other_ngo.save()
    theirs = register(round_, actor=user("interviewer", "stranger", organisation=other_ngo))
    # a round of another coordinating organisation
    assert set(intake_selectors.households_for_user(user=user("interviewer"))) == {mine}
    assert set(intake_selectors.households_for_user(user=user("coordinator"))) == {mine, theirs}
    for role in ("municipal_officer", "caseworker", "provider", "funder", "administrator"):
        assert not intake_selectors.households_for_user(user=user(role)).exists()
        with pytest.raises(Http404):
            intake_selectors.household_get_for_user(user=user(role), pk=mine.pk)
    other_coordinator = user(
        "coordinator", "other-coordinator", organisation=municipality("Another coordinator")
    )
    assert not intake_selectors.households_for_user(user=other_coordinator).exists()


def test_every_household_read_is_logged():
    round_ = make_round()
    household = register(round_)
    before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    intake_selectors.household_get_for_user(user=user("coordinator"), pk=household.pk)
    entry = AuditEntry.objects.filter(pk__gt=before).get()
    assert entry.action == "relocation.household.read"
    assert entry.actor == user("coordinator") and entry.object_id == str(household.pk)
    intake_selectors.households_log_read(user=user("interviewer"), households=[household])
    listed = AuditEntry.objects.get(action="relocation.household.list")
    assert listed.data["ids"] == [str(household.pk)]


def test_withdrawing_consent():
    round_ = make_round()
    household = register(round_)
    intake.consent_withdraw(actor=user("interviewer"), household=household)
    household.refresh_from_db()
    assert household.status == HouseholdStatus.WITHDRAWN
    assert household.consents.get().withdrawn_at is not None


# -- pages -------------------------------------------------------------------------------------


def _interview_post(round_, *, action, members, **answers):
    data = {
        "members-TOTAL_FORMS": str(len(members)),
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "20",
        "action": action,
    }
    for i, member in enumerate(members):
        data[f"members-{i}-age_band"] = member.get("age_band", "")
        data[f"members-{i}-relation"] = member.get("relation", "")
    data.update(answers)
    return data


def test_a_member_row_marked_for_deletion_is_not_saved(interviewer_client):
    from django.urls import reverse

    round_ = make_round()
    household = register(round_)
    data = _interview_post(
        round_,
        action="save",
        members=[
            {"age_band": "30-44", "relation": "main_contact"},
            {"age_band": "3-5", "relation": "child"},
        ],
        languages=["uk"],
    )
    data["members-1-DELETE"] = "on"
    response = interviewer_client.post(
        reverse("relocation:interview", kwargs={"pk": household.pk}), data
    )
    assert response.status_code == 302
    assert [m.age_band for m in household.members.all()] == ["30-44"]


def test_registration_page_then_interview(interviewer_client):
    from django.urls import reverse

    round_ = make_round()
    url = reverse("relocation:household_register", kwargs={"pk": round_.pk})
    response = interviewer_client.post(
        url,
        {
            "contact_name": "Olena",
            "language": "pl",
            "consent_purposes": ["matching"],
            "consent_given_on": "2026-03-01",
            "consent_explained_in": "pl",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "cannot take part" in page
    assert 'href="#id_consent_purposes_group"' in page
    response = interviewer_client.post(
        url,
        {
            "contact_name": "Olena",
            "language": "pl",
            "consent_purposes": ["matching", "share_pseudonymised", "share_contact"],
            "consent_given_on": "2026-03-01",
            "consent_explained_in": "pl",
        },
    )
    household = Household.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("relocation:interview", kwargs={"pk": household.pk})
    # the questionnaire opens in the household's language, the page around it in the user's
    page = interviewer_client.get(response["Location"]).content.decode()
    assert 'class="rl-form" lang="pl"' in page and '<html lang="en"' in page
    interview_url = response["Location"]
    # saved unfinished with one member; blank member rows are ignored
    response = interviewer_client.post(
        f"{interview_url}?lang=de",
        _interview_post(
            round_,
            action="save",
            members=[{"age_band": "30-44", "relation": "main_contact"}, {}],
            languages=["uk"],
        ),
    )
    assert response.status_code == 302 and response["Location"].endswith("?lang=de")
    household.refresh_from_db()
    assert household.status == HouseholdStatus.REGISTERED
    assert household.interview.conducted_in == "de" and not household.interview.completed
    # completing without ratings: specific messages next to each question, nothing completed
    response = interviewer_client.post(
        f"{interview_url}?lang=en",
        _interview_post(
            round_,
            action="complete",
            members=[{"age_band": "30-44", "relation": "main_contact"}, {"age_band": "3-5"}],
            languages=["uk"],
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_importance_family_ties_group"' in page
    assert "Rate how important this is: Family or friends at the place." in page
    assert not Interview.objects.get(household=household).completed
    ratings = {f"importance_{c.id}": "3" for c in intake.household_rated_criteria(round_)}
    response = interviewer_client.post(
        f"{interview_url}?lang=en",
        _interview_post(
            round_,
            action="complete",
            members=[{"age_band": "30-44", "relation": "main_contact"}, {"age_band": "3-5"}],
            languages=["uk"],
            **ratings,
        ),
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.status == HouseholdStatus.INTERVIEWED
    assert [m.relation for m in household.members.all()] == ["main_contact", "other"]


def test_member_errors_are_shown_on_the_member_row(interviewer_client):
    from django.urls import reverse

    round_ = make_round()
    household = register(round_)
    url = reverse("relocation:interview", kwargs={"pk": household.pk}) + "?lang=en"
    response = interviewer_client.post(
        url,
        _interview_post(
            round_,
            action="save",
            members=[
                {"age_band": "30-44", "relation": "main_contact"},
                {"age_band": "6-9", "relation": "main_contact"},
            ],
        ),
    )
    page = response.content.decode()
    assert "Member 2: the main contact person must be 18 or older." in page
    assert "Only one member can be the main contact person." in page


@pytest.mark.parametrize("language", ["uk", "ru", "pl", "de", "en"])
def test_questionnaire_in_every_language(interviewer_client, language):
    from django.urls import reverse

    round_ = make_round()
    household = register(round_)
    url = reverse("relocation:interview", kwargs={"pk": household.pk})
    page = interviewer_client.get(f"{url}?lang={language}").content.decode()
    assert f'class="rl-form" lang="{language}"' in page
    title = {
        "uk": "Хто входить до домогосподарства?",
        "ru": "Кто входит в домохозяйство?",
        "pl": "Kto należy do gospodarstwa domowego?",
        "de": "Wer gehört zum Haushalt?",
        "en": "Who belongs to the household?",
    }[language]
    assert title in page


def test_household_list_logs_the_page_and_has_bounded_queries(
    interviewer_client, django_assert_max_num_queries
):
    from django.urls import reverse

    round_ = make_round()
    for _ in range(12):
        register(round_)
    with django_assert_max_num_queries(12):
        response = interviewer_client.get(reverse("relocation:household_list"))
    assert response.status_code == 200
    entry = AuditEntry.objects.filter(action="relocation.household.list").latest("id")
    assert len(entry.data["ids"]) == 12


def test_import_page_shows_every_problem(interviewer_client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    round_ = make_round()
    url = reverse("relocation:household_import", kwargs={"pk": round_.pk})
    content = (
        b"contact_name,language,consent_purposes,consent_date,consent_language,members\n"
        b"Olena,uk,all,2026-03-01,uk,30-44 main_contact\n"
        b"Ihor,xx,all,2026-03-01,uk,30-44 main_contact\n"
    )
    response = interviewer_client.post(
        url, {"file": SimpleUploadedFile("intake.csv", content, "text/csv")}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "intake.csv" in page and "<td>3</td>" in page
    assert not Household.objects.exists()
    good = content.replace(b",xx,", b",ru,")
    response = interviewer_client.post(
        url, {"file": SimpleUploadedFile("intake.csv", good, "text/csv")}
    )
    assert response.status_code == 302 and Household.objects.count() == 2
    template = interviewer_client.get(
        reverse("relocation:import_template", kwargs={"pk": round_.pk})
    )
    assert template["Content-Type"].startswith("text/csv")


def test_pages_are_german_by_default(settings, coordinator_client):
    from django.urls import reverse

    settings.LANGUAGE_CODE = "de"
    make_round()
    page = coordinator_client.get(reverse("relocation:round_list")).content.decode()
    assert '<html lang="de"' in page
    assert "<h1>Umverteilungsrunden</h1>" in page and "offen für Profile und Interviews" in page


def test_contact_data_can_be_changed_by_the_interviewer(interviewer_client):
    from django.urls import reverse

    round_ = make_round()
    household = register(round_)
    url = reverse("relocation:household_contact", kwargs={"pk": household.pk})
    response = interviewer_client.post(url, {"contact_name": "", "email": "nope"})
    page = response.content.decode()
    assert response.status_code == 200 and 'href="#id_contact_name_group"' in page
    response = interviewer_client.post(
        url, {"contact_name": "Olena K.", "phone": "+49 431 000", "current_location": "Kiel"}
    )
    assert response.status_code == 302
    household.contact.refresh_from_db()
    assert household.contact.phone == "+49 431 000"
    entry = AuditEntry.objects.get(action="relocation.household.contact_changed")
    # the log names what changed, never the values
    assert entry.data == {"fields": ["phone", "current_location"]}
    assert "+49" not in str(entry.data)


REGISTRATION_POST = {
    "contact_name": "Olena",
    "language": "uk",
    "consent_purposes": ["matching", "share_pseudonymised", "share_contact"],
    "consent_given_on": "2026-03-01",
    "consent_explained_in": "uk",
}


def test_a_registration_sent_twice_registers_one_household(interviewer_client):
    """Issue 10, defect 13: a double click sent the form twice and registered two households.
    The page's one-time token makes the second send answer like the first."""
    import re

    from django.urls import reverse

    round_ = make_round()
    url = reverse("relocation:household_register", kwargs={"pk": round_.pk})
    page = interviewer_client.get(url).content.decode()
    token = re.search(r'name="submission_token" value="([^"]+)"', page).group(1)
    assert token != re.search(
        r'name="submission_token" value="([^"]+)"', interviewer_client.get(url).content.decode()
    ).group(1)
    first = interviewer_client.post(url, REGISTRATION_POST | {"submission_token": token})
    second = interviewer_client.post(url, REGISTRATION_POST | {"submission_token": token})
    household = Household.objects.get()
    interview = reverse("relocation:interview", kwargs={"pk": household.pk})
    assert (first.status_code, first["Location"]) == (second.status_code, second["Location"])
    assert first["Location"] == interview
    assert AuditEntry.objects.filter(action="relocation.household.registered").count() == 1


def test_the_loser_of_two_registrations_with_one_own_reference_gets_a_form_error(
    interviewer_client,
):
    """Issue 10, defect 8: two registrations with the same own reference at the same moment both
    passed the check, and the second one's insert failed on the unique constraint (a 500). Here
    the other registration lands between the check and the insert."""
    from django.db.models.signals import pre_save
    from django.urls import reverse

    round_ = make_round()
    interviewer = user("interviewer")

    def winner(sender, instance, **kwargs):
        pre_save.disconnect(winner, sender=Household)
        register(round_, actor=interviewer, external_reference="WAW-7", contact_name="Ihor")

    pre_save.connect(winner, sender=Household)
    try:
        response = interviewer_client.post(
            reverse("relocation:household_register", kwargs={"pk": round_.pk}),
            REGISTRATION_POST | {"external_reference": "WAW-7"},
        )
    finally:
        pre_save.disconnect(winner, sender=Household)
    assert response.status_code == 200
    assert "already registered a household with this reference" in response.content.decode()
    # (the winner here ran inside the loser's transaction, so it went with its rollback)


def _values_sent(page: str) -> dict[str, list[str]]:
    """What the page's interview form sends back as it stands: each control's name and values
    (selected options, checked boxes, text), leaving out the row template."""
    from html.parser import HTMLParser

    class Form(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.sent: dict[str, list[str]] = {}
            self.select: str | None = None
            self.textarea: str | None = None
            self.in_template = False

        def send(self, name, value) -> None:
            self.sent.setdefault(name, []).append(value)

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "template":
                self.in_template = True
            elif self.in_template or not a.get("name"):
                if tag == "option" and self.select and "selected" in a and not self.in_template:
                    self.send(self.select, a["value"])
            elif tag == "select":
                self.select = a["name"]
            elif tag == "textarea":
                self.textarea = a["name"]
                self.send(self.textarea, "")
            elif tag == "input" and (a.get("type") not in ("checkbox", "radio") or "checked" in a):
                self.send(a["name"], a.get("value", "on"))

        def handle_endtag(self, tag):
            if tag == "template":
                self.in_template = False
            elif tag == "select":
                self.select = None
            elif tag == "textarea" and self.textarea:  # a browser drops the first newline
                self.sent[self.textarea][-1] = self.sent[self.textarea][-1].removeprefix("\n")
                self.textarea = None

        def handle_data(self, data):
            if self.textarea:
                self.sent[self.textarea][-1] += data

    parser = Form()
    parser.feed(page)
    return parser.sent


def test_add_another_person_without_javascript_keeps_what_was_typed(interviewer_client):
    """ "Add another person" sends the form: the page comes back with every value as typed
    (members, a row marked for removal, answers), the rows with anything in them first and one
    more empty row than before, no error shown and nothing saved (issue 11)."""
    from django.urls import reverse

    round_ = make_round()
    household = register(round_)
    place = str(round_.profiles.values_list("municipality_id", flat=True).first())
    url = reverse("relocation:interview", kwargs={"pk": household.pk}) + "?lang=uk"
    data = _interview_post(
        round_,
        action="add_member",
        members=[
            {"age_band": "30-44", "relation": "main_contact"},
            {},  # left empty
            {"relation": "child"},  # no age band yet: an error on saving, none here
            {"age_band": "65-74", "relation": "other"},
        ],
        languages=["uk", "ru"],
        qualifications="Krankenpflegerin",
        ranked_1=place,
        notes="Fragt nach Schulen",
    )
    data["members-3-DELETE"] = "on"
    page = interviewer_client.post(url, data).content.decode()

    sent = _values_sent(page)
    assert sent["members-TOTAL_FORMS"] == ["5"] and sent["members-INITIAL_FORMS"] == ["3"]
    rows = [
        (
            sent.get(f"members-{i}-age_band", [""])[0],
            sent.get(f"members-{i}-relation", [""])[0],
            f"members-{i}-DELETE" in sent,
        )
        for i in range(5)
    ]
    assert rows == [
        ("30-44", "main_contact", False),
        ("", "child", False),
        ("65-74", "other", True),
        ("", "", False),
        ("", "", False),
    ]
    assert sent["languages"] == ["uk", "ru"] and sent["ranked_1"] == [place]
    assert sent["qualifications"] == ["Krankenpflegerin"] and sent["notes"] == [
        "Fragt nach Schulen"
    ]
    assert "error-summary" not in page and "errorlist" not in page
    assert 'name="members-3-age_band" autofocus' in page.replace("required ", "")
    assert not Interview.objects.filter(household=household).exists()
    assert household.members.count() == 0

    # sent once more, the page has one more row again; then saved, the members are those typed
    data = {**{k: v[0] for k, v in sent.items()}, "languages": sent["languages"]}
    data["action"] = "add_member"
    assert _values_sent(interviewer_client.post(url, data).content.decode())[
        "members-TOTAL_FORMS"
    ] == ["6"]
    data["members-1-age_band"] = "6-9"
    data["action"] = "save"
    assert interviewer_client.post(url, data).status_code == 302
    assert [(m.age_band, m.relation) for m in household.members.all()] == [
        ("30-44", "main_contact"),
        ("6-9", "child"),
    ]


def test_the_member_table_offers_another_row_up_to_the_most(interviewer_client):
    from django.urls import reverse

    round_ = make_round()
    household = register(round_)
    url = reverse("relocation:interview", kwargs={"pk": household.pk}) + "?lang=en"
    page = interviewer_client.get(url).content.decode()
    assert 'value="add_member"' in page and "Add another person" in page
    assert '<template id="member-row-template">' in page
    assert 'name="members-__prefix__-age_band"' in page and "Member __number__: age band" in page
    full = _interview_post(round_, action="add_member", members=[{"age_band": "18-29"}] * 20)
    page = interviewer_client.post(url, full).content.decode()
    assert _values_sent(page)["members-TOTAL_FORMS"] == ["20"]
    assert 'value="add_member"' not in page
