"""Turns a user's kubeconfig into validated ClusterCredentials without trusting any of it.

A kubeconfig is code, not data: the official loader runs `exec` plugins, calls auth-provider
URLs and reads any file path the document names. So this module never hands the YAML to
`kubernetes.config`; it parses it with PyYAML's safe loader, reads exactly one context, one
cluster and one user, accepts only the fields kubeconfig-intake.md lists, and refuses server
addresses the console must never connect to (cloud metadata, link-local, its own database).
Every problem found is reported at once, one `FieldError` per field, and no message ever
repeats a secret.

The address rules are one `AddressPolicy`: intake checks the server with it, and the client
(kube/client.py) checks every address it connects to with the same policy, because a DNS
name can point elsewhere by the time a sync runs, and the settings can change.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import socket
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import urlsplit

import yaml
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization

from kube_console.kube.credentials import ClusterCredentials

if TYPE_CHECKING:
    from kube_console.settings import Settings

MAX_KUBECONFIG_BYTES = 256 * 1024
# Alias expansion is the only way a document under the size cap can build a huge object
# graph (the "billion laughs"); alias-free documents are already bounded by the size cap.
MAX_NODES_ADDED_BY_ALIASES = 10_000

Resolver = Callable[[str], list[str]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# libyaml parses ten times faster and stops nesting at depth 1000, where the pure-Python
# scanner spends a second on a line of "[[[[..."; both are PyYAML's safe loader.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_MINIFY_HINT = "kubectl config view --minify --flatten --raw --context NAME"

_CLUSTER_FIELDS = (
    "server",
    "certificate-authority-data",
    "tls-server-name",
    "insecure-skip-tls-verify",
)
_USER_FIELDS = ("token", "client-certificate-data", "client-key-data")
# Informational metadata that kubectl itself only carries along: never read, never stored.
_IGNORED_FIELDS = frozenset({"extensions"})

_PLUGIN_ADVICE = "use a ServiceAccount token or a client certificate instead"
_IMPERSONATION = (
    "asks to impersonate another identity; the console acts only as the credential's own "
    "identity, so grant that identity read access instead"
)


def _file_path_message(data_field: str) -> str:
    return (
        f"is a file path, and the console never reads files named in a kubeconfig; paste the "
        f"content base64-encoded as {data_field} ({_MINIFY_HINT} does this)"
    )


_REFUSED_CLUSTER_FIELDS = {
    "certificate-authority": _file_path_message("certificate-authority-data"),
    "proxy-url": "sends traffic through a proxy, which the console does not support; "
    "give the API server's own https:// address",
}
_REFUSED_USER_FIELDS = {
    "exec": f"runs a program on the console's server to get a credential, which the console "
    f"never does; {_PLUGIN_ADVICE}",
    "auth-provider": f"hands authentication to a client plugin that refreshes tokens through "
    f"outside services, which the console never does; {_PLUGIN_ADVICE}",
    "tokenFile": "is a file path, and the console never reads files named in a kubeconfig; "
    "paste the token itself as token",
    "client-certificate": _file_path_message("client-certificate-data"),
    "client-key": _file_path_message("client-key-data"),
    "username": f"is basic authentication (user name and password), which the console does "
    f"not accept; {_PLUGIN_ADVICE}",
    "password": f"is basic authentication (user name and password), which the console does "
    f"not accept; {_PLUGIN_ADVICE}",
    "as": _IMPERSONATION,
    "as-uid": _IMPERSONATION,
    "as-groups": _IMPERSONATION,
    "as-user-extra": _IMPERSONATION,
}

_METADATA_HOSTNAMES = frozenset(
    {
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "instance-data",
        "instance-data.ec2.internal",
    }
)
_METADATA_ADDRESSES = frozenset(
    {
        ipaddress.ip_address("fd00:ec2::254"),  # AWS instance metadata over IPv6
        ipaddress.ip_address("fd20:ce::254"),  # Google Cloud metadata over IPv6
        ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud metadata
    }
)
_NAT64_PREFIX = ipaddress.ip_network("64:ff9b::/96")


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class KubeconfigRejected(ValueError):
    """The kubeconfig cannot be used; `errors` lists every problem found, one per field."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(f"{error.field}: {error.message}" for error in self.errors))


