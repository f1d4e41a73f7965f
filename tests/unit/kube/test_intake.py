"""Tests for kube/intake.py: only one context's accepted fields get through, and nothing runs."""

from __future__ import annotations

import base64
import datetime as dt
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from kube_console.kube.intake import (
    MAX_KUBECONFIG_BYTES,
    AddressPolicy,
    FieldError,
    KubeconfigRejected,
    list_contexts,
    parse_kubeconfig,
)
from tests.support.audit import forbid_subprocess_and_foreign_files

TOKEN = "eyJhbGciOiJSUzI1NiJ9.c2VydmljZWFjY291bnQ.sekret-signature-4f9a"
SERVER = "https://prod.example.test:6443"
CLUSTER = "clusters[prod].cluster"
USER = "users[admin].user"

KNOWN_HOSTS = {
    "prod.example.test": ["203.0.113.10"],
    "dev.example.test": ["203.0.113.20"],
    "dual.example.test": ["203.0.113.30", "2001:db8::30"],
    "localhost": ["127.0.0.1", "::1"],
    "imds.example.test": ["169.254.169.254"],
    "mixed.example.test": ["203.0.113.40", "169.254.169.254"],
    "imds6.example.test": ["fd00:ec2::254"],
    "mapped.example.test": ["::ffff:169.254.169.254"],
    "db.internal": ["10.0.0.5"],
    "db-alias.example.test": ["10.0.0.5"],
    "redis.internal": ["10.0.0.6"],
}


def fake_resolve(host: str) -> list[str]:
    try:
        return KNOWN_HOSTS[host]
    except KeyError:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None


@dataclass(frozen=True)
class Pki:
    ca: str
    client_certificate: str
    client_key: str
    unrelated_key: str
    encrypted_key: str


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _certificate(
    subject: str, key: ec.EllipticCurvePrivateKey, issuer: str, issuer_key, *, ca: bool
) -> bytes:
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .sign(issuer_key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM)


def _private_key_pem(key: ec.EllipticCurvePrivateKey, encryption=None) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        encryption or serialization.NoEncryption(),
    )


@pytest.fixture(scope="module")
def pki() -> Pki:
    ca_key, client_key, unrelated_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    return Pki(
        ca=_b64(_certificate("test-ca", ca_key, "test-ca", ca_key, ca=True)),
        client_certificate=_b64(_certificate("admin", client_key, "test-ca", ca_key, ca=False)),
        client_key=_b64(_private_key_pem(client_key)),
        unrelated_key=_b64(_private_key_pem(unrelated_key)),
        encrypted_key=_b64(
            _private_key_pem(client_key, serialization.BestAvailableEncryption(b"passphrase"))
        ),
    )


def kubeconfig(
    cluster: dict[str, Any] | None = None,
    user: dict[str, Any] | None = None,
    *,
    current_context: str | None = "prod-admin",
) -> dict[str, Any]:
    """A one-context kubeconfig (context prod-admin -> cluster prod, user admin) as a dict."""
    document: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {"name": "prod", "cluster": {"server": SERVER} if cluster is None else cluster}
        ],
        "contexts": [{"name": "prod-admin", "context": {"cluster": "prod", "user": "admin"}}],
        "users": [{"name": "admin", "user": {"token": TOKEN} if user is None else user}],
    }
    if current_context is not None:
        document["current-context"] = current_context
    return document


def parse(document: dict[str, Any] | str | bytes, **options: Any):
    raw = yaml.safe_dump(document) if isinstance(document, dict) else document
    policy = AddressPolicy(
        allow_loopback=options.pop("allow_loopback", False),
        forbidden_endpoints=tuple(options.pop("forbidden_endpoints", ())),
        resolve=options.pop("resolve", fake_resolve),
    )
    return parse_kubeconfig(raw, address_policy=policy, **options)


def rejection(document: dict[str, Any] | str | bytes, **options: Any) -> list[FieldError]:
    with pytest.raises(KubeconfigRejected) as caught:
        parse(document, **options)
    assert TOKEN not in str(caught.value)
    return caught.value.errors


