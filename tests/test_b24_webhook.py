"""Webhook URL parsing/masking and the read/write classification of methods."""

from __future__ import annotations

import pytest

from core.bitrix24.methods import is_read_method, scope_of_method
from core.bitrix24.webhook import parse_webhook_url
from core.errors import ConfigError
from core.redact import mask_text


@pytest.mark.parametrize(
    ("url", "host", "port", "user", "base"),
    [
        ("https://portal.bitrix24.ru/rest/1/abc123xyz/", "portal.bitrix24.ru", None, 1,
         "https://portal.bitrix24.ru/rest/1/abc123xyz/"),
        ("  https://10.0.0.5:8443/rest/54/k9_Z-q/  ", "10.0.0.5", 8443, 54, "https://10.0.0.5:8443/rest/54/k9_Z-q/"),
        ("https://crm.local/rest/7/abc123xyz", "crm.local", None, 7, "https://crm.local/rest/7/abc123xyz/"),
        ("https://crm.local/rest/7/abc123xyz/profile.json", "crm.local", None, 7, "https://crm.local/rest/7/abc123xyz/"),
        ("https://crm.local/b24/rest/7/abc123xyz/", "crm.local", None, 7, "https://crm.local/b24/rest/7/abc123xyz/"),
    ],
)
def test_valid_webhook_urls(url: str, host: str, port: int | None, user: int, base: str):
    hook = parse_webhook_url(url)
    assert (hook.host, hook.port, hook.user_id, hook.base_url) == (host, port, user, base)
    assert hook.code not in hook.masked and "/rest/" in hook.masked
    assert hook.method_url("crm.company.list") == base + "crm.company.list.json"


@pytest.mark.parametrize(
    "url",
    [
        "http://portal.bitrix24.ru/rest/1/secretcode1/",  # no TLS: refused, never downgraded
        "https:///rest/1/secretcode1/",
        "https://portal.bitrix24.ru/rest/secretcode1/",
        "https://portal.bitrix24.ru/rest/one/secretcode1/",
        "https://portal.bitrix24.ru/",
        "",
    ],
)
def test_invalid_webhook_urls_are_config_errors_without_the_code(url: str):
    with pytest.raises(ConfigError) as caught:
        parse_webhook_url(url)
    assert "secretcode1" not in caught.value.user_text()


def test_parsed_code_is_masked_wherever_it_appears():
    parse_webhook_url("https://portal.example/rest/3/Zq8uniqueCode77/")  # registers the code as a secret
    assert "Zq8uniqueCode77" not in mask_text("ошибка: код Zq8uniqueCode77 в тексте")


def test_redirect_keeps_user_and_code_and_refuses_http():
    from core.bitrix24.redirects import follow

    hook = parse_webhook_url("https://old.bitrix24.ru/rest/1/abc123xyz/")
    moved = follow(hook, "https://new.bitrix24.ru/rest/1/abc123xyz/profile.json")
    assert moved.base_url == "https://new.bitrix24.ru/rest/1/abc123xyz/"
    with pytest.raises(ConfigError):
        follow(hook, "http://new.bitrix24.ru/rest/1/abc123xyz/profile.json")


@pytest.mark.parametrize("target", [
    "https://evil.example/rest/1/abc123xyz/profile.json",          # another host entirely
    "https://bitrix24.ru.evil.example/rest/1/abc123xyz/profile.json",
    "https://new.bitrix24.ru/rest/1/other/profile.json",           # same cloud, another webhook
    "https://new.bitrix24.ru/rest/7/abc123xyz/profile.json",       # another user id
    "https://new.bitrix24.ru/login/?back=/rest/1/abc123xyz/",      # not the REST path
])
def test_redirect_elsewhere_is_refused_and_names_no_secret(target: str):
    from core.bitrix24.redirects import follow

    hook = parse_webhook_url("https://old.bitrix24.ru/rest/1/abc123xyz/")
    with pytest.raises(ConfigError) as caught:
        follow(hook, target)
    assert "abc123xyz" not in caught.value.user_text()


@pytest.mark.parametrize(("old", "new", "allowed"), [
    ("crm.company.ru", "portal.company.ru", True),
    ("crm.company.com.ru", "b24.company.com.ru", True),
    ("crm.company.com.ru", "crm.other.com.ru", False),
    ("company.bitrix24.ru", "renamed.bitrix24.ru", True),
    ("company.bitrix24.ru", "company.bitrix24.kz", True),
    ("crm.company.ru", "company.bitrix24.ru", False),  # a box never hands its webhook to the cloud
    ("10.0.0.5", "10.0.0.6", False),
])
def test_same_portal_rule(old: str, new: str, allowed: bool):
    from core.bitrix24.redirects import same_portal

    assert same_portal(old, new) is allowed


@pytest.mark.parametrize(
    ("method", "read"),
    [
        ("crm.company.list", True), ("crm.company.get", True), ("crm.company.fields", True),
        ("CRM.Item.List", True), ("scope", True), ("method.get", True), ("profile", True),
        ("crm.company.add", False), ("crm.company.update", False), ("crm.company.delete", False),
        ("crm.item.productrow.set", False), ("crm.documentgenerator.document.add", False),
        ("crm.timeline.comment.add", False), ("batch", False), ("crm.duplicate.findbycomm", False),
    ],
)
def test_read_write_classification(method: str, read: bool):
    assert is_read_method(method) is read


def test_scope_of_method():
    assert scope_of_method("crm.company.list") == "crm"
    assert scope_of_method("catalog.product.list") == "catalog"
    assert scope_of_method("crm.documentgenerator.document.add") == "documentgenerator"
    assert scope_of_method("profile") is None
