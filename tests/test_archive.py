"""Issue 21.4: the archive reads like a newsletter's (numbers, teasers, category mix), and
categories carry instructor-chosen colours that stay readable in light and dark themes."""

import re

import pytest
from django.conf import settings
from django.db import IntegrityError
from django.urls import reverse

from items import palette
from items.models import Category
from tests.factories import CategoryFactory, NewsItemFactory, WeeklyIssueFactory

pytestmark = pytest.mark.django_db
AA = 4.5


@pytest.mark.parametrize("name", list(palette.PALETTE))
def test_every_palette_colour_passes_wcag_aa_in_light_and_dark(name):
    _, light, dark = palette.PALETTE[name]
    assert palette.contrast_ratio(*light) >= AA
    assert palette.contrast_ratio(*dark) >= AA


def test_the_contrast_formula_matches_wcag_s_known_values():
    assert palette.contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert palette.contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert palette.contrast_ratio("#ffffff", "#ffffff") == 1


def test_the_stylesheet_draws_exactly_the_palette():
    css = (settings.BASE_DIR / "static" / "css" / "board.css").read_text()
    assert palette.css() in css
    assert palette.tokens("light") in css
    assert "\n".join("  " + line for line in palette.tokens("dark").splitlines()) in css
    for name in palette.PALETTE:
        assert len(re.findall(rf"\.badge-{name} \{{", css)) == 1


def test_a_colour_outside_the_palette_is_refused_by_the_database():
    with pytest.raises(IntegrityError):
        CategoryFactory(colour="hotpink")


def test_instructors_choose_a_colour_from_the_palette_in_the_admin(instructor_client):
    category = CategoryFactory(label="Ethics", name="Ethics", slug="ethics")
    url = reverse("admin:items_category_change", args=[category.pk])
    page = instructor_client.get(url).content.decode()
    for name, (label, _, _) in palette.PALETTE.items():
        assert f'value="{name}"' in page and label in page
    data = {"name": "Ethics", "label": "Ethics", "slug": "ethics", "display_order": 3, "colour": "magenta"}
    assert instructor_client.post(url, data).status_code == 302
    category.refresh_from_db()
    assert category.colour == "magenta"
    NewsItemFactory(category=category)
    assert 'class="badge badge-magenta"' in instructor_client.get(reverse("items:item_list")).content.decode()
    data["colour"] = "hotpink"
    response = instructor_client.post(url, data)
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


def test_the_demo_s_categories_all_differ():
    from items.demo.loader import load_course

    load_course()
    colours = list(Category.objects.values_list("colour", flat=True))
    assert len(colours) == len(set(colours))


def test_the_archive_numbers_issues_with_a_teaser_and_the_category_mix(client):
    vision = CategoryFactory(label="Vision", name="Computer Vision", colour="teal", display_order=1)
    nlp = CategoryFactory(label="NLP", name="Language", colour="purple", display_order=2)
    first = WeeklyIssueFactory()
    WeeklyIssueFactory(draft=True)
    second = WeeklyIssueFactory()
    items = [(nlp, "GPT-3 writes"), (vision, "Robots see"), (vision, "Faces counted"), (nlp, "The fourth")]
    for position, (category, title) in enumerate(items, start=1):
        NewsItemFactory(issue=second, position=position, category=category, title=title)
    NewsItemFactory(issue=first, position=1, category=vision, title="Only one")
    html = client.get(reverse("items:issue_list")).content.decode()
    rows = html[html.index('<ul class="issue-rows">') :]
    assert re.search(r"Issue 2: ML Weekly, <time[^>]*>[^<]*</time>", rows)
    assert re.search(r"Issue 1: ML Weekly, <time[^>]*>[^<]*</time>", rows)
    assert "Issue 3" not in rows  # the draft takes no number
    assert '<span class="teaser">GPT-3 writes · Robots see · Faces counted</span>' in rows
    assert "The fourth" not in rows
    assert (
        '<span class="badge badge-teal" title="Computer Vision: 2 items">Vision 2</span>'
        '<span class="badge badge-purple" title="Language: 2 items">NLP 2</span>'
    ) in rows
    # The home page's recent issues are numbered the same way.
    assert "Issue 1: ML Weekly" in client.get(reverse("items:home")).content.decode()
