"""Vendor files and teachers' spreadsheets of answers or scores for one administration, through the one pipeline.

A row names its student by 組 and 出席番号 within the administration's cohort; columns are items (項目1, Q1, 問1)
or, for a vendor's scores, the subscale names (情報収集, 対人 …). The whole file goes in or nothing does.
"""

from django.utils.translation import gettext_lazy

from assessments.models import Administration, InstrumentKind, Response
from assessments.scoring import InstrumentSpec
from meister.importing import Importer, ImportField, keep_text, nfkc
from meister.models import Role


def _class_name(text: str) -> str:
    # 3年1組 and 3-1 name the same class; the registry writes 3-1.
    text = nfkc(text).replace("年", "-").replace("組", "")
    return text


class ResponseImporter(Importer):
    kind = "assessment_responses"
    model = Response
    import_roles = frozenset({Role.ADMIN, Role.TEACHER})
    name_fields = frozenset()

    def __init__(self, administration: Administration):
        self.administration = administration
        self.spec = InstrumentSpec.load(administration.instrument)
        imported = administration.instrument.kind == InstrumentKind.IMPORTED
        item_fields = []
        for item in self.spec.items:
            aliases = (f"項目{item.number}", f"Q{item.number}", f"問{item.number}", f"item{item.number}")
            label = item.text if imported else f"項目{item.number}"
            item_fields.append(ImportField(f"item_{item.number}", label, aliases))
        self.fields = (
            ImportField("class_name", gettext_lazy("組"), ("クラス", "学級", "class"), required=True),
            ImportField("number", gettext_lazy("出席番号"), ("番号", "No", "No.", "number"), required=True),
            ImportField(
                "kana", gettext_lazy("氏名（かな）"), ("氏名", "ふりがな", "かな", "name"), normalise=keep_text
            ),
            *item_fields,
        )

    def prepare(self, rows, context):
        students = self.administration.students()
        context.cache["students"] = {(s.class_name, s.number): s for s in students}
        context.cache["responses"] = {r.student_id: r for r in self.administration.responses.all()}

    def clean_values(self, row, context, problems):
        values = {}
        class_name, number = _class_name(row.get("class_name")), row.get("number")
        student = None
        if class_name and number:
            if number.isdigit():
                student = context.cache["students"].get((class_name, int(number)))
            if student is None:
                problems.add(
                    "student",
                    gettext_lazy("%(class)s 組 %(number)s 番の生徒はこの学年に登録されていません。"),
                    **{"class": class_name, "number": number},
                )
            else:
                values["student"] = student
        answers = {}
        for item in self.spec.items:
            text = row.get(f"item_{item.number}")
            value, error = self.spec.parse(text)
            if error:
                problems.add(f"item_{item.number}", f"{self._item_label(item)}: {error}")
            elif value is not None:
                answers[item.key] = value
        if not answers and not problems:
            problems.add(None, gettext_lazy("回答・スコアが1つもありません。"))
        values["answers"] = answers
        values["scores"] = self.spec.scores(answers)
        return values

    def _item_label(self, item) -> str:
        return item.text if self.administration.instrument.kind == InstrumentKind.IMPORTED else f"項目{item.number}"

    def find_existing(self, values, context, problems):
        student = values.get("student")
        return context.cache["responses"].get(student.pk) if student else None

    def new_instance(self, values, context):
        return Response(administration=self.administration)

    def key(self, instance):
        return instance.student_id

    def label(self, row, instance):
        return row.get("kana") or f"{row.get('class_name')}-{row.get('number')}"
