"""Fixtures for the documents tests: papers on a temporary disk by default, and a real S3
endpoint (moto's server on 127.0.0.1) that can be told to fail."""

from __future__ import annotations

import socket
import uuid
from types import SimpleNamespace

import pytest

from documents import storage
from documents.models import Paper, PaperText, PaperVersion
from kernel.models import AuditEvent
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return tmp_path / "media"


@pytest.fixture
def clerk(db):
    return UserFactory(username="clerk", first_name="Sajid", last_name="Khan")


@pytest.fixture
def officer(db):
    return UserFactory(username="officer", first_name="Ayesha", last_name="Afridi")


def snapshot(objects: bool = True) -> dict:
    """Everything an upload could leave behind: rows of each kind and stored objects."""
    return {
        "papers": Paper.objects.count(),
        "versions": PaperVersion.objects.count(),
        "texts": PaperText.objects.count(),
        "audit": AuditEvent.objects.count(),
        "objects": sorted(storage.iter_object_names()) if objects else None,
    }


@pytest.fixture
def nothing_left(db):
    """Assert that the block changed nothing: ``with nothing_left(): ...``."""
    from contextlib import contextmanager

    @contextmanager
    def check():
        before = snapshot()
        yield
        assert snapshot() == before

    return check


# --- S3 on moto's HTTP server ---------------------------------------------------------------


class FaultyMotoServer:
    """moto's ThreadedMotoServer with a switch in front: ``fail["PUT"] = True`` makes every
    PUT answer 503 as an overloaded S3 would, until switched off."""

    def __init__(self):
        from moto.moto_server.threaded_moto_server import ThreadedMotoServer

        self.fail: dict[str, bool] = {}
        self.requests: list[tuple[str, str]] = []
        outer = self

        class Server(ThreadedMotoServer):
            def _server_entry(self):
                from moto.moto_server.threaded_moto_server import (
                    DomainDispatcherApplication,
                    MotoRequestHandler,
                    create_backend_app,
                    make_server,
                )

                app = DomainDispatcherApplication(create_backend_app)

                def faulty(environ, start_response):
                    method = environ["REQUEST_METHOD"]
                    outer.requests.append((method, environ.get("PATH_INFO", "")))
                    if outer.fail.get(method):
                        start_response("503 Slow Down", [("Content-Type", "application/xml")])
                        return [b"<Error><Code>SlowDown</Code><Message>injected</Message></Error>"]
                    return app(environ, start_response)

                self._server = make_server(
                    self._ip_address, self._port, faulty, True, request_handler=MotoRequestHandler
                )
                self._server_ready_event.set()
                self._server.serve_forever()

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.server = Server(ip_address="127.0.0.1", port=port, verbose=False)
        self.server.start()
        host, port = self.server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"


@pytest.fixture(scope="session")
def moto_server():
    server = FaultyMotoServer()
    yield server
    server.server.stop()


@pytest.fixture
def s3(settings, moto_server, monkeypatch):
    """Papers in a fresh private bucket on the moto server, through django-storages."""
    import boto3
    from botocore.config import Config

    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(var, "testing")
    bucket = f"daftar-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=moto_server.endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": moto_server.endpoint,
                "region_name": "us-east-1",
                "access_key": "testing",
                "secret_key": "testing",
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": 60,
                "file_overwrite": False,
                # Fail fast: a test that injects a fault should not wait for retries.
                "client_config": Config(
                    retries={"max_attempts": 1, "mode": "standard"},
                    connect_timeout=2,
                    read_timeout=10,
                ),
            },
        },
    }
    moto_server.fail.clear()
    yield SimpleNamespace(client=client, bucket=bucket, server=moto_server)
    moto_server.fail.clear()


def bucket_keys(s3) -> list[str]:
    response = s3.client.list_objects_v2(Bucket=s3.bucket)
    return sorted(entry["Key"] for entry in response.get("Contents", []))
