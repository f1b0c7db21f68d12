"""Order statistics for noisy timings: medians and percentiles, never means."""


def percentile(values, p):
    """Linear-interpolated percentile (p in 0..100) of a non-empty list."""
    xs = sorted(values)
    if not xs:
        raise ValueError("percentile of an empty list")
    k = (len(xs) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def summary(values):
    """median/p10/p90/min/max of a list of numbers (None when empty)."""
    if not values:
        return None
    return {
        "n": len(values),
        "median": percentile(values, 50),
        "p10": percentile(values, 10),
        "p90": percentile(values, 90),
        "min": min(values),
        "max": max(values),
    }


def paired_ratios(num, den):
    """Per-round ratios num[i]/den[i]: both were measured in the same round of
    an interleaved loop, so their ratio cancels most of the machine's drift."""
    return [a / b for a, b in zip(num, den) if b > 0]
