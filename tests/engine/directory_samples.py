"""A labelled set of offers shaped like a round table's lists: every true offer appears one to three
times, written differently (name variants, the provider's name written two ways, phone formats,
"Str." for "Straße"), next to hard non-duplicates (one provider's different courses at one
address and phone; the same kind of offer by the same provider in another town), and the named
cases of NAMED_RECORDS, which every set holds."""

from __future__ import annotations

import random

from passgenau.engine.directory import OfferRecord

TOWNS = [
    ("38226", "Salzgitter", "05341"),
    ("38100", "Braunschweig", "0531"),
    ("38440", "Wolfsburg", "05361"),
    ("31134", "Hildesheim", "05121"),
    ("38640", "Goslar", "05321"),
    ("38300", "Wolfenbüttel", "05331"),
]
PROVIDERS = [
    ("Caritasverband {town} e.V.", "Caritas {town}"),
    ("Diakonisches Werk {town}", "Diakonie {town}"),
    ("Arbeiterwohlfahrt Kreisverband {town} e.V.", "AWO {town}"),
    ("Deutsches Rotes Kreuz Kreisverband {town}", "DRK-Kreisverband {town}"),
    ("Volkshochschule {town}", "VHS {town}"),
    ("Internationaler Bund {town}", "IB {town}"),
    ("Jugendmigrationsdienst {town}", "JMD {town}"),
    ("Flüchtlingshilfe {town} e.V.", "Flüchtlingshilfe {town}"),
]
OFFERS = [
    ("Migrationsberatung für Erwachsene", "Migrationsberatung f. Erwachsene (MBE)", "beratung"),
    ("Deutschkurs A1 für Frauen", "Deutschkurs A1 fuer Frauen", "sprache"),
    ("Deutschkurs B2 mit Kinderbetreuung", "Deutschkurs B2 m. Kinderbetreuung", "sprache"),
    ("Sozialberatung für Geflüchtete", "Sozialberatung für Geflüchtete und Migranten", "beratung"),
    ("Hausaufgabenhilfe", "Hausaufgabenhilfe für Schulkinder", "schule"),
    ("Nähcafé", "Nähcafe International", "begegnung"),
    ("Psychosoziale Beratung und Traumaberatung", "Psychosoziale Beratung / Trauma", "trauma"),
    ("Wohnungssuche-Sprechstunde", "Sprechstunde Wohnungssuche", "wohnen"),
    ("Bewerbungstraining", "Bewerbungstraining und Jobcoaching", "arbeit"),
    ("Eltern-Kind-Gruppe", "Eltern Kind Gruppe", "familie"),
    ("Asylverfahrensberatung", "Asylverfahrensberatung (Recht)", "recht"),
    ("Internationales Frauenfrühstück", "Int. Frauenfrühstück", "begegnung"),
]
STREETS = [
    "Hauptstraße",
    "Bahnhofstraße",
    "Kirchstraße",
    "Schulstraße",
    "Gartenstraße",
    "Berliner Straße",
    "Lindenstraße",
    "Am Markt",
    "Ringstraße",
    "Goethestraße",
]


