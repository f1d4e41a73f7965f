"""A throwaway certificate authority for the fake API server: server and client certificates.

The CA signs the server's certificate (valid for IP 127.0.0.1, DNS localhost and DNS
SERVER_DNS_NAME, a name only a test's own resolver knows) and any
client certificates the tests ask for, the way a cluster's CA signs both sides. Keys are
EC P-256 so that building a PKI costs milliseconds.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import ipaddress

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# A name in the server certificate that no real resolver answers: a test that reaches the
# server by it proves the connection went where the test's resolver said.
SERVER_DNS_NAME = "api.fakekube.test"


@dataclasses.dataclass(frozen=True)
class CertifiedKey:
    cert_pem: bytes
    key_pem: bytes

    @property
    def cert_base64(self) -> str:
        """The kubeconfig encoding (`*-data` fields): base64 of the PEM."""
        return base64.b64encode(self.cert_pem).decode()

    @property
    def key_base64(self) -> str:
        return base64.b64encode(self.key_pem).decode()


def _name(common_name: str, organization: str | None = None) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if organization:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    return x509.Name(attributes)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


class CertificateAuthority:
    """A self-signed CA that issues server and client certificates."""

    def __init__(self, common_name: str = "fakekube-ca") -> None:
        self._key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        self._name = _name(common_name)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(self._name)
            .issuer_name(self._name)
            .public_key(self._key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    key_cert_sign=True,
                    crl_sign=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(self._key.public_key()), critical=False
            )
            .sign(self._key, hashes.SHA256())
        )
        self._certificate = certificate
        self.cert_pem = certificate.public_bytes(serialization.Encoding.PEM)

    @property
    def cert_base64(self) -> str:
        """What a kubeconfig's `certificate-authority-data` holds."""
        return base64.b64encode(self.cert_pem).decode()

    def _issue(
        self,
        subject: x509.Name,
        usage: x509.ObjectIdentifier,
        alternative_names: list[x509.GeneralName] | None,
        valid_days: int,
    ) -> CertifiedKey:
        key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self._name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=valid_days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self._key.public_key()),
                critical=False,
            )
        )
        if alternative_names:
            builder = builder.add_extension(
                x509.SubjectAlternativeName(alternative_names), critical=False
            )
        certificate = builder.sign(self._key, hashes.SHA256())
        return CertifiedKey(certificate.public_bytes(serialization.Encoding.PEM), _key_pem(key))

    def issue_server_certificate(self) -> CertifiedKey:
        return self._issue(
            _name("kube-apiserver"),
            ExtendedKeyUsageOID.SERVER_AUTH,
            [
                x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                x509.DNSName("localhost"),
                x509.DNSName(SERVER_DNS_NAME),
            ],
            valid_days=30,
        )

    def issue_client_certificate(
        self, user: str, group: str | None = None, valid_days: int = 365
    ) -> CertifiedKey:
        """A client certificate for `user` (CN), as kubeadm issues for an admin (O=group)."""
        return self._issue(
            _name(user, group), ExtendedKeyUsageOID.CLIENT_AUTH, None, valid_days=valid_days
        )
