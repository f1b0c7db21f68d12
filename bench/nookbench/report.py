"""The human-readable table printed at the end of a run."""


def _ms(s):
    if not s:
        return "-"
    return f"{s['median']:9.2f}  [{s['p10']:.2f} .. {s['p90']:.2f}]"


def _ratio(r):
    if "ratio" not in r:
        return f"{'-':>7}"
    if "paired_p10" not in r:  # a single figure (density), no per-round spread
        return f"{r['ratio']:7.3f}"
    return f"{r['ratio']:7.3f}  [{r['paired_p10']:.3f} .. {r['paired_p90']:.3f}]"


def table(results):
    smoke = results["meta"]["smoke"]
    lines = [f"nook benchmarks on {results['meta']['host']} ({results['meta']['date']})"
             + ("  SMOKE: tiny sizes, no verdicts" if smoke else "")]
    for part, res in results["parts"].items():
        lines.append("")
        lines.append(f"== {part} ==")
        if "broken" in res:
            lines.append(f"  BROKEN: {res['broken']}")
            continue
        if res.get("note"):
            lines.append(f"  note: {res['note']}")
        for s in res.get("skips", []):
            lines.append(f"  {s}" if s.startswith("SKIP") else f"  SKIP: {s}")
        if res.get("cases"):
            lines.append(f"  {'test':<10} {'contender':<34} {'median ms  [p10 .. p90]':<32} {'cpu ms':>8}  n")
            for c in res["cases"]:
                err = c.get("error")
                shown = _ms(c["stats_ms"]) if not err else err[:70] if err.startswith("SKIP") else "ERROR " + err[:70]
                n = c["stats_ms"]["n"] if c.get("stats_ms") else 0
                cpu = f"{c['cpu_ms']['median']:8.2f}" if c.get("cpu_ms") else f"{'-':>8}"
                lines.append(f"  {c.get('test', ''):<10} {c['name']:<34} {shown:<32} {cpu}  {n}")
        for m in res.get("metrics", []):
            lines.append(f"  {m['name']:<46} {m['value']:>12.3f} {m['unit']}")
        if res.get("ratios"):
            lines.append(f"  {'ratio':<46} {'value  [paired p10 .. p90]':<32} {'cpu':>6} {'target':<8} verdict")
            for r in res["ratios"]:
                status = r["status"]
                if smoke and status in ("PASS", "MISS"):
                    status = "(smoke)"
                why = f"  ({r['why'][:60]})" if r.get("why") else ""
                cpu = f"{r['cpu_ratio']:6.3f}" if r.get("cpu_ratio") else f"{'-':>6}"
                lines.append(f"  {r['label']:<46} {_ratio(r):<32} {cpu} {r.get('target', ''):<8} {status}{why}")
    return "\n".join(lines)


def nook_failures(results):
    """Names of nook contenders that errored (a harness/nook breakage, not a
    missing peer and not a not-yet-implemented verb, which are SKIPs)."""
    bad = []
    for part, res in results["parts"].items():
        for c in res.get("cases", []):
            if c.get("role") == "nook" and c.get("error") and not c["error"].startswith("SKIP"):
                bad.append(f"{part}/{c.get('test', '')}/{c['name']}")
    return bad
