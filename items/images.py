"""Uploaded images: checked by content with Pillow, EXIF stripped, thumbnails made."""

import io
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
THUMBNAIL_WIDTHS = (480, 960)


def validate_image_upload(upload):
    """Reject files that are not images, too large in bytes, or too large in pixels."""
    if upload is None:
        return
    size = getattr(upload, "size", None)
    if size is not None and size > settings.NEWSBOARD_MAX_UPLOAD_BYTES:
        limit_mb = settings.NEWSBOARD_MAX_UPLOAD_BYTES / (1024 * 1024)
        raise ValidationError(
            f"This image is {size / (1024 * 1024):.1f} MB; the limit is {limit_mb:.0f} MB. "
            "Please upload a smaller or compressed version.",
            code="too_large",
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            width, height = image.size
            if width * height > settings.NEWSBOARD_MAX_IMAGE_PIXELS:
                raise ValidationError(
                    f"This image is {width}×{height} pixels, more than the "
                    f"{settings.NEWSBOARD_MAX_IMAGE_PIXELS:,} pixels allowed.",
                    code="too_many_pixels",
                )
            if image.format not in ALLOWED_FORMATS:
                raise ValidationError("Upload a JPEG, PNG, GIF or WebP image.", code="unsupported_format")
            image.verify()
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        # Pillow refuses to even open it: a tiny file claiming an enormous picture.
        raise ValidationError(
            f"This image has far more than the {settings.NEWSBOARD_MAX_IMAGE_PIXELS:,} pixels allowed.",
            code="too_many_pixels",
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            "This file is not an image we can read. Upload a JPEG, PNG, GIF or WebP image.",
            code="invalid_image",
        ) from None
    finally:
        upload.seek(position)


def clean_image_bytes(upload):
    """Re-encode an upload without its metadata (EXIF, GPS), upright. Returns (bytes, ext)."""
    upload.seek(0)
    with Image.open(upload) as image:
        fmt = image.format
        image = ImageOps.exif_transpose(image)
        out = io.BytesIO()
        if fmt == "JPEG":
            image.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
        elif fmt == "GIF":
            image.save(out, "GIF")
        else:
            image.save(out, fmt)
    return out.getvalue(), ALLOWED_FORMATS[fmt]


def make_thumbnail(source, width):
    """A WebP thumbnail of at most ``width`` pixels wide, as a ContentFile."""
    source.seek(0)
    with Image.open(source) as image:
        image = ImageOps.exif_transpose(image)
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "transparency" in image.info else "RGB")
        if image.width > width:
            height = round(image.height * width / image.width)
            image = image.resize((width, height), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.save(out, "WEBP", quality=80, method=4)
    return ContentFile(out.getvalue()), image.width, image.height


def stem(name):
    return PurePath(name).stem[:60] or "image"


class CheckedImageFormField(forms.ImageField):
    """forms.ImageField that explains a refusal (too large, a bomb) instead of "not an image"."""

    def to_python(self, data):
        if data and hasattr(data, "seek"):
            try:
                validate_image_upload(data)
            except ValidationError as error:
                # Unreadable files get Django's own "Upload a valid image" from super().
                if error.code != "invalid_image":
                    raise
        return super().to_python(data)
