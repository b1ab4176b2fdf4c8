"""Document input/output for the workflow engine, without Flask or a database.

* :func:`read_document` / :func:`read_docx` / :func:`read_text` import a
  document into a plain dict (raising :class:`ImportRejected` on bad input);
* :func:`match_recipients` maps "Nơi nhận" names onto a directory of units;
* :func:`render_docx` renders a :class:`RenderSpec` as an ND30-formatted .docx,
  byte-for-byte deterministic; :func:`spec_from_import` builds a spec from an
  imported dict.
"""

from .errors import ImportRejected
from .matching import DirectoryEntry, Match, match_recipients, normalize_unit_name
from .reader import read_document, read_docx, read_text
from .render import render_docx
from .spec import RenderSpec, spec_from_import

__all__ = [
    "DirectoryEntry",
    "ImportRejected",
    "Match",
    "RenderSpec",
    "match_recipients",
    "normalize_unit_name",
    "read_document",
    "read_docx",
    "read_text",
    "render_docx",
    "spec_from_import",
]
