"""The directory of help offers, compatible with Open Referral HSDS 3.0.

Each HSDS object the application works with is a model (organisation, service, location,
service-at-location, taxonomy, taxonomy term) with the fields it searches and shows as columns;
its complete HSDS record (every field of the object, including those no page shows) is kept in
``hsds`` and written back on export, so that an import followed by an export loses nothing.
The other HSDS objects (phones, schedules, languages, addresses, contacts, service areas, cost
options, accessibility, attributes, metadata, …) are :class:`HsdsRecord` rows of their table,
linked to the service or location they belong to. What search needs of them is derived on
import and on every edit: topics, languages spoken, opening hours, free of charge, barrier-free.

Every directory belongs to a territory (a Kreis or a Gemeinde); a Kreis' directory shows its
Gemeinden's directories' offers together with its own. Contacts are those of the organisations;
the directory holds no personal data of refugees. The Lotse desk's needs records and referrals
carry no name and no contact.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def new_hsds_id() -> str:
    return str(uuid.uuid4())


class Directory(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("address"), max_length=60, unique=True)
    kreis = models.ForeignKey(
        "territories.Kreis",
        verbose_name=_("Kreis"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="directories",
    )
    gemeinde = models.ForeignKey(
        "territories.Gemeinde",
        verbose_name=_("Gemeinde"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="directories",
    )
    languages = models.JSONField(
        _("languages of the texts"),
        default=list,
        blank=True,
        help_text=_("Language codes the offers' texts are kept in besides German."),
    )
    sheet_mapping = models.JSONField(
        _("column mapping of the offer spreadsheet"),
        default=dict,
        blank=True,
        help_text=_("Heading → field, saved at an import for the next upload."),
    )
    stale_after_days = models.PositiveIntegerField(
        _("stale after (days)"),
        default=365,
        help_text=_("An offer not confirmed for this long is marked as possibly out of date."),
    )

    class Meta:
        verbose_name = _("directory")
        verbose_name_plural = _("directories")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kreis__isnull=True) | Q(gemeinde__isnull=True),
                name="directory_one_territory_at_most",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kreis_id and self.gemeinde_id:
            raise ValidationError(_("Choose either a Kreis or a Gemeinde, not both."))


class HsdsObject(models.Model):
    """What every stored HSDS object has: its HSDS id and its complete HSDS record."""

    hsds_id = models.CharField(_("HSDS id"), max_length=100, default=new_hsds_id)
    hsds = models.JSONField(_("HSDS record"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


class Taxonomy(HsdsObject):
    directory = models.ForeignKey(
        Directory,
        verbose_name=_("directory"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="taxonomies",
        help_text=_("Empty for the shipped topic taxonomy that every directory shares."),
    )
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("taxonomy")
        verbose_name_plural = _("taxonomies")
        constraints = [
            models.UniqueConstraint(fields=["directory", "hsds_id"], name="taxonomy_unique_id")
        ]

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(HsdsObject):
    taxonomy = models.ForeignKey(
        Taxonomy, verbose_name=_("taxonomy"), on_delete=models.CASCADE, related_name="terms"
    )
    code = models.CharField(_("code"), max_length=100, blank=True)
    name = models.CharField(_("name"), max_length=200)
    # the name in other languages: {"en": "Counselling", "ar": "…"}
    names = models.JSONField(_("names in other languages"), default=dict, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent term"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta:
        verbose_name = _("taxonomy term")
        verbose_name_plural = _("taxonomy terms")
        ordering = ["taxonomy_id", "code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["taxonomy", "hsds_id"], name="term_unique_id")
        ]

    def __str__(self) -> str:
        return self.name

    def name_in(self, language: str) -> str:
        return str(self.names.get(language) or self.name)


class Organization(HsdsObject):
    """An organisation offering services (HSDS ``organization``), optionally linked to the
    provider's account organisation, whose users keep its offers."""

    directory = models.ForeignKey(
        Directory,
        verbose_name=_("directory"),
        on_delete=models.CASCADE,
        related_name="organizations",
    )
    name = models.CharField(_("name"), max_length=300)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("web address"), blank=True, max_length=500)
    provider = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("provider account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directory_organizations",
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["directory", "hsds_id"], name="organization_unique_id")
        ]

    def __str__(self) -> str:
        return self.name


