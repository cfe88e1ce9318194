"""People: who holds which role, their Telegram bindings, invite codes, recipients and superiors.

People come from the settings (synchronised into the store at start) or from a one-time invite
code (``/daftar KODE``). The code itself is never stored, only its sha256.

Who acts for role R (of bidang B) at time T is decided in one place, :meth:`Directory.acting_for`:
the person named Plh (pelaksana harian) for that role while the official is away, else nobody
(the holder acts). Notifications (:meth:`Directory.recipients`), the checks of who may act
(:mod:`bot.workflow.guards`), the audit trail and the timers all go through it.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row

from bot import texts
from bot.store.repository import Store, Tx
from bot.workflow.errors import ActionRefused
from bot.workflow.machine import Role
from config.settings import Orang, Settings

logger = logging.getLogger(__name__)

INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: typed from a phone
INVITE_LENGTH = 10
MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(hours=1)


@dataclass(frozen=True)
class Actor:
    """Who performs an action: a bound person, a bidang's staff seen through the sheet, or the bot."""

    role: Role
    nama: str
    bidang: str | None = None
    person_id: int | None = None
    telegram_id: int | None = None
    atas_nama: str | None = None  # the holder's name when this person acts as their Plh


SYSTEM_ACTOR = Actor(Role.SYSTEM, texts.BOT_NAME)


@dataclass(frozen=True)
class Person:
    """A person row as plain data."""

    id: int
    role: Role
    bidang: str | None
    nama: str
    telegram_id: int | None
    unreachable: bool
    atas_nama: str | None = None  # set when this person holds ``role`` as Plh of the named holder

    @classmethod
    def from_row(cls, row: Row[Any]) -> Person:
        """Build from a ``people`` row."""
        return cls(row.id, Role(row.role), row.bidang, row.nama, row.telegram_id, bool(row.unreachable))

    def as_actor(self) -> Actor:
        """This person acting."""
        return Actor(self.role, self.nama, self.bidang, self.id, self.telegram_id, self.atas_nama)


# The officials who may be replaced by a Plh while away (the staff are several per bidang).
PLH_ROLES = frozenset({Role.KEPALA_DINAS, Role.SEKRETARIS, Role.KASUBBAG_KPEP, Role.KEPALA_BIDANG})


@dataclass(frozen=True)
class Acting:
    """A Plh in force: ``person`` acts as ``role`` (of ``bidang``) for the holder ``holder_nama``."""

    plh_id: int
    role: Role
    bidang: str | None
    holder_nama: str
    person: Person

    def as_holder(self) -> Person:
        """The acting person in the holder's place (what notifications are addressed to)."""
        return replace(self.person, role=self.role, bidang=self.bidang, atas_nama=self.holder_nama)

    def as_actor(self) -> Actor:
        """The acting person acting in the holder's place (what the audit trail records)."""
        return self.as_holder().as_actor()


def hash_code(code: str) -> str:
    """sha256 of a normalised invite code."""
    return hashlib.sha256(code.strip().upper().encode("utf-8")).hexdigest()


_UNKNOWN = object()
ACTOR_CACHE_SIZE = 10_000