def list_contexts(raw: str | bytes) -> tuple[list[str], str | None]:
    """The context names for the register form, and the current-context if it names one of them."""
    document = _read_document(raw)
    names = _entry_names(document["contexts"])
    current = document.get("current-context")
    return names, current if current in names else None


def parse_kubeconfig(
    raw: str | bytes,
    *,
    context: str | None = None,
    acknowledge_insecure_tls: bool = False,
    address_policy: AddressPolicy | None = None,
) -> ClusterCredentials:
    """Validate one context of `raw` and return only its accepted fields.

    `context` picks the context (default: the document's current-context).
    `address_policy` says where the server may be (default: the strictest policy, with the
    system resolver). Raises KubeconfigRejected listing every problem found.
    """
    document = _read_document(raw)
    context_name, context_body = _choose_context(document, context)
    errors: list[FieldError] = []
    context_path = f"contexts[{context_name}].context"
    cluster_name = _reference(context_body, "cluster", context_path, errors)
    user_name = _reference(context_body, "user", context_path, errors)

    cluster_fields: dict[str, Any] = {}
    if cluster_name is not None:
        cluster = _find_entry(document, "clusters", "cluster", cluster_name, context_path, errors)
        if cluster is not None:
            cluster_fields = _read_cluster(
                cluster,
                f"clusters[{cluster_name}].cluster",
                errors,
                acknowledge_insecure_tls=acknowledge_insecure_tls,
                address_policy=address_policy or AddressPolicy(),
            )
    user_fields: dict[str, Any] = {}
    if user_name is not None:
        user = _find_entry(document, "users", "user", user_name, context_path, errors)
        if user is not None:
            user_fields = _read_user(user, f"users[{user_name}].user", errors)

    if errors:
        raise KubeconfigRejected(errors)
    assert cluster_name is not None and user_name is not None  # else _reference added an error
    return ClusterCredentials(
        **cluster_fields,
        **user_fields,
        context_name=context_name,
        cluster_name=cluster_name,
        user_name=user_name,
    )


class AddressRefused(ValueError):
    """The console must not connect to this server address; the message says why."""


@dataclass(frozen=True)
class AddressPolicy:
    """Where the console may open a connection to an API server.

    Cloud metadata, link-local and unspecified addresses are always refused, loopback unless
    `allow_loopback`, and `forbidden_endpoints` (the console's own services, as (host, port);
    port None means any) always. `resolve` maps a host name to IP address strings.
    """

    allow_loopback: bool = False
    forbidden_endpoints: tuple[tuple[str, int | None], ...] = ()
    resolve: Resolver | None = None

    def problem(self, host: str, port: int) -> str | None:
        """Why the console must not connect to host:port, or None when it may."""
        try:
            self.checked_addresses(host, port)
        except AddressRefused as refused:
            return str(refused)
        return None

    def checked_addresses(self, host: str, port: int) -> list[IPAddress]:
        """Resolve `host` once and return its addresses, every one of them allowed.

        One bad address is enough to refuse the host: which one a client would pick is up to
        its resolver. Raises AddressRefused with a message that follows the field or the
        host's name ("points to 169.254.169.254, a link-local address, ...")."""
        resolve = self.resolve or _system_resolve
        if _normalize_hostname(host) in _METADATA_HOSTNAMES:
            raise AddressRefused(
                f"names {host}, a cloud metadata service; the console never connects there"
            )
        addresses = _resolve_addresses(host, resolve)
        if not addresses:
            raise AddressRefused(
                f"names {host}, which could not be resolved; check the name, or use an address "
                "the console's server can reach"
            )
        for address in addresses:
            refusal = _address_refusal(address, allow_loopback=self.allow_loopback)
            if refusal:
                raise AddressRefused(refusal)
        if _is_forbidden_endpoint(addresses, port, self.forbidden_endpoints, resolve):
            raise AddressRefused(
                "points at one of the console's own services (its database or Redis); "
                "give the cluster's API server address"
            )
        return addresses


