"""Descriptive and paired statistics for scores: pure functions on numbers, no database.

The confidence interval of a paired mean change uses the t distribution with n−1 degrees of freedom; the paired
effect size is d_z = mean(diff) / sd(diff), the standardised mean of the differences (not Cohen's d between groups).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy.stats import t as t_distribution


@dataclass(frozen=True)
class Summary:
    n: int
    mean: float | None
    sd: float | None


@dataclass(frozen=True)
class PairedChange:
    n: int
    mean_before: float | None
    mean_after: float | None
    mean_diff: float | None
    sd_diff: float | None
    ci_low: float | None
    ci_high: float | None
    t: float | None
    p: float | None
    d_z: float | None


def mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def sample_sd(values: Sequence[float]) -> float | None:
    """The sample standard deviation (n−1 in the denominator); undefined below two values."""
    if len(values) < 2:
        return None
    centre = mean(values)
    return math.sqrt(math.fsum((v - centre) ** 2 for v in values) / (len(values) - 1))


def describe(values: Sequence[float]) -> Summary:
    values = [float(v) for v in values]
    return Summary(n=len(values), mean=mean(values), sd=sample_sd(values))


def paired_change(before: Sequence[float], after: Sequence[float], *, confidence: float = 0.95) -> PairedChange:
    """Mean change after − before over pairs, its confidence interval, t, two-sided p and d_z."""
    if len(before) != len(after):
        raise ValueError("paired samples must have the same length")
    before = [float(v) for v in before]
    after = [float(v) for v in after]
    diffs = [a - b for b, a in zip(before, after, strict=True)]
    n = len(diffs)
    mean_diff = mean(diffs)
    sd_diff = sample_sd(diffs)
    ci_low = ci_high = t_value = p_value = d_z = None
    if sd_diff is not None:
        se = sd_diff / math.sqrt(n)
        half_width = t_distribution.ppf(0.5 + confidence / 2, n - 1) * se
        ci_low, ci_high = mean_diff - half_width, mean_diff + half_width
        if sd_diff > 0:
            t_value = mean_diff / se
            p_value = float(2 * t_distribution.sf(abs(t_value), n - 1))
            d_z = mean_diff / sd_diff
    return PairedChange(
        n=n,
        mean_before=mean(before),
        mean_after=mean(after),
        mean_diff=mean_diff,
        sd_diff=sd_diff,
        ci_low=ci_low,
        ci_high=ci_high,
        t=t_value,
        p=p_value,
        d_z=d_z,
    )


def score(values: Sequence[float], rule: str) -> float:
    """A subscale score from its item values: their sum or their mean."""
    return math.fsum(values) if rule == "sum" else math.fsum(values) / len(values)


def reverse(value: float, low: float, high: float) -> float:
    """A reverse-scored answer: on a 1–5 scale 1 counts as 5 and 4 as 2."""
    return low + high - value
