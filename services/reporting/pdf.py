"""The evaluation report as PDF (reportlab): the same document as the .docx, for filing.

The Chinese font is embedded when one is installed (WenQuanYi Zen Hei, which ``dev.py`` installs
for the browser tests, or Micro Hei); without one, the PDF
names Adobe's standard Chinese font (STSong-Light), which every PDF reader supplies — the text is
right either way, only the embedded one looks the same everywhere.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as Grid

from services.reporting.model import Document, Table

_CANDIDATES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
)


@cache
def font() -> str:
    """The registered font's name (embedded TrueType when found, else the standard CID font)."""
    for path in _CANDIDATES:
        if path.is_file():
            pdfmetrics.registerFont(TTFont("jixiao-cjk", str(path), subfontIndex=0))
            return "jixiao-cjk"
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _grid(t: Table, body: ParagraphStyle) -> list[Flowable]:
    cell = ParagraphStyle("cell", parent=body, fontSize=8, leading=11)
    rows = [[Paragraph(_escape(h), cell) for h in t.headers]]
    rows += [[Paragraph(_escape(v), cell) for v in row] for row in t.rows]
    grid = Grid(rows, repeatRows=1, hAlign="LEFT")
    grid.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    caption = [Paragraph(_escape(t.caption), body)] if t.caption else []
    return [*caption, grid, Spacer(1, 3 * mm)]


def render(doc: Document) -> bytes:
    name = font()
    body = ParagraphStyle("body", fontName=name, fontSize=10.5, leading=16, wordWrap="CJK")
    title = ParagraphStyle("title", parent=body, fontSize=18, leading=26, alignment=1, spaceAfter=6 * mm)
    heading = ParagraphStyle(
        "heading", parent=body, fontSize=13, leading=20, spaceBefore=4 * mm, spaceAfter=2 * mm
    )
    story: list[Flowable] = [Paragraph(_escape(doc.title), title)]
    story += _grid(Table(("项目", "内容"), tuple(doc.meta)), body)
    for section in doc.sections:
        story.append(Paragraph(_escape(section.heading), heading))
        for block in section.blocks:
            story += _grid(block, body) if isinstance(block, Table) else [Paragraph(_escape(block), body)]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title=doc.title, leftMargin=20 * mm, rightMargin=20 * mm).build(story)
    return out.getvalue()
