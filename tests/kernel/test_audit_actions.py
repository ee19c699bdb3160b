"""The catalogue of audit actions (kernel.audit_actions): record() writes only what is in it,
every action in it is written by some code, and no code spells an action of its own."""

import ast
import os
import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.urls import reverse
from django.utils.functional import Promise

from kernel import audit, audit_actions
from kernel.audit_actions import AuditAction
from kernel.models import AuditChainHead, AuditEvent
from tests.factories import UserFactory
from tests.kernel.example_actions import ExampleAction

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {"tests", "migrations", "node_modules", "static", "templates", "locale", "docs"}
# The calls that take an audit action and hand it to audit.record.
AUDIT_CALLS = {"record", "record_identity", "_store", "_record_reading"}


def _source_files() -> list[Path]:
    """Daftar's own Python modules, outside the tests."""
    found = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS]
        found += [Path(folder, name) for name in files if name.endswith(".py")]
    return found


def _app_catalogue() -> list[AuditAction]:
    return [a for a in audit_actions.members() if not isinstance(a, ExampleAction)]


@pytest.mark.django_db
def test_record_refuses_an_action_not_in_the_catalogue_and_writes_nothing():
    actor = UserFactory()
    for action in ["file.mrak", "", None, "FILE.MARK"]:
        with pytest.raises(ValueError, match="not an audit action"), transaction.atomic():
            audit.record(actor=actor, action=action)
    assert not AuditEvent.objects.exists()
    assert not AuditChainHead.objects.filter(seq__gt=0).exists()


@pytest.mark.django_db
def test_record_takes_a_member_or_a_string_equal_to_one_and_stores_the_string():
    actor = UserFactory()
    with transaction.atomic():
        by_member = audit.record(actor=actor, action=ExampleAction.WRITE)
        by_string = audit.record(actor=actor, action="test.write")
    stored = AuditEvent.objects.filter(pk__in=[by_member.pk, by_string.pk])
    assert [type(e.action) for e in stored] == [str, str]
    assert {e.action for e in stored} == {"test.write"}
    assert list(audit.verify()) == []


def test_two_catalogues_cannot_claim_one_word():
    class Clash(AuditAction):
        WRITE = "test.write", "Another write"

    with pytest.raises(ImproperlyConfigured, match="test.write"):
        audit_actions.register(Clash)
    assert audit_actions.lookup("test.write") is ExampleAction.WRITE
    audit_actions.register(ExampleAction)  # the same class again is harmless


def test_every_app_registers_its_catalogue():
    owners = {type(a).__module__ for a in _app_catalogue()}
    assert owners == {
        "accounts.audit_actions",
        "cgu.audit_actions",
        "complaints.audit_actions",
        "documents.audit_actions",
        "letters.audit_actions",
        "organisation.audit_actions",
        "workspace.audit_actions",
    }


def test_every_action_has_its_own_translated_label():
    catalogue = _app_catalogue()
    labels = [str(a.label) for a in catalogue]
    assert len(set(labels)) == len(labels), "two actions share a label"
    # TextChoices makes a label from the name when none is given: each has its own,
    # translated one (gettext_lazy).
    assert [a for a in catalogue if not isinstance(a.label, Promise)] == []


def test_every_action_in_the_catalogue_is_written_by_some_code():
    """Each member is used by name outside its catalogue and the tests: a word no code
    writes is either dead or written under another spelling."""
    sources = {path: path.read_text(encoding="utf-8") for path in _source_files()}
    unused = []
    for action in _app_catalogue():
        catalogue = type(action)
        home = ROOT / Path(*catalogue.__module__.split(".")).with_suffix(".py")
        pattern = re.compile(rf"\b{catalogue.__name__}\.{action.name}\b")
        if not any(pattern.search(text) for path, text in sources.items() if path != home):
            unused.append(f"{catalogue.__name__}.{action.name}")
    assert unused == []


def test_no_audit_call_spells_its_action():
    """Every call that takes an audit action passes a catalogue member (or a value chosen
    from members): never a string literal, an f-string, ``%`` or ``.format``."""
    spelt = []
    for path in _source_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name not in AUDIT_CALLS:
                continue
            for keyword in node.keywords:
                if keyword.arg != "action":
                    continue
                value = keyword.value
                strings = [
                    n
                    for n in ast.walk(value)
                    if isinstance(n, ast.JoinedStr | ast.BinOp)
                    or (isinstance(n, ast.Constant) and isinstance(n.value, str))
                    or (isinstance(n, ast.Attribute) and n.attr == "format")
                ]
                if strings:
                    spelt.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert spelt == []


@pytest.mark.django_db
def test_the_admin_shows_and_filters_by_label(client, admin_user):
    actor = UserFactory()
    with transaction.atomic():
        audit.record(actor=actor, action=ExampleAction.WRITE)
        audit.record(actor=actor, action=ExampleAction.THING)
    client.force_login(admin_user)
    url = reverse("admin:kernel_auditevent_changelist")
    page = client.get(url).content.decode()
    assert "Test write (test.write)" in page and "Test thing (test.thing)" in page
    assert 'href="?action=test.write"' in page  # the filter offers the label
    page = client.get(url, {"action": "test.write"}).content.decode()
    assert "Test write (test.write)" in page and "Test thing (test.thing)" not in page
