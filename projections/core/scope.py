"""The reader's scope: which bureaus' rows a read-model query may see (row-level security).

Every read-model table has a policy for the role ``jixiao_reader`` that admits rows whose tenant
is in the session setting ``jixiao.tenants``. The API sets it at the start of every read: the
caller's bureau and everything below it (``jixiao_subtree``), or an explicit list.
"""

from __future__ import annotations

# The caller's subtree as a comma list, from the tenants read model. SECURITY DEFINER: the API's
# reader connections run as jixiao_reader, whose own view of the tenants table is already limited
# by row-level security to the tenants of the setting this function is computing.
SUBTREE_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION jixiao_subtree(root text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    WITH RECURSIVE tree AS (
        SELECT root AS code
        UNION SELECT t.code FROM rm_tenants.tenants t JOIN tree ON t.parent = tree.code
    )
    SELECT string_agg(code, ',') FROM tree
$$
"""

# one statement at the start of every read: the caller's scope, on the reader connection's session
# (overwritten by the next read before its first query; see services/api/plumbing.py, read_models)
SCOPE_SUBTREE_SQL = "SELECT set_config('jixiao.tenants', jixiao_subtree(%s), false)"
SCOPE_LIST_SQL = "SELECT set_config('jixiao.tenants', %s, false)"
