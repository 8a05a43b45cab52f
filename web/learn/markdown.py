"""The small Markdown of lesson texts, rendered to HTML with every piece of text escaped.

Supported: paragraphs, `#`-headings, `-`/`*` and `1.` lists, fenced code blocks, `code`,
**bold**, *emphasis* and [links](https://...). Nothing else is interpreted, and raw HTML in
a lesson shows as text: lesson content is data, never markup. A ```yaml block gets a
"Load into editor" button that the page wires to the workspace's YAML editor.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

FENCE = re.compile(r"^```\s*([\w-]*)\s*$")
HEADING = re.compile(r"^(#{1,4})\s+(.*)$")
BULLET = re.compile(r"^\s*[-*]\s+(.*)$")
NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")
INLINE = re.compile(r"`([^`]+)`|\*\*(.+?)\*\*|\*([^*\s][^*]*?)\*|\[([^\]]+)\]\(((?:https?://|/)[^)\s]*)\)")


def inline(text: str) -> str:
    out: list[str] = []
    last = 0
    for match in INLINE.finditer(text):
        out.append(escape(text[last:match.start()]))
        code, bold, em, label, url = match.groups()
        if code is not None:
            out.append(f"<code>{escape(code)}</code>")
        elif bold is not None:
            out.append(f"<strong>{inline(bold)}</strong>")
        elif em is not None:
            out.append(f"<em>{inline(em)}</em>")
        else:
            out.append(f'<a href="{escape(url)}" rel="noopener">{escape(label)}</a>')
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)


def render(text: str) -> SafeString:
    html: list[str] = []
    lines = text.replace("\r\n", "\n").split("\n")
    i = 0
    while i < len(lines):
        i = _block(lines, i, html)
    return mark_safe("\n".join(html))  # noqa: S308 (every piece of text above went through escape)


def _block(lines: list[str], i: int, html: list[str]) -> int:
    line = lines[i]
    fence = FENCE.match(line.strip())
    if fence:
        return _code(lines, i, fence.group(1), html)
    heading = HEADING.match(line)
    if heading:
        level = min(len(heading.group(1)) + 2, 6)  # the page's own headings come first
        html.append(f"<h{level}>{inline(heading.group(2))}</h{level}>")
        return i + 1
    for pattern, tag in ((BULLET, "ul"), (NUMBERED, "ol")):
        if pattern.match(line):
            return _list(lines, i, pattern, tag, html)
    if not line.strip():
        return i + 1
    return _paragraph(lines, i, html)


def _code(lines: list[str], i: int, language: str, html: list[str]) -> int:
    end = next((j for j in range(i + 1, len(lines)) if lines[j].strip().startswith("```")), len(lines))
    body = "\n".join(lines[i + 1:end])
    css = f' class="language-{escape(language)}"' if language else ""
    button = (f'<button type="button" class="load-into-editor">{escape(_("Load into editor"))}</button>'
              if language in ("yaml", "yml") else "")
    html.append(f'<div class="code-block"><pre><code{css}>{escape(body)}</code></pre>{button}</div>')
    return end + 1


def _list(lines: list[str], i: int, pattern: re.Pattern[str], tag: str, html: list[str]) -> int:
    items: list[str] = []
    while i < len(lines) and (match := pattern.match(lines[i])):
        items.append(match.group(1))
        i += 1
        while i < len(lines) and lines[i].startswith("  ") and lines[i].strip() and not pattern.match(lines[i]):
            items[-1] += " " + lines[i].strip()  # a wrapped item continues on an indented line
            i += 1
    html.append(f"<{tag}>" + "".join(f"<li>{inline(item)}</li>" for item in items) + f"</{tag}>")
    return i


def _paragraph(lines: list[str], i: int, html: list[str]) -> int:
    start = i
    while i < len(lines) and lines[i].strip() and not _starts_block(lines[i]):
        i += 1
    html.append(f"<p>{inline(' '.join(line.strip() for line in lines[start:i]))}</p>")
    return max(i, start + 1)


def _starts_block(line: str) -> bool:
    return bool(FENCE.match(line.strip()) or HEADING.match(line) or BULLET.match(line) or NUMBERED.match(line))
