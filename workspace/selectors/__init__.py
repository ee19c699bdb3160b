"""Reads the screens need, already scoped to what the user may see. Who holds which post is
the organisation's (``organisation.selectors``)."""
