"""Uploaded images are judged by their content: bombs refused, extensions from the real format."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from items.models import Media
from tests.admin_forms import item_form, media_row
from tests.factories import MediaFactory, NewsItemFactory, png_upload

pytestmark = pytest.mark.django_db


def png_claiming(width, height):
    """A valid 1×1 PNG whose header claims ``width``×``height``: a tiny file, a huge picture."""
    buffer = io.BytesIO()
    Image.new("L", (1, 1)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    header = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + header))
    return SimpleUploadedFile("innocent.png", bytes(data), content_type="image/png")


def form_errors(response):
    """What the admin's form said, for a failure message."""
    context = response.context or {}
    errors = [context["adminform"].form.errors] if "adminform" in context else []
    for formset in context.get("inline_admin_formsets", []):
        errors += [formset.formset.errors, formset.formset.non_form_errors()]
    return errors


def post_media(client, upload):
    item = NewsItemFactory()
    media = [media_row(upload)]
    # The item's own place: factories number items on through a whole run (past the admin's 999).
    item.position = 1
    item.save()
    data = item_form(item.issue, item.category, title=item.title, position=1, media=media)
    return client.post(reverse("admin:items_newsitem_change", args=[item.pk]), data)


@pytest.mark.parametrize(
    ("width", "height", "message"),
    [
        (100_000, 100_000, "far more than the 40,000,000 pixels allowed"),
        (8_000, 8_000, "8000×8000 pixels, more than the 40,000,000 pixels allowed"),
    ],
)
def test_a_decompression_bomb_is_a_clear_admin_form_error(instructor_client, width, height, message):
    upload = png_claiming(width, height)
    assert upload.size < 200
    response = post_media(instructor_client, upload)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Media.objects.exists()


@pytest.mark.parametrize(("fmt", "extension"), [("GIF", ".gif"), ("JPEG", ".jpg"), ("PNG", ".png")])
def test_the_stored_extension_follows_the_content_not_the_name(instructor_client, fmt, extension):
    response = post_media(instructor_client, png_upload(name="looks-like.png", fmt=fmt))
    assert response.status_code == 302, form_errors(response)
    media = Media.objects.get()
    assert media.image.name.endswith(extension)
    with Image.open(media.image.open("rb")) as stored:
        assert stored.format == fmt
    assert media.thumbnail.name.endswith(".webp")


def test_exif_location_is_stripped(db):
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (43.0, 39.0, 0.0)}
    Image.new("RGB", (32, 32), "red").save(buffer, "JPEG", exif=exif)
    media = MediaFactory(image=SimpleUploadedFile("gps.jpg", buffer.getvalue(), content_type="image/jpeg"))
    with Image.open(media.image.open("rb")) as stored:
        assert not stored.getexif()
