"""The HTTP API: one module per feature, shared plumbing, and an app factory (``app.py``)."""
