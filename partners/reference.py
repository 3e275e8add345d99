"""Reference data shipped with the portal: prefectures (JIS X 0401) and JSIC Rev.14 divisions.

Loaded by a data migration on every installation and again, idempotently, by seed_demo.
Functions take the model class so that migrations can pass their historical model.
"""

import csv
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

BLOCK_KEYS = {
    "北海道": "hokkaido",
    "東北": "tohoku",
    "関東": "kanto",
    "中部": "chubu",
    "近畿": "kinki",
    "中国": "chugoku",
    "四国": "shikoku",
    "九州・沖縄": "kyushu",
}


def _rows(name: str) -> list[dict]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_prefectures(Prefecture) -> int:
    existing = {p.code: p for p in Prefecture.objects.all()}
    created = []
    for row in _rows("prefectures.csv"):
        values = {
            "name": row["name"],
            "kana": row["kana"],
            "romaji": row["romaji"],
            "block": BLOCK_KEYS[row["block"]],
        }
        current = existing.get(row["code"])
        if current is None:
            created.append(Prefecture(code=row["code"], **values))
        elif any(getattr(current, key) != value for key, value in values.items()):
            Prefecture.objects.filter(pk=current.pk).update(**values)
    Prefecture.objects.bulk_create(created)
    return len(created)


def load_industry_divisions(IndustryDivision) -> int:
    existing = {d.code: d for d in IndustryDivision.objects.all()}
    created = []
    for row in _rows("jsic_divisions.csv"):
        values = {"name": row["name"], "name_en": row["name_en"]}
        current = existing.get(row["code"])
        if current is None:
            created.append(IndustryDivision(code=row["code"], **values))
        elif any(getattr(current, key) != value for key, value in values.items()):
            IndustryDivision.objects.filter(pk=current.pk).update(**values)
    IndustryDivision.objects.bulk_create(created)
    return len(created)
