"""A self-signed certificate for serving the simulator over TLS on loopback.

``python -m tests.simulator.certificate DIR [--days N]`` writes ``DIR/cert.pem`` and ``DIR/key.pem``
for ``python -m tests.simulator --tls DIR/cert.pem DIR/key.pem``. No authority signed it: clients
trust it by naming the file (``requests``' ``verify=``, ``REQUESTS_CA_BUNDLE``, pydo's
``connection_verify=``). It names 127.0.0.1, ::1 and localhost.

The one simulator module that needs a package outside the standard library: ``cryptography``, which
ansible-core brings.
"""

from __future__ import annotations

import argparse
import datetime
import ipaddress
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

LOOPBACK = ("127.0.0.1", "::1")


def self_signed(directory: Path, days: int = 1) -> tuple[Path, Path]:
    """Write ``cert.pem`` and ``key.pem`` into ``directory`` (made if missing), a certificate for
    loopback valid for ``days``, and its key; returns their paths."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, LOOPBACK[0])])
    names = [x509.IPAddress(ipaddress.ip_address(address)) for address in LOOPBACK]
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(
            x509.SubjectAlternativeName([*names, x509.DNSName("localhost")]), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.simulator.certificate",
        description="Write DIR/cert.pem and DIR/key.pem: a self-signed certificate for loopback.",
    )
    parser.add_argument("directory", metavar="DIR", type=Path)
    parser.add_argument("--days", type=int, default=365, help="valid for this many days (365)")
    args = parser.parse_args(argv)
    cert, key = self_signed(args.directory, args.days)
    print(f"wrote {cert} and {key}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