def console_address_policy(settings: Settings, resolve: Resolver | None = None) -> AddressPolicy:
    """The policy the console's settings define: loopback as KUBE_CONSOLE_ALLOW_LOOPBACK_CLUSTERS
    says, and never its own database or Redis."""
    endpoints: list[tuple[str, int | None]] = []
    for url, default_port in ((settings.database_url, 5432), (settings.redis_url or "", 6379)):
        parts = urlsplit(url)
        if parts.scheme.startswith(("postgresql", "redis", "rediss")) and parts.hostname:
            endpoints.append((parts.hostname, parts.port or default_port))
    return AddressPolicy(
        allow_loopback=settings.allow_loopback_clusters,
        forbidden_endpoints=tuple(endpoints),
        resolve=resolve,
    )


def _read_document(raw: str | bytes) -> Mapping[str, Any]:
    data = raw.encode("utf-8", errors="surrogatepass") if isinstance(raw, str) else raw
    if len(data) > MAX_KUBECONFIG_BYTES:
        _reject(
            "kubeconfig",
            f"is {len(data):,} bytes; the limit is {MAX_KUBECONFIG_BYTES:,} bytes (256 KiB). "
            f"Export only the context you need: {_MINIFY_HINT}",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        _reject("kubeconfig", "is not UTF-8 text; upload the kubeconfig file itself")
    document = _load_yaml(text)
    if not isinstance(document, Mapping):
        _reject(
            "kubeconfig",
            "is not a kubeconfig: expected a YAML mapping with clusters, contexts and users",
        )
    problems = [
        FieldError(key, f"is missing or not a list; a kubeconfig lists its {key} there")
        for key in ("clusters", "contexts", "users")
        if not isinstance(document.get(key), list)
    ]
    if problems:
        raise KubeconfigRejected(problems)
    return document


def _load_yaml(text: str) -> Any:
    loader = _SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            _reject("kubeconfig", "is empty")
        _refuse_alias_explosion(root)
        return loader.construct_document(root)
    except KubeconfigRejected:
        raise
    except yaml.MarkedYAMLError as error:
        # Only the position and the parser's generic complaint: the snippet it quotes
        # could be a line holding a token.
        mark = error.problem_mark or error.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        detail = error.problem or error.context or "syntax error"
        _reject("kubeconfig", f"is not valid YAML{where}: {detail}")
    except (yaml.YAMLError, ValueError):
        _reject("kubeconfig", "is not valid YAML")
    except RecursionError:
        _reject("kubeconfig", "nests too deeply to be a kubeconfig")
    finally:
        loader.dispose()


def _refuse_alias_explosion(root: yaml.Node) -> None:
    """Walk the composed graph as construction would, counting nodes visited more than once.

    Composing never expands aliases (an alias is a second reference to the same node), so
    this costs at most the document's own nodes plus the limit, even for recursive anchors.
    """
    seen: set[int] = set()
    repeats = 0
    pending: list[yaml.Node] = [root]
    while pending:
        node = pending.pop()
        if id(node) in seen:
            repeats += 1
            if repeats > MAX_NODES_ADDED_BY_ALIASES:
                _reject(
                    "kubeconfig",
                    f"uses YAML aliases that expand to more than {MAX_NODES_ADDED_BY_ALIASES:,} "
                    f"extra nodes (an 'alias bomb'); export a plain kubeconfig with {_MINIFY_HINT}",
                )
        else:
            seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                pending.append(key)
                pending.append(value)
        elif isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)


