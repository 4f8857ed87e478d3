"""Everything that runs: application services, files, runtime, CLI."""