# Named cases, in every labelled set: pairs each found because of one way of writing an offer
# differently, and hard non-duplicates, with the reasons the analysis must give. Musterstadt and
# Beispielstadt (postcodes and area codes the generated towns do not use) hold only these.
_MUSTER = {"postcode": "12345", "city": "Musterstadt"}
_VHS = {"street": "Am Markt 1", **_MUSTER, "topics": ("sprache",)}
NAMED_RECORDS = [
    # the provider's name written two ways
    OfferRecord("named-provider-a", "Migrationsberatung für Erwachsene",
                "Caritasverband Musterstadt e.V.", "Hauptstraße 5", **_MUSTER,
                phones=("0123 456789",), urls=("https://www.caritas-im-bistum.de/mbe",),
                topics=("beratung",)),
    OfferRecord("named-provider-b", "Migrationsberatung für Erwachsene", "Caritas Musterstadt",
                "Hauptstraße 5", **_MUSTER, phones=("0123 456789",), topics=("beratung",)),
    # "Str." for "Straße": the address is all the two have in common
    OfferRecord("named-street-a", "Sozialberatung für Geflüchtete", "Diakonisches Werk Musterstadt",
                "Bahnhofstraße 12", **_MUSTER, phones=("0123 777100",), topics=("beratung",)),
    OfferRecord("named-street-b", "Sozialberatung für Geflüchtete", "Diakonisches Werk Musterstadt",
                "Bahnhofstr. 12", **_MUSTER, topics=("beratung",)),
    # the phone written as +49 … and as 0…: the phone is all the two have in common
    OfferRecord("named-phone-a", "Hausaufgabenhilfe für Schulkinder", "AWO Musterstadt",
                "Kirchplatz 3", **_MUSTER, phones=("+49 (0)123 55 50-10",), topics=("schule",)),
    OfferRecord("named-phone-b", "Hausaufgabenhilfe für Schulkinder", "AWO Musterstadt",
                **_MUSTER, phones=("0123 555010",), topics=("schule",)),
    # name variants: an abbreviation, capitals and "ue" for "ü"
    OfferRecord("named-name-a", "Internationales Frauenfrühstück",
                "Jugendmigrationsdienst Musterstadt", "Marktplatz 1", **_MUSTER,
                phones=("0123 888200",), topics=("begegnung",)),
    OfferRecord("named-name-b", "Int. Frauenfrühstück", "JMD Musterstadt", "Marktplatz 1",
                **_MUSTER, phones=("0123 888200",), topics=("begegnung",)),
    OfferRecord("named-vhs-a1", "Deutschkurs A1 für Frauen", "Volkshochschule Musterstadt",
                **_VHS, phones=("0123 400040",)),
    OfferRecord("named-vhs-a1-copy", "DEUTSCHKURS A1 FUER FRAUEN", "VHS Musterstadt", **_VHS,
                phones=("+49 123 400040",)),
    # one provider's different courses at one address and phone
    OfferRecord("named-vhs-b2", "Deutschkurs B2 für Frauen", "Volkshochschule Musterstadt",
                **_VHS, phones=("0123 400040",)),
    OfferRecord("named-vhs-naehcafe", "Nähcafé", "Volkshochschule Musterstadt",
                "Am Markt 1", **_MUSTER, phones=("0123 400040",), topics=("begegnung",)),
    OfferRecord("named-vhs-homework", "Hausaufgabenhilfe", "Volkshochschule Musterstadt",
                "Am Markt 1", **_MUSTER, phones=("0123 400040",), topics=("schule",)),
    # the same kind of offer in another town: same street name and local number, the provider's
    # common web address
    OfferRecord("named-elsewhere", "Migrationsberatung für Erwachsene",
                "Caritasverband Beispielstadt e.V.", "Hauptstraße 5", "54321", "Beispielstadt",
                phones=("0456 456789",), urls=("https://www.caritas-im-bistum.de/mbe",),
                topics=("beratung",)),
]  # fmt: skip
# true pairs (ids sorted) and reasons the analysis must give for each
NAMED_DUPLICATES: dict[tuple[str, str], set[str]] = {
    ("named-provider-a", "named-provider-b"): {"same provider", "same address", "same phone"},
    ("named-street-a", "named-street-b"): {"same provider", "same address"},
    ("named-phone-a", "named-phone-b"): {"same provider", "same phone"},
    ("named-name-a", "named-name-b"): {"same provider", "same address", "same phone"},
    ("named-vhs-a1", "named-vhs-a1-copy"): {"same provider", "same address", "same phone"},
}
# pairs that must not be reported, and the reason their score gives when asked for every pair
NAMED_APART: dict[tuple[str, str], str | None] = {
    ("named-vhs-a1", "named-vhs-b2"): "names differ in level or number",
    ("named-vhs-a1-copy", "named-vhs-b2"): "names differ in level or number",
    ("named-vhs-a1", "named-vhs-naehcafe"): None,
    ("named-vhs-homework", "named-vhs-naehcafe"): None,
    ("named-vhs-b2", "named-vhs-homework"): None,
    ("named-elsewhere", "named-provider-a"): "different town",
}


