"""One small exception hierarchy. Only the CLI turns these into exit codes."""

from __future__ import annotations


class NkeError(Exception):
    """A problem a user can fix; its message is one line naming where and what, with a hint."""

    exit_code = 2

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None):
        self.message = message
        self.where = where
        self.hint = hint
        super().__init__(self.line())

    def line(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        return printable(f"{text} (hint: {self.hint})" if self.hint else text)


def printable(text: str) -> str:
    """text as one printable line: line breaks, control characters and undecodable bytes
    written as escapes, so that one error stays one line whatever it quotes."""
    text = str(text)
    if text.isprintable():
        return text
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape", "backslashreplace").decode("ascii")
        for c in text
    )


class SourceError(NkeError):
    """The source corpus or its manifest is wrong."""


class CurationError(NkeError):
    """A curated entity or statement file is wrong."""


class BuildError(NkeError):
    """The graph could not be built or written."""


class ValidationError(NkeError):
    """Validation could not run (not: the data does not conform)."""


class QueryError(NkeError):
    """A query could not be read, parsed or run."""


class StoreError(NkeError):
    """A triple store could not be reached or refused a request."""


class LinkError(NkeError):
    """Linking to Wikidata failed."""


class NetworkError(NkeError):
    """A network export failed."""
