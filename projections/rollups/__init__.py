"""Roll-ups (汇总) per tenant and year, up the tenant tree — queries over the other read models."""