def _choose_context(
    document: Mapping[str, Any], requested: str | None
) -> tuple[str, Mapping[str, Any]]:
    names = _entry_names(document["contexts"])
    available = ", ".join(names) if names else "(none)"
    if requested:
        if requested not in names:
            _reject(
                f"contexts[{requested}]",
                f"there is no context named {requested!r}; the contexts are: {available}",
            )
        name = requested
    else:
        current = document.get("current-context")
        if not isinstance(current, str) or not current:
            _reject(
                "current-context",
                f"is not set and no context was chosen; choose one of: {available}",
            )
        if current not in names:
            _reject(
                "current-context",
                f"names {current!r}, which is not among the kubeconfig's contexts: {available}; "
                "choose one of those",
            )
        name = current
    errors: list[FieldError] = []
    body = _find_entry(document, "contexts", "context", name, "contexts", errors)
    if body is None:
        raise KubeconfigRejected(errors)
    return name, body


def _entry_names(entries: list[Any]) -> list[str]:
    names = (entry.get("name") for entry in entries if isinstance(entry, Mapping))
    return list(dict.fromkeys(name for name in names if isinstance(name, str) and name))


def _reference(
    context: Mapping[str, Any], key: str, context_path: str, errors: list[FieldError]
) -> str | None:
    name = context.get(key)
    if isinstance(name, str) and name:
        return name
    errors.append(
        FieldError(
            f"{context_path}.{key}", f"is missing or not a name; the context must name its {key}"
        )
    )
    return None


def _find_entry(
    document: Mapping[str, Any],
    list_key: str,
    body_key: str,
    name: str,
    referenced_from: str,
    errors: list[FieldError],
) -> Mapping[str, Any] | None:
    matches = [
        entry
        for entry in document[list_key]
        if isinstance(entry, Mapping) and entry.get("name") == name
    ]
    path = f"{list_key}[{name}]"
    if not matches:
        errors.append(
            FieldError(
                f"{referenced_from}.{body_key}",
                f"names {body_key} {name!r}, which is not in {list_key}",
            )
        )
        return None
    if len(matches) > 1:
        errors.append(
            FieldError(path, f"appears {len(matches)} times; {body_key} names must be unique")
        )
        return None
    body = matches[0].get(body_key)
    if not isinstance(body, Mapping):
        errors.append(FieldError(f"{path}.{body_key}", "is missing or not a mapping of settings"))
        return None
    return body


def _read_cluster(
    cluster: Mapping[str, Any],
    path: str,
    errors: list[FieldError],
    *,
    acknowledge_insecure_tls: bool,
    address_policy: AddressPolicy,
) -> dict[str, Any]:
    _refuse_unaccepted_fields(cluster, path, _REFUSED_CLUSTER_FIELDS, _CLUSTER_FIELDS, errors)
    accepted: dict[str, Any] = {}

    server = cluster.get("server")
    problem = _server_problem(server, address_policy)
    if problem:
        errors.append(FieldError(f"{path}.server", problem))
    else:
        assert isinstance(server, str)  # _server_problem refuses anything else
        accepted["server"] = server.strip()

    if "certificate-authority-data" in cluster:
        authority = _base64_pem(cluster["certificate-authority-data"], _is_certificate_bundle)
        if authority is None:
            errors.append(
                FieldError(
                    f"{path}.certificate-authority-data",
                    "is not base64-encoded PEM certificate data; copy it from a kubeconfig "
                    f"exported with {_MINIFY_HINT}",
                )
            )
        else:
            accepted["certificate_authority_data"] = authority

    if "tls-server-name" in cluster:
        server_name = cluster["tls-server-name"]
        if isinstance(server_name, str) and server_name.strip() and len(server_name.split()) == 1:
            accepted["tls_server_name"] = server_name.strip()
        else:
            errors.append(
                FieldError(f"{path}.tls-server-name", "must be a host name, like api.example.com")
            )

    insecure = cluster.get("insecure-skip-tls-verify", False)
    if not isinstance(insecure, bool):
        errors.append(FieldError(f"{path}.insecure-skip-tls-verify", "must be true or false"))
    elif insecure and not acknowledge_insecure_tls:
        errors.append(
            FieldError(
                f"{path}.insecure-skip-tls-verify",
                "turns off checking of the server's TLS certificate, so anyone on the network path "
                "could impersonate the cluster; give certificate-authority-data instead, or "
                "acknowledge the risk explicitly to register the cluster anyway",
            )
        )
    elif insecure and "certificate-authority-data" in cluster:
        errors.append(
            FieldError(
                f"{path}.insecure-skip-tls-verify",
                "is true while certificate-authority-data is also given; keep only one "
                "(remove insecure-skip-tls-verify so the certificate is checked)",
            )
        )
    elif insecure:
        accepted["insecure_skip_tls_verify"] = True
    return accepted


