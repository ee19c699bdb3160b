"""Background work of the public site (django-tasks; inline in the embedded setup).

The e-office figures' task lives with the figures it keeps (``portal_pages.eoffice``); its name
here is the one jobs queued before it moved were stored under."""

from portal_pages.eoffice import refresh_eoffice

__all__ = ["refresh_eoffice"]
