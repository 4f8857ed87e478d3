"""CLI commands that need the platform's servers (import, up)."""
