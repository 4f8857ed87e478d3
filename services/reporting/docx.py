"""The evaluation report as .docx (python-docx): the title, the engagement table, the outline's
eight parts as headings, their paragraphs and tables, in a Chinese font (宋体 for text, 黑体 for
headings, the forms' usual pair; Word substitutes when they are missing)."""

from __future__ import annotations

import io

import docx
from docx.document import Document as Word
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.run import Run

from services.reporting.model import Document, Table


def _font(run: Run, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    properties = run._element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = properties.makeelement(qn("w:rFonts"), {})
        properties.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _table(word: Word, t: Table) -> None:
    if t.caption:
        _font(word.add_paragraph().add_run(t.caption), "黑体", 10.5, bold=True)
    grid = word.add_table(rows=1 + len(t.rows), cols=len(t.headers))
    grid.style = "Table Grid"
    for n, text in enumerate(t.headers):
        _font(grid.cell(0, n).paragraphs[0].add_run(text), "黑体", 9, bold=True)
    for r, row in enumerate(t.rows, 1):
        for n, text in enumerate(row):
            _font(grid.cell(r, n).paragraphs[0].add_run(text), "宋体", 9)


def render(doc: Document) -> bytes:
    word = docx.Document()
    title = word.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(doc.title), "黑体", 18, bold=True)
    _table(word, Table(("项目", "内容"), tuple(doc.meta)))
    for section in doc.sections:
        heading = word.add_heading(level=1)
        _font(heading.add_run(section.heading), "黑体", 14, bold=True)
        for block in section.blocks:
            if isinstance(block, Table):
                _table(word, block)
            else:
                _font(word.add_paragraph().add_run(block), "宋体", 12)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()
