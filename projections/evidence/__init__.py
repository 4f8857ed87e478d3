"""佐证材料 as a table: every file attached to an indicator, a deduction, a ledger entry, … with
who attached it, when, and whether it was removed (and why) — what lists of evidence read."""
