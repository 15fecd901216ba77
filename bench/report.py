"""Results: a Markdown report and a PNG bar chart of the ratios (drawn with Pillow)."""

import math
import os
import platform
import statistics

import django
from PIL import Image, ImageDraw, ImageFont

# The roles of bare Django's signed-in page, under each session engine, in a page's rounds.
FLOOR_DB = "floor: database sessions"
FLOOR_COOKIE = "floor: signed cookies"


def machine():
    """nproc, CPU model, Python and Django versions."""
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "django": django.get_version(),
        "os": platform.platform(),
    }


def fmt(value, pattern="{:.0f}"):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return pattern.format(value)


def ratio_cell(s):
    """ "0.95 (0.90–1.00)": the median ratio and its range, or a dash."""
    if not s or s.get("ratio") is None or math.isnan(s["ratio"]):
        return "–"
    return f"{s['ratio']:.2f} ({s['ratio_min']:.2f}–{s['ratio_max']:.2f})"


def queries_cell(row):
    queries = row.get("queries")
    if row.get("page_cached"):
        return f"{queries} (cached: {row['served_queries']})"
    return fmt(queries)


def page_table(rows):
    """Each page: its speed, and its ratio to the board's limit, to bare Django and to the floor."""
    lines = [
        "| page | path | req/s | p50 ms | p99 ms | × limit | × bare Django | × signed-in floor, DB sessions "
        "| × floor, signed cookies | queries | CPU ms in-process, uncached (SQL) | bytes sent |",
        "|---|---|---:|---:|---:|---|---|---|---|---:|---:|---:|",
    ]
    for row in rows:
        if not row.get("path"):
            lines.append(f"| {row['name']} | {row['note']} | | | | | | | | | | |")
            continue
        s, vs = row.get("load") or {}, row.get("vs") or {}
        lines.append(
            f"| {row['name']} | `{row['path']}` | {fmt(s.get('rps'))} | {fmt(s.get('p50_ms'), '{:.1f}')} "
            f"| {fmt(s.get('p99_ms'), '{:.1f}')} | {ratio_cell(vs.get('limit'))} "
            f"| {ratio_cell(vs.get('bare'))} | {ratio_cell(vs.get(FLOOR_DB))} "
            f"| {ratio_cell(vs.get(FLOOR_COOKIE))} | {queries_cell(row)} "
            f"| {fmt(row.get('cpu_ms'), '{:.1f}')} ({fmt(row.get('sql_ms'), '{:.1f}')}) "
            f"| {row['bytes']:,} {row['encoding']} |"
        )
    return "\n".join(lines)


def pooled(rows, role):
    """``role``'s requests/s and its ratio to bare Django over every round of the run that measured it."""
    rps = [v for row in rows for v in row.get("reference_rps", {}).get(role, [])]
    ratios = [v for row in rows for v in row.get("reference_vs_bare", {}).get(role, [])]
    if not rps:
        return None
    return {
        "rounds": len(rps),
        "rps": statistics.median(rps),
        "ratio": statistics.median(ratios) if ratios else float("nan"),
        "ratio_min": min(ratios, default=float("nan")),
        "ratio_max": max(ratios, default=float("nan")),
    }


def references_table(rows):
    """Bare Django's constant page, and its signed-in floors, over all the rounds beside the pages."""
    lines = ["| reference | rounds | req/s (median) | × bare Django (range) |", "|---|---:|---:|---|"]
    for role, label in (
        ("bare", "bare Django, anonymous constant page"),
        (FLOOR_DB, "bare Django, signed in, database sessions (the floor)"),
        (FLOOR_COOKIE, "bare Django, signed in, signed-cookie sessions"),
    ):
        s = pooled(rows, role)
        if s:
            vs = "1" if role == "bare" else ratio_cell(s)
            lines.append(f"| {label} | {s['rounds']} | {fmt(s['rps'])} | {vs} |")
    return "\n".join(lines)


