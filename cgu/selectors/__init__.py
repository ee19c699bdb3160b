"""Reads of the CGU's data for screens, the API, the report and the public site, one module
per concern (import from the module, e.g. ``from cgu.selectors.published import
published_figures``):

- ``published``: **public** reads, published (accepted) figures only, safe for anyone:
  ``public_entities``, ``published_returns``, ``published_figures``, ``published_periods``,
  ``entity_series``, ``department_series``, ``province_series``, ``kpi_by_department``,
  ``kpi_ranking``, ``not_reported``, and ``published_stamp`` with the cache keyed on it.
- ``filing``: **staff** reads of who filed (on time, late, overdue) and who owes, i.e. the
  CGU's compliance and escalations: ``compliance``, ``compliance_counts``,
  ``compliance_table`` (the compliance screen's, from plain values), ``escalations``,
  ``escalations_by_entity``.
- ``returns``: **staff** reads of returns, every version: ``returns_list``, ``returns_page``
  (its rows plain values), ``returns_screen`` (with its choosers), ``awaiting_review``,
  ``return_detail``, ``versions_of``.
- ``registry``: the KPIs, periods and departments the CGU's screens choose from, the current
  and latest due period, and the staff list of PSEs (``entities_list``).
- ``overview``: the CGU dashboard's reads that depend on nothing chosen, in one round trip.
- ``entity_portal``: the entity portal's every-page reads, compiled: an entity user's
  ``membership_of``, the home's ``due_periods`` and the entity's ``members_of``; the rules
  stay with their callers (``cgu.access.entity_membership``, ``cgu.portal``).

Staff reads leave the permission check to the caller (``cgu.access.is_cgu_staff``).
"""
