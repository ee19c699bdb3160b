"""System checks for settings Daftar depends on."""

from django.conf import settings
from django.core.checks import Error, register

from kernel import client_ip  # noqa: F401  (registers the proxy settings' deploy check)
from workspace.custody import disagreements


@register()
def audit_chain_setting(app_configs, **kwargs):
    chains = getattr(settings, "DAFTAR_AUDIT_CHAINS", 0)
    if not isinstance(chains, int) or not 1 <= chains <= 256:
        return [
            Error("DAFTAR_AUDIT_CHAINS must be a whole number from 1 to 256.", id="daftar.E001")
        ]
    return []


@register("database")
def custody_agrees_with_flow(app_configs, databases=None, **kwargs):
    """``manage.py check --database default``: every open file's custody mirror matches its
    open desk task. (Tagged "database" so ordinary start-up does not scan every file.)"""

    if not databases:
        return []
    from django.db import connection

    # `migrate` runs database checks before it creates the tables: nothing to check yet.
    if not {"viewflow_task", "workspace_file"} <= set(connection.introspection.table_names()):
        return []
    problems = disagreements()
    return [Error(p, id="daftar.E002") for p in problems[:20]]
