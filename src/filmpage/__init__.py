"""filmpage: a static site generator for film catalogues."""

__version__ = "0.2.0"
