"""XSS payloads posted as comments by the view and browser tests; none may execute.

Each payload sets ``window.__xss`` or opens a dialog if it ever runs.
"""

from html.parser import HTMLParser

XSS_PAYLOADS = [
    "<script>window.__xss=1;alert(1)</script>",
    '<img src=x onerror="window.__xss=1;alert(1)">',
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click me](javascript:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<iframe src="javascript:alert(1)"></iframe>',
    '"><script>alert(1)</script>',
    '![x](x" onerror="alert(1))',
    '<details open ontoggle="alert(1)">',
    "<style>body{display:none}</style>",
    '[x](https://example.org" onmouseover="alert(1))',
    "`<script>alert(1)</script>`",
    "```\n</code></pre><script>alert(1)</script>\n```",
    "<<script>script>alert(1)<</script>/script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
]

SAFE_TAGS = {"p", "br", "em", "strong", "a", "code", "pre", "ul", "ol", "li", "blockquote"}
SAFE_SCHEMES = ("http://", "https://", "mailto:", "#", "/")


class _MarkupCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def unsafe_markup(html):
    """The live tags and attributes in ``html`` that a comment must never produce."""
    collector = _MarkupCollector()
    collector.feed(html)
    problems = []
    for tag, attrs in collector.tags:
        if tag not in SAFE_TAGS:
            problems.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on") or name in {"style", "src"}:
                problems.append(f"{tag}[{name}]")
            if name == "href" and not (value or "").startswith(SAFE_SCHEMES):
                problems.append(f"{tag}[href={value}]")
    return problems
