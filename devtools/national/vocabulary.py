"""The scales of generated data and the vocabulary its rows are drawn from: names with their kana, company and school
name parts, departments, the weights of prefectures and categories, and the valid forms of 法人番号 and school codes."""

import datetime
from dataclasses import dataclass

from partners.validators import corporate_number_check_digit

FISCAL_YEAR = 2024
YEARS = (2024, 2025, 2026)
STAMP = datetime.datetime(2025, 3, 31, 12, 0, tzinfo=datetime.UTC)
PERSONA_PREFIX = "national-"
# The day the benchmark opens the teacher's logging screen on (a Wednesday in 令和6年度).
LOG_DAY = datetime.date(2024, 10, 16)


@dataclass(frozen=True)
class Scale:
    schools: int
    companies: int
    students: int
    placements: int
    day_logs: int
    responses: int
    consortia: int
    # The programme: supporters, events a year, consultations a consortium at most, ledger entries in all.
    supporters: int = 20
    events_per_year: int = 30
    threads_per_consortium: int = 4
    ledger_entries: int = 5_000


SCALES = {
    "national": Scale(
        schools=2_000,
        companies=30_000,
        students=600_000,
        placements=100_000,
        day_logs=2_000_000,
        responses=300_000,
        consortia=150,
    ),
    "small": Scale(
        schools=60,
        companies=600,
        students=6_000,
        placements=1_000,
        day_logs=20_000,
        responses=3_000,
        consortia=12,
        supporters=2,
        events_per_year=3,
        threads_per_consortium=2,
        ledger_entries=50,
    ),
}


def _pairs(text: str) -> list[tuple[str, str]]:
    """Names with their kana: "佐藤:さとう 鈴木:すずき" → [("佐藤", "さとう"), ("鈴木", "すずき")]."""
    return [tuple(pair.split(":")) for pair in text.split()]


# Population (万人, 2020 census, rounded) by JIS code: weights for where schools and companies are.
POPULATION = [522, 124, 121, 230, 96, 107, 183, 287, 193, 194, 734, 628, 1405, 924, 220, 103, 113, 77, 81, 205, 198,
              363, 754, 177, 141, 258, 884, 547, 132, 92, 55, 67, 189, 280, 134, 72, 95, 133, 69, 514, 81, 131, 174,
              112, 107, 159, 147]  # fmt: skip

