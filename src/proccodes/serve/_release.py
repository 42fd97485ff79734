"""What the service says about the data release it answers from (a module of its own, so that
`proccodes.serve` and `proccodes.serve.app` both import it and not each other)."""

from __future__ import annotations

from ..catalog import Catalog, default_catalog

__all__ = ["RELEASE_HEADER", "data_release"]

RELEASE_HEADER = "Proccodes-Data-Release"
"""The response header that names the data release a response was made from."""


def data_release(catalog: Catalog | None = None) -> str:
    """The data release a catalog (by default the default catalog) comes from, in one line of
    ASCII text, as the ``Proccodes-Data-Release`` header and ``/fhir/metadata`` state it.

    >>> data_release().startswith("proccodes curated records")
    True
    """
    catalog = default_catalog() if catalog is None else catalog
    parts = [str(s) for s in catalog.sources] or [catalog.release or "unversioned"]
    text = "; ".join(parts)
    return text.encode("ascii", "backslashreplace").decode("ascii")
