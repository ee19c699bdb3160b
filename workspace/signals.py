"""What the desk tells the apps above it, without knowing them (issue 20: layers run one way).

``file_changed`` is sent once a change to a file is committed, with ``file_id``: search
(``search/apps.py``) queues the file's reindex. A receiver must not raise: the desk's action
is already committed."""

from django.dispatch import Signal

file_changed = Signal()