def only_error(document: dict[str, Any] | str | bytes, **options: Any) -> FieldError:
    errors = rejection(document, **options)
    assert len(errors) == 1, errors
    return errors[0]


# --- accepted kubeconfigs ---------------------------------------------------------------


def test_token_kubeconfig_keeps_only_the_accepted_fields(pki: Pki) -> None:
    document = kubeconfig(
        {
            "server": SERVER,
            "certificate-authority-data": pki.ca,
            "tls-server-name": "kubernetes.default.svc",
            "extensions": [
                {"name": "client.authentication.k8s.io/exec", "extension": {"audience": "x"}}
            ],
        },
        {"token": TOKEN, "extensions": [{"name": "note", "extension": {"owner": "ops"}}]},
    )
    document["contexts"][0]["context"]["namespace"] = "payments"
    document["preferences"] = {"colors": True}

    credentials = parse(document)

    assert credentials.server == SERVER
    assert credentials.certificate_authority_data == pki.ca
    assert credentials.tls_server_name == "kubernetes.default.svc"
    assert credentials.insecure_skip_tls_verify is False
    assert credentials.token == TOKEN
    assert credentials.client_certificate_data is None and credentials.client_key_data is None
    assert (credentials.context_name, credentials.cluster_name, credentials.user_name) == (
        "prod-admin",
        "prod",
        "admin",
    )
    stored = credentials.to_json().decode()
    assert "extensions" not in stored and "payments" not in stored and "audience" not in stored
    assert credentials.summary().credential_kind == "token"


def test_client_certificate_kubeconfig_is_accepted(pki: Pki) -> None:
    credentials = parse(
        kubeconfig(
            {"server": SERVER, "certificate-authority-data": pki.ca},
            {"client-certificate-data": pki.client_certificate, "client-key-data": pki.client_key},
        )
    )

    assert credentials.client_certificate_data == pki.client_certificate
    assert credentials.client_key_data == pki.client_key
    assert credentials.token is None
    summary = credentials.summary()
    assert summary.credential_kind == "client-certificate"
    assert summary.certificate_expires_at is not None


def test_base64_wrapped_over_several_lines_is_accepted_and_stored_compact(pki: Pki) -> None:
    wrapped = "\n".join(pki.ca[i : i + 64] for i in range(0, len(pki.ca), 64))

    credentials = parse(kubeconfig({"server": SERVER, "certificate-authority-data": wrapped}))

    assert credentials.certificate_authority_data == pki.ca


def test_acknowledged_insecure_tls_is_accepted_and_stored() -> None:
    document = kubeconfig({"server": SERVER, "insecure-skip-tls-verify": True})

    credentials = parse(document, acknowledge_insecure_tls=True)

    assert credentials.insecure_skip_tls_verify is True


def test_other_clusters_and_users_are_neither_validated_nor_kept() -> None:
    document = kubeconfig()
    document["clusters"].append({"name": "laptop", "cluster": {"server": "http://127.0.0.1:8080"}})
    document["users"].append(
        {"name": "gcloud", "user": {"exec": {"command": "gke-gcloud-auth-plugin"}}}
    )
    document["contexts"].append(
        {"name": "laptop", "context": {"cluster": "laptop", "user": "gcloud"}}
    )

    credentials = parse(document)

    assert credentials.cluster_name == "prod"
    assert "laptop" not in credentials.to_json().decode()


def test_a_few_yaml_anchors_are_fine() -> None:
    raw = f"""
clusters:
- name: prod
  cluster: &cluster {{server: "{SERVER}"}}
- name: prod-copy
  cluster: *cluster
contexts:
- name: prod-admin
  context: {{cluster: prod-copy, user: admin}}
users:
- name: admin
  user: {{token: "{TOKEN}"}}
current-context: prod-admin
"""
    assert parse(raw).cluster_name == "prod-copy"


