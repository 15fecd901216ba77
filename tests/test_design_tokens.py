"""The design tokens in static/css/board.css: written once, AA contrast in light and dark.

WCAG 2.2: text needs 4.5:1 against its background (1.4.3); a focus ring and the borders that
show where a field is need 3:1 (1.4.11).
"""

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parent.parent / "static" / "css" / "board.css").read_text()
DARK = "@media (prefers-color-scheme: dark)"
TOKEN = re.compile(r"(--[\w-]+):\s*([^;]+);")


def blocks():
    """The light :root block, the dark one, and the rest of the stylesheet."""
    light_start = CSS.index(":root {")
    light_end = CSS.index("}", light_start) + 1
    dark_start = CSS.index(DARK)
    dark_end = CSS.index("}\n}", dark_start) + 3
    rest = CSS[:light_start] + CSS[light_end:dark_start] + CSS[dark_end:]
    return CSS[light_start:light_end], CSS[dark_start:dark_end], rest


def themes():
    light, dark, _ = blocks()
    light_tokens = dict(TOKEN.findall(light))
    return {"light": light_tokens, "dark": light_tokens | dict(TOKEN.findall(dark))}


def luminance(hex_colour):
    channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a, b):
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


TEXT_PAIRS = [
    ("fg", "bg"),
    ("fg", "surface"),
    ("muted", "bg"),
    ("muted", "surface"),
    ("accent", "bg"),
    ("accent", "surface"),
    ("accent-fg", "accent"),
    ("accent-fg", "accent-hover"),
    ("warn-fg", "warn-bg"),
    ("danger", "bg"),
    ("danger", "surface"),
]
NON_TEXT_PAIRS = [
    ("focus", "bg"),
    ("focus", "surface"),
    ("control-border", "bg"),
    ("feed", "bg"),
    ("feed", "surface"),
]


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize(("pairs", "minimum"), [(TEXT_PAIRS, 4.5), (NON_TEXT_PAIRS, 3.0)])
def test_every_colour_pair_meets_aa(theme, pairs, minimum):
    tokens = themes()[theme]
    failing = {
        f"--{fg} on --{bg}": round(contrast(tokens[f"--{fg}"], tokens[f"--{bg}"]), 2)
        for fg, bg in pairs
        if contrast(tokens[f"--{fg}"], tokens[f"--{bg}"]) < minimum
    }
    assert not failing, f"{theme}: below {minimum}:1: {failing}"


def test_both_themes_define_the_same_colours():
    light, dark, _ = blocks()
    colours = {name for name, value in TOKEN.findall(light) if value.startswith("#")}
    assert colours == {name for name, _ in TOKEN.findall(dark)}


def test_rules_use_tokens_never_literal_colours():
    _, _, rules = blocks()
    assert not re.findall(r"#[0-9a-fA-F]{3,8}\b|rgba?\(|hsla?\(", rules)


def test_the_focus_ring_is_not_the_error_colour():
    for tokens in themes().values():
        # The ring is the board's accent (blue); errors are red.
        assert tokens["--focus"] == tokens["--accent"] != tokens["--danger"]
    _, _, rules = blocks()
    assert re.search(r":focus-visible \{ outline: var\(--focus-ring\) solid var\(--focus\)", rules)
    error_rules = re.findall(r"\.errorlist[^{]*\{([^}]*)\}", rules)
    assert error_rules and all("--focus" not in body for body in error_rules)
    assert all("var(--danger)" in body for body in error_rules if "color" in body)
