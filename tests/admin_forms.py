"""Build admin POST data the way the browser sends it, inline formsets included."""


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def inline_rows(prefix, rows, initial=0):
    """``rows`` is a list of dicts of field values; returns the formset's POST data."""
    data = management(prefix, len(rows), initial)
    for index, row in enumerate(rows):
        for field, value in row.items():
            data[f"{prefix}-{index}-{field}"] = value
    return data


def issue_form(issue_date="2020-09-18", status="draft", items=(), initial=0, **fields):
    data = {
        "title": "ML Weekly",
        "issue_date": issue_date,
        "introduction": "",
        "status": status,
        "published_at_0": "",
        "published_at_1": "",
    }
    data.update(fields)
    data.update(inline_rows("items", list(items), initial))
    return data


def media_row(image, **fields):
    """One row of the item form's media inline: a photo upload (``image``), other fields blank."""
    row = {
        "kind": "photo",
        "position": "1",
        "image": image,
        "alt_text": "A picture",
        "caption": "",
        "subfigure_label": "",
        "credit": "",
        "licence": "",
        "external_url": "",
        "licence_url": "",
    }
    row.update(fields)
    return row


def item_form(issue, category, title="An item", position=1, media=(), initial_media=0, **fields):
    data = {
        "issue": str(issue.pk),
        "position": str(position),
        "category": str(category.pk),
        "title": title,
        "link": "",
        "source": "",
        "summary": "",
        "tags": "",
        "excerpt_title": "",
        "excerpt": "",
    }
    data.update(fields)
    data.update(inline_rows("media", list(media), initial_media))
    return data
