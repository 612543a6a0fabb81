"""Importers: film lists from other tools, turned into records of the content contract."""

FORMATS = ("csv", "json", "letterboxd", "imdb", "nfo")