def test_bytes_input_is_accepted() -> None:
    assert parse(yaml.safe_dump(kubeconfig()).encode()).token == TOKEN


# --- refused fields: each with its own message ------------------------------------------

CLUSTER_HAZARDS = [
    ("certificate-authority", "/etc/kubernetes/pki/ca.crt", "file path"),
    ("proxy-url", "http://proxy.internal:3128", "proxy"),
    ("insecure-skip-tls-verify", True, "TLS certificate"),
    ("disable-compression", True, "'disable-compression' is not an accepted field"),
]
USER_HAZARDS = [
    ("exec", {"apiVersion": "client.authentication.k8s.io/v1", "command": "aws"}, "runs a program"),
    ("auth-provider", {"name": "oidc", "config": {"idp-issuer-url": "https://idp"}}, "plugin"),
    ("tokenFile", "/var/run/secrets/kubernetes.io/serviceaccount/token", "file path"),
    ("client-certificate", "/home/me/.kube/admin.crt", "file path"),
    ("client-key", "/home/me/.kube/admin.key", "file path"),
    ("username", "admin", "basic authentication"),
    ("password", "hunter2", "basic authentication"),
    ("as", "system:admin", "impersonate"),
    ("as-groups", ["system:masters"], "impersonate"),
    ("as-uid", "0", "impersonate"),
    ("as-user-extra", {"scopes": ["all"]}, "impersonate"),
    ("impersonate-user", "root", "impersonate"),
    ("shell", "rm -rf /", "'shell' is not an accepted field"),
]


@pytest.mark.parametrize(("field", "value", "words"), CLUSTER_HAZARDS)
def test_refused_cluster_field(field: str, value: Any, words: str) -> None:
    error = only_error(kubeconfig({"server": SERVER, field: value}))

    assert error.field == f"{CLUSTER}.{field}"
    assert words in error.message


@pytest.mark.parametrize(("field", "value", "words"), USER_HAZARDS)
def test_refused_user_field(field: str, value: Any, words: str) -> None:
    error = only_error(kubeconfig(user={"token": TOKEN, field: value}))

    assert error.field == f"{USER}.{field}"
    assert words in error.message
    assert "hunter2" not in error.message


def test_each_kind_of_hazard_has_its_own_message() -> None:
    messages = {
        field: only_error(kubeconfig(user={"token": TOKEN, field: "x"})).message
        for field in ("exec", "auth-provider", "tokenFile", "username", "as", "unknown-field")
    }
    messages["proxy-url"] = only_error(kubeconfig({"server": SERVER, "proxy-url": "x"})).message
    messages["http"] = only_error(kubeconfig({"server": "http://prod.example.test"})).message
    messages["insecure"] = only_error(
        kubeconfig({"server": SERVER, "insecure-skip-tls-verify": True})
    ).message

    assert len(set(messages.values())) == len(messages)


def test_http_server_is_refused() -> None:
    error = only_error(kubeconfig({"server": "http://prod.example.test:8080"}))

    assert error.field == f"{CLUSTER}.server"
    assert "http://" in error.message and "https://" in error.message


def test_every_problem_is_reported_not_just_the_first() -> None:
    document = kubeconfig(
        {"server": "http://prod.example.test", "proxy-url": "http://proxy:3128"},
        {
            "token": TOKEN,
            "exec": {"command": "sh"},
            "tokenFile": "/etc/passwd",
            "as": "system:admin",
        },
    )

    fields = [error.field for error in rejection(document)]

    assert sorted(fields) == sorted(
        [
            f"{CLUSTER}.server",
            f"{CLUSTER}.proxy-url",
            f"{USER}.exec",
            f"{USER}.tokenFile",
            f"{USER}.as",
        ]
    )


def test_insecure_tls_together_with_a_certificate_authority_is_refused(pki: Pki) -> None:
    document = kubeconfig(
        {"server": SERVER, "certificate-authority-data": pki.ca, "insecure-skip-tls-verify": True}
    )

    error = only_error(document, acknowledge_insecure_tls=True)

    assert error.field == f"{CLUSTER}.insecure-skip-tls-verify"
    assert "certificate-authority-data" in error.message


