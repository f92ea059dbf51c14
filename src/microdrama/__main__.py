"""`python -m microdrama` runs the command line."""

from microdrama.cli import app

app()
