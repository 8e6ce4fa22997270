"""A small set of real places for the demo, so that ``make run`` needs no download.

The figures are facts from the Destatis Gemeindeverzeichnis as of 31 December 2019 (area in km²,
population total/male/female); Land and Kreis figures are the sums over all their Gemeinden, as
the importer computes them from the full directory. Importing that directory for the same date
therefore leaves these places unchanged (a test checks this against the published file).
Source: Statistisches Bundesamt (Destatis), Datenlizenz Deutschland – Namensnennung 2.0.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from .destatis import (
    Directory,
    Figures,
    GemeindeRecord,
    KreisRecord,
    LandRecord,
    RegierungsbezirkRecord,
)
from .services import ImportReport, territories_import_directory

__all__ = ["DEMO_REFERENCE_DATE", "demo_directory", "territories_load_demo"]

DEMO_REFERENCE_DATE = dt.date(2019, 12, 31)


def _figures(area: str, total: int, male: int, female: int) -> Figures:
    return Figures(
        area_km2=Decimal(area),
        population=total,
        population_male=male,
        population_female=female,
    )


# AGS, name, area km², population total, male, female
_LAENDER: list[tuple[Any, ...]] = [
    ("03", "Niedersachsen", "47709.76", 7_993_608, 3_947_571, 4_046_037),
    ("08", "Baden-Württemberg", "35747.75", 11_100_394, 5_516_440, 5_583_954),
    ("14", "Sachsen", "18449.95", 4_071_971, 2_006_722, 2_065_249),
]
_BEZIRKE = [
    ("031", "Statistische Region Braunschweig"),
    ("081", "Reg.-Bez. Stuttgart"),
    ("082", "Reg.-Bez. Karlsruhe"),
    ("083", "Reg.-Bez. Freiburg"),
    ("084", "Reg.-Bez. Tübingen"),
    ("146", "früher: Direktionsbezirk Dresden"),
    ("147", "früher: Direktionsbezirk Leipzig"),
]
# AGS, name, kind, area km², population total, male, female
_KREISE: list[tuple[Any, ...]] = [
    ("03102", "Salzgitter, Stadt", "kreisfreie_stadt", "224.49", 104_291, 51_831, 52_460),
    ("08111", "Stuttgart, Stadtkreis", "stadtkreis", "207.33", 635_911, 317_794, 318_117),
    ("08221", "Heidelberg, Stadtkreis", "stadtkreis", "108.83", 161_485, 77_638, 83_847),
    (
        "08311",
        "Freiburg im Breisgau, Stadtkreis",
        "stadtkreis",
        "153.04",
        231_195,
        110_333,
        120_862,
    ),
    ("08416", "Tübingen", "landkreis", "519.11", 228_678, 111_504, 117_174),
    ("14612", "Dresden, Stadt", "kreisfreie_stadt", "328.48", 556_780, 277_612, 279_168),
    ("14713", "Leipzig, Stadt", "kreisfreie_stadt", "297.80", 593_145, 291_450, 301_695),
]
# ARS (12 digits), name, kind, Gemeindeverband name and kind, area km², population total, male,
# female, postcode, latitude, longitude, degree of urbanisation
_GEMEINDEN: list[tuple[Any, ...]] = [
    ("031020000000", "Salzgitter, Stadt", "kreisfreie_stadt", "Salzgitter, Stadt", "verbandsfrei",
     "224.49", 104_291, 51_831, 52_460, "38226", "52.153574", "10.329208", 1),
    ("081110000000", "Stuttgart, Landeshauptstadt", "stadtkreis", "Stuttgart, Landeshauptstadt",
     "verbandsfrei", "207.33", 635_911, 317_794, 318_117, "70173", "48.775817", "9.177734", 1),
    ("082210000000", "Heidelberg, Stadt", "stadtkreis", "Heidelberg, Stadt", "verbandsfrei",
     "108.83", 161_485, 77_638, 83_847, "69117", "49.408826", "8.702067", 1),
    ("083110000000", "Freiburg im Breisgau, Stadt", "stadtkreis", "Freiburg im Breisgau, Stadt",
     "verbandsfrei", "153.04", 231_195, 110_333, 120_862, "79098", "47.994786", "7.849877", 1),
    ("084160041041", "Tübingen, Universitätsstadt", "grosse_kreisstadt",
     "Tübingen, Universitätsstadt", "verbandsfrei", "108.06", 91_506, 43_546, 47_960, "72070",
     "48.522143", "9.057829", 1),
    ("084165003036", "Rottenburg am Neckar, Stadt", "grosse_kreisstadt",
     "VVG der Stadt Rottenburg am Neckar", "verwaltungsgemeinschaft", "142.26", 43_843, 21_763,
     22_080, "72108", "48.479475", "8.936507", 2),
    ("084165002025", "Mössingen, Stadt", "grosse_kreisstadt", "VVG der Stadt Mössingen",
     "verwaltungsgemeinschaft", "50.03", 20_455, 9_965, 10_490, "72116", "48.405779",
     "9.057746", 2),
    ("084160048048", "Ammerbuch", "gemeinde", "Ammerbuch", "verbandsfrei", "48.04", 11_302,
     5_610, 5_692, "72119", "48.553816", "8.965949", 2),
    ("146120000000", "Dresden, Stadt", "kreisfreie_stadt", "Dresden, Stadt", "verbandsfrei",
     "328.48", 556_780, 277_612, 279_168, "01067", "51.051697", "13.736883", 1),
    ("147130000000", "Leipzig, Stadt", "kreisfreie_stadt", "Leipzig, Stadt", "verbandsfrei",
     "297.80", 593_145, 291_450, 301_695, "04109", "51.338288", "12.377931", 1),
]  # fmt: skip


def demo_directory() -> Directory:
    """The demo places as a parsed directory, ready for the importer."""
    return Directory(
        source="demo data (Destatis, 31.12.2019)",
        format="gv-auszug",
        laender=tuple(
            LandRecord(ags=ags, name=name, figures=_figures(*numbers), line=0)
            for ags, name, *numbers in _LAENDER
        ),
        regierungsbezirke=tuple(
            RegierungsbezirkRecord(key=key, name=name, line=0) for key, name in _BEZIRKE
        ),
        kreise=tuple(
            KreisRecord(
                ags=ags,
                name=name,
                kind=kind,
                regierungsbezirk=ags[:3] if ags[2] != "0" else None,
                nuts3="",
                figures=_figures(*numbers),
                line=0,
            )
            for ags, name, kind, *numbers in _KREISE
        ),
        gemeinden=tuple(
            GemeindeRecord(
                ags=ars[:5] + ars[9:],
                ars=ars,
                name=name,
                kind=kind,
                kreis=ars[:5],
                association_name=association,
                association_kind=association_kind,
                figures=_figures(area, total, male, female),
                postcode=postcode,
                latitude=Decimal(latitude),
                longitude=Decimal(longitude),
                urbanisation=urbanisation,
                line=0,
            )
            for (
                ars,
                name,
                kind,
                association,
                association_kind,
                area,
                total,
                male,
                female,
                postcode,
                latitude,
                longitude,
                urbanisation,
            ) in _GEMEINDEN
        ),
    )


def territories_load_demo() -> ImportReport:
    """Create the demo places that are missing; never change a territory that exists.

    Idempotent: a second call creates nothing.
    """
    return territories_import_directory(
        directory=demo_directory(), reference_date=DEMO_REFERENCE_DATE, only_missing=True
    )