@pytest.mark.parametrize(
    ("server", "words"),
    [
        ("ftp://prod.example.test", "https://"),
        ("https://:6443", "no host"),
        ("https://prod.example.test:99999", "not a valid URL"),
        ("https://admin:hunter2@prod.example.test", "user name or password"),
        ("", "missing"),
    ],
)
def test_malformed_server_is_refused(server: str, words: str) -> None:
    error = only_error(kubeconfig({"server": server}))

    assert error.field == f"{CLUSTER}.server"
    assert words in error.message
    assert "hunter2" not in error.message


# --- credential kind ---------------------------------------------------------------------


def test_user_without_credential_is_refused() -> None:
    error = only_error(kubeconfig(user={}))

    assert error.field == USER
    assert "no credential" in error.message


def test_token_and_client_certificate_together_are_refused(pki: Pki) -> None:
    user = {
        "token": TOKEN,
        "client-certificate-data": pki.client_certificate,
        "client-key-data": pki.client_key,
    }

    error = only_error(kubeconfig(user=user))

    assert error.field == USER
    assert "exactly one" in error.message


@pytest.mark.parametrize(
    ("present", "missing"),
    [
        ("client-certificate-data", "client-key-data"),
        ("client-key-data", "client-certificate-data"),
    ],
)
def test_half_a_client_certificate_is_refused(pki: Pki, present: str, missing: str) -> None:
    value = pki.client_certificate if present == "client-certificate-data" else pki.client_key

    error = only_error(kubeconfig(user={present: value}))

    assert error.field == f"{USER}.{missing}"
    assert "both halves" in error.message


