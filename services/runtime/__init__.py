"""The runtime: settings, and the PostgreSQL and NATS servers (embedded by default)."""
