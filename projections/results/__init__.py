"""The 结果应用 read model: recommendations and policies."""