def test_certificate_data_that_is_not_base64_pem_is_refused(pki: Pki) -> None:
    not_base64 = "this is not base64!"
    not_a_certificate = _b64(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    document = kubeconfig(
        {"server": SERVER, "certificate-authority-data": not_base64},
        {"client-certificate-data": not_a_certificate, "client-key-data": pki.client_certificate},
    )

    errors = {error.field: error.message for error in rejection(document)}

    assert set(errors) == {
        f"{CLUSTER}.certificate-authority-data",
        f"{USER}.client-certificate-data",
        f"{USER}.client-key-data",
    }
    assert "PEM certificate" in errors[f"{CLUSTER}.certificate-authority-data"]
    assert "private key" in errors[f"{USER}.client-key-data"]
    assert all(pki.client_certificate not in message for message in errors.values())


def test_encrypted_client_key_is_refused(pki: Pki) -> None:
    user = {"client-certificate-data": pki.client_certificate, "client-key-data": pki.encrypted_key}

    error = only_error(kubeconfig(user=user))

    assert error.field == f"{USER}.client-key-data"
    assert "unencrypted" in error.message


def test_client_key_of_another_certificate_is_refused(pki: Pki) -> None:
    user = {"client-certificate-data": pki.client_certificate, "client-key-data": pki.unrelated_key}

    error = only_error(kubeconfig(user=user))

    assert error.field == f"{USER}.client-key-data"
    assert "does not belong" in error.message
    assert pki.unrelated_key not in error.message


@pytest.mark.parametrize("token", [f"{TOKEN}\nX-Injected: 1", f"Bearer {TOKEN}", 12345, ""])
def test_token_that_is_not_a_single_printable_word_is_refused(token: Any) -> None:
    error = only_error(kubeconfig(user={"token": token}))

    assert error.field == f"{USER}.token"


# --- secrets never leak -----------------------------------------------------------------


def test_returned_credentials_repr_hides_the_secrets(pki: Pki) -> None:
    token_credentials = parse(kubeconfig())
    certificate_credentials = parse(
        kubeconfig(
            user={
                "client-certificate-data": pki.client_certificate,
                "client-key-data": pki.client_key,
            }
        )
    )

    assert TOKEN not in repr(token_credentials) and TOKEN not in str(token_credentials)
    assert pki.client_key not in repr(certificate_credentials)
    assert pki.client_certificate not in repr(certificate_credentials)


def test_yaml_syntax_error_on_the_token_line_does_not_quote_it() -> None:
    raw = yaml.safe_dump(kubeconfig()).replace(f"token: {TOKEN}", f"token: {TOKEN}: [unclosed")

    error = only_error(raw)

    assert error.field == "kubeconfig"
    assert "not valid YAML at line" in error.message


# --- document shape, size and alias bombs -------------------------------------------------


def test_size_cap_names_the_size() -> None:
    raw = yaml.safe_dump(kubeconfig()) + "# padding\n" * (MAX_KUBECONFIG_BYTES // 10)
    size = len(raw.encode())

    error = only_error(raw)

    assert error.field == "kubeconfig"
    assert f"{size:,} bytes" in error.message and "256 KiB" in error.message


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    raw = "\n".join(lines) + "\nclusters: []\ncontexts: []\nusers: []\n"

    started = time.perf_counter()
    error = only_error(raw)
    elapsed = time.perf_counter() - started

    assert "alias" in error.message
    assert elapsed < 0.5  # it takes milliseconds; expanding it would take hours and all memory


def test_aliases_adding_more_than_ten_thousand_nodes_are_refused_in_a_valid_kubeconfig() -> None:
    lines = ["x-padding:", '  l0: &l0 ["x","x","x","x","x","x","x","x","x","x"]']
    lines += [f"  l{i}: &l{i} [{','.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 4)]
    raw = yaml.safe_dump(kubeconfig()) + "\n".join(lines) + "\n"

    error = only_error(raw)

    assert error.field == "kubeconfig"
    assert "10,000" in error.message


def test_self_referencing_anchor_is_refused() -> None:
    error = only_error("clusters: &loop [*loop]\ncontexts: []\nusers: []\n")

    assert "alias" in error.message


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "- just\n- a list\n",
        "clusters: [\n",
        "!!python/object/apply:os.system ['echo pwned']\n",
        "a: 1\n---\nb: 2\n",
        "[" * 5000 + "]" * 5000,
    ],
    ids=["empty", "list", "syntax", "python-tag", "two-documents", "deep-nesting"],
)
def test_documents_that_are_not_a_kubeconfig_are_refused(raw: str) -> None:
    assert only_error(raw).field == "kubeconfig"


def test_bytes_that_are_not_utf8_are_refused() -> None:
    assert "UTF-8" in only_error(b"clusters: [\xff\xfe]").message


def test_missing_lists_are_each_reported() -> None:
    errors = rejection({"apiVersion": "v1", "contexts": "prod"})

    assert [error.field for error in errors] == ["clusters", "contexts", "users"]


# --- context selection ------------------------------------------------------------------


def two_context_kubeconfig(*, current_context: str | None) -> dict[str, Any]:
    document = kubeconfig(current_context=current_context)
    document["clusters"].append({"name": "dev", "cluster": {"server": "https://dev.example.test"}})
    document["users"].append({"name": "dev-reader", "user": {"token": "dev-token"}})
    document["contexts"].append(
        {"name": "dev", "context": {"cluster": "dev", "user": "dev-reader"}}
    )
    return document


def test_chosen_context_wins_over_current_context() -> None:
    credentials = parse(two_context_kubeconfig(current_context="prod-admin"), context="dev")

    assert (credentials.context_name, credentials.cluster_name, credentials.user_name) == (
        "dev",
        "dev",
        "dev-reader",
    )
    assert credentials.server == "https://dev.example.test"
    assert credentials.token == "dev-token"


def test_current_context_is_used_when_none_is_chosen() -> None:
    assert parse(two_context_kubeconfig(current_context="dev")).context_name == "dev"


@pytest.mark.parametrize(
    ("current_context", "chosen", "field"),
    [
        (None, None, "current-context"),
        ("staging", None, "current-context"),
        ("prod-admin", "qa", "contexts[qa]"),
    ],
)
def test_unusable_context_lists_the_available_ones(current_context, chosen, field) -> None:
    error = only_error(two_context_kubeconfig(current_context=current_context), context=chosen)

    assert error.field == field
    assert "prod-admin, dev" in error.message


def test_context_naming_a_missing_cluster_and_user_is_refused() -> None:
    document = kubeconfig()
    document["contexts"][0]["context"] = {"cluster": "gone", "user": "nobody"}

    errors = rejection(document)

    assert [error.field for error in errors] == [
        "contexts[prod-admin].context.cluster",
        "contexts[prod-admin].context.user",
    ]


def test_duplicate_cluster_names_are_refused() -> None:
    document = kubeconfig()
    document["clusters"].append({"name": "prod", "cluster": {"server": "https://dev.example.test"}})

    error = only_error(document)

    assert error.field == "clusters[prod]"
    assert "unique" in error.message


def test_list_contexts_offers_names_and_the_current_one() -> None:
    raw = yaml.safe_dump(two_context_kubeconfig(current_context="dev"))

    assert list_contexts(raw) == (["prod-admin", "dev"], "dev")
    assert list_contexts(yaml.safe_dump(two_context_kubeconfig(current_context="gone"))) == (
        ["prod-admin", "dev"],
        None,
    )


def test_list_contexts_refuses_unparseable_input() -> None:
    with pytest.raises(KubeconfigRejected):
        list_contexts("clusters: [")


# --- server address -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "server",
    [
        "https://169.254.169.254",
        "https://169.254.170.2",
        "https://[fe80::1]:6443",
        "https://[fd00:ec2::254]",
        "https://[fd20:ce::254]",
        "https://100.100.100.200",
        "https://[::ffff:169.254.169.254]",
        "https://[::ffff:a9fe:a9fe]",
        "https://[64:ff9b::a9fe:a9fe]",
        "https://imds.example.test",
        "https://imds6.example.test",
        "https://mapped.example.test",
        "https://mixed.example.test",
        "https://metadata.google.internal",
        "https://METADATA.google.internal.",
        "https://0.0.0.0:6443",
        "https://[::]:6443",
        "https://[::ffff:0.0.0.0]",
    ],
)
def test_metadata_link_local_and_unspecified_addresses_are_always_refused(server: str) -> None:
    error = only_error(kubeconfig({"server": server}), allow_loopback=True)

    assert error.field == f"{CLUSTER}.server"
    assert any(word in error.message for word in ("metadata", "link-local", "unspecified"))


