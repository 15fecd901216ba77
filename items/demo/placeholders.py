"""Clearly labelled stand-ins for the deck's pictures, which are not available."""

import io
import textwrap

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

SIZE = (960, 600)


def placeholder_png(kind, label, caption, credit):
    """A PNG that says it is a placeholder and carries the caption and credit."""
    image = Image.new("RGB", SIZE, "#e8edf3")
    draw = ImageDraw.Draw(image)
    draw.rectangle([8, 8, SIZE[0] - 9, SIZE[1] - 9], outline="#5a6b7d", width=4)
    try:
        font = ImageFont.load_default(size=30)
        small = ImageFont.load_default(size=22)
    except TypeError:
        font = small = ImageFont.load_default()
    lines = [
        ("PLACEHOLDER", font),
        (f"{kind} {label}".strip(), font),
        ("original image not available", small),
        ("", small),
    ]
    for text in (caption, credit):
        for line in textwrap.wrap(text, 60):
            lines.append((line, small))
    y = 60
    for text, face in lines:
        draw.text((48, y), text, fill="#1b1f24", font=face)
        y += 42
    out = io.BytesIO()
    image.save(out, "PNG")
    return ContentFile(out.getvalue(), name="placeholder.png")
