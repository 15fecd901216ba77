"""Comment Markdown → sanitised HTML, computed once when a comment is written.

Markdown-lite: paragraphs, emphasis, links, inline code, fenced code blocks, lists and
quotes. Raw HTML is never passed through: Markdown's HTML handling is switched off, so
``<script>`` arrives as text, and nh3 then keeps only an allow-list of tags and attributes.
"""

import markdown
import nh3

ALLOWED_TAGS = {"p", "br", "em", "strong", "a", "code", "pre", "ul", "ol", "li", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"


def _markdown():
    # A fresh instance per call: Markdown objects keep state and are not thread-safe.
    md = markdown.Markdown(extensions=["fenced_code", "sane_lists"], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


def render_comment(body):
    """Return safe HTML for a comment's Markdown ``body``."""
    html = _markdown().convert(body)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