@pytest.mark.parametrize(
    "server",
    [
        "https://127.0.0.1:6443",
        "https://127.1.2.3",
        "https://[::1]:6443",
        "https://[::ffff:127.0.0.1]",
        "https://localhost",
    ],
)
def test_loopback_is_refused_unless_allowed(server: str) -> None:
    error = only_error(kubeconfig({"server": server}))

    assert error.field == f"{CLUSTER}.server"
    assert "KUBE_CONSOLE_ALLOW_LOOPBACK_CLUSTERS" in error.message
    assert parse(kubeconfig({"server": server}), allow_loopback=True).server == server


def test_system_resolver_is_used_by_default() -> None:
    error = only_error(kubeconfig({"server": "https://localhost:6443"}), resolve=None)

    assert "loopback" in error.message


def test_unresolvable_host_is_refused_with_a_clear_message() -> None:
    error = only_error(kubeconfig({"server": "https://nowhere.example.test"}))

    assert error.field == f"{CLUSTER}.server"
    assert "nowhere.example.test, which could not be resolved" in error.message


def test_public_host_with_ipv4_and_ipv6_addresses_is_accepted() -> None:
    assert (
        parse(kubeconfig({"server": "https://dual.example.test"})).server_host
        == "dual.example.test"
    )


@pytest.mark.parametrize(
    ("server", "forbidden"),
    [
        ("https://db.internal:5432", [("db.internal", 5432)]),
        ("https://db-alias.example.test:5432", [("db.internal", 5432)]),
        ("https://10.0.0.5:5432", [("db.internal", 5432)]),
        ("https://[::ffff:10.0.0.5]:5432", [("db.internal", 5432)]),
        ("https://redis.internal:443", [("db.internal", 5432), ("redis.internal", None)]),
    ],
)
def test_console_own_endpoints_are_refused(server: str, forbidden) -> None:
    error = only_error(kubeconfig({"server": server}), forbidden_endpoints=forbidden)

    assert error.field == f"{CLUSTER}.server"
    assert "console's own services" in error.message
    assert "10.0.0.5" not in error.message


