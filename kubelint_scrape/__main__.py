"""`python -m kubelint_scrape …`: the console script (console.entry)."""

from .console import entry

entry()
