"""What item cards, item rows and media show readers (the Jinja2 macros of items/_listing.html)."""

import pytest
from django.test import Client

from items.models import Media
from tests.factories import MediaFactory, NewsItemFactory, png_upload

pytestmark = pytest.mark.django_db


def page(url):
    response = Client().get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_an_item_card_shows_its_excerpt_tags_and_links_escaped():
    item = NewsItemFactory(
        title="Robots <b>learn</b>",
        source="Wired",
        summary="A summary",
        excerpt_title="From the paper",
        excerpt="First line\n\nSecond <line>",
        tags=["deep learning", "r&d"],
    )
    html = page(item.issue.get_absolute_url())

    assert f'<blockquote class="excerpt" cite="{item.link}">' in html
    assert '<p class="excerpt-title"><strong>From the paper</strong></p>' in html
    assert "<p>First line</p>\n\n<p>Second &lt;line&gt;</p>" in html
    assert "Robots &lt;b&gt;learn&lt;/b&gt;<span" in html
    assert "<b>" not in html
    category = item.category
    badge = f'<a class="badge badge-{category.colour}" href="/categories/{category.slug}/"'
    assert f'{badge} title="{category.name}">' in html
    assert f'<a class="comments-link" href="{item.get_absolute_url()}#discussion">Discuss<span' in html
    assert "Permalink" not in html
    for tag in item.tags.all():
        assert f'<a href="/items/?tag={tag.slug}">#{tag.name.replace("&", "&amp;")}</a>' in html


def test_pictures_are_thumbnails_with_a_srcset_and_credits():
    wide = MediaFactory(
        image=png_upload(size=(1200, 600)),
        subfigure_label="(a)",
        caption="A robot arm",
        credit="stevekc",
        licence="CC-BY-NC",
        licence_url="https://creativecommons.org/licenses/by-nc/2.0/",
    )
    assert wide.thumbnail and wide.thumbnail_large
    html = page(wide.item.issue.get_absolute_url())

    assert f'<a href="{wide.image.url}"><img src="{wide.thumbnail.url}"' in html
    assert f'srcset="{wide.thumbnail.url} 480w, {wide.thumbnail_large.url} 960w"' in html
    assert 'width="960" height="480" alt="A test picture"' in html
    assert '<span class="subfigure">(a)</span>' in html
    assert (
        '<span class="credit"><a href="https://creativecommons.org/licenses/by-nc/2.0/" '
        'rel="license noopener">CC-BY-NC</a> by stevekc</span>'
    ) in html
    assert html.count("<figure") == 1


def test_a_picture_without_thumbnail_links_its_upload_and_a_link_its_kind():
    picture = MediaFactory(credit="The lab")
    Media.objects.filter(pk=picture.pk).update(thumbnail="", thumbnail_large="")
    url = "https://example.org/chart"
    chart = MediaFactory(item=picture.item, kind=Media.Kind.CHART, image="", external_url=url, caption="")
    html = page(picture.item.get_absolute_url())

    assert f'<img src="{picture.image.url}" width=' in html
    assert "srcset" not in html
    assert '<span class="credit">Credit: The lab</span>' in html
    assert f'<a href="{chart.external_url}" rel="noopener" class="external">Chart: A test picture</a>' in html


def test_item_rows_link_the_item_its_category_and_its_place_in_the_issue():
    item = NewsItemFactory(source="Nature", tags=["vision"])
    html = page("/items/")

    issue = item.issue
    assert f'<a class="item-title" href="{item.get_absolute_url()}">{item.title}</a>' in html
    assert (
        f'Nature · <a href="{issue.get_absolute_url()}#item-{item.position}">'
        f'<time datetime="{issue.issue_date.isoformat()}">'
    ) in html
    assert '<a href="/items/?tag=vision">#vision</a>' in html
