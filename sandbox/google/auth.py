"""Accounts and tokens: the OAuth token endpoint (service-account JWT bearer grant and the
refresh-token grant) and throwaway service-account keys whose ``token_uri`` is the sandbox.

The sandbox decodes the JWT assertion without verifying its signature: it only needs ``iss``
(the service account's email) to know who is calling.
"""

from __future__ import annotations

import base64
import json
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from sandbox.google.model import Store

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
REFRESH_PREFIX = "1//sandbox-"


class TokenError(Exception):
    """A token request the endpoint refuses (OAuth's ``{"error", "error_description"}``)."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


def _b64decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def jwt_claims(assertion: str) -> dict[str, Any]:
    """The claims of a JWT, unverified."""
    parts = assertion.split(".")
    if len(parts) != 3:
        raise TokenError(
            "invalid_grant", "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe"
        )
    try:
        claims = json.loads(_b64decode(parts[1]))
    except (ValueError, UnicodeDecodeError):
        raise TokenError("invalid_grant", "Invalid JWT Signature.") from None
    if not isinstance(claims, dict):
        raise TokenError("invalid_grant", "Invalid JWT Signature.")
    return claims


def exchange(store: Store, raw_body: bytes) -> dict[str, Any]:
    """Answer a POST to the token endpoint with an access token."""
    try:
        form = {k: v[0] for k, v in parse_qs(raw_body.decode("utf-8"), keep_blank_values=True).items()}
    except UnicodeDecodeError:
        raise TokenError("invalid_request", "Invalid request body.") from None
    if not form and raw_body.strip().startswith(b"{"):
        try:
            form = json.loads(raw_body)
        except ValueError:
            form = {}
    grant = form.get("grant_type")
    if grant == JWT_GRANT:
        claims = jwt_claims(form.get("assertion") or "")
        email = claims.get("iss") or claims.get("sub")
        if not isinstance(email, str) or "@" not in email:
            raise TokenError("invalid_grant", "Invalid email or User ID")
        subject = claims.get("sub")
        acting = subject if isinstance(subject, str) and subject != email and "@" in subject else email
        kind = "service" if acting == email else "user"
        token = store.issue_token(acting, kind)
        store.api_tokens.add(token)
        if kind == "service":
            store.account(acting).kind = "service"
        return {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}
    if grant == "refresh_token":
        refresh = form.get("refresh_token") or ""
        email = store.refresh_tokens.get(refresh)
        if email is None:
            raise TokenError("invalid_grant", "Token has been expired or revoked.")
        token = store.issue_token(email)
        store.api_tokens.add(token)
        return {
            "access_token": token,
            "expires_in": 3599,
            "token_type": "Bearer",
            "scope": "https://www.googleapis.com/auth/spreadsheets https://www.googleapis.com/auth/drive",
        }
    raise TokenError("unsupported_grant_type", "Invalid grant_type: " + str(grant))


def person(store: Store, email: str) -> dict[str, str]:
    """A person's bearer token and refresh token (idempotent per email)."""
    key = email.lower()
    token = store.person_tokens.get(key)
    if token is None:
        token = store.issue_token(key, "user")
        store.person_tokens[key] = token
    refresh = next((r for r, e in store.refresh_tokens.items() if e == key), None)
    if refresh is None:
        refresh = REFRESH_PREFIX + secrets.token_urlsafe(24)
        store.refresh_tokens[refresh] = key
    return {"email": key, "token": token, "refresh_token": refresh}


def service_account_key(base_url: str, email: str) -> dict[str, str]:
    """A throwaway service-account key (real RSA key) whose token_uri is the sandbox."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    base = base_url.rstrip("/")
    return {
        "type": "service_account",
        "project_id": "kinerja-sandbox",
        "private_key_id": secrets.token_hex(20),
        "private_key": pem,
        "client_email": email,
        "client_id": str(secrets.randbelow(10**21)),
        "auth_uri": f"{base}/o/oauth2/auth",
        "token_uri": f"{base}/token",
        "auth_provider_x509_cert_url": f"{base}/oauth2/v1/certs",
        "client_x509_cert_url": f"{base}/robot/v1/metadata/x509/{email}",
        "universe_domain": "googleapis.com",
    }


def write_key(path: Path, base_url: str, email: str) -> dict[str, str]:
    """Write a key file (mode 0600) and return its content."""
    data = service_account_key(base_url, email)
    path.write_text(json.dumps(data, indent=2))
    path.chmod(0o600)
    return data
