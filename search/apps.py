from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    label = "search"
    verbose_name = _("File search")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The papers' layer sits below search and does not know it: it sends a signal, and
        # search listens (issue 20: layers run one way). The desk, above search, connects its
        # own ``file_changed_in_transaction`` and gives search its index source
        # (``workspace/apps.py``).
        # Imported here, as Django asks of ready(): the module imports models.
        from documents.signals import paper_text_stored

        paper_text_stored.connect(_paper_text_stored, dispatch_uid="search.paper_text_stored")


def _paper_text_stored(sender, version_id, **kwargs):
    # Not at the top: apps.py loads before any model may be imported, and the package reads
    # models. Looked up at call time, so a test may replace the function.
    import search

    search.paper_text_extracted(version_id)
