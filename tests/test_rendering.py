"""Comment Markdown: the allowed formatting renders, nothing else does."""

import pytest

from items.rendering import render_comment
from tests.xss import XSS_PAYLOADS, unsafe_markup


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Hello *there*", "<p>Hello <em>there</em></p>"),
        ("**bold**", "<strong>bold</strong>"),
        ("use `torch.compile`", "<code>torch.compile</code>"),
        ("```\nprint(1)\n```", "<pre><code>print(1)\n</code></pre>"),
        ("- one\n- two", "<li>one</li>"),
        ("1. one\n2. two", "<ol>"),
        ("> quoted", "<blockquote>"),
        ("first\n\nsecond", "<p>second</p>"),
    ],
)
def test_markdown_lite_renders(source, expected):
    assert expected in render_comment(source)


def test_links_get_rel_nofollow_ugc_noopener():
    html = render_comment("[paper](https://arxiv.org/abs/2005.14165)")
    assert 'href="https://arxiv.org/abs/2005.14165"' in html
    assert 'rel="nofollow ugc noopener"' in html


def test_raw_html_is_shown_as_text_never_rendered():
    html = render_comment("<b>bold</b> and <em>em</em>")
    assert "<b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html


def test_headings_and_images_are_not_allowed():
    html = render_comment("# Big\n\n![pic](https://example.org/x.png)")
    assert "<h1" not in html and "<img" not in html


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payloads_render_inert(payload):
    html = render_comment(payload)
    assert unsafe_markup(html) == [], html
