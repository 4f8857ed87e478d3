"""Accounts and their access: who may sign in, which sessions and tokens no longer count."""