FAMILY = _pairs(
    "佐藤:さとう 鈴木:すずき 高橋:たかはし 田中:たなか 伊藤:いとう 渡辺:わたなべ 山本:やまもと "
    "中村:なかむら 小林:こばやし 加藤:かとう 吉田:よしだ 山田:やまだ 佐々木:ささき 山口:やまぐち "
    "松本:まつもと 井上:いのうえ 木村:きむら 林:はやし 斎藤:さいとう 清水:しみず 山崎:やまざき "
    "森:もり 池田:いけだ 橋本:はしもと 阿部:あべ 石川:いしかわ 前田:まえだ 藤田:ふじた 岡田:おかだ "
    "後藤:ごとう "
)
GIVEN = _pairs(
    "翔太:しょうた 蓮:れん 大翔:ひろと 陽菜:ひな 結衣:ゆい 美咲:みさき 悠真:ゆうま 湊:みなと "
    "葵:あおい さくら:さくら 健太:けんた 拓海:たくみ 優花:ゆうか 颯太:そうた 凛:りん 大輝:だいき "
    "花音:かのん 陸:りく 彩花:あやか 海斗:かいと 真央:まお 樹:いつき 琴音:ことね 匠:たくみ "
)
COMPANY_CORE = _pairs(
    "東和:とうわ 大和:やまと 三光:さんこう 中央:ちゅうおう 丸山:まるやま 新生:しんせい 北斗:ほくと "
    "旭:あさひ 協和:きょうわ 富士:ふじ 昭和:しょうわ 太平:たいへい 日進:にっしん 光洋:こうよう "
    "山陽:さんよう 若葉:わかば 青葉:あおば 緑川:みどりかわ 白山:はくさん 朝日:あさひ "
)
# JSIC division → (name endings, their kana); C 鉱業 and S 公務 host few students and are left out.
COMPANY_END = {
    "A": [("農園", "のうえん"), ("ファーム", "ふぁーむ")],
    "B": [("水産", "すいさん"), ("漁業", "ぎょぎょう")],
    "D": [("建設", "けんせつ"), ("工務店", "こうむてん")],
    "E": _pairs("精機:せいき 製作所:せいさくしょ 工業:こうぎょう 電機:でんき 化成:かせい 食品:しょくひん"),
    "F": [("電力", "でんりょく"), ("ガス", "がす")],
    "G": [("システム", "しすてむ"), ("情報サービス", "じょうほうさーびす")],
    "H": [("運輸", "うんゆ"), ("物流", "ぶつりゅう")],
    "I": [("商事", "しょうじ"), ("商店", "しょうてん")],
    "M": [("ホテル", "ほてる"), ("フーズ", "ふーず")],
    "N": [("サービス", "さーびす")],
    "P": [("福祉会", "ふくしかい"), ("メディカル", "めでぃかる")],
    "R": [("テクノサービス", "てくのさーびす")],
}  # fmt: skip
COMPANY_FORM = [("株式会社", "かぶしきがいしゃ"), ("有限会社", "ゆうげんがいしゃ"), ("合同会社", "ごうどうがいしゃ")]
TOWNS = ["中央", "北", "南", "東", "西", "本町", "港", "山手", "川端", "緑ケ丘", "旭", "若松"]
DEPARTMENTS = {
    "industry": ["機械科", "電気科", "電子機械科", "建築科", "情報技術科", "化学工業科"],
    "commerce": ["商業科", "情報ビジネス科", "会計科"],
    "agriculture": ["農業科", "食品科学科", "園芸科"],
    "fisheries": ["海洋科", "水産食品科"],
    "home_economics": ["生活文化科", "食物調理科"],
    "nursing": ["看護科"],
    "information": ["情報科"],
    "welfare": ["福祉科"],
    "integrated": ["総合学科"],
}
# Students by 専門学科 (2017, thousands): the weights of a school's main category.
CATEGORY_WEIGHT = {"industry": 250, "commerce": 195, "agriculture": 81, "home_economics": 40, "nursing": 14,
                   "fisheries": 9, "welfare": 9, "information": 3, "integrated": 60}  # fmt: skip
SCHOOL_WORD = {"industry": "工業", "commerce": "商業", "agriculture": "農業", "fisheries": "水産", "home_economics": "",
               "nursing": "", "information": "情報", "welfare": "", "integrated": ""}  # fmt: skip
CATEGORY_INDUSTRY = {"industry": "E", "commerce": "I", "agriculture": "A", "fisheries": "B", "home_economics": "M",
                     "nursing": "P", "information": "G", "welfare": "P", "integrated": "E"}  # fmt: skip
ACTIVITIES = (
    "旋盤加工の補助 製品の検査と記録 現場の安全点検に同行 CAD図面の修正 商品の陳列と接客 "
    "圃場での収穫作業 加工場での衛生管理 プログラムのテスト 介護記録の作成補助 朝礼と工程会議に参加"
).split()
OFFER_KINDS = ["lecturer", "visit", "facility", "dual_system", "internship", "joint_research", "product_development",
               "career_talk"]  # fmt: skip


def corporate_number(base12: str) -> str:
    return f"{corporate_number_check_digit(base12)}{base12}"


def generated_school_code(pref_code: str, establishment: str, number: int) -> str:
    body = f"D1{pref_code}{establishment}{number:07d}"
    # The check character's algorithm is not published: any digit has the valid form.
    return body + str(sum(int(c) for c in body[2:]) % 10)


# What students write they learned in the practice diary.
LEARNED = (
    "段取りで作業時間が大きく変わることが分かった",
    "安全確認を声に出す理由が分かった",
    "お客様への言葉づかいを教わった",
    "図面と実物を見比べる大切さを知った",
    "報告は結論から話すと伝わりやすい",
    "道具を元の場所に戻すと次の作業が早い",
)
