"""Results: a Markdown report and a PNG bar chart of the ratios (drawn with Pillow)."""

import math
import os
import platform

import django
from PIL import Image, ImageDraw, ImageFont


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


def page_table(rows):
    lines = [
        "| page | path | req/s | p50 ms | p99 ms | limit req/s | ratio (min–max) | queries "
        "| CPU ms in-process, uncached (SQL) | bytes sent |",
        "|---|---|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    for row in rows:
        if not row.get("path"):
            lines.append(f"| {row['name']} | {row['note']} | | | | | | | | |")
            continue
        s = row.get("load") or {}
        ratio = f"{s['ratio']:.2f} ({s['ratio_min']:.2f}–{s['ratio_max']:.2f})" if "ratio" in s else "–"
        queries = row["queries"]
        if row.get("page_cached"):
            queries = f"{queries} (cached: {row['served_queries']})"
        lines.append(
            f"| {row['name']} | `{row['path']}` | {fmt(s.get('rps'))} | {fmt(s.get('p50_ms'), '{:.1f}')} "
            f"| {fmt(s.get('p99_ms'), '{:.1f}')} | {fmt(s.get('limit_rps'))} | {ratio} | {queries} "
            f"| {fmt(row.get('cpu_ms'), '{:.1f}')} ({fmt(row.get('sql_ms'), '{:.1f}')}) "
            f"| {row['bytes']:,} {row['encoding']} (gzip would be {row['gzip_bytes']:,}, "
            f"{row['gzip_ms']:.1f} ms) |"
        )
    return "\n".join(lines)


def hall_table(summary):
    lines = ["| step | requests | p50 ms | p99 ms | max ms |", "|---|---:|---:|---:|---:|"]
    for kind, s in summary.items():
        lines.append(
            f"| {kind} | {s['count']} | {fmt(s['p50_ms'], '{:.1f}')} | {fmt(s['p99_ms'], '{:.1f}')} "
            f"| {fmt(s['max_ms'], '{:.1f}')} |"
        )
    return "\n".join(lines)


def chart(rows, path, title):
    """Horizontal bars: each page's ratio to the limit, with its min–max range as a whisker."""
    rows = [r for r in rows if r.get("load")]
    width, bar_h, left, top = 900, 28, 230, 50
    height = top + bar_h * max(1, len(rows)) + 50
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default()
    draw.text((10, 10), title, fill="black", font=font)
    span = width - left - 40
    scale_max = max([1.0] + [r["load"]["ratio_max"] for r in rows])
    for tick in (0, 0.15, 0.5, 0.7, 1.0):
        x = left + span * tick / scale_max
        draw.line([(x, top - 5), (x, height - 40)], fill="#cccccc")
        draw.text((x - 8, height - 35), f"{tick:g}", fill="black", font=font)
    for i, row in enumerate(rows):
        s, y = row["load"], top + i * bar_h
        draw.text((10, y + 8), row["name"], fill="black", font=font)
        colour = "#2e7d32" if s["ratio"] >= 0.7 else "#f9a825" if s["ratio"] >= 0.15 else "#c62828"
        draw.rectangle([left, y + 4, left + span * s["ratio"] / scale_max, y + bar_h - 4], fill=colour)
        lo, hi = (left + span * s[k] / scale_max for k in ("ratio_min", "ratio_max"))
        draw.line([(lo, y + bar_h / 2), (hi, y + bar_h / 2)], fill="black", width=2)
        draw.text((left + span * s["ratio_max"] / scale_max + 6, y + 8), f"{s['ratio']:.2f}", fill="black")
    draw.text((left, height - 20), "ratio to the limit (page req/s / constant page req/s)", fill="black")
    image.save(path)
