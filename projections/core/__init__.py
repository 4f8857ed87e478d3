"""The projection machinery: read the global event order in batches, track positions, rebuild online."""
