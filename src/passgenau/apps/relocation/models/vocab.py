"""The controlled vocabularies of a relocation round, with translatable labels.

The codes are the engine's (``passgenau.engine.matching.profiles`` and the criteria catalogue);
the labels are what people see. ``tests/apps/relocation/test_models.py`` checks that every tag the
shipped catalogue refers to has a label here, so a new criterion cannot silently go unlabelled.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from passgenau.engine.matching.profiles import AGE_BANDS, CHILD_BANDS, SENIOR_BANDS

# Languages the questionnaire is shown in (the interface languages plus Polish).
QUESTIONNAIRE_LANGUAGES: tuple[str, ...] = ("uk", "ru", "pl", "de", "en")


class QuestionnaireLanguage(models.TextChoices):
    UK = "uk", "Українська"
    RU = "ru", "Русский"
    PL = "pl", "Polski"
    DE = "de", "Deutsch"
    EN = "en", "English"


class SpokenLanguage(models.TextChoices):
    """Languages household members speak (ISO 639 codes)."""

    UK = "uk", _("Ukrainian")
    RU = "ru", _("Russian")
    PL = "pl", _("Polish")
    DE = "de", _("German")
    EN = "en", _("English")
    CRH = "crh", _("Crimean Tatar")
    BE = "be", _("Belarusian")
    HU = "hu", _("Hungarian")
    RO = "ro", _("Romanian")
    AR = "ar", _("Arabic")
    FA = "fa", _("Persian")
    TR = "tr", _("Turkish")
    FR = "fr", _("French")
    ES = "es", _("Spanish")


AGE_BAND_CHOICES: list[tuple[str, str]] = [(band, band) for band in AGE_BANDS]


class MemberRole(models.TextChoices):
    ADULT = "adult", _("adult")
    CHILD = "child", _("child")
    SENIOR = "senior", _("senior")


def role_for_age_band(band: str) -> str:
    """The engine's role for an age band: children by band, 65 and older seniors."""
    if band in CHILD_BANDS:
        return MemberRole.CHILD
    if band in SENIOR_BANDS:
        return MemberRole.SENIOR
    return MemberRole.ADULT


def member_role_fits_band(member_role: str, band: str) -> bool:
    """Whether a family member's stored role is set and agrees with the age band on being a
    child (the engine's role of a member of the household, not a user's role)."""
    if not member_role:
        return False
    return (member_role == MemberRole.CHILD) == (band in CHILD_BANDS)


class Relation(models.TextChoices):
    MAIN_CONTACT = "main_contact", _("main contact person")
    PARTNER = "partner", _("spouse or partner")
    CHILD = "child", pgettext_lazy("relation", "child")
    PARENT = "parent", _("parent")
    GRANDPARENT = "grandparent", _("grandparent")
    GRANDCHILD = "grandchild", _("grandchild")
    SIBLING = "sibling", _("brother or sister")
    OTHER_RELATIVE = "other_relative", _("other relative")
    OTHER = "other", _("other person")


class Need(models.TextChoices):
    """Need tags of the criteria catalogue (hard ones exclude places that cannot meet them)."""

    BARRIER_FREE = "barrier_free", _("barrier-free flat")
    DIALYSIS = "dialysis", _("dialysis")
    PSYCHOTHERAPY_UK = "psychotherapy_uk", _("psychotherapy in Ukrainian")
    SPECIAL_SCHOOL = "special_school", _("special-needs school")
    ONCOLOGY = "oncology", _("cancer treatment")
    CHRONIC_ILLNESS = "chronic_illness", _("chronic illness (specialist practice)")
    DIABETES = "diabetes", _("diabetes")
    TRAUMA = "trauma", _("trauma counselling")
    PREGNANCY = "pregnancy", _("pregnancy")
    CARE_NEED = "care_need", _("need for care")


class Service(models.TextChoices):
    """Services and facilities a municipality can offer (the catalogue's service tags)."""

    DIALYSIS = "dialysis", _("dialysis centre")
    PSYCHOTHERAPY_UK = "psychotherapy_uk", _("psychotherapy in Ukrainian")
    SPECIAL_SCHOOL = "special_school", _("special-needs school")
    ONCOLOGY = "oncology", _("oncology")
    SPECIALIST_PRACTICE = "specialist_practice", _("specialist medical practices")
    DIABETOLOGY = "diabetology", _("diabetology")
    TRAUMA_COUNSELLING = "trauma_counselling", _("trauma counselling")
    MATERNITY_CARE = "maternity_care", _("maternity care")
    CARE_SERVICE = "care_service", _("care service")
    WELCOME_CLASS = "welcome_class", _("welcome class at school")
    KITA_IMMEDIATE = "kita_immediate", _("immediate kita place")


class CapacityDimension(models.TextChoices):
    """What a placement uses up (the engine's DEMAND_DIMENSIONS)."""

    PERSONS = "persons", _("persons")
    ADULTS = "adults", _("adults")
    CHILDREN = "children", _("children")
    SENIORS = "seniors", _("seniors")
    SCHOOL = "school", _("school places")
    KITA = "kita", _("kita places")
    BARRIER_FREE = "barrier_free", _("barrier-free flats")
    LARGE_FLAT = "large_flat", _("flats for five or more persons")


