"""The event log: stored events, their stable topics, reading the log in order, replay, snapshots; on PostgreSQL and in memory."""
