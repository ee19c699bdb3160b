from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    label = "search"
    verbose_name = _("File search")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The desk and the papers' layer sit below search and do not know it: they send
        # signals, and search listens (issue 20: layers run one way). Imported here, as
        # Django asks of ready(): the modules import models.
        from documents.signals import paper_text_stored
        from workspace.signals import file_changed

        file_changed.connect(_file_changed, dispatch_uid="search.file_changed")
        paper_text_stored.connect(_paper_text_stored, dispatch_uid="search.paper_text_stored")


def _file_changed(sender, file_id, **kwargs):
    # Not at the top: apps.py loads before any model may be imported, and the package reads
    # models. Looked up at call time, so a test may replace the function.
    import search

    search.file_changed(file_id)


def _paper_text_stored(sender, version_id, **kwargs):
    import search  # as above: at call time

    search.paper_text_extracted(version_id)
