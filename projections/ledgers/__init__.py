"""Budget ledgers (预算台账): per project and funding source, budget, received, spent, rates, entries."""