class Directory:
    """People lookups that depend on the settings (who corrects which bidang) and the store.

    Who acts behind a Telegram id is cached: every press and command asks, and bindings change
    only here (the settings synchronised at start, an invite redeemed), which empty the cache.
    """

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self._actors: dict[int, Actor | None] = {}
        self._bindings = 0  # bumped on every change of a binding: a lookup that raced one is not cached
        self._actors_lock = threading.Lock()

    def _bindings_changed(self) -> None:
        with self._actors_lock:
            self._bindings += 1
            self._actors.clear()

    # --- settings -> store ---------------------------------------------------------------------

    def _config_people(self) -> list[tuple[Role, str | None, Orang]]:
        return [(Role(role), bidang, orang) for role, bidang, orang in self.settings.people()]

    def sync_from_settings(self, now: datetime) -> None:
        """Make sure every configured person has a row; a configured Telegram id binds them.

        Except over an invite: a binding made with /daftar KODE (source ``invite``) is what the
        office did last, so a restart keeps it, and the log says the settings name another
        Telegram id (``doctor`` says it too). The administrator then corrects the settings, or
        issues a new invite for the account that should act.
        """
        with self.store.transaction() as tx:
            for role, bidang, orang in self._config_people():
                row = tx.find_person(role, bidang, orang.nama)
                configured = orang.telegram_id
                if (
                    configured is not None
                    and (row is None or row.telegram_id != configured)
                    and self._kept_by_invite(tx, role, bidang, orang.nama, row, configured)
                ):
                    configured = None
                if row is None:
                    if configured is not None:
                        tx.clear_telegram_id(configured, except_person=-1)
                    tx.insert_person(
                        role=role,
                        bidang=bidang,
                        nama=orang.nama,
                        telegram_id=configured,
                        source="config",
                        created_at=now,
                    )
                elif configured is not None and row.telegram_id != configured:
                    tx.clear_telegram_id(configured, except_person=row.id)
                    tx.update_person(row.id, telegram_id=configured, unreachable=False)
        self._bindings_changed()

    @staticmethod
    def _kept_by_invite(
        tx: Tx, role: Role, bidang: str | None, nama: str, row: Row[Any] | None, configured: int
    ) -> bool:
        """True (and a warning logged) when applying ``configured`` would undo a binding made by invite."""
        who = f"{role.value}{' ' + bidang if bidang else ''} ({nama})"
        if row is not None and row.source == "invite" and row.telegram_id is not None:
            logger.warning(
                "%s is bound by invite to Telegram id %s; the settings name %s. The invite's binding is kept: "
                "correct telegram_id in the settings, or issue a new invite for the other account",
                who,
                row.telegram_id,
                configured,
            )
            return True
        holder = tx.person_by_telegram(configured)
        if holder is not None and holder.source == "invite" and (row is None or holder.id != row.id):
            logger.warning(
                "Telegram id %s is bound by invite to %s %s (%s); the settings give it to %s. The invite's binding "
                "is kept: correct telegram_id in the settings, or issue a new invite",
                configured,
                holder.role,
                holder.bidang or "",
                holder.nama,
                who,
            )
            return True
        return False

    # --- lookups -------------------------------------------------------------------------------

    def corrector_is_sekretaris(self, kode: str) -> bool:
        """True when the Sekretaris corrects this bidang (the Sekretariat without its own Kepala)."""
        return self.settings.dikoreksi_sekretaris(kode)

    def holder_role(self, role: Role, bidang: str | None) -> Role:
        """Who actually holds a step ``role`` holds: the Sekretaris for a Kepala Bidang's step of a
        bidang the Sekretaris corrects (the Sekretariat), else ``role`` itself."""
        if role is Role.KEPALA_BIDANG and bidang is not None and self.corrector_is_sekretaris(bidang):
            return Role.SEKRETARIS
        return role

    def cached_actor(self, telegram_id: int) -> tuple[bool, Actor | None]:
        """(found, actor): :meth:`actor_for_telegram`'s answer when it is cached (no I/O)."""
        cached = self._actors.get(telegram_id, _UNKNOWN)
        if cached is _UNKNOWN:
            return False, None
        assert cached is None or isinstance(cached, Actor)
        return True, cached

    def remember_bound(self) -> int:
        """Keep every bound person's actor in memory at once (at start): a first press looks up nothing.

        Returns how many were kept. A binding changed meanwhile wins: nothing is kept then, and
        each actor is looked up at its first press instead.
        """
        with self._actors_lock:
            bindings = self._bindings
        with self.store.read() as tx:
            actors = {row.telegram_id: Person.from_row(row).as_actor() for row in tx.bound_people()}
        with self._actors_lock:
            if bindings != self._bindings:
                return 0
            kept = dict(list(actors.items())[: max(0, ACTOR_CACHE_SIZE - len(self._actors))])
            self._actors.update(kept)
        return len(kept)

    def actor_for_telegram(self, telegram_id: int) -> Actor | None:
        """The bound person behind a Telegram user id, or None (unbound)."""
        found, cached = self.cached_actor(telegram_id)
        if found:
            return cached
        with self._actors_lock:
            bindings = self._bindings
        with self.store.read() as tx:
            row = tx.person_by_telegram(telegram_id)
        actor = None if row is None else Person.from_row(row).as_actor()
        with self._actors_lock:
            if bindings == self._bindings:
                if len(self._actors) >= ACTOR_CACHE_SIZE:  # strangers writing to the bot must not grow it for ever
                    self._actors.clear()
                self._actors[telegram_id] = actor
        return actor

    def acting_for(self, tx: Tx, role: Role, bidang: str | None, at: datetime) -> Acting | None:
        """The Plh acting as ``role`` (of ``bidang``) at ``at``, or None when the holder acts.

        The one answer to "who acts for role R of bidang B at time T": a Plh accepted (or set by
        the administrator) whose days include ``at``; the latest one when two overlap.
        """
        if role not in PLH_ROLES:
            return None
        scope = bidang if role is Role.KEPALA_BIDANG else None
        for row in reversed(tx.plh_rows(("berlaku",), role, scope)):
            if row.mulai_at <= at < row.sampai_at:
                person = tx.get_person(row.acting_person_id)
                if person is None:  # pragma: no cover - a foreign key keeps the person
                    continue
                return Acting(row.id, Role(row.role), row.bidang, row.holder_nama, Person.from_row(person))
        return None

    def corrector_acting(self, tx: Tx, bidang: str, at: datetime) -> Acting | None:
        """Who acts as the corrector of ``bidang`` (its Kepala, or the Sekretaris) at ``at``, when a Plh does."""
        acting = self.acting_for(tx, Role.KEPALA_BIDANG, bidang, at)
        if acting is None and self.corrector_is_sekretaris(bidang):
            acting = self.acting_for(tx, Role.SEKRETARIS, None, at)
        return acting

    def recipients(self, tx: Tx, role: Role, bidang: str | None = None, *, at: datetime) -> list[Person]:
        """The people a message for ``role`` (of ``bidang``) goes to at ``at``: its Plh, else its holders."""
        acting = self.acting_for(tx, role, bidang, at)
        if acting is not None:
            return [acting.as_holder()]
        if role is Role.KEPALA_BIDANG and bidang is not None:
            rows = tx.people_with_role(Role.KEPALA_BIDANG, bidang)
            if not rows and self.corrector_is_sekretaris(bidang):
                return self.recipients(tx, Role.SEKRETARIS, at=at)
        elif role is Role.STAF and bidang is not None:
            rows = tx.people_with_role(Role.STAF, bidang)
            if not rows:
                logger.warning("bidang %s has no staf; telling its Kepala Bidang instead", bidang)
                return self.recipients(tx, Role.KEPALA_BIDANG, bidang, at=at)
        else:
            rows = tx.people_with_role(role)
        if not rows:
            logger.error("nobody holds role %s (bidang %s); notification not addressed", role, bidang)
        return [Person.from_row(row) for row in rows]

    def superior(self, role: Role, bidang: str | None) -> tuple[Role, str | None] | None:
        """Whom a late holder is escalated to: staf -> Kepala Bidang -> Sekretaris -> Kepala Dinas."""
        if role is Role.STAF:
            return Role.KEPALA_BIDANG, bidang
        if role is Role.KEPALA_BIDANG:
            if bidang is not None and self.corrector_is_sekretaris(bidang):
                return Role.KEPALA_DINAS, None
            return Role.SEKRETARIS, None
        if role is Role.KASUBBAG_KPEP:
            return Role.SEKRETARIS, None
        if role is Role.SEKRETARIS:
            return Role.KEPALA_DINAS, None
        return None

    def set_reachable(self, telegram_id: int, reachable: bool) -> None:
        """Mark a person (un)reachable, e.g. reachable again after /start."""
        with self.store.transaction() as tx:
            row = tx.person_by_telegram(telegram_id)
            if row is not None:
                tx.update_person(row.id, unreachable=not reachable)

    # --- invite codes --------------------------------------------------------------------------

    def create_invite(self, role: Role, bidang: str | None, nama: str, now: datetime) -> str:
        """A new single-use code (returned once, stored hashed) valid ``undangan_berlaku_hari`` days."""
        role = Role(role)
        if role is Role.SYSTEM:
            raise ActionRefused(texts.REFUSAL_ROLE_NOT_REGISTRABLE)
        needs_bidang = role in (Role.KEPALA_BIDANG, Role.STAF)
        if needs_bidang:
            if bidang is None:
                raise ActionRefused(texts.REFUSAL_ROLE_NEEDS_BIDANG)
            try:
                self.settings.bidang_by_kode(bidang)
            except KeyError:
                raise ActionRefused(texts.refusal_unknown_bidang(bidang)) from None
        elif bidang is not None:
            raise ActionRefused(texts.REFUSAL_ROLE_WITHOUT_BIDANG)
        if not nama.strip():
            raise ActionRefused(texts.REFUSAL_NAME_REQUIRED)
        code = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH))
        with self.store.transaction() as tx:
            tx.insert_invite(
                code_hash=hash_code(code),
                role=role,
                bidang=bidang,
                nama=nama.strip(),
                created_at=now,
                expires_at=now + timedelta(days=self.settings.jadwal.undangan_berlaku_hari),
            )
        return code

    def redeem_invite(self, telegram_id: int, code: str, now: datetime) -> Actor:
        """Bind ``telegram_id`` with a code; refused when wrong, used, expired or locked out."""
        actor = self._redeem(telegram_id, code, now)
        self._bindings_changed()  # after the commit: a lookup from now on reads the new binding
        return actor

    def _redeem(self, telegram_id: int, code: str, now: datetime) -> Actor:
        with self.store.transaction() as tx:
            if tx.failed_attempts_since(telegram_id, now - LOCKOUT) >= MAX_FAILED_ATTEMPTS:
                raise ActionRefused(texts.REFUSAL_INVITE_LOCKED_OUT)
            invite = tx.invite_by_hash(hash_code(code))
            if invite is None:
                tx.record_failed_attempt(telegram_id, now)
                refusal = texts.REFUSAL_INVITE_UNKNOWN
            elif invite.used_at is not None:
                refusal = texts.REFUSAL_INVITE_USED
            elif invite.expires_at <= now:
                refusal = texts.REFUSAL_INVITE_EXPIRED
            else:
                refusal = ""
            if invite is not None and not refusal:
                tx.use_invite(invite.id, now, telegram_id)
                person = tx.find_person(invite.role, invite.bidang, invite.nama)
                tx.clear_telegram_id(telegram_id, except_person=person.id if person else -1)
                if person is None:
                    person_id = tx.insert_person(
                        role=invite.role,
                        bidang=invite.bidang,
                        nama=invite.nama,
                        telegram_id=telegram_id,
                        source="invite",
                        created_at=now,
                    )
                else:
                    person_id = person.id
                    # "invite": a restart keeps this binding over the settings (sync_from_settings).
                    tx.update_person(person_id, telegram_id=telegram_id, unreachable=False, source="invite")
                bound = tx.get_person(person_id)
                assert bound is not None  # written just above, in this transaction
                return Person.from_row(bound).as_actor()
        # Outside the block so that the failed attempt above is committed.
        raise ActionRefused(refusal)
