"""Read models rebuilt from the event log (one folder per projection; see issue 3)."""
