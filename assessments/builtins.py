"""The instruments the portal ships with, as data. Item texts are placeholders ("項目1" …) an administrator edits.

Used by the data migration, so every installation has them; loading again adds only what is missing.
"""

# (code, name, kind, points, score range, scoring, description, subscales: [(code, name, [(item, reverse)])])
BUILTIN_INSTRUMENTS = [
    (
        "grit-s",
        "やり抜く力（Grit-S 型）",
        "answered",
        5,
        None,
        "mean",
        "8項目・5件法。根気（項目1・2・4・7）と一貫性（項目3・5・6・8、逆転項目）。",
        [
            ("perseverance", "根気", [(1, False), (2, False), (4, False), (7, False)]),
            ("consistency", "一貫性", [(3, True), (5, True), (6, True), (8, True)]),
        ],
    ),
    (
        "self-efficacy",
        "特性的自己効力感",
        "answered",
        5,
        None,
        "mean",
        "23項目・5件法。",
        [("self-efficacy", "特性的自己効力感", [(n, False) for n in range(1, 24)])],
    ),
    (
        "career",
        "進路意識・学びへ向かう態度",
        "answered",
        4,
        None,
        "mean",
        "10項目・4件法。進路意識（項目1〜5）と学びへ向かう態度（項目6〜10）。",
        [
            ("career-awareness", "進路意識", [(n, False) for n in range(1, 6)]),
            ("learning-attitude", "学びへ向かう態度", [(n, False) for n in range(6, 11)]),
        ],
    ),
    (
        "literacy-competency",
        "リテラシー・コンピテンシー（外部テスト）",
        "imported",
        None,
        (1, 7),
        "mean",
        "外部機関のテスト結果（レベル1〜7）を取り込みます。",
        [
            ("info-gathering", "情報収集", [(1, False)]),
            ("info-analysis", "情報分析", [(2, False)]),
            ("problem-finding", "課題発見", [(3, False)]),
            ("planning", "構想", [(4, False)]),
            ("interpersonal", "対人", [(5, False)]),
            ("intrapersonal", "対自己", [(6, False)]),
            ("task", "対課題", [(7, False)]),
        ],
    ),
]


def load_builtin_instruments(Instrument, Subscale, Item) -> None:
    """Create the built-in instruments that are missing; never overwrite what an administrator edited."""
    for code, name, kind, points, score_range, scoring, description, subscales in BUILTIN_INSTRUMENTS:
        instrument, created = Instrument.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "points": points,
                "score_min": score_range[0] if score_range else None,
                "score_max": score_range[1] if score_range else None,
                "scoring": scoring,
                "description": description,
            },
        )
        if not created:
            continue
        for order, (sub_code, sub_name, items) in enumerate(subscales, start=1):
            subscale = Subscale.objects.create(instrument=instrument, code=sub_code, name=sub_name, order=order)
            for number, reverse_scored in items:
                # An imported score's column is named after its subscale, as vendors' files are.
                text = sub_name if kind == "imported" else f"項目{number}"
                Item.objects.create(
                    instrument=instrument,
                    number=number,
                    text=text,
                    subscale=subscale,
                    reverse_scored=reverse_scored,
                )