def test_loopback_console_service_is_refused_on_any_loopback_address() -> None:
    error = only_error(
        kubeconfig({"server": "https://127.0.0.2:6379"}),
        allow_loopback=True,
        forbidden_endpoints=[("localhost", 6379)],
    )

    assert "console's own services" in error.message


def test_same_host_on_another_port_is_not_a_console_endpoint() -> None:
    credentials = parse(
        kubeconfig({"server": "https://db.internal:6443"}),
        forbidden_endpoints=[("db.internal", 5432)],
    )

    assert credentials.server_host == "db.internal"


# --- nothing runs, nothing is read ---------------------------------------------------------


def test_intake_starts_no_process_and_opens_no_file_even_when_the_kubeconfig_names_them(
    tmp_path: Path,
) -> None:
    marker = tmp_path / "pwned"
    planted_token = tmp_path / "token"
    planted_token.write_text(TOKEN)
    document = kubeconfig(
        {"server": SERVER, "certificate-authority": str(Path(__file__).resolve())},
        {
            "exec": {
                "apiVersion": "client.authentication.k8s.io/v1",
                "command": "/bin/sh",
                "args": ["-c", f"touch {marker}"],
            },
            "tokenFile": str(planted_token),
            "client-certificate": "/etc/hostname",
            "client-key": "/etc/passwd",
            "auth-provider": {
                "name": "gcp",
                "config": {"cmd-path": "/bin/sh", "cmd-args": f"-c 'touch {marker}'"},
            },
        },
    )
    raw = yaml.safe_dump(document)
    python_tag = f"!!python/object/apply:os.system ['touch {marker}']\n"

    with forbid_subprocess_and_foreign_files(allowed_dirs=()) as audit:
        with pytest.raises(KubeconfigRejected):
            parse_kubeconfig(raw, address_policy=AddressPolicy(resolve=fake_resolve))
        assert list_contexts(raw) == (["prod-admin"], "prod-admin")
        with pytest.raises(KubeconfigRejected):
            parse_kubeconfig(python_tag, address_policy=AddressPolicy(resolve=fake_resolve))

    assert audit.violations == []
    assert not marker.exists()


def test_accepted_intake_opens_no_file(pki: Pki) -> None:
    raw = yaml.safe_dump(
        kubeconfig(
            {"server": SERVER, "certificate-authority-data": pki.ca},
            {"client-certificate-data": pki.client_certificate, "client-key-data": pki.client_key},
        )
    )

    with forbid_subprocess_and_foreign_files(allowed_dirs=()) as audit:
        parse_kubeconfig(raw, address_policy=AddressPolicy(resolve=fake_resolve))

    assert audit.violations == []


def test_audit_helper_notices_a_process_and_a_foreign_file(tmp_path: Path) -> None:
    inside = tmp_path / "allowed.txt"
    inside.write_text("ok")
    escape = tmp_path / "escape"
    escape.symlink_to(Path(__file__).resolve())

    with forbid_subprocess_and_foreign_files(allowed_dirs=(str(tmp_path),)) as audit:
        inside.read_text()
        Path(__file__).read_text()
        escape.read_text()
        subprocess.run([sys.executable, "-c", "pass"], check=True)

    assert audit.violations[:2] == [f"open: {Path(__file__).resolve()}"] * 2
    assert audit.violations[2].startswith("subprocess.Popen")
    assert len(audit.violations) == 3
