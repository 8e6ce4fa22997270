"""Building a directory for tests: the demo offers of Salzgitter imported through the HSDS
importer, the provider role's organisation keeping the Caritas offers, the directory editor
role's municipality being the Kreis Salzgitter, and a needs record of the Lotse role's
organisation with one referral."""

from __future__ import annotations


def role_organisation(role: str, **fields):
    from accounts_helpers import ORGANISATION_KIND_FOR_ROLE
    from passgenau.apps.accounts.models import Organisation

    organisation, _ = Organisation.objects.get_or_create(
        name=f"Test organisation {role}",
        defaults={"kind": ORGANISATION_KIND_FOR_ROLE[role], **fields},
    )
    return organisation


def make_directory():
    from passgenau.apps.directory.demo import DEMO_SLUG, demo_dataset
    from passgenau.apps.directory.models import Directory, Organization, Taxonomy, TaxonomyTerm
    from passgenau.apps.directory.services.hsds_io import directory_import_hsds
    from passgenau.apps.directory.topics import topics_load
    from passgenau.apps.territories.demo import territories_load_demo
    from passgenau.apps.territories.models import Kreis

    topics_load(Taxonomy, TaxonomyTerm)  # transactional tests flush the migration's data
    existing = Directory.objects.filter(slug=DEMO_SLUG).first()
    if existing is not None:
        return existing
    territories_load_demo()
    kreis = Kreis.objects.get(ags="03102")
    directory = Directory.objects.create(name="Salzgitter", slug=DEMO_SLUG, kreis=kreis)
    directory_import_hsds(directory=directory, dataset=demo_dataset())
    Organization.objects.filter(directory=directory, name__startswith="Caritas").update(
        provider=role_organisation("provider")
    )
    role_organisation("directory_editor", kreis=kreis)
    from passgenau.apps.directory.demo import ARABIC
    from passgenau.apps.directory.models import Service
    from passgenau.apps.directory.services.offers import service_text_save

    for name, (arabic_name, arabic_text) in ARABIC.items():
        service = Service.objects.get(directory=directory, name=name)
        service_text_save(
            actor=None, service=service, language="ar", name=arabic_name, description=arabic_text
        )
    return directory


def provider_service():
    from passgenau.apps.directory.models import Service

    make_directory()
    return Service.objects.filter(organization__provider__name="Test organisation provider").first()


def pending_change():
    from accounts_helpers import make_user
    from passgenau.apps.directory.services.offers import change_propose

    service = provider_service()
    proposer = make_user(
        "provider", username="matrix-provider", organisation=role_organisation("provider")
    )
    return change_propose(
        actor=proposer, organization=service.organization, service=service, fields={"name": "Neu"}
    )


def needs_with_referral():
    from accounts_helpers import make_user
    from passgenau.apps.directory.models import Service
    from passgenau.apps.directory.services.lotse import needs_record, referral_create

    directory = make_directory()
    lotse = make_user("lotse", username="matrix-lotse", organisation=role_organisation("lotse"))
    needs = needs_record(
        actor=lotse, directory=directory, topics=["beratung"], languages=["ar"], slip_language="ar"
    )
    service = Service.objects.get(name="Migrationsberatung für Erwachsene")
    return needs, referral_create(actor=lotse, needs=needs, service=service)


def table_rows(html: str, testid: str) -> list[list[str]]:
    """The rows of the table marked ``data-testid=testid`` as the text of their cells (header
    row first), so that a test reads what the reader sees."""
    from html.parser import HTMLParser

    class Rows(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.depth = 0  # > 0 inside the table wanted
            self.rows: list[list[str]] = []
            self.cell: list[str] | None = None

        def handle_starttag(self, tag, attrs):
            if tag == "table" and (self.depth or dict(attrs).get("data-testid") == testid):
                self.depth += 1
            elif self.depth and tag == "tr":
                self.rows.append([])
            elif self.depth and tag in ("td", "th"):
                self.cell = []

        def handle_endtag(self, tag):
            if tag == "table" and self.depth:
                self.depth -= 1
            elif self.depth and tag in ("td", "th") and self.cell is not None:
                self.rows[-1].append(" ".join("".join(self.cell).split()))
                self.cell = None

        def handle_data(self, data):
            if self.cell is not None:
                self.cell.append(data)

    parser = Rows()
    parser.feed(html)
    assert parser.rows, f"no table {testid!r}"
    return parser.rows


# The Landkreis Tübingen's directory: offers in three of its Gemeinden, as the demo's OFFERS
# (provider, offer, topic code, languages spoken, street, postcode, town, latitude, longitude,
# days, hours, free of charge).
KREIS_OFFERS = [
    ("Asylzentrum Tübingen", "Sprachcafé", "deutschkurs", "de,ar", "Neckarhalde 32", "72070",
     "Tübingen", 48.519, 9.052, "MO", "15:00-17:00", True),
    ("Caritas Schwarzwald-Alb-Donau", "Migrationsberatung Tübingen", "migrationsberatung",
     "de,ar,fa", "Hechinger Straße 13", "72070", "Tübingen", 48.515, 9.058, "TU", "09:00-12:00",
     True),
    ("Caritas Schwarzwald-Alb-Donau", "Migrationsberatung Rottenburg", "migrationsberatung",
     "de,uk", "Marktplatz 1", "72108", "Rottenburg am Neckar", 48.477, 8.934, "WE",
     "09:00-12:00", True),
    ("Stadt Rottenburg", "Hausaufgabenhilfe Rottenburg", "schule", "de,uk,ru", "Königstraße 2",
     "72108", "Rottenburg am Neckar", 48.478, 8.935, "TH", "14:00-16:00", True),
    ("Freundeskreis Asyl Mössingen", "Begegnungscafé", "begegnung", "de,tr",
     "Freiherr-vom-Stein-Straße 20", "72116", "Mössingen", 48.406, 9.057, "FR", "15:00-18:00",
     False),
]  # fmt: skip


def make_kreis_directory():
    """A directory of the Landkreis Tübingen (Kreis 08416) with KREIS_OFFERS, imported as HSDS."""
    import uuid

    from passgenau.apps.directory.demo import offers_dataset
    from passgenau.apps.directory.models import Directory, Taxonomy, TaxonomyTerm
    from passgenau.apps.directory.services.hsds_io import directory_import_hsds
    from passgenau.apps.directory.topics import topics_load
    from passgenau.apps.territories.demo import territories_load_demo
    from passgenau.apps.territories.models import Kreis

    topics_load(Taxonomy, TaxonomyTerm)
    territories_load_demo()
    existing = Directory.objects.filter(slug="tuebingen").first()
    if existing is not None:
        return existing
    directory = Directory.objects.create(
        name="Landkreis Tübingen", slug="tuebingen", kreis=Kreis.objects.get(ags="08416")
    )
    dataset = offers_dataset(
        KREIS_OFFERS, ns=uuid.uuid5(uuid.NAMESPACE_URL, "kreis-test"), region="Baden-Württemberg"
    )
    directory_import_hsds(directory=directory, dataset=dataset)
    return directory
