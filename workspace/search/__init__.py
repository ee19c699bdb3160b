"""The desk's side of file search: what the index stores for a file (``indexing``), who may
see it (``visibility``, from ``workspace.access``), how hits are shown (``results``), the search
page and its API (``views``, ``api``). The engine below (``search``) is told all this through
``search.sources.IndexSource`` (``source.SOURCE``), registered in ``WorkspaceConfig.ready()``.

This package loads with the app registry (``workspace.apps`` imports ``source`` in ``ready()``
only): it holds no models.
"""
