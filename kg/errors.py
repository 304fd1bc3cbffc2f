"""One exception tree for the library; the CLI turns each into a one-line message.

KGError
├── InputError      a file, folder or text the user gave cannot be read or used
├── OntologyError   the shipped ontology, shapes or reference data are broken
├── QueryError      a SPARQL query is malformed or refused
├── StoreError      a triple store cannot be opened, read or written
└── StageError      a pipeline stage failed (names the stage)
"""


class KGError(Exception):
    """Base of every error the library raises on purpose."""


class InputError(KGError):
    pass


class OntologyError(KGError):
    pass


class QueryError(KGError):
    pass


class StoreError(KGError):
    pass


class StageError(KGError):
    def __init__(self, stage: str, cause: Exception) -> None:
        super().__init__(f"stage '{stage}' failed: {cause}")
        self.stage = stage
        self.cause = cause
