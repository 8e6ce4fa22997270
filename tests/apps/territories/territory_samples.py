"""Test data for the territory tests: the real Destatis files and a small hand-made one."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
GV_FILE = SHARED_DATA / "destatis-gv-auszug-gemeinden.csv"
KREISE_FILE = SHARED_DATA / "destatis-kreise-2018.csv"

GV_HEADER = (
    "satzart,textkennzeichen,land,rb,kreis,vb,gemeinde,gemeindename,flaeche,bevoelkerung,"
    "maennlich,weiblich,jekm2,postleitzahl,laengengrad,breitengrad,schluessel,bezeichnung,"
    "verstaedterungschluessel,verstaedterungbezeichnung"
)
# A tiny directory in the published format: a Land with a Regierungsbezirk, a Landkreis with an
# association of two Gemeinden, a kreisfreie Stadt, and an area under no Kreis (Kreis 00).
SMALL_GV_LINES = [
    GV_HEADER,  # line 1
    "10,,08,,,,,Baden-Württemberg,,,,,,,,,,,,",
    "20,,08,1,,,,Reg.-Bez. Stuttgart,,,,,,,,,,,,",
    "20,,08,4,,,,Reg.-Bez. Tübingen,,,,,,,,,,,,",
    '40,42,08,1,11,,,"Stuttgart, Stadtkreis",,,,,,,,,,,,',  # line 5
    '50,50,08,1,11,0000,,"Stuttgart, Landeshauptstadt",,,,,,,,,,,,',
    '60,62,08,1,11,0000,000,"Stuttgart, Landeshauptstadt", 207.33, 635 911, 317 794, 318 117,'
    ' 3 067,70173,"9,177734","48,775817",L05,Stuttgart,01,dicht besiedelt',
    "40,44,08,4,16,,,Tübingen,,,,,,,,,,,,",
    "50,54,08,4,16,5003,,VVG der Stadt Rottenburg am Neckar,,,,,,,,,,,,",
    '60,67,08,4,16,5003,036,"Rottenburg am Neckar, Stadt", 142.26, 43 843, 21 763, 22 080,  308,'
    '72108,"8,936507","48,479475",L12,Schwarzwald,02,mittlere Besiedlungsdichte',  # line 10
    "60,64,08,4,16,5003,050,Starzach, 27.84, 4 335, 2 176, 2 159,  156,72181,"
    '"8,812421","48,432044",L12,Schwarzwald,03,gering besiedelt',
    "50,50,08,0,00,9999,,Gemeindefreies Gebiet,,,,,,,,,,,,",
    "60,66,08,0,00,9999,999,Gemeindefreies Gebiet, 1.00,  0,  0,  0,  0,,0,0,,,03,gering besiedelt",
]


def write_variant(tmp_path: Path, replace: dict[int, str], name: str = "gv-variant.csv") -> Path:
    """The small directory with some lines (0 = header) replaced."""
    lines = [replace.get(i, line) for i, line in enumerate(SMALL_GV_LINES)]
    path = tmp_path / name
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    return path
