"""Tamper evidence: a hash chain over each tenant's events, checkpoints, and verification."""
