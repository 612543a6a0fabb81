"""``python -m filmpage`` runs the command line."""

from .cli import main

main()
