"""Who may open which workbook, read from the settings, and which permissions on a file are foreign.

A bidang workbook is shared with that bidang's editors (``writer``) and with the officials who
review it or receive its link (``google.peran_peninjau``, ``reader`` by default): its Kepala
Bidang (the Sekretaris for a bidang without one), the Sekretaris, the Kasubbag KPEP and the
Kepala Dinas. The dinas (rekap) workbook, which only the bot writes, is shared with the
officials and every Kepala Bidang (it holds their rekomendasi). An official without a
``email`` in the settings cannot be shared with; ``doctor`` says who.

A permission on a bidang workbook is foreign when it grants to anyone, to a domain, or to an
address outside that access (the bot's own account and the file's owner aside). Access a file
inherits (from its Shared Drive or folder) is the admin's choice and never foreign here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from config.settings import Orang, Settings
from sheets.facts import PermissionInfo

__all__ = [
    "ROLE_RANK",
    "bidang_access",
    "foreign_permissions",
    "officials_without_email",
    "permission_info",
    "rekap_access",
]

ROLE_RANK = {"reader": 1, "commenter": 2, "writer": 3, "fileOrganizer": 4, "organizer": 5, "owner": 6}


def _grant(access: dict[str, str], email: str | None, role: str) -> None:
    """Add ``email`` with ``role`` unless it already has a higher one (an editor stays a writer)."""
    if not email:
        return
    key = email.lower()
    if ROLE_RANK.get(access.get(key, ""), 0) < ROLE_RANK[role]:
        access[key] = role


def _officials(settings: Settings) -> list[Orang]:
    pejabat = settings.pejabat
    return [pejabat.kepala_dinas, pejabat.sekretaris, pejabat.kasubbag_kpep]


def bidang_access(settings: Settings, kode: str) -> dict[str, str]:
    """Address (lower case) -> role on bidang ``kode``'s workbook."""
    bidang = settings.bidang_by_kode(kode)
    access: dict[str, str] = {}
    for email in bidang.editor:
        _grant(access, email, "writer")
    role = settings.google.peran_peninjau
    for person in [settings.kepala_bidang(kode), *_officials(settings)]:
        _grant(access, person.email, role)
    return access


def rekap_access(settings: Settings) -> dict[str, str]:
    """Address (lower case) -> role on the dinas workbook (read only for everyone: the bot writes it)."""
    access: dict[str, str] = {}
    role = settings.google.peran_peninjau
    for person in _officials(settings):
        _grant(access, person.email, role)
    for bidang in settings.bidang:
        if bidang.kepala is not None:
            _grant(access, bidang.kepala.email, role)
    return access


def officials_without_email(settings: Settings) -> list[str]:
    """The officials the bot sends workbook links to who have no ``email`` (cannot be shared with)."""
    missing: list[str] = []
    labels = (
        ("Kepala Dinas", settings.pejabat.kepala_dinas),
        ("Sekretaris", settings.pejabat.sekretaris),
        ("Kasubbag KPEP", settings.pejabat.kasubbag_kpep),
    )
    for label, person in labels:
        if not person.email:
            missing.append(f"{label} ({person.nama})")
    for bidang in settings.bidang:
        if bidang.kepala is not None and not bidang.kepala.email:
            missing.append(f"Kepala Bidang {bidang.kode} ({bidang.kepala.nama})")
    return missing


def permission_info(data: Mapping[str, Any]) -> tuple[PermissionInfo, bool]:
    """(the permission, whether it is inherited) from a drive#permission resource."""
    details = data.get("permissionDetails") or []
    inherited = bool(details) and all(bool(d.get("inherited")) for d in details)
    email = data.get("emailAddress")
    info = PermissionInfo(
        id=str(data.get("id", "")),
        type=str(data.get("type", "")),
        role=str(data.get("role", "")),
        email=str(email).lower() if email else None,
        domain=data.get("domain"),
    )
    return info, inherited


def foreign_permissions(
    permissions: Iterable[Mapping[str, Any]], access: Mapping[str, str], own: Iterable[str]
) -> tuple[PermissionInfo, ...]:
    """The permissions of a file outside ``access`` (anyone, a domain, an unknown address).

    ``own`` are the addresses that are never foreign (the bot's account). The owner, and what
    the file inherits from its Shared Drive or folder, are never foreign either.
    """
    mine = {email.lower() for email in own if email}
    found: list[PermissionInfo] = []
    for data in permissions:
        info, inherited = permission_info(data)
        if inherited or info.role in {"owner", "organizer"}:
            continue
        known = info.email is not None and (info.email in access or info.email in mine)
        if info.type in {"anyone", "domain"} or not known:
            found.append(info)
    return tuple(found)
