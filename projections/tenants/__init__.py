"""The tenant tree, users and templates, for scoping and roll-ups."""
