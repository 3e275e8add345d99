"""Demo of the showcase and the library: the Niigata consortium's published page with its fisheries projects,
能水商店's published profile, a company's 水産 video with Japanese captions, a consortium-only PDF, and Hikone's
page still in draft.

The video (a few seconds of WebM), its WebVTT captions and the PDF are small files kept beside this module.
Idempotent.
"""

from contextlib import ExitStack
from pathlib import Path

from django.core.files import File

from curricula.models import JointProject
from meister.models import User
from partners.models import Company, Consortium, CourseCategory, Engagement, School
from showcase import services
from showcase.models import CompanyProfile, ConsortiumPage, Material, UsageTerms

FILES = Path(__file__).resolve().parent / "files"

NIIGATA_PAGE = {
    "introduction": "新潟県立海洋高等学校は、糸魚川市・新潟県教育委員会・株式会社能水商店とともに、"
    "IT を活用したスマート水産業と、地域の水産資源を生かした商品開発に取り組んでいます。"
    "生徒は課題研究で低コスト型の鮭の放流やモズク育成域の調査を行い、開発した商品を道の駅のアンテナショップで販売します。",
    "introduction_en": "Niigata Prefectural Kaiyo High School works with Itoigawa City, the Niigata board of "
    "education and Nousui Shoten on smart fisheries and on products made from local marine resources. Students "
    "study low-cost salmon release and mozuku seaweed habitats, and sell what they develop at the school's "
    "antenna shop.",
    "outcomes": "鮭の魚醤を使った新商品をアンテナショップで試験販売しました。",
    "outcomes_en": "A new product made with salmon fish sauce went on trial sale at the antenna shop.",
    "contact": "海洋高等学校マイスター・ハイスクール管理機関 事務局（糸魚川市）",
}
HIKONE_PAGE = {
    "introduction": "彦根工業高等学校と地域企業によるデュアルシステム（プログレス実習）の紹介（準備中）。",
    "contact": "彦根商工会議所",
}
NOSUI_PROFILE = {
    "what_we_do": "海洋高校の生徒とともに開発した水産加工品を製造し、道の駅の"
    "「新潟海洋高校アンテナショップ 能水商店」とオンラインで販売しています。",
    "what_we_do_en": "We make seafood products developed together with Kaiyo High School students and sell them at "
    "our antenna shop at the roadside station and online.",
    "what_students_learn": "鮭の一次加工から魚醤づくり、商品の価格設定、接客と販売まで、"
    "水産業の仕事をひととおり経験できます。",
    "what_students_learn_en": "Students experience the whole fisheries business: processing salmon, making fish "
    "sauce, pricing, customer service and sales.",
}
VIDEO = {
    "title": "鮭の一次加工（動画）",
    "description": "能水商店の加工場での鮭の一次加工の手順を短くまとめた動画です。水産食品科の実習前の予習に。",
    "category": CourseCategory.FISHERIES,
    "subject": "水産加工実習",
    "grade": 2,
    "usage": UsageTerms.PUBLIC,
}
PDF = {
    "title": "鮭の魚醤 商品開発の手引き",
    "description": "魚醤の商品開発で使う、原料の受入れ・発酵の温度管理・試験販売の手引きです（管理機関内の資料）。",
    "category": CourseCategory.FISHERIES,
    "subject": "課題研究",
    "grade": 3,
    "usage": UsageTerms.CONSORTIUM,
}


def load_demo() -> None:
    niigata = Consortium.objects.get(prefecture__code="15")
    shiga = Consortium.objects.get(prefecture__code="25")
    kaiyo = School.objects.get(name="新潟県立海洋高等学校")
    nosui = Company.objects.get(name="株式会社能水商店")
    users = {u.username: u for u in User.objects.filter(username__in=["coordinator-niigata", "company-niigata"])}
    users |= {u.username: u for u in User.objects.filter(username__in=["teacher-niigata", "coordinator"])}

    page = _keep(ConsortiumPage, {"consortium": niigata}, NIIGATA_PAGE, users["coordinator-niigata"], publish=True)
    page.projects.add(*JointProject.objects.filter(school=kaiyo))
    page.engagements.add(*Engagement.objects.filter(school=kaiyo, company=nosui))
    _keep(ConsortiumPage, {"consortium": shiga}, HIKONE_PAGE, users["coordinator"], publish=False)
    _keep(CompanyProfile, {"company": nosui}, NOSUI_PROFILE, users["company-niigata"], publish=True)

    _material(
        VIDEO,
        "suisan-shokuhin-kakou.webm",
        niigata,
        users["company-niigata"],
        captions="suisan-shokuhin-kakou.vtt",
        company=nosui,
    )
    _material(PDF, "gyosho-tebiki.pdf", niigata, users["teacher-niigata"], school=kaiyo)


def _keep(model, key, values, user, *, publish: bool):
    obj = model.objects.filter(**key).first()
    if obj is None:
        obj = model(**key, **values)
        services.record_save(user=user, obj=obj)
        if publish:
            services.publication_set(user=user, obj=obj, published=True)
    return obj


def _material(spec, filename, consortium, user, captions=None, **contributor):
    if Material.objects.filter(title=spec["title"], consortium=consortium).exists():
        return
    material = Material(**spec, consortium=consortium, **contributor)
    with open(FILES / filename, "rb") as handle, ExitStack() as stack:
        track = File(stack.enter_context(open(FILES / captions, "rb")), name=captions) if captions else None
        services.material_save(user=user, material=material, upload=File(handle, name=filename), captions=track)
    services.publication_set(user=user, obj=material, published=True)
