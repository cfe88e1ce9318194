"""Doctor check of the database: driver, reachable, a supported engine version, the latest migration.

When the database is usable, the store and the running period's reports are left in the
context for the checks after it (workbooks, people).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bot.doctor.report import CheckResult, CheckStatus, DoctorContext, _result

MIN_SQLITE = (3, 35)  # INSERT/UPDATE ... RETURNING, which the store reads
MIN_POSTGRESQL = (13,)
SUPPORTED_ENGINES = ("sqlite", "postgresql")
DATABASE_URL_EXAMPLES = (
    "contoh: sqlite:////var/lib/kinerja-bot/kinerja.db atau "
    "postgresql+psycopg://kinerja@/kinerja?host=/var/run/postgresql (lihat docs/pemasangan.md)"
)


def _engine_version(connection: Any) -> tuple[str, tuple[int, ...]]:
    """The engine's name and version as the server reports it."""
    if connection.dialect.name == "sqlite":
        text = str(connection.exec_driver_sql("select sqlite_version()").scalar())
        return f"SQLite {text}", tuple(int(part) for part in text.split(".")[:2])
    info = tuple(connection.dialect.server_version_info or ())
    return f"{connection.dialect.name} {'.'.join(map(str, info))}", tuple(int(p) for p in info if isinstance(p, int))


def check_database(ctx: DoctorContext) -> Iterable[CheckResult]:
    """The database: its driver installed, reachable, a supported engine version, at the latest migration.

    Opened read-only in spirit: nothing is migrated. The URL is shown without its password.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from bot.store.db import DriverMissing, create_store_engine, masked_url, scrub_url
    from bot.store.migrate import current_revision, head_revision
    from bot.store.repository import Store
    from bot.workflow.machine import TERMINAL_DINAS_STATES

    url = ctx.settings.database.url
    name = "Basis data"
    try:
        parsed = make_url(url)
    except (SQLAlchemyError, ValueError):
        yield _result("database", name, CheckStatus.FAILED, "database.url tidak sah", DATABASE_URL_EXAMPLES)
        return
    shown = masked_url(parsed)
    backend = parsed.get_backend_name()
    if backend == "sqlite" and parsed.database and not Path(parsed.database).is_absolute():
        yield _result(
            "database.path",
            "Letak basis data",
            CheckStatus.WARNING,
            f"{shown} memakai path relatif: letaknya bergantung pada folder tempat perintah dijalankan, "
            "sehingga layanan dan perintah yang dijalankan dari folder lain dapat membuka basis data berbeda",
            "pakai path absolut (empat garis miring), misalnya sqlite:////var/lib/kinerja-bot/kinerja.db",
        )
    if backend == "sqlite" and parsed.database and not Path(parsed.database).exists():
        yield _result(
            "database",
            name,
            CheckStatus.OK,
            f"{shown} belum ada; dibuat dan dimigrasi otomatis saat python -m bot run pertama kali",
        )
        return
    head = head_revision()
    try:
        engine = create_store_engine(url)
    except DriverMissing as err:
        yield _result("database", name, CheckStatus.FAILED, f"driver {err.module!r} belum terpasang", err.pesan)
        return
    except SQLAlchemyError as err:
        yield _result(
            "database",
            name,
            CheckStatus.FAILED,
            f"{shown} tidak dapat dipakai: {scrub_url(str(err), url)}",
            DATABASE_URL_EXAMPLES,
        )
        return
    try:
        with engine.connect() as connection:
            version_text, version = _engine_version(connection)
            current = current_revision(connection)
    except SQLAlchemyError as err:
        engine.dispose()
        cause = scrub_url(str(getattr(err, "orig", None) or err), url).strip().splitlines()
        yield _result(
            "database",
            name,
            CheckStatus.FAILED,
            f"{shown} tidak dapat dibuka: {type(err).__name__}" + (f" ({cause[-1]})" if cause else ""),
            "periksa database.url, hak akses berkas/folder basis data, atau apakah server basis data berjalan "
            "dan menerima pengguna ini (docs/pemasangan.md, bagian PostgreSQL)",
        )
        return
    minimum = {"sqlite": MIN_SQLITE, "postgresql": MIN_POSTGRESQL}.get(backend)
    if minimum is None:
        yield _result(
            "database.engine",
            "Mesin basis data",
            CheckStatus.WARNING,
            f"{version_text} belum diuji; Kinerja Bot diuji dengan SQLite dan PostgreSQL",
            "pakai SQLite (satu server) atau PostgreSQL",
        )
    elif version < minimum:
        engine.dispose()
        needed = ".".join(map(str, minimum))
        yield _result(
            "database",
            name,
            CheckStatus.FAILED,
            f"{shown}: {version_text} terlalu lama (paling rendah {needed})",
            f"perbarui {'pustaka SQLite Python' if backend == 'sqlite' else 'server PostgreSQL'} ke versi {needed} "
            "atau lebih baru",
        )
        return
    if current != head:
        engine.dispose()
        yield _result(
            "database",
            name,
            CheckStatus.WARNING,
            f"{shown} ({version_text}) pada revisi {current or '(kosong)'}, terbaru {head}",
            "tidak perlu tindakan: migrasi dijalankan otomatis saat layanan dimulai (python -m bot run)",
        )
        return
    ctx.store = Store(engine)
    with ctx.store.transaction() as tx:
        for period in tx.periods(exclude_states=list(TERMINAL_DINAS_STATES)):
            ctx.tahun = int(period.tahun)
            for report in tx.reports(period.id):
                ctx.reports[report.bidang] = report
    yield _result("database", name, CheckStatus.OK, f"{shown} ({version_text}), revisi {current}")
