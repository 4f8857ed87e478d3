"""The evaluation report over HTTP on the real server: the city writes the report of its finalized
部门评价 (engagement data, a part of the outline), the district reads it; both files download
and read back with the outline and the figures; as it stood before the part was written; the
history names each edit; refusals store nothing."""

from __future__ import annotations

import datetime
import io
import time
from typing import Any

from docx import Document as read_docx
from pypdf import PdfReader

from domain.tenants import Role
from tests.api.conftest import Live

DISTRICT, CITY = "360102", "360100"


def _ok(r: Any, status: int = 200) -> Any:
    assert r.status_code == status, r.text
    return r.json()


def test_write_read_download(live: Live) -> None:
    city = live.token(CITY, Role.EVALUATOR, Role.REVIEWER, user="eval.360100")
    district = live.token(DISTRICT, Role.PREPARER, Role.EVALUATOR, Role.AUDITOR, user="prep.360102")
    _, ev = live.finalized_evaluation(DISTRICT, CITY, "RPT-1", "报告项目")
    base = f"/api/v1/evaluations/{ev}/report"
    with live.client() as http:
        _ok(http.post(base, headers=city), 201)
        refused = http.post(base, headers=district)
        assert refused.status_code in (403, 409)
        engagement = {
            "commissioner": "南昌市医疗保障局",
            "implementer": "南昌市医疗保障局评价组",
            "team": [{"name": "张某", "duty": "组长"}],
            "period_start": "2025-03-01",
            "period_end": "2025-03-20",
            "method": "比较法",
        }
        _ok(http.put(f"{base}/engagement", headers=city, json=engagement))
        before = datetime.datetime.now(datetime.UTC).isoformat()
        time.sleep(0.05)
        _ok(http.put(f"{base}/sections/suggestions", headers=city, json={"text": "加快预算执行进度。"}))
        events = live.events()
        nope = http.put(f"{base}/sections/suggestions", headers=district, json={"text": "改写"})
        assert nope.status_code == 403
        unknown = http.put(f"{base}/sections/preface", headers=city, json={"text": "x"})
        assert unknown.status_code == 404 and "可写" in unknown.json()["detail"]
        bad = http.put(f"{base}/engagement", headers=city, json={**engagement, "period_end": "2025-02-01"})
        assert bad.status_code == 422 and "早于" in bad.json()["detail"]
        assert live.events() == events
        now = _ok(http.get(base, headers=district))
        assert [s["text"] for s in now["sections"] if s["key"] == "suggestions"] == ["加快预算执行进度。"]
        then = _ok(http.get(base, headers=district, params={"as_of": before}))
        assert [s["text"] for s in then["sections"] if s["key"] == "suggestions"] == [""]
        word = http.get(f"{base}.docx", headers=district)
        assert word.status_code == 200 and "filename*=UTF-8''" in word.headers["content-disposition"]
        text = "\n".join(p.text for p in read_docx(io.BytesIO(word.content)).paragraphs)
        assert (
            "三、综合评价情况及评价结论" in text
            and "评价得分为 100.00 分" in text
            and "加快预算执行进度。" in text
        )
        paper = http.get(f"{base}.pdf", headers=district)
        assert paper.status_code == 200 and paper.headers["content-type"].startswith("application/pdf")
        pages = "".join(p.extract_text() for p in PdfReader(io.BytesIO(paper.content)).pages)
        assert "八、附件" in pages.replace(" ", "") and "100.00" in pages
        live.settle()
        trail = _ok(http.get(f"{base}/history", headers=district))
        assert [(c["action"], c["subject"]) for c in trail] == [
            ("Started", ""),
            ("EngagementRecorded", ""),
            ("SectionWritten", "suggestions"),
        ]
        stranger = http.get(f"{base}.pdf", headers=live.token("360200", Role.AUDITOR))
        assert stranger.status_code == 404
