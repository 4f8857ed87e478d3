"""Application services: the event store (eventsourcing on PostgreSQL) and the commands on it."""