def _server_problem(server: Any, address_policy: AddressPolicy) -> str | None:
    if not isinstance(server, str) or not server.strip():
        return "is missing; give the API server's https:// URL"
    try:
        url = urlsplit(server.strip())
        port = url.port or 443
    except ValueError:
        return "is not a valid URL; give the API server's https:// URL"
    if url.scheme.lower() == "http":
        return (
            "uses http://, which sends the credential unencrypted; "
            "the console only connects over https://"
        )
    if url.scheme.lower() != "https":
        return "must be an https:// URL"
    if url.username is not None or url.password is not None:
        return "must not carry a user name or password; use a token or a client certificate"
    if not url.hostname:
        return "has no host; give the API server's https:// URL, like https://api.example.com:6443"
    return address_policy.problem(url.hostname, port)


def _read_user(user: Mapping[str, Any], path: str, errors: list[FieldError]) -> dict[str, Any]:
    _refuse_unaccepted_fields(user, path, _REFUSED_USER_FIELDS, _USER_FIELDS, errors)
    has_token = "token" in user
    has_certificate = "client-certificate-data" in user or "client-key-data" in user
    if has_token and has_certificate:
        errors.append(
            FieldError(
                path, "has both a token and a client certificate; keep exactly one credential"
            )
        )
        return {}
    if has_token:
        return _read_token(user["token"], f"{path}.token", errors)
    if has_certificate:
        return _read_client_certificate(user, path, errors)
    if not any(field in user for field in _REFUSED_USER_FIELDS):
        errors.append(
            FieldError(
                path,
                "has no credential; give a token, or client-certificate-data and client-key-data",
            )
        )
    return {}


def _read_token(token: Any, path: str, errors: list[FieldError]) -> dict[str, Any]:
    if not isinstance(token, str) or not token.strip():
        errors.append(FieldError(path, "is empty or not text; paste the bearer token"))
        return {}
    token = token.strip()
    if not token.isascii() or not token.isprintable() or any(c.isspace() for c in token):
        errors.append(
            FieldError(
                path,
                "contains spaces, line breaks or non-ASCII characters; "
                "paste the bearer token exactly",
            )
        )
        return {}
    return {"token": token}


def _read_client_certificate(
    user: Mapping[str, Any], path: str, errors: list[FieldError]
) -> dict[str, Any]:
    missing = [
        field for field in ("client-certificate-data", "client-key-data") if field not in user
    ]
    if missing:
        present = (
            "client-key-data"
            if missing[0] == "client-certificate-data"
            else "client-certificate-data"
        )
        errors.append(
            FieldError(
                f"{path}.{missing[0]}",
                f"is missing while {present} is given; a client certificate needs both halves",
            )
        )
        return {}
    certificate_data = _base64_pem(user["client-certificate-data"], _is_certificate_bundle)
    key_data = _base64_pem(user["client-key-data"], _is_unencrypted_private_key)
    if certificate_data is None:
        errors.append(
            FieldError(
                f"{path}.client-certificate-data", "is not base64-encoded PEM certificate data"
            )
        )
    if key_data is None:
        errors.append(
            FieldError(
                f"{path}.client-key-data",
                "is not a base64-encoded, unencrypted PEM private key",
            )
        )
    if certificate_data is None or key_data is None:
        return {}
    if not _key_matches_certificate(key_data, certificate_data):
        errors.append(
            FieldError(
                f"{path}.client-key-data",
                "does not belong to client-certificate-data; give the matching pair",
            )
        )
        return {}
    return {"client_certificate_data": certificate_data, "client_key_data": key_data}


