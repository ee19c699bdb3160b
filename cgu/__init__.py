"""The Corporate Governance Unit: public sector entities, KPI returns, review, compliance.

A separate app because the CGU's registry and returns are their own bounded context (the
"Integrated Information Portal"); they reach the desk only through files and papers."""