def _phone_variants(area: str, local: str) -> list[str]:
    return [
        f"{area} {local}",
        f"+49 {area[1:]} {local}",
        f"{area}/{local[:3]}-{local[3:]}",
        f"+49 (0){area[1:]} {local}",
        f"({area}) {local}",
    ]


def _street_variant(street: str, rng: random.Random) -> str:
    return street.replace("straße", "str.") if rng.random() < 0.6 else street.replace("ß", "ss")


def labelled_offers(
    size: int = 600, *, seed: int = 7
) -> tuple[list[OfferRecord], set[tuple[str, str]]]:
    """About ``size`` records and the set of their true duplicate pairs (ids sorted in a pair)."""
    rng = random.Random(seed)
    # a Land has hundreds of towns: about one per 100 offers beyond the six real ones
    towns = TOWNS + [
        (f"{30000 + 37 * i:05d}", f"Musterort {i}", f"0{5100 + i}") for i in range(size // 100)
    ]
    used_sites: set[tuple[str, str]] = set()
    records: list[OfferRecord] = []
    truth: set[tuple[str, str]] = set()
    counter = 0

    def new_id() -> str:
        nonlocal counter
        counter += 1
        return f"s{counter:06d}"

    while len(records) < size:
        postcode, town, area = rng.choice(towns)
        official, short = rng.choice(PROVIDERS)
        street = f"{rng.choice(STREETS)} {rng.randint(1, 400)}"
        if (town, street) in used_sites:
            continue  # two providers rarely share a door
        used_sites.add((town, street))
        local = f"{rng.randint(100000, 999999)}"
        slug = f"{short.split()[0]}-{town}-{len(used_sites)}".lower().replace(" ", "-")
        host = f"www.{slug}.de"
        email = f"info@{host.removeprefix('www.')}"
        # one provider's site: two to four different offers at one address and phone (hard
        # non-duplicates), each appearing one to three times (true duplicates)
        for name, variant, topic in rng.sample(OFFERS, rng.randint(2, 4)):
            copies = rng.choice([1, 1, 2, 2, 3])
            ids = []
            for copy in range(copies):
                first = copy == 0
                records.append(
                    OfferRecord(
                        id=new_id(),
                        name=name if first else rng.choice([variant, name.upper(), variant]),
                        organization=(official if first or rng.random() < 0.5 else short).format(
                            town=town
                        ),
                        street=street if first else _street_variant(street, rng),
                        postcode=postcode,
                        city=town,
                        phones=(rng.choice(_phone_variants(area, local)),),
                        emails=(email,) if rng.random() < 0.7 else (),
                        urls=(rng.choice([host, f"https://{host}/", f"http://{host}"]),)
                        if rng.random() < 0.6
                        else (),
                        topics=(topic,),
                    )
                )
                ids.append(records[-1].id)
            truth.update(
                (a, b) if a < b else (b, a) for i, a in enumerate(ids) for b in ids[i + 1 :]
            )
        # the same kind of offer by the same provider in another town (not a duplicate)
        if rng.random() < 0.3:
            other_postcode, other_town, other_area = rng.choice([t for t in towns if t[1] != town])
            name, _, topic = rng.choice(OFFERS)
            records.append(
                OfferRecord(
                    id=new_id(),
                    name=name,
                    organization=official.format(town=other_town),
                    street=f"{rng.choice(STREETS)} {rng.randint(1, 120)}",
                    postcode=other_postcode,
                    city=other_town,
                    phones=(f"{other_area} {rng.randint(100000, 999999)}",),
                    topics=(topic,),
                )
            )
    records.extend(NAMED_RECORDS)
    truth.update(NAMED_DUPLICATES)
    rng.shuffle(records)
    return records, truth