class Location(HsdsObject):
    directory = models.ForeignKey(
        Directory, verbose_name=_("directory"), on_delete=models.CASCADE, related_name="locations"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="locations",
    )
    name = models.CharField(_("name"), max_length=300, blank=True)
    street = models.CharField(_("street and number"), max_length=300, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True, db_index=True)
    city = models.CharField(_("town"), max_length=200, blank=True)
    gemeinde = models.ForeignKey(
        "territories.Gemeinde",
        verbose_name=_("Gemeinde"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directory_locations",
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    barrier_free = models.BooleanField(_("barrier-free"), default=False)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        constraints = [
            models.UniqueConstraint(fields=["directory", "hsds_id"], name="location_unique_id")
        ]
        # the public search narrows to a box around the place before the exact distance
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="directory_location_coords"),
            # the few without coordinates, which the search by place leaves out of its count
            models.Index(
                fields=["id"],
                condition=Q(latitude__isnull=True) | Q(longitude__isnull=True),
                name="directory_location_uncoords",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.street or self.hsds_id


class ServiceStatus(models.TextChoices):
    """HSDS service status."""

    ACTIVE = "active", _("active")
    INACTIVE = "inactive", _("closed")
    DEFUNCT = "defunct", _("no longer offered")
    TEMPORARILY_CLOSED = "temporarily closed", _("temporarily closed")


class TargetGroup(models.TextChoices):
    ADULTS = "adults", _("adults")
    WOMEN = "women", _("women")
    FAMILIES = "families", _("families")
    CHILDREN = "children", _("children")
    YOUTH = "youth", _("young people")
    SENIORS = "seniors", _("older people")
    UNACCOMPANIED_MINORS = "unaccompanied_minors", _("unaccompanied minors")
    LGBTIQ = "lgbtiq", _("LGBTIQ people")


class GermanSearchVector(models.Func):
    """PostgreSQL's German text-search vector of a text column, as the public search asks it
    (``selectors.search._fulltext``); NULL on other databases, which search the text itself.
    See docs/adr/0010."""

    output_field = SearchVectorField()

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> Any:
        return "NULL", []

    def as_postgresql(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> Any:
        text, params = compiler.compile(self.source_expressions[0])
        return f"to_tsvector('german'::regconfig, COALESCE({text}, ''))", params


class Service(HsdsObject):
    """An offer (HSDS ``service``). Only the published state is shown to the public; a
    provider's change waits as a :class:`ChangeRequest` until an editor approves it."""

    directory = models.ForeignKey(
        Directory, verbose_name=_("directory"), on_delete=models.CASCADE, related_name="services"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="services",
    )
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=30, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    email = models.EmailField(_("e-mail"), blank=True)
    url = models.URLField(_("web address"), blank=True, max_length=500)
    free_of_charge = models.BooleanField(_("free of charge"), default=False)
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    what_to_bring = models.TextField(_("what to bring"), blank=True)
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    last_confirmed = models.DateField(
        _("last confirmed"),
        null=True,
        blank=True,
        help_text=_(
            "When the provider last confirmed that the offer is current (HSDS assured_date)."
        ),
    )
    topics = models.ManyToManyField(
        TaxonomyTerm, verbose_name=_("topics"), blank=True, related_name="services"
    )
    search_document = models.TextField(_("search text"), blank=True, editable=False)
    # PostgreSQL: the German text-search vector of search_document, stored so that the search
    # reads it instead of computing it for each candidate row (GIN index, migration 0010)
    search_vector = models.GeneratedField(
        expression=GermanSearchVector("search_document"),
        output_field=SearchVectorField(null=True),
        db_persist=True,
        verbose_name=_("search vector"),
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_from",
        help_text=_("The offer this duplicate was merged into (this one is closed)."),
    )
    # german_digest(self), kept by save() and by the import's bulk writes: a translation whose
    # source_digest differs is outdated, which the editor's texts page asks the database
    german_digest = models.CharField(
        _("German text digest"), max_length=64, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["directory", "hsds_id"], name="service_unique_id"),
            models.CheckConstraint(
                condition=Q(minimum_age__isnull=True)
                | Q(maximum_age__isnull=True)
                | Q(minimum_age__lte=models.F("maximum_age")),
                name="service_ages_in_order",
            ),
        ]
        indexes = [
            # with the id: the search by place counts the offers with a location from this
            # index and that of their locations alone (an index-only join)
            models.Index(fields=["directory", "status", "id"], name="directory_service_status_id")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Saving the German text (name or description) records its digest with it."""
        update_fields = kwargs.get("update_fields")
        if update_fields is None or {"name", "description"} & set(update_fields):
            self.german_digest = german_digest(self)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "german_digest"}
        super().save(*args, **kwargs)


class ServiceAtLocation(HsdsObject):
    service = models.ForeignKey(
        Service, verbose_name=_("offer"), on_delete=models.CASCADE, related_name="at_locations"
    )
    location = models.ForeignKey(
        Location, verbose_name=_("location"), on_delete=models.CASCADE, related_name="services_here"
    )

    class Meta:
        verbose_name = _("offer at a location")
        verbose_name_plural = _("offers at locations")

    def __str__(self) -> str:
        return f"{self.service_id} @ {self.location_id}"


class HsdsRecord(models.Model):
    """One row of another HSDS table (phones, schedules, languages, addresses, contacts of the
    organisation, service areas, cost options, accessibility, attributes, metadata, …)."""

    directory = models.ForeignKey(
        Directory, verbose_name=_("directory"), on_delete=models.CASCADE, related_name="records"
    )
    table = models.CharField(_("HSDS table"), max_length=40)
    hsds_id = models.CharField(_("HSDS id"), max_length=100, default=new_hsds_id)
    data = models.JSONField(_("HSDS record"), default=dict)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="records"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="records"
    )

    class Meta:
        verbose_name = _("HSDS record")
        verbose_name_plural = _("HSDS records")
        constraints = [
            models.UniqueConstraint(
                fields=["directory", "table", "hsds_id"], name="record_unique_id"
            )
        ]
        indexes = [models.Index(fields=["directory", "table"], name="directory_record_table")]

    def __str__(self) -> str:
        return f"{self.table} {self.hsds_id}"


class ServiceLanguage(models.Model):
    """A language spoken at the offer (derived from HSDS ``languages``)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="spoken")
    code = models.CharField(_("language"), max_length=12, db_index=True)

    class Meta:
        verbose_name = _("language spoken")
        verbose_name_plural = _("languages spoken")
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="service_language_once")
        ]
        # the search by language spoken reads the offers speaking it from the index alone
        indexes = [models.Index(fields=["code", "service"], name="directory_language_offers")]

    def __str__(self) -> str:
        return self.code


