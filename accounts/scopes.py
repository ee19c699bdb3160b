"""Scoped API tokens: a token that may reach one part of the API only.

A token's ``scope`` is empty for officers (their whole API). Upper apps say which users get a
scoped token, and where such a token may go, by registering a scope kind here (the CGU
registers ``entity``: a public sector entity's people get ``entity:<id>`` tokens that reach
``/api/v1/entity/`` and nothing else). ``ApiTokenAuthentication`` refuses a scoped token on
any other path, before the view runs, so a new route elsewhere is closed to it by default.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ScopeKind:
    name: str
    path_prefixes: tuple[str, ...]
    scope_of: Callable  # user -> "name:<id>" or ""


_KINDS: dict[str, ScopeKind] = {}


def register_scope(kind: ScopeKind) -> None:
    _KINDS[kind.name] = kind


def scope_for(user) -> str:
    """The scope a new token of ``user`` gets: the first registered kind that claims them."""
    for kind in _KINDS.values():
        scope = kind.scope_of(user)
        if scope:
            return scope
    return ""


def scope_allows(scope: str, path: str) -> bool:
    if not scope:
        return True
    kind = _KINDS.get(scope.split(":", 1)[0])
    # An unknown kind (its app removed) reaches nothing.
    return kind is not None and path.startswith(kind.path_prefixes)


def scope_id(scope: str, name: str) -> int | None:
    """The id in ``name:<id>``, or None when ``scope`` is not of kind ``name``."""
    kind, _sep, ident = scope.partition(":")
    return int(ident) if kind == name and ident.isdigit() else None
