"""Draw the board's icons into static/: the favicon, the app icons and the home-screen icon.

Run it after changing the design: `.venv/bin/python bin/make_icons.py`. The SVG favicon
(static/img/icon.svg) is written by hand in the same colours.
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

STATIC = Path(__file__).resolve().parent.parent / "static"
BACKGROUND = "#0b5cad"  # --accent in static/css/board.css (light theme)
FOREGROUND = "#ffffff"


def icon(size, *, rounded=True, safe_zone=1.0):
    """The letters "ML" on the accent colour; ``safe_zone`` shrinks them for maskable icons."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    radius = size // 5 if rounded else 0
    draw.rounded_rectangle([0, 0, size - 1, size - 1], radius=radius, fill=BACKGROUND)
    font = ImageFont.load_default(size=int(size * 0.5 * safe_zone))
    stroke = max(1, size // 64)
    left, top, right, bottom = draw.textbbox((0, 0), "ML", font=font, stroke_width=stroke)
    position = ((size - (right - left)) / 2 - left, (size - (bottom - top)) / 2 - top)
    draw.text(position, "ML", font=font, fill=FOREGROUND, stroke_width=stroke, stroke_fill=FOREGROUND)
    return image


def main():
    img = STATIC / "img"
    img.mkdir(exist_ok=True)
    icon(192).save(img / "icon-192.png", optimize=True)
    icon(512).save(img / "icon-512.png", optimize=True)
    # Maskable: the platform cuts its own shape, so the colour fills the square and the letters
    # stay inside the central 80 %.
    icon(512, rounded=False, safe_zone=0.8).save(img / "icon-maskable-512.png", optimize=True)
    # iOS rounds the corners itself and shows transparency as black.
    icon(180, rounded=False).convert("RGB").save(img / "apple-touch-icon.png", optimize=True)
    # /favicon.ico, for browsers and tools that ask for it without reading the page.
    icon(48).save(img / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])


if __name__ == "__main__":
    main()
