"""Daftar's demo data, out of the production apps: ``manage.py seed_demo`` (the organisation,
then each app's step in ``demo.steps``) and ``manage.py totp_code`` (the demo logins' second
factor). It sits at the top of the layers beside ``daftar`` and ``benchmark``: it may import
every app, and no app imports it (``lint-imports``)."""
