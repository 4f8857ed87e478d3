"""Query parameters of the lists (projects, evaluations): search, filters and the page, checked
here and refused in Chinese (400 ``request.query``, naming the parameter) before any query runs.

Parameters arrive as text (the handlers declare them ``str``) so that ``year=abc`` gets our
Chinese message, not the framework's; numbers must be plain ASCII digits (``int()`` would take
full-width ``２０２２``).
"""

from __future__ import annotations

import re
import unicodedata
import uuid

from domain.evaluation.values import Status
from projections.core.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, ListQuery
from services.api.problems import Problem

_DIGITS = re.compile(r"[0-9]{1,9}")
MAX_SEARCH = 100
MAX_PAGE = 1_000_000
YEARS = (1900, 2100)
STATUS_WORDS = "draft（草稿）、submitted（已提交）、returned（已退回）、finalized（已定稿）"


def refuse(name: str, detail: str) -> Problem:
    return Problem(400, f"参数 {name} 不正确：{detail}", "request.query", parameter=name)


def _whole(name: str, text: str | None, default: int, low: int, high: int) -> int:
    if text is None:
        return default
    if not _DIGITS.fullmatch(text):
        raise refuse(name, f"应为 {low}–{high} 的整数，收到 {text[:20]!r}")
    value = int(text)
    if not low <= value <= high:
        raise refuse(name, f"应为 {low}–{high} 的整数，收到 {value}")
    return value


def _text(name: str, text: str | None, limit: int) -> str | None:
    if text is None or not text.strip():
        return None
    text = text.strip()
    if len(text) > limit:
        raise refuse(name, f"最长 {limit} 个字符，收到 {len(text)} 个")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn") for c in text):
        raise refuse(name, "含有控制字符或不可见字符")
    return text


def list_query(
    *,
    q: str | None = None,
    status: str | None = None,
    grade: str | None = None,
    year: str | None = None,
    page: str | None = None,
    page_size: str | None = None,
    project: str | None = None,
) -> ListQuery:
    """The list's parameters, checked; ``year`` is a year or ``latest`` (the latest with rows)."""
    found_status = _text("status", status, 20)
    if found_status is not None and found_status not in {s.value for s in Status}:
        raise refuse("status", f"应为 {STATUS_WORDS} 之一，收到 {found_status!r}")
    found_grade = _text("grade", grade, 10)
    if found_grade is not None and any(c.isspace() or c in "%_\\" for c in found_grade):
        raise refuse("grade", "应为等级名称，如 优秀、良好、优、良、中、差")
    latest = year is not None and year.strip() == "latest"
    found_year = None if latest or year is None or not year.strip() else _whole("year", year, 0, *YEARS)
    found_project = _text("project", project, 36)
    if found_project is not None:
        try:
            found_project = str(uuid.UUID(found_project))
        except ValueError:
            raise refuse("project", f"应为项目编号（UUID），收到 {found_project[:40]!r}") from None
    return ListQuery(
        q=_text("q", q, MAX_SEARCH),
        status=found_status,
        grade=found_grade,
        year=found_year,
        latest=latest,
        project=found_project,
        page=_whole("page", page, 1, 1, MAX_PAGE),
        page_size=_whole("page_size", page_size, DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE),
    )