def query_table(rows):
    """Queries per page, anonymous and signed in: the view's own, and as served (page cache)."""
    by_page = {}
    for row in rows:
        if row.get("board", True):
            by_page.setdefault(row["page"], {})["signed in" if row["signed_in"] else "anonymous"] = row
    lines = ["| page | anonymous | signed in |", "|---|---:|---:|"]
    for page, kinds in by_page.items():
        cells = [
            queries_cell(kinds[k]) if k in kinds and kinds[k].get("path") else "–"
            for k in ("anonymous", "signed in")
        ]
        lines.append(f"| {page} | {cells[0]} | {cells[1]} |")
    return "\n".join(lines)


ANONYMOUS_TARGET = 0.7
SIGNED_IN_TARGET = 0.25
# The Open Discussion draws 200 comments for a signed-in reader (their own, editable, marked).
SIGNED_IN_TARGETS = {"discussion": 0.15}
MAX_QUERIES = 8
HALL_READ_P99_MS = 100


def targets(rows, hall=None, *, warm=True):
    """The issue's targets as (target, result, met) rows; warm-only targets need ``warm``."""
    results = []
    board = [r for r in rows if r.get("board", True)]
    if warm:
        for row in board:
            need = (
                SIGNED_IN_TARGETS.get(row["page"], SIGNED_IN_TARGET) if row["signed_in"] else ANONYMOUS_TARGET
            )
            got = ((row.get("vs") or {}).get("bare") or {}).get("ratio", float("nan"))
            result = f"{got:.2f}" if row.get("path") else "not available"
            results.append((f"{row['name']}: warm ≥ {need:g} × bare Django", result, got >= need))
    counted = [r for r in board if r.get("queries") is not None]
    if counted:
        worst = max(counted, key=lambda r: r["queries"])
        over = [r["name"] for r in counted if r["queries"] > MAX_QUERIES]
        result = f"at most {worst['queries']} ({worst['name']})" + (
            f"; over: {', '.join(over)}" if over else ""
        )
        missing = len(counted) < len(board)
        results.append(
            (
                f"queries ≤ {MAX_QUERIES} on every page, anonymous and signed in",
                result,
                not over and not missing,
            )
        )
    if hall:
        errors = len(hall["read_errors"]) + len(hall.get("poll_errors", [])) + len(hall["post_errors"])
        lost = hall["posted"] - hall["stored"]
        read_p99 = hall["timings"].get("reads (all)", {}).get("p99_ms", float("nan"))
        results += [
            ("lecture hall: 0 errors", str(errors), errors == 0),
            (
                "lecture hall: every student's read mark written",
                f"{hall.get('read_marks', 0)} of {hall['students']}",
                hall.get("read_marks", 0) == hall["students"],
            ),
            (
                "lecture hall: 0 lost (posts accepted = comments stored)",
                f"{hall['posted']} accepted, {hall['stored']} stored",
                lost == 0 and hall["posted"] > 0,
            ),
            (
                f"lecture hall: reads p99 ≤ {HALL_READ_P99_MS} ms",
                f"{read_p99:.1f} ms",
                read_p99 <= HALL_READ_P99_MS,
            ),
            (
                "lecture hall: each poster sees their comment on the next page",
                f"{hall['seen']} of {hall['posters']}",
                hall["seen"] == hall["posters"] > 0,
            ),
        ]
    return results


def target_table(results):
    lines = ["| target | result | met? |", "|---|---|---|"]
    lines += [f"| {target} | {result} | {'yes' if met else '**no**'} |" for target, result, met in results]
    return "\n".join(lines)


