"""The application's commands as data, by area (``spec.py`` says what a command is)."""
