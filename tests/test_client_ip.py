"""The client's address behind proxies (daftar/client_ip.py): taken from the right of the
proxies' header, so a client cannot pick a fresh one per request; and check --deploy warns
when production looks to be behind a proxy without the setting."""

import pytest
from django.core.checks import run_checks

from kernel.client_ip import client_ip, meta_name

PROXY = "10.0.0.2"  # the last proxy, as REMOTE_ADDR


@pytest.fixture
def two_proxies(settings):
    settings.DAFTAR_TRUSTED_PROXY_COUNT = 2
    settings.DAFTAR_CLIENT_IP_HEADER = ""


def test_without_trusted_proxies_the_header_is_ignored(rf, settings):
    settings.DAFTAR_TRUSTED_PROXY_COUNT = 0
    request = rf.get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "198.51.100.7"


def test_one_proxy_takes_the_address_it_appended(rf, settings):
    settings.DAFTAR_TRUSTED_PROXY_COUNT = 1
    # The client sent "X-Forwarded-For: 1.2.3.4"; nginx appended what it saw.
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert client_ip(request) == "203.0.113.9"


def test_two_proxies_take_the_address_the_outer_one_saw(rf, two_proxies):
    header = "6.6.6.6, 7.7.7.7, 203.0.113.9, 10.0.0.1"  # spoofed, spoofed, client, proxy 1
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=header)
    assert client_ip(request) == "203.0.113.9"


def test_too_short_or_garbled_header_is_not_believed(rf, two_proxies):
    short = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_ip(short) == PROXY
    garbled = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="<script>, 10.0.0.1")
    assert client_ip(garbled) == PROXY
    absent = rf.get("/", REMOTE_ADDR=PROXY)
    assert client_ip(absent) == PROXY


def test_a_named_header_and_ports_and_ipv6(rf, settings):
    settings.DAFTAR_TRUSTED_PROXY_COUNT = 1
    settings.DAFTAR_CLIENT_IP_HEADER = "X-Real-IP"
    assert meta_name("X-Real-IP") == "HTTP_X_REAL_IP"
    assert client_ip(rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_REAL_IP="203.0.113.9:5123")) == (
        "203.0.113.9"
    )
    v6 = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_REAL_IP="[2001:db8::1]:443")
    assert client_ip(v6) == "2001:db8::1"


@pytest.mark.django_db
def test_fresh_forwarded_for_each_time_does_not_get_past_the_tracking_limit(client, settings):
    """The probe: lookups each with a new X-Forwarded-For, through one proxy."""
    from workspace import tracking

    settings.DAFTAR_TRUSTED_PROXY_COUNT = 1
    settings.DAFTAR_TRACKING_CLIENT_LIMIT = (5, 600)
    settings.DAFTAR_TRACKING_REFERENCE_LIMIT = (1000, 3600)  # only the client limit here
    reference = tracking.new_reference()
    answers = []
    for i in range(12):
        response = client.post(
            "/api/v1/track/",
            {"reference": reference, "second_factor": "1234"},
            content_type="application/json",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, 203.0.113.9",
        )
        answers.append(response.status_code)
    assert answers.count(429) == 12 - 5, answers
    # A different client behind the same proxy has its own count.
    other = client.post(
        "/api/v1/track/",
        {"reference": reference, "second_factor": "1234"},
        content_type="application/json",
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.10",
    )
    assert other.status_code != 429


def _deploy_warnings():
    return {m.id for m in run_checks(include_deployment_checks=True, tags=["security"])}


def test_check_deploy_warns_when_behind_a_proxy_without_the_count(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.DAFTAR_TRUSTED_PROXY_COUNT = None
    assert "daftar.W001" in _deploy_warnings()
    settings.DAFTAR_TRUSTED_PROXY_COUNT = 1
    assert "daftar.W001" not in _deploy_warnings()
    settings.DAFTAR_TRUSTED_PROXY_COUNT = 0  # said out loud: no proxy
    assert "daftar.W001" not in _deploy_warnings()


def test_check_deploy_warns_when_a_header_is_named_but_no_proxy_trusted(settings):
    settings.DAFTAR_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    settings.DAFTAR_TRUSTED_PROXY_COUNT = 0
    assert "daftar.W002" in _deploy_warnings()
