"""filmpage: a static site generator for film catalogues."""

__version__ = "0.1.0"
