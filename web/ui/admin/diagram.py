"""An SVG state diagram generated from a workflow definition.

States stand in a column in the definition's order. A transition to the next
state is a straight arrow down, one that stays in its state a loop on the
right, one that skips ahead an arc on the right, one that goes back an arc on
the left (dashed). Each arrow carries its trigger and, in brackets, its guards.
"""
from __future__ import annotations

from markupsafe import Markup, escape

from workflow.definitions import Definition

BOX_W, BOX_H, ROW, TOP = 230, 52, 118, 24
LEFT = 430  # room for the arcs and labels of the transitions that go back
WIDTH = LEFT + BOX_W + 420


def _text(x: float, y: float, lines: list[tuple[str, str]], anchor: str) -> str:
    spans = "".join(f'<tspan x="{x:.0f}" dy="{0 if i == 0 else 14}" class="{css}">{escape(content)}</tspan>'
                    for i, (content, css) in enumerate(lines))
    return f'<text x="{x:.0f}" y="{y:.0f}" text-anchor="{anchor}">{spans}</text>'


def _label(trigger: str, guards: tuple[str, ...]) -> list[tuple[str, str]]:
    lines = [(trigger, "wf-trigger")]
    if guards:
        lines.append(("[" + ", ".join(guards) + "]", "wf-guard"))
    return lines


def diagram_svg(definition: Definition, locale: str = "vi") -> Markup:
    """The definition's states and transitions (with guards) as inline SVG markup."""
    states = list(definition.states)
    index = {s: i for i, s in enumerate(states)}
    height = TOP * 2 + ROW * (len(states) - 1) + BOX_H
    left, right, centre = LEFT, LEFT + BOX_W, LEFT + BOX_W / 2
    top = lambda s: TOP + index[s] * ROW  # noqa: E731
    mid = lambda s: top(s) + BOX_H / 2  # noqa: E731
    name = escape(definition.name)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="wf-diagram" viewBox="0 0 {WIDTH} {height}" '
             f'role="img" aria-labelledby="wf-title-{name}">',
             f'<title id="wf-title-{name}">{escape(definition.title)}</title>',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
             'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
             'class="wf-arrowhead"/></marker></defs>']
    loops: dict[str, int] = {}
    for transition in definition.transitions:
        label = _label(transition.trigger, transition.guards)
        for src in transition.sources:
            dest = transition.dest
            span = index[dest] - index[src]
            if span == 0:
                n = loops[src] = loops.get(src, 0) + 1
                reach = right + 34 + 26 * n
                parts.append(f'<path class="wf-edge" d="M{right},{mid(src) - 14:.0f} C{reach},{mid(src) - 34:.0f} '
                             f'{reach},{mid(src) + 34:.0f} {right + 2},{mid(src) + 14:.0f}" marker-end="url(#arrow)"/>')
                parts.append(_text(reach + 6, mid(src) - 16 + 30 * (n - 1), label, "start"))
            elif span == 1:
                y1, y2 = top(src) + BOX_H, top(dest)
                parts.append(f'<path class="wf-edge" d="M{centre:.0f},{y1} L{centre:.0f},{y2 - 2}" '
                             'marker-end="url(#arrow)"/>')
                parts.append(_text(centre + 12, (y1 + y2) / 2 - 3, label, "start"))
            else:
                forward = span > 0
                edge = right if forward else left
                bulge = (90 + 45 * abs(span)) * (1 if forward else -1)
                y1, y2 = mid(src), mid(dest)
                css = "wf-edge" if forward else "wf-edge wf-back"
                parts.append(f'<path class="{css}" d="M{edge},{y1:.0f} Q{edge + bulge},{(y1 + y2) / 2:.0f} '
                             f'{edge + (2 if not forward else -2)},{y2:.0f}" marker-end="url(#arrow)"/>')
                apex = edge + bulge / 2
                parts.append(_text(apex + (8 if forward else -8), (y1 + y2) / 2 - 4, label,
                                   "start" if forward else "end"))
    for state in states:
        css = "wf-state wf-initial" if state == definition.initial else "wf-state"
        parts.append(f'<rect class="{css}" x="{left}" y="{top(state)}" width="{BOX_W}" height="{BOX_H}" rx="10"/>')
        parts.append(_text(centre, top(state) + 22, [(definition.state_label(state, locale), "wf-label"),
                                                     (state, "wf-code")], "middle"))
    parts.append("</svg>")
    return Markup("".join(parts))
