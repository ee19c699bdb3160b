"""Background work of the public site (django-tasks; inline in the embedded setup)."""

from django_tasks import task


@task()
def refresh_eoffice() -> int:
    """Recompute the e-office figures the public pages show (see
    ``portal_pages.selectors.eoffice_figures``). Returns the number of departments."""
    from portal_pages.selectors import refresh_eoffice_figures

    return len(refresh_eoffice_figures().departments)