class ServiceHours(models.Model):
    """Weekly opening hours (derived from HSDS ``schedules``)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"))  # ISO: 1 Monday … 7 Sunday
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__lt=models.F("closes_at")), name="hours_open_before_close"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=1, weekday__lte=7), name="hours_iso_weekday"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.weekday} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"


class TranslationStatus(models.TextChoices):
    UP_TO_DATE = "up_to_date", _("up to date")
    OUTDATED = "outdated", _("outdated: the German text changed since")
    MISSING = "missing", _("missing")


def german_digest(service: Service) -> str:
    """Which German text (name and description) a translation was made from (stored as
    ``Service.german_digest``; migration 0008 computes it the same way)."""
    return hashlib.sha256(f"{service.name}\n{service.description}".encode()).hexdigest()


class ServiceText(models.Model):
    """The offer's name and description in another language. German is the source (the
    service's own fields); ``source_digest`` records which German text was translated."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=12)
    name = models.CharField(_("name"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    easy_language = models.BooleanField(_("Einfache Sprache"), default=False)
    source_digest = models.CharField(_("German text translated"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("offer text")
        verbose_name_plural = _("offer texts")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "language", "easy_language"], name="service_text_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_id} [{self.language}]"


class ChangeStatus(models.TextChoices):
    PENDING = "pending", _("waiting for review")
    APPROVED = "approved", _("approved and public")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")


# Which status a change may move to (the only way a change's status changes).
CHANGE_TRANSITIONS: dict[str, frozenset[str]] = {
    ChangeStatus.PENDING: frozenset(
        {ChangeStatus.APPROVED, ChangeStatus.REJECTED, ChangeStatus.WITHDRAWN}
    ),
    ChangeStatus.APPROVED: frozenset(),
    ChangeStatus.REJECTED: frozenset(),
    ChangeStatus.WITHDRAWN: frozenset(),
}


class ChangeRequest(models.Model):
    """A provider's proposed change of an offer (or a new offer), public only once approved."""

    directory = models.ForeignKey(Directory, on_delete=models.CASCADE, related_name="changes")
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="changes"
    )
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="changes")
    fields = models.JSONField(_("changed fields"), default=dict)
    status = models.CharField(
        _("status"), max_length=20, choices=ChangeStatus.choices, default=ChangeStatus.PENDING
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="directory_changes"
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="directory_decisions",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("proposed change")
        verbose_name_plural = _("proposed changes")
        ordering = ["-proposed_at"]

    def __str__(self) -> str:
        return f"change {self.pk} ({self.status})"


class DistinctPair(models.Model):
    """Two offers the round-table analysis took for duplicates that an editor marked as
    distinct: the pair is no longer shown. ``first`` has the lower id."""

    first = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    marked_at = models.DateTimeField(_("marked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("pair marked as distinct")
        verbose_name_plural = _("pairs marked as distinct")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="distinct_pair_once"),
            models.CheckConstraint(
                condition=Q(first__lt=models.F("second")), name="distinct_pair_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ≠ {self.second_id}"


class SheetUpload(models.Model):
    """An offer spreadsheet uploaded by a directory editor, kept while its columns are mapped
    and its rows previewed; deleted once imported. It holds the providers' public contact data,
    no personal data of refugees."""

    directory = models.ForeignKey(Directory, on_delete=models.CASCADE, related_name="uploads")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="directory_uploads"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("file"))

    class Meta:
        verbose_name = _("uploaded offer spreadsheet")
        verbose_name_plural = _("uploaded offer spreadsheets")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.file_name


class NeedsRecord(models.Model):
    """A newcomer's needs as the Lotse recorded them: no name, no contact, no free text."""

    directory = models.ForeignKey(Directory, on_delete=models.CASCADE, related_name="needs")
    lotse = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="needs_records"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    topics = models.ManyToManyField(TaxonomyTerm, verbose_name=_("topics"), related_name="+")
    languages = models.JSONField(_("languages the person speaks"), default=list)
    reader_language = models.CharField(_("language of the referral slip"), max_length=12)
    gemeinde = models.ForeignKey(
        "territories.Gemeinde",
        verbose_name=_("place"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    max_km = models.PositiveSmallIntegerField(_("at most (km)"), null=True, blank=True)
    free_only = models.BooleanField(_("free of charge only"), default=False)
    barrier_free = models.BooleanField(_("barrier-free needed"), default=False)
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    # when the person can go: ISO weekdays (1-7) and parts of the day (engine DAY_PARTS keys)
    weekdays = models.JSONField(_("days the person can go"), default=list, blank=True)
    day_parts = models.JSONField(_("times of day the person can go"), default=list, blank=True)

    class Meta:
        verbose_name = _("needs record")
        verbose_name_plural = _("needs records")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"needs {self.pk}"


class ReferralOutcome(models.TextChoices):
    OPEN = "open", _("not known yet")
    WENT = "went", _("went")
    DID_NOT_GO = "did_not_go", _("did not go")
    NOT_SUITABLE = "not_suitable", _("not suitable")


REFERRAL_TRANSITIONS: dict[str, frozenset[str]] = {
    ReferralOutcome.OPEN: frozenset(
        {ReferralOutcome.WENT, ReferralOutcome.DID_NOT_GO, ReferralOutcome.NOT_SUITABLE}
    ),
    ReferralOutcome.WENT: frozenset(),
    ReferralOutcome.DID_NOT_GO: frozenset(),
    ReferralOutcome.NOT_SUITABLE: frozenset(),
}


# A referral's outcome (did the person go?) is asked for on the Lotse's to-do list from a week
# after the referral on, and is overdue two weeks after it.
REFERRAL_OUTCOME_ASKED_AFTER = dt.timedelta(days=7)
REFERRAL_OUTCOME_DUE_AFTER = dt.timedelta(days=14)


class Referral(models.Model):
    needs = models.ForeignKey(NeedsRecord, on_delete=models.CASCADE, related_name="referrals")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="referrals")
    created_at = models.DateTimeField(_("referred at"), auto_now_add=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=ReferralOutcome.choices, default=ReferralOutcome.OPEN
    )
    outcome_at = models.DateTimeField(_("outcome recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"referral {self.pk} ({self.outcome})"