def _refuse_unaccepted_fields(
    entry: Mapping[str, Any],
    path: str,
    refused: Mapping[str, str],
    accepted: Sequence[str],
    errors: list[FieldError],
) -> None:
    for key in entry:
        if key in _IGNORED_FIELDS or key in accepted:
            continue
        if key in refused:
            message = refused[key]
        elif isinstance(key, str) and key.startswith("impersonate"):
            message = _IMPERSONATION
        else:
            message = f"{key!r} is not an accepted field; accepted here: {', '.join(accepted)}"
        errors.append(FieldError(f"{path}.{key}", message))


def _base64_pem(value: Any, is_valid: Callable[[bytes], bool]) -> str | None:
    """The value without whitespace if it is base64 of PEM data that `is_valid` accepts."""
    if not isinstance(value, str):
        return None
    compact = "".join(value.split())
    try:
        pem = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        return None
    return compact if pem and is_valid(pem) else None


def _is_certificate_bundle(pem: bytes) -> bool:
    try:
        return bool(x509.load_pem_x509_certificates(pem))
    except ValueError:
        return False


def _is_unencrypted_private_key(pem: bytes) -> bool:
    try:
        serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return False
    return True


def _key_matches_certificate(key_data: str, certificate_data: str) -> bool:
    key = serialization.load_pem_private_key(base64.b64decode(key_data), password=None)
    certificate = x509.load_pem_x509_certificates(base64.b64decode(certificate_data))[0]
    spki = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    return key.public_key().public_bytes(*spki) == certificate.public_key().public_bytes(*spki)


def _system_resolve(host: str) -> list[str]:
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _resolve_addresses(host: str, resolve: Resolver) -> list[IPAddress]:
    literal = _parse_address(host)
    if literal is not None:
        return [literal]
    try:
        resolved = resolve(host)
    except (OSError, UnicodeError, ValueError):
        return []
    return [address for address in map(_parse_address, resolved) if address is not None]


def _parse_address(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(str(text).split("%", 1)[0])
    except ValueError:
        return None


def _unwrap_ipv4(address: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 address really reaches (::ffff:a.b.c.d, NAT64 64:ff9b::a.b.c.d)."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address in _NAT64_PREFIX:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def _address_refusal(address: IPAddress, *, allow_loopback: bool) -> str | None:
    reached = _unwrap_ipv4(address)
    if reached in _METADATA_ADDRESSES:
        return (
            f"points to {address}, a cloud metadata service address; "
            "the console never connects there"
        )
    if reached.is_link_local:
        return (
            f"points to {address}, a link-local address, where cloud metadata services live; "
            "the console never connects there"
        )
    if reached.is_unspecified:
        return (
            f"points to {address}, an unspecified address, which is not a server; "
            "give the API server's address"
        )
    if reached.is_loopback and not allow_loopback:
        return (
            f"points to {address}, a loopback address (the console's own machine); "
            "loopback clusters are refused unless the console's setting "
            "KUBE_CONSOLE_ALLOW_LOOPBACK_CLUSTERS is on"
        )
    return None


def _is_forbidden_endpoint(
    addresses: list[IPAddress],
    port: int,
    forbidden_endpoints: Collection[tuple[str, int | None]],
    resolve: Resolver,
) -> bool:
    for forbidden_host, forbidden_port in forbidden_endpoints:
        if forbidden_port is not None and forbidden_port != port:
            continue
        forbidden_addresses = _resolve_addresses(forbidden_host, resolve)
        if any(_same_machine_address(a, b) for a in addresses for b in forbidden_addresses):
            return True
    return False


def _same_machine_address(left: IPAddress, right: IPAddress) -> bool:
    left, right = _unwrap_ipv4(left), _unwrap_ipv4(right)
    # A service listening on all interfaces answers on every loopback address, not only on
    # the one it was configured with.
    return left == right or (left.is_loopback and right.is_loopback)


def _normalize_hostname(host: str) -> str:
    return host.strip().lower().rstrip(".")


def _reject(field: str, message: str) -> NoReturn:
    raise KubeconfigRejected([FieldError(field, message)])
