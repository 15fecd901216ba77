"""The security headers each page sends, graded: what `manage.py security_headers` prints.

A page gets A+ when it sends all seven headers below (a strict CSP: no 'unsafe-inline', with
frame-ancestors), then a grade lower per missing header: A, B, C, D, F.
"""

import re

HEADERS = [
    ("CSP", "Content-Security-Policy"),
    ("HSTS", "Strict-Transport-Security"),
    ("XFO", "X-Frame-Options"),
    ("nosniff", "X-Content-Type-Options"),
    ("Referrer", "Referrer-Policy"),
    ("COOP", "Cross-Origin-Opener-Policy"),
    ("Permissions", "Permissions-Policy"),
]
GRADES = ["A+", "A", "B", "C", "D"]


def header_present(short, value):
    """Whether the header is there and does its job (not just any value)."""
    if not value:
        return False
    if short == "CSP":
        return "unsafe-inline" not in value and "frame-ancestors" in value
    if short == "HSTS":
        match = re.search(r"max-age=(\d+)", value)
        return bool(match) and int(match.group(1)) >= 15_552_000  # at least 180 days
    if short == "nosniff":
        return value.strip().lower() == "nosniff"
    if short == "XFO":
        return value.strip().upper() in {"DENY", "SAMEORIGIN"}
    return True


def grade(headers):
    """(marks per header, grade) for a response's headers (a case-insensitive mapping)."""
    marks = {short: header_present(short, headers.get(name)) for short, name in HEADERS}
    missing = list(marks.values()).count(False)
    return marks, GRADES[missing] if missing < len(GRADES) else "F"


def table(rows):
    """Markdown: one row per (label, path, status, headers)."""
    lines = [
        "| page | status | " + " | ".join(short for short, _ in HEADERS) + " | grade |",
        "|---|---:|" + "---|" * len(HEADERS) + "---|",
    ]
    for label, path, status, headers in rows:
        marks, mark = grade(headers)
        cells = " | ".join("✓" if marks[short] else "✗" for short, _ in HEADERS)
        lines.append(f"| {label} `{path}` | {status} | {cells} | {mark} |")
    return "\n".join(lines)
