"""The rectification (整改) read model."""
