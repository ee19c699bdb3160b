"""HTML written in Python by the fenced row tags (the README's "Fast paths: the policy")."""

import html


def escaped(value) -> str:
    """What ``{{ value }}`` writes: a safe string as it is, anything else escaped (through
    ``html.escape``: Django's ``conditional_escape`` wraps each call in its lazy machinery,
    which the rows' hundreds of calls a page would pay for)."""
    return value if hasattr(value, "__html__") else html.escape(str(value))
