"""The file index: a small facade over a database backend (default) and Elasticsearch."""


def health() -> dict:
    """State of the configured search backend, for /healthz."""
    from django.conf import settings

    backend = settings.DAFTAR_SEARCH_BACKEND
    if backend == "elasticsearch":
        from elasticsearch import Elasticsearch

        client = Elasticsearch(settings.ELASTICSEARCH_URL, request_timeout=2)
        info = client.cluster.health()
        if info.get("status") == "red":
            raise RuntimeError("cluster status is red")
        return {"backend": backend, "cluster": info.get("status")}
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"backend": backend}


def paper_text_extracted(version_id: int) -> None:
    """Called by ``documents.tasks.extract_text`` once a paper version's text is stored
    (``documents.models.PaperText``). The search app indexes the files the paper is on."""
    return None
