"""credlint: a static security linter for code and config that talks to AWS."""

__version__ = "0.1.0"
