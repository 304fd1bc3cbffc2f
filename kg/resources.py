"""Where the shipped data lives, in a wheel install and in a source checkout alike."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def ontology_dir() -> Path:
    """The folder holding sitrep.ttl, shapes.ttl and the reference gazetteers.

    A wheel carries it as ``kg/ontology``; an editable install or a checkout uses the
    repository's top-level ``ontology/``.
    """
    installed = PACKAGE_DIR / "ontology"
    return installed if installed.is_dir() else PACKAGE_DIR.parent / "ontology"


def ontology_file(name: str) -> Path:
    return ontology_dir() / name


def data_file(name: str) -> Path:
    return PACKAGE_DIR / "data" / name


SAMPLE_REPORTS = data_file("sample-reports.txt")