def device_table(rows, devices, keep_at):
    """Each device, page by page: the page with it and without it, and what it buys."""
    lines = [
        "| device | page | with: req/s, p99 ms, × bare | without: req/s, p99 ms, × bare "
        "| buys (req/s, range) |",
        "|---|---|---|---|---:|",
    ]
    verdicts = []
    for device in devices:
        gains = []
        for row in rows:
            measured = (row.get("devices") or {}).get(device.name)
            if not measured:
                continue
            s, w = row["load"], measured["load"]
            gain = measured["gain"]["ratio"] - 1
            gains.append((gain, row["name"]))
            lines.append(
                f"| {device.name} | {row['name']} | {fmt(s['rps'])}, {fmt(s['p99_ms'], '{:.1f}')}, "
                f"{ratio_cell(row['vs'].get('bare'))} | {fmt(w['rps'])}, {fmt(w['p99_ms'], '{:.1f}')}, "
                f"{ratio_cell(measured['vs_bare'])} | {gain_cell(measured['gain'])} |"
            )
        verdicts.append(device_verdict(device.name, gains, keep_at))
    return "\n".join(lines + [""] + [f"- {v}" for v in verdicts])


def gain_cell(gain):
    """ "+25 % (+3 to +40 %)": with ÷ without − 1, median of the rounds and their range."""
    if math.isnan(gain["ratio"]):
        return "–"
    low, high = (f"{(gain[k] - 1) * 100:+.0f}" for k in ("ratio_min", "ratio_max"))
    return f"{(gain['ratio'] - 1) * 100:+.0f} % ({low} to {high} %)"


def device_verdict(name, gains, keep_at):
    """ "page cache: buys +517 % (home); keep" from (gain, page) pairs; a device under ``keep_at`` goes."""
    gains = [(g, page) for g, page in gains if not math.isnan(g)]
    if not gains:
        return f"{name}: not measured"
    best, page = max(gains)
    verdict = "keep" if best >= keep_at else f"goes (under {keep_at:.0%} on every page)"
    return f"{name}: buys at most {best * 100:+.0f} % ({page}); {verdict}"


def hall_table(summary):
    lines = ["| step | requests | p50 ms | p99 ms | max ms |", "|---|---:|---:|---:|---:|"]
    for kind, s in summary.items():
        lines.append(
            f"| {kind} | {s['count']} | {fmt(s['p50_ms'], '{:.1f}')} | {fmt(s['p99_ms'], '{:.1f}')} "
            f"| {fmt(s['max_ms'], '{:.1f}')} |"
        )
    return "\n".join(lines)


def chart(rows, path, title):
    """Horizontal bars: each page's ratio to bare Django, with its min–max range as a whisker."""
    rows = [r for r in rows if r.get("load") and not math.isnan(r["vs"]["bare"]["ratio"])]
    width, bar_h, left, top = 900, 28, 230, 50
    height = top + bar_h * max(1, len(rows)) + 50
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default()
    draw.text((10, 10), title, fill="black", font=font)
    span = width - left - 40
    scale_max = max([1.0] + [r["vs"]["bare"]["ratio_max"] for r in rows])
    for tick in (0, 0.15, 0.25, 0.5, 0.7, 1.0):
        x = left + span * tick / scale_max
        draw.line([(x, top - 5), (x, height - 40)], fill="#cccccc")
        draw.text((x - 8, height - 35), f"{tick:g}", fill="black", font=font)
    for i, row in enumerate(rows):
        s, y = row["vs"]["bare"], top + i * bar_h
        draw.text((10, y + 8), row["name"], fill="black", font=font)
        colour = "#2e7d32" if s["ratio"] >= 0.7 else "#f9a825" if s["ratio"] >= 0.25 else "#c62828"
        draw.rectangle([left, y + 4, left + span * s["ratio"] / scale_max, y + bar_h - 4], fill=colour)
        lo, hi = (left + span * s[k] / scale_max for k in ("ratio_min", "ratio_max"))
        draw.line([(lo, y + bar_h / 2), (hi, y + bar_h / 2)], fill="black", width=2)
        draw.text((left + span * s["ratio_max"] / scale_max + 6, y + 8), f"{s['ratio']:.2f}", fill="black")
    draw.text(
        (left, height - 20),
        "ratio to bare Django (page req/s / bare Django's constant page req/s)",
        fill="black",
    )
    image.save(path)
