"""The audit trail (审计轨迹): one row per change — who, when, what, before → after, why."""
