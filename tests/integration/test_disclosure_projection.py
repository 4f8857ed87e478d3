"""信息公开 through the projections on PostgreSQL: the bureau's list holds the withdrawn
publication with its reason, the public table holds nothing of it (withdrawn) nor of a project
marked 涉密, the audit trail names each act; a live publication is public, for its bureau and year only."""

from __future__ import annotations

import psycopg

from domain.disclosure import Kind
from domain.ids import declaration_id, project_id
from domain.tenants import Role
from projections.core.scope import SET_SCOPE_SQL, listed, load_key
from projections.disclosure.queries import public, publications
from services.app.commands.disclosure import Classify, Publish
from services.app.policy import Caller
from services.commands.disclosure import line, list_publications
from services.compose import build_application
from tests.integration.test_projections import catch_up
from tests.relay_events import every_kind_of_event


def test_publications_public_rows_and_the_audit_trail(database_url: str) -> None:
    app = build_application(database_url)
    every_kind_of_event(app)  # the district's targets published, withdrawn, the project marked 涉密
    app.close()
    catch_up(database_url)
    with psycopg.connect(database_url) as conn:
        [row] = publications(conn, "360102", None)
        assert row.withdrawn and row.withdrawn_reason == "依规撤回" and row.content.targets
        assert public(conn, "360102", None) == []
        assert conn.execute("SELECT count(*) FROM rm_disclosure.public").fetchone() == (0,)
        actions = {
            r[0]
            for r in conn.execute(
                "SELECT aggregate_type || '.' || action FROM rm_audit.changes "
                "WHERE aggregate_type = 'ProjectDisclosure' OR action = 'ClassificationChanged'"
            )
        }
        assert actions == {
            "ProjectDisclosure.Opened",
            "ProjectDisclosure.Published",
            "ProjectDisclosure.Withdrawn",
            "Project.ClassificationChanged",
        }


def test_a_live_publication_is_public(database_url: str) -> None:
    app = build_application(database_url)
    every_kind_of_event(app)
    reviewer = Caller("r2", "360102", frozenset({Role.REVIEWER}), correlation_id="t")
    p = project_id("360102", 2024, "CY-1")
    app.classify_project(reviewer, p, Classify(False, "已解密"))
    app.publish(reviewer, Publish(Kind.TARGETS, declaration_id("360102", p)))
    app.close()
    catch_up(database_url)
    with psycopg.connect(database_url) as conn:
        [item] = public(conn, "360102", 2024)
        assert item.content.project_code == "CY-1" and item.content.targets_version == 2
        assert public(conn, "360102", 2023) == [] and public(conn, "360103", None) == []
    with psycopg.connect(database_url) as owner:
        key = load_key(owner)
    with psycopg.connect(database_url) as conn:  # the public read's role: rows of its scope only
        conn.execute("SET ROLE jixiao_reader")

        def seen(table: str) -> set[str]:
            return {r[0] for r in conn.execute(f"SELECT tenant FROM rm_disclosure.{table}")}

        assert seen("public") == set() and seen("publications") == set()  # no scope: nothing
        for scope, expected in ((listed(["360103"]), set()), (listed(["360102"]), {"360102"})):
            conn.execute(SET_SCOPE_SQL, (scope, key.sign(scope)))
            assert seen("public") == expected and seen("publications") == expected
        conn.execute(SET_SCOPE_SQL, (listed(["360102"]), "0" * 64))  # unsigned: nothing
        assert seen("public") == set()
    [text] = [line(p) for p in list_publications(database_url, "360102", 2024)]
    assert "CY-1" in text and "绩效目标" in text and "公开中" in text
