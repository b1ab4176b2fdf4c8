"""A readable diff between two revisions of a draft, paragraph by paragraph.

Paragraphs that changed are shown word by word (<del>/<ins>); long unchanged
runs are folded to a line saying how many paragraphs did not change.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from models import DocumentRevision

CONTEXT = 1
PURPOSE_MARKS = {"b/c": " (b/c)", "t/h": " (t/h)", "để biết": " (để biết)"}


@dataclass
class DiffRow:
    """One line of the diff: `same`, `added`, `removed`, `changed` or `folded`.

    `style` says what the line is: the title, a heading, a paragraph or a recipient.
    """

    kind: str
    html: Markup
    style: str = "paragraph"
    count: int = 0


def revision_lines(revision: DocumentRevision) -> list[tuple[str, str]]:
    """The revision as (style, text) lines: title, headings, paragraphs, recipients."""
    lines = [("title", revision.title)]
    for section in revision.sections or []:
        if section.get("heading"):
            lines.append(("heading", section["heading"]))
        lines.extend(("paragraph", p) for p in section.get("paragraphs") or [])
    for recipient in revision.recipients or []:
        lines.append(("recipient", f"{recipient.get('name', '')}"
                                   f"{PURPOSE_MARKS.get(recipient.get('purpose') or '', '')}"))
    return lines


def _words(text: str) -> list[str]:
    return re.findall(r"\s+|[^\s]+", text)


def inline_diff(old: str, new: str) -> Markup:
    """`new` with the words removed from `old` in <del> and the added ones in <ins>."""
    a, b = _words(old), _words(new)
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(Markup("<del>{}</del>").format("".join(a[i1:i2])))
        if j2 > j1:
            out.append(Markup("<ins>{}</ins>").format("".join(b[j1:j2])))
    return Markup("").join(out)


def _row(kind: str, line: tuple[str, str]) -> DiffRow:
    return DiffRow(kind, escape(line[1]), line[0])


def _pair(olds: list[tuple[str, str]], news: list[tuple[str, str]]) -> list[DiffRow]:
    """Rows for a replaced block: each old line is paired, in order, with the next new
    line of the same style (shown word by word); the rest is removed or added."""
    rows, j = [], 0
    for line in olds:
        k = next((k for k in range(j, len(news)) if news[k][0] == line[0]), None)
        if k is None:
            rows.append(_row("removed", line))
            continue
        rows.extend(_row("added", n) for n in news[j:k])
        rows.append(DiffRow("changed", inline_diff(line[1], news[k][1]), line[0]))
        j = k + 1
    rows.extend(_row("added", n) for n in news[j:])
    return rows


def diff_lines(old: list[tuple[str, str]], new: list[tuple[str, str]]) -> list[DiffRow]:
    """The rows of a diff from `old` to `new` (lists of (style, text) lines)."""
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            same = [_row("same", line) for line in old[i1:i2]]
            if len(same) > 2 * CONTEXT + 1:
                head = same[:CONTEXT] if rows else []
                tail = same[-CONTEXT:] if j2 < len(new) else []
                folded = len(same) - len(head) - len(tail)
                rows.extend(head + [DiffRow("folded", Markup(""), count=folded)] + tail)
            else:
                rows.extend(same)
            continue
        rows.extend(_pair(old[i1:i2], new[j1:j2]))
    return rows


def diff_revisions(old: DocumentRevision, new: DocumentRevision) -> list[DiffRow]:
    """The diff between two revisions; empty when nothing changed."""
    rows = diff_lines(revision_lines(old), revision_lines(new))
    return rows if any(r.kind not in ("same", "folded") for r in rows) else []
