"""Files in, scores out: the evaluation file format (docs/file-format.md), its scorer and importer."""
