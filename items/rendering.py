"""Comment Markdown → sanitised HTML, computed once when a comment is written.

Markdown-lite: paragraphs, emphasis, links, inline code, fenced and indented code, lists and
quotes, parsed by markdown-it-py (CommonMark). Raw HTML is never passed through: its rules
are off, so ``<script>`` arrives as text, and nh3 then keeps only an allow-list of tags and
attributes.

markdown-it-py replaced Python-Markdown because Python-Markdown's time grows with the square
of bracket-heavy input (5,000 × ``[`` took seconds), and the render ran while a comment write
held the database; markdown-it-py's grows linearly. Its one remaining multiplier is how deep
an inline rule may nest while it looks for a link's closing bracket: every ``[`` rescans up to
that many positions, so the inline parser gets a shallow limit and the block parser keeps the
default one that nested lists and quotes need; and a ``[`` with no ``]`` after it skips the
scan altogether.
"""

import threading

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import inline as parse_inlines
from markdown_it.rules_inline import link as parse_link

ALLOWED_TAGS = {"p", "br", "em", "strong", "a", "code", "pre", "ul", "ol", "li", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"
MARKDOWN_RULES = [
    "paragraph",
    "fence",
    "code",
    "list",
    "blockquote",
    "newline",
    "escape",
    "backticks",
    "emphasis",
    "link",
    "autolink",
    "entity",
]
# Enough for a link around code or emphasis, and for ``[[label]](url)``; each level more
# costs bracket-heavy input another rescan.
INLINE_MAX_NESTING = 2

# Bidi embeddings, overrides and isolates (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI): one
# left open reorders the text after it, past the comment's end into the rest of the page. The
# Unicode bidi algorithm lays out right-to-left scripts correctly without them.
BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])

_local = threading.local()


def _shallow_inline_nesting(state):
    options = state.md.options
    block_nesting = options["maxNesting"]
    options["maxNesting"] = INLINE_MAX_NESTING
    try:
        parse_inlines(state)
    finally:
        options["maxNesting"] = block_nesting


def _link_with_a_closing_bracket(state, silent):
    # A link's label ends in "]": with none anywhere after this "[", the label scan (the costly
    # part of bracket-heavy text) cannot succeed and is skipped. The last "]" of the inline run
    # is looked up once, so the check stays linear.
    if state.src[state.pos] != "[":
        return False
    if getattr(state, "last_closing_bracket", None) is None:
        state.last_closing_bracket = state.src.rfind("]")
    return state.last_closing_bracket > state.pos and parse_link(state, silent)


def _parser():
    # One per thread: the inline rule above changes the parser's options while it runs.
    if not hasattr(_local, "parser"):
        parser = MarkdownIt("zero", {"html": False}).enable(MARKDOWN_RULES)
        parser.core.ruler.at("inline", _shallow_inline_nesting)
        parser.inline.ruler.at("link", _link_with_a_closing_bracket)
        _local.parser = parser
    return _local.parser


def without_bidi_controls(text):
    """``text`` without the invisible controls that reorder the text around them."""
    return text.translate(BIDI_CONTROLS)


def render_comment(body):
    """Return safe HTML for a comment's Markdown ``body``."""
    html = _parser().render(without_bidi_controls(body)).strip()
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
