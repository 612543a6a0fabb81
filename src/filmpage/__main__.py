"""``python -m filmpage`` runs the command line."""

from .cli import run

run()
