"""A labelled set of offers shaped like a round table's lists: every true offer appears one to three
times, written differently (name variants, the provider's name written two ways, phone formats,
"Str." for "Straße"), next to hard non-duplicates (one provider's different courses at one
address and phone; the same kind of offer by the same provider in another town)."""

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
    rng.shuffle(records)
    return records, truth
