"""The disclosure read model: a bureau's publications, and what its public page may show."""
