"""Visitor ids without stored IP addresses.

salted-hash (the default): a random 32-byte salt per day, kept in D1 and deleted after two
days; id = the first 16 hex digits of SHA-256(salt, site, IP, user agent). The same person
is the same visitor for one day on one site, and nobody (the owner included) can recover the
IP afterwards, or link days once the salt is gone.

anonymized-ip: the original design's choice, for owners who want returning visitors across
days: the IPv4 /24 or IPv6 /48 network the visitor is in. Weaker: a network is a place.
"""

import hashlib
import ipaddress
import secrets

SALT_BYTES = 32
SALTED_HASH, ANONYMIZED_IP = "salted-hash", "anonymized-ip"


def new_salt() -> bytes:
    return secrets.token_bytes(SALT_BYTES)


def salted_id(salt: bytes, site: str, ip: str, user_agent: str) -> str:
    digest = hashlib.sha256()
    for part in (salt, site.encode(), ip.encode(), user_agent.encode("utf-8", "replace")):
        # Length-prefixed, so ("ab", "c") and ("a", "bc") never hash alike.
        digest.update(len(part).to_bytes(4, "big"))
        digest.update(part)
    return digest.hexdigest()[:16]


def network(ip: str, v4_bits: int, v6_bits: int) -> str | None:
    """The network an address is in, IPv4-mapped IPv6 taken as IPv4; None if unparsable."""
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    bits = v4_bits if address.version == 4 else v6_bits
    return str(ipaddress.ip_network(f"{address}/{bits}", strict=False))


def anonymize_ip(ip: str) -> str | None:
    """The visitor's network: IPv4 /24 or IPv6 /48 (IPv4-mapped IPv6 as IPv4)."""
    return network(ip, 24, 48)