class SizeClass(models.TextChoices):
    VILLAGE = "village", _("village")
    SMALL_TOWN = "small_town", _("small town")
    MEDIUM_TOWN = "medium_town", _("medium-sized town")
    CITY = "city", _("city")
    LARGE_CITY = "large_city", _("large city")


class Region(models.TextChoices):
    """The Länder, by their official abbreviation."""

    BW = "BW", "Baden-Württemberg"
    BY = "BY", "Bayern"
    BE = "BE", "Berlin"
    BB = "BB", "Brandenburg"
    HB = "HB", "Bremen"
    HH = "HH", "Hamburg"
    HE = "HE", "Hessen"
    MV = "MV", "Mecklenburg-Vorpommern"
    NI = "NI", "Niedersachsen"
    NW = "NW", "Nordrhein-Westfalen"
    RP = "RP", "Rheinland-Pfalz"
    SL = "SL", "Saarland"
    SN = "SN", "Sachsen"
    ST = "ST", "Sachsen-Anhalt"
    SH = "SH", "Schleswig-Holstein"
    TH = "TH", "Thüringen"


class Occupation(models.TextChoices):
    """ISCO-08 major groups."""

    ARMED_FORCES = "0", _("armed forces")
    MANAGERS = "1", _("managers")
    PROFESSIONALS = "2", _("professionals (e.g. doctors, teachers, engineers)")
    TECHNICIANS = "3", _("technicians and associate professionals")
    CLERICAL = "4", _("clerical support")
    SERVICE_SALES = "5", _("service and sales")
    AGRICULTURE = "6", _("agriculture, forestry and fishery")
    CRAFT = "7", _("craft and related trades")
    OPERATORS = "8", _("plant and machine operators")
    ELEMENTARY = "9", _("elementary occupations")


class ConsentPurpose(models.TextChoices):
    MATCHING = "matching", _("using the interview answers to propose a place")
    SHARE_PSEUDONYMISED = (
        "share_pseudonymised",
        _("showing a profile without name or contact to proposed municipalities"),
    )
    SHARE_CONTACT = (
        "share_contact",
        _("giving names and contact data to the municipality once both sides accepted"),
    )
    FOLLOW_UP = "follow_up", _("being asked follow-up questions after 1, 6 and 12 months")
    RESEARCH = "research", _("pseudonymised use of the answers for evaluation and research")


# Purposes without which a household cannot take part in a round.
REQUIRED_CONSENT_PURPOSES: frozenset[str] = frozenset(
    {ConsentPurpose.MATCHING, ConsentPurpose.SHARE_PSEUDONYMISED, ConsentPurpose.SHARE_CONTACT}
)


class HouseholdTrait(models.TextChoices):
    """Traits the engine derives from the members; municipalities may give them priority."""

    FAMILY_WITH_CHILDREN = "family_with_children", _("families with children")
    SINGLE_PARENT = "single_parent", _("single parents")
    LARGE_FAMILY = "large_family", _("large families (five or more)")
    HAS_SENIOR = "has_senior", _("households with older people")
    SINGLE_ADULT = "single_adult", _("single adults")
    HAS_SCHOOL_CHILD = "has_school_child", _("households with school children")
    HAS_KITA_CHILD = "has_kita_child", _("households with small children")
    NEEDS_GERMAN_COURSE = "needs_german_course", _("adults who need a German course")


PRIORITY_GROUP_CHOICES: list[tuple[str, object]] = [
    *HouseholdTrait.choices,
    *[(value, label) for value, label in Need.choices],
]

# Labels of the catalogue's criteria in the interface's one translation mechanism (gettext), so
# the questionnaire reads the same in every language, Polish included. Criteria missing here
# fall back to the catalogue's own labels.
CRITERION_LABELS: dict[str, object] = {
    "room": _("Room for the whole household"),
    "barrier_free_housing": _("Barrier-free housing"),
    "school_kita_places": _("School and kita places"),
    "medical_care": _("Medical care for essential needs"),
    "excluded_places": _("Places the household excluded"),
    "family_ties": _("Family or friends at the place"),
    "ranked_places": _("Getting one of the places asked for"),
    "specialist_care": _("Specialist medical care and counselling"),
    "school_kita_services": _("Welcome class and an immediate kita place"),
    "language_courses": _("Places in language and integration courses"),
    "labour_market": _("Jobs in the adults' occupations"),
    "size_of_place": _("The preferred size of place"),
    "region": _("The preferred region"),
    "community": _("A community speaking the same language"),
    "site_priority": _("The place's priority groups"),
}


def criterion_label(criterion: object) -> str:
    """The label of a catalogue criterion in the active language."""
    from django.utils.translation import get_language

    cid = str(getattr(criterion, "id", criterion))
    if cid in CRITERION_LABELS:
        return str(CRITERION_LABELS[cid])
    label = getattr(criterion, "label", None)
    return label((get_language() or "en")[:2]) if callable(label) else cid
