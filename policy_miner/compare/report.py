"""One self-contained HTML report of a comparison: the two tables, a stacked bar chart of tool
shares per group, a chart of commitment amounts per theme and group, and under each chart the
evidence sentences with the numbers highlighted.

Charts are plotly figures with plotly.js inlined once, so the file opens offline in any browser
(and Chinese labels render with the browser's fonts, which a static chart would need a CJK font
for).
"""
from __future__ import annotations

import html
import re

import pandas as pd
import plotly.graph_objects as go

from ..tools.scheme import chinese_names
from .tables import TOOL_CATEGORIES, tool_wide, wide

NUMBER = re.compile(r"[0-9０-９][0-9０-９.,，%％]*")
CATEGORY_NAMES = {"supply": "供给型 supply", "environment": "环境型 environment", "demand": "需求型 demand"}
STYLE = """body{font-family:sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;font-size:13px}
td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top}mark{background:#ffe066}
.evidence{font-size:13px;color:#333}.evidence li{margin:2px 0}"""


def _highlight(sentence: str, text: str | None = None) -> str:
    """A sentence as HTML with ``text`` (or every number) marked."""
    if text and text in sentence:
        before, _, after = sentence.partition(text)
        return f"{html.escape(before)}<mark>{html.escape(text)}</mark>{html.escape(after)}"
    return NUMBER.sub(lambda m: f"<mark>{m.group()}</mark>", html.escape(sentence))


def _evidence_list(title: str, lines: list[tuple[str, str | None]]) -> str:
    items = "".join(f"<li>{_highlight(line, text)}</li>" for line, text in lines if line)
    return f"<details class='evidence'><summary>{html.escape(title)}</summary><ul>{items}</ul></details>"


def _tool_chart(tools: pd.DataFrame, by: str) -> go.Figure:
    figure = go.Figure()
    for category in TOOL_CATEGORIES:
        rows = tools[tools["category"] == category]
        figure.add_bar(name=CATEGORY_NAMES[category], x=rows[by], y=rows["share"],
                       text=rows["clauses"], hovertemplate="%{x}: %{y:.0%} (%{text} clauses)")
    figure.update_layout(barmode="stack", title="Policy-tool shares", yaxis_tickformat=".0%",
                         legend_title_text="tool")
    return figure


def _commitment_chart(commitments: pd.DataFrame, by: str) -> go.Figure:
    """Money commitments: each group's min-to-max range per theme (log scale, yuan)."""
    money = commitments[commitments["unit"] == "CNY"]
    figure = go.Figure()
    for group, rows in money.groupby(by, sort=True):
        labels = [f"{t} ({p})" if p else t for t, p in zip(rows["theme"], rows["per"])]
        figure.add_scatter(name=str(group), x=labels, y=rows["max"], mode="markers",
                           error_y={"type": "data", "symmetric": False, "array": [0] * len(rows),
                                    "arrayminus": (rows["max"] - rows["min"]).tolist()},
                           text=rows["cell"], hovertemplate="%{x}<br>%{text}")
    figure.update_layout(title="Commitment amounts per theme (yuan, min to max)", yaxis_type="log",
                         yaxis_title="yuan", legend_title_text=by)
    return figure


def render_report(tools: pd.DataFrame, commitments: pd.DataFrame, by: str, title: str) -> str:
    """The report as one HTML string."""
    tools_table = tool_wide(tools, by)
    theme_wide = wide(commitments, by, "theme", "cell")
    tool_evidence = [_evidence_list(f"{group} · {CATEGORY_NAMES[cat]}: {n} clauses",
                                    [(line, None) for line in evidence.split("\n")])
                     for group, cat, n, evidence in tools[[by, "category", "clauses", "evidence"]].itertuples(index=False)
                     if n]
    commitment_evidence = [_evidence_list(f"{group} · {theme}: {cell}",
                                          list(zip(evidence.split("\n"), texts.split("\n"))))
                           for group, theme, cell, evidence, texts
                           in commitments[[by, "theme", "cell", "evidence", "texts"]].itertuples(index=False)]
    tool_names = ", ".join(f"{sub} {name}" for sub, name in chinese_names().items())
    parts = [
        f"<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{STYLE}</style></head><body><h1>{html.escape(title)}</h1>",
        f"<h2>Policy tools by {by}</h2><p>Clause counts and shares of each group's tool clauses "
        f"(sub-categories: {html.escape(tool_names)}).</p>",
        tools_table.to_html(escape=True, classes="tools"),
        _tool_chart(tools, by).to_html(full_html=False, include_plotlyjs=True),
        "<h3>Evidence</h3>", *tool_evidence,
        f"<h2>Commitments by {by}</h2><p>Targets and incentives per theme, in the theme's unit; "
        "amounts with a different <code>per</code> are kept apart.</p>",
        theme_wide.to_html(escape=True, classes="commitments"),
        _commitment_chart(commitments, by).to_html(full_html=False, include_plotlyjs=False),
        "<h3>Evidence</h3>", *commitment_evidence,
        "</body></html>",
    ]
    return "\n".join(parts)
