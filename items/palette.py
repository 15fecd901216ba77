"""The colours an instructor may give a category's badges, each a pair of background and text
for the light theme and for the dark one. ``tests/test_palette.py`` checks every pair against
WCAG AA (4.5:1) and that static/css/board.css draws each colour with exactly these values."""

# name: (label, (light background, light text), (dark background, dark text))
PALETTE = {
    "blue": ("Blue", ("#0b5cad", "#ffffff"), ("#7cb8ff", "#0b1320")),
    "teal": ("Teal", ("#0f6b6b", "#ffffff"), ("#5fd3c9", "#0b1320")),
    "green": ("Green", ("#2f6b1f", "#ffffff"), ("#8fd67a", "#0b1320")),
    "purple": ("Purple", ("#6b3fa0", "#ffffff"), ("#c4a5ff", "#0b1320")),
    "magenta": ("Magenta", ("#a0286e", "#ffffff"), ("#ff9ad5", "#0b1320")),
    "red": ("Red", ("#b42318", "#ffffff"), ("#ff9b8f", "#0b1320")),
    "orange": ("Orange", ("#9a4a00", "#ffffff"), ("#ffb86b", "#0b1320")),
    "slate": ("Slate", ("#4a5568", "#ffffff"), ("#b8c2cf", "#0b1320")),
}
DEFAULT = "blue"
CHOICES = [(name, label) for name, (label, _, _) in PALETTE.items()]


def relative_luminance(colour):
    """WCAG 2's relative luminance of a ``#rrggbb`` colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first, second):
    """WCAG 2's contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def tokens(theme):
    """The palette as design tokens for ``theme`` ("light" or "dark"): board.css writes these in
    its :root blocks, with the board's other colours."""
    index = 1 if theme == "light" else 2
    return "\n".join(
        f"  --badge-{name}-bg: {entry[index][0]};\n  --badge-{name}-fg: {entry[index][1]};"
        for name, entry in PALETTE.items()
    )


def css():
    """The stylesheet rules that draw the palette (board.css holds exactly these)."""
    return "\n".join(
        f".badge-{name} {{ background: var(--badge-{name}-bg); color: var(--badge-{name}-fg); }}"
        for name in PALETTE
    )
