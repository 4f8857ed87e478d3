"""The engagements read model: firms and engagements (who may reach which evaluations)."""
