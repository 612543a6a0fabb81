"""Importers: film lists from other tools, turned into records of the content contract.

The stages of an import, each a module:

* ``files``: export files read safely (regular files only, sizes first), encodings and
  CSV delimiters recognised; ``values``: values read into the contract's types;
* ``tables``, ``letterboxd``, ``imdb``, ``nfo``: each format's rows (``rows``), filled
  through ``fill``, or skipped with the reason; a file that is not its format is a
  ``FileProblem``, and the import stops before writing anything;
* ``identity``: rows gathered into films, and films found among the records, by ids
  first, then title and year (and director);
* ``existing``: the catalogue's records as an import reads them;
* ``merge``: a film merged into its record field by field against what the format
  imported last time (digests kept in ``source``); ``edit``: those changes made in
  place in the record's text and checked by reading it back; ``emit``: the YAML written;
* ``plan``: every film's fate (created, merged, unchanged, skipped), every text checked
  by the build's own record check; ``collections``: Letterboxd lists as collections;
* ``store``: records written whole (a temporary file and a rename); ``report``: what
  happened, for the terminal and the report file.

``commands.importer`` runs them in that order.
"""

FORMATS = ("csv", "json", "letterboxd", "imdb", "nfo")
