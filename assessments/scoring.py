"""An instrument loaded once with its items, turning typed answers into values and values into subscale scores."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from assessments import stats
from assessments.models import Instrument, InstrumentKind
from meister.importing import nfkc


@dataclass(frozen=True)
class ItemSpec:
    number: int
    text: str
    subscale: str
    reverse_scored: bool

    @property
    def key(self) -> str:
        # JSON object keys are strings; answers are stored by item number as text.
        return str(self.number)


class InstrumentSpec:
    def __init__(self, instrument: Instrument, items, subscales):
        self.instrument = instrument
        self.items = [ItemSpec(i.number, i.text, i.subscale.code, i.reverse_scored) for i in items]
        self.subscales = list(subscales)
        self.low, self.high = instrument.value_range()
        self.whole_numbers = instrument.kind == InstrumentKind.ANSWERED

    @classmethod
    def load(cls, instrument: Instrument) -> "InstrumentSpec":
        return cls(instrument, instrument.items.select_related("subscale"), instrument.subscales.all())

    def parse(self, text: str) -> tuple[float | None, str | None]:
        """The value typed in a cell (full-width digits too), or an error message; blank is no answer."""
        text = nfkc(text)
        if not text:
            return None, None
        try:
            value = float(text)
        except ValueError:
            return None, self._range_message(text)
        if not (self.low <= value <= self.high) or (self.whole_numbers and not value.is_integer()):
            return None, self._range_message(text)
        return (int(value) if value.is_integer() else value), None

    def _range_message(self, text: str) -> str:
        if self.whole_numbers:
            return _("「%(value)s」は回答できません。%(low)s〜%(high)s の整数で入力してください。") % {
                "value": text,
                "low": int(self.low),
                "high": int(self.high),
            }
        return _("「%(value)s」はスコアとして読めません。%(low)s〜%(high)s の数値で入力してください。") % {
            "value": text,
            "low": f"{self.low:g}",
            "high": f"{self.high:g}",
        }

    def scores(self, answers: dict) -> dict[str, float]:
        """Each subscale's score; a subscale with an unanswered item has none rather than a misleading one."""
        by_subscale: dict[str, list[float]] = {}
        missing = set()
        for item in self.items:
            value = answers.get(item.key)
            if value is None:
                missing.add(item.subscale)
                continue
            if item.reverse_scored:
                value = stats.reverse(value, self.low, self.high)
            by_subscale.setdefault(item.subscale, []).append(float(value))
        return {
            code: round(stats.score(values, self.instrument.scoring), 4)
            for code, values in by_subscale.items()
            if code not in missing
        }
