"""The statistics module against SciPy on fixed data, computed independently of our own arithmetic."""

import math

import numpy as np
import pytest
from scipy import stats as scipy_stats

from assessments import stats

BEFORE = [3.25, 2.5, 4.0, 3.0, 2.75, 3.5, 2.0, 3.75, 3.0, 2.25, 4.25, 3.5]
AFTER = [3.75, 2.5, 4.25, 3.5, 3.25, 3.25, 2.75, 4.0, 3.5, 3.0, 4.5, 3.75]


def test_describe_matches_numpy():
    summary = stats.describe(BEFORE)
    assert summary.n == 12
    assert summary.mean == pytest.approx(np.mean(BEFORE))
    assert summary.sd == pytest.approx(np.std(BEFORE, ddof=1))


def test_paired_change_matches_scipy_ttest_rel():
    change = stats.paired_change(BEFORE, AFTER)
    reference = scipy_stats.ttest_rel(AFTER, BEFORE)
    diffs = np.array(AFTER) - np.array(BEFORE)
    half = scipy_stats.t.ppf(0.975, len(diffs) - 1) * diffs.std(ddof=1) / math.sqrt(len(diffs))
    assert change.n == 12
    assert change.mean_diff == pytest.approx(diffs.mean())
    assert change.t == pytest.approx(reference.statistic)
    assert change.p == pytest.approx(reference.pvalue)
    assert (change.ci_low, change.ci_high) == pytest.approx((diffs.mean() - half, diffs.mean() + half))
    interval = reference.confidence_interval(0.95)
    assert (change.ci_low, change.ci_high) == pytest.approx((interval.low, interval.high))
    assert change.d_z == pytest.approx(diffs.mean() / diffs.std(ddof=1))


def test_known_values_by_hand():
    # diffs 1, 2, 3: mean 2, sd 1, t(0.975, 2) = 4.302652729…
    change = stats.paired_change([1, 1, 1], [2, 3, 4])
    assert change.mean_diff == 2
    assert change.sd_diff == pytest.approx(1)
    assert change.ci_low == pytest.approx(2 - 4.302652729911275 / math.sqrt(3))
    assert change.d_z == pytest.approx(2)


def test_ninety_percent_interval_is_narrower():
    wide = stats.paired_change(BEFORE, AFTER)
    narrow = stats.paired_change(BEFORE, AFTER, confidence=0.90)
    reference = scipy_stats.ttest_rel(AFTER, BEFORE).confidence_interval(0.90)
    assert (narrow.ci_low, narrow.ci_high) == pytest.approx((reference.low, reference.high))
    assert wide.ci_low < narrow.ci_low


def test_degenerate_samples():
    assert stats.describe([]) == stats.Summary(0, None, None)
    assert stats.describe([4]).sd is None
    one = stats.paired_change([3], [4])
    assert one.mean_diff == 1 and one.ci_low is None and one.d_z is None
    constant = stats.paired_change([1, 2, 3], [2, 3, 4])
    assert constant.sd_diff == 0 and constant.d_z is None and constant.ci_low == constant.ci_high == 1
    with pytest.raises(ValueError):
        stats.paired_change([1, 2], [1])


def test_scoring_rules():
    assert stats.score([1, 2, 3], "sum") == 6
    assert stats.score([1, 2, 3], "mean") == 2
    assert stats.reverse(1, 1, 5) == 5
    assert stats.reverse(4, 1, 5) == 2
