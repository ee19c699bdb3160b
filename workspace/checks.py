"""System checks for settings Daftar depends on."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def audit_chain_setting(app_configs, **kwargs):
    chains = getattr(settings, "DAFTAR_AUDIT_CHAINS", 0)
    if not isinstance(chains, int) or not 1 <= chains <= 256:
        return [
            Error("DAFTAR_AUDIT_CHAINS must be a whole number from 1 to 256.", id="daftar.E001")
        ]
    return []
