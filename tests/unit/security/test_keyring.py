import pytest
from cryptography.fernet import Fernet

from kube_console.security.keyring import (
    CredentialUnreadable,
    Keyring,
    KeyringUnavailable,
    generate_key,
)


def test_encrypts_under_the_primary_key_and_round_trips():
    ring = Keyring.parse(f"k2:{generate_key()},k1:{generate_key()}")
    key_id, ciphertext = ring.encrypt(b"secret", org_id=1, cluster_id=7)
    assert key_id == "k2"
    assert b"secret" not in ciphertext
    assert ring.decrypt(key_id, ciphertext, org_id=1, cluster_id=7) == b"secret"


@pytest.mark.parametrize(
    ("org_id", "cluster_id"), [(2, 7), (1, 8)], ids=["other org", "other cluster"]
)
def test_a_ciphertext_moved_to_another_row_is_refused(org_id, cluster_id):
    ring = Keyring.parse(f"k1:{generate_key()}")
    key_id, ciphertext = ring.encrypt(b"secret", org_id=1, cluster_id=7)
    with pytest.raises(CredentialUnreadable, match="another cluster"):
        ring.decrypt(key_id, ciphertext, org_id=org_id, cluster_id=cluster_id)


def test_rotation_moves_old_ciphertexts_to_the_new_primary():
    old_key, new_key = generate_key(), generate_key()
    old_ring = Keyring.parse(f"k1:{old_key}")
    key_id, ciphertext = old_ring.encrypt(b"secret", org_id=1, cluster_id=1)
    new_ring = Keyring.parse(f"k2:{new_key},k1:{old_key}")
    new_id, rotated = new_ring.reencrypt(key_id, ciphertext, org_id=1, cluster_id=1)
    assert new_id == "k2"
    assert (
        Keyring.parse(f"k2:{new_key}").decrypt("k2", rotated, org_id=1, cluster_id=1) == b"secret"
    )


def test_a_key_id_no_longer_configured_is_named():
    ring = Keyring.parse(f"k1:{generate_key()}")
    _, ciphertext = ring.encrypt(b"x", org_id=1, cluster_id=1)
    with pytest.raises(CredentialUnreadable, match="'k0'"):
        ring.decrypt("k0", ciphertext, org_id=1, cluster_id=1)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, "is not set"),
        ("  ", "is not set"),
        ("no-colon-here", "entry 1 is not"),
        (f"k1:{Fernet.generate_key().decode()},bad id:abc", "entry 2 is not"),
        ("k1:not-a-fernet-key", "'k1' is not a valid Fernet key"),
        (
            f"k1:{Fernet.generate_key().decode()},k1:{Fernet.generate_key().decode()}",
            "appears twice",
        ),
    ],
    # Fixed ids: the generated keys differ in every process, and pytest-xdist's workers must
    # collect the same test names.
    ids=["unset", "blank", "no-colon", "bad-id", "not-fernet", "id-twice"],
)
def test_missing_or_malformed_keys_fail_closed_with_the_variable_and_the_fix(raw, expected):
    with pytest.raises(KeyringUnavailable) as failure:
        Keyring.parse(raw)
    message = str(failure.value)
    assert expected in message
    assert "KUBE_CONSOLE_ENCRYPTION_KEYS" in message
    assert "python -m kube_console keys generate" in message
