"""Settings of Kinerja Bot: one frozen, validated object built from a YAML file and the environment.

The admin edits a YAML file (see ``config/settings.example.yaml``); secrets (the bot token, the
Google key file) come from environment variables or from files outside the repository. A bad
file never produces a traceback: :func:`load_settings` raises :class:`SettingsError`, whose text
lists every problem with its key path and what is expected, in Indonesian.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, time
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    SecretStr,
    ValidationError,
    model_validator,
)
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

ENV_PREFIX = "KINERJA_"
DEFAULT_DATABASE_URL = "sqlite:///data/kinerja.db"
DEFAULT_TELEGRAM_BASE_URL = "https://api.telegram.org/bot"


class SettingsProblem(BaseModel):
    """One problem in a settings file: where it is and what is expected there."""

    model_config = ConfigDict(frozen=True)

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class SettingsError(Exception):
    """The settings file could not be used; ``problems`` lists every reason."""

    def __init__(self, source: str, problems: Iterable[SettingsProblem]) -> None:
        self.source = source
        self.problems = sorted(set(problems), key=lambda p: (p.path, p.message))
        lines = [f"Berkas pengaturan {source} tidak valid ({len(self.problems)} masalah):"]
        lines += [f"  - {problem}" for problem in self.problems]
        super().__init__("\n".join(lines))


# --- value types -------------------------------------------------------------------------------

_TIME_PATTERN = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)(?:[:.]00)?$")


def _parse_time(value: Any) -> time:
    """Accept ``08:00`` or ``08.00`` (the Indonesian way of writing a time)."""
    if isinstance(value, time):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 08:00 as a sexagesimal integer (480).
        hours, minutes = divmod(value, 60)
        if 0 <= hours < 24:
            return time(hours, minutes)
    if isinstance(value, str):
        match = _TIME_PATTERN.match(value.strip())
        if match:
            return time(int(match.group(1)), int(match.group(2)))
    raise ValueError(f"jam tidak sah: {value!r}; tulis seperti 08:00")


def _check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise ValueError(f"zona waktu tidak dikenal: {value!r}; contoh Asia/Jakarta") from err
    return value


_DATE_PATTERN = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


def _parse_date(value: Any) -> Any:
    """Accept 2026-10-20 (YAML reads it as a date) or 20-10-2026 (the Indonesian way of writing it)."""
    if isinstance(value, str):
        match = _DATE_PATTERN.match(value.strip())
        if match:
            day, month, year = (int(part) for part in match.groups())
            try:
                return date(year, month, day)
            except ValueError as err:
                raise ValueError(f"tanggal tidak sah: {value!r}") from err
    return value


KODE_BIDANG_POLA = r"^[A-Z][A-Z0-9]{1,11}$"
"""The one alphabet of a bidang kode: 2 to 12 capital letters and digits, a letter first. The kode
travels in the Telegram buttons (``bot.telegram.callback_data``) and starts a rekomendasi line
(``PTK: ...``), so the settings refuse any other (an underscore, a space, a small letter)."""
_KODE_BIDANG = re.compile(KODE_BIDANG_POLA)


def _check_kode_bidang(value: str) -> str:
    if not _KODE_BIDANG.fullmatch(value):
        raise ValueError(
            f'kode bidang "{value}" tidak sah: gunakan 2 sampai 12 huruf kapital (A-Z) dan angka, diawali '
            "huruf, tanpa spasi, garis bawah, atau tanda lain (misalnya PTK atau SEK2)"
        )
    return value


Jam = Annotated[time, BeforeValidator(_parse_time)]
Tanggal = Annotated[date, BeforeValidator(_parse_date)]
ZonaWaktu = Annotated[str, AfterValidator(_check_timezone)]
KodeBidang = Annotated[str, AfterValidator(_check_kode_bidang)]


class SatuanWaktu(StrEnum):
    """Units in which the SOP states a Mutu Baku."""

    MENIT = "menit"
    JAM = "jam"
    HARI_KERJA = "hari_kerja"


_DURATION_PATTERN = re.compile(r"^(\d+)\s*(menit|jam|hari(?:\s+kerja)?)$", re.IGNORECASE)


class Durasi(BaseModel):
    """A Mutu Baku such as "15 menit" or "1 hari" (one working day)."""

    model_config = ConfigDict(frozen=True)

    jumlah: int = Field(gt=0)
    satuan: SatuanWaktu

    @classmethod
    def parse(cls, value: Any) -> Any:
        """Turn "15 menit" / "1 hari" into a Durasi; leave mappings for normal validation."""
        if isinstance(value, str):
            match = _DURATION_PATTERN.match(value.strip())
            if not match:
                raise ValueError(f"durasi tidak sah: {value!r}; tulis seperti '15 menit', '2 jam' atau '1 hari'")
            unit = match.group(2).lower()
            satuan = SatuanWaktu.HARI_KERJA if unit.startswith("hari") else SatuanWaktu(unit)
            return {"jumlah": int(match.group(1)), "satuan": satuan}
        return value

    def __str__(self) -> str:
        label = {"menit": "menit", "jam": "jam", "hari_kerja": "hari kerja"}[self.satuan.value]
        return f"{self.jumlah} {label}"


DurasiField = Annotated[Durasi, BeforeValidator(Durasi.parse)]


# --- sections ----------------------------------------------------------------------------------


class _Section(BaseModel):
    # Python's re for ``pattern``: pydantic's default Rust engine builds the Unicode ``\s`` of the
    # URL patterns into automata of about half a megabyte each, kept for the life of the service
    # (issue #20); both engines read ``\s`` and ``\d`` as Unicode, and a section is validated once.
    model_config = ConfigDict(frozen=True, extra="forbid", regex_engine="python-re")


class Orang(_Section):
    """A person: a name, and how to reach them on Telegram and Google."""

    nama: str = Field(min_length=1)
    nip: str | None = None
    telegram_id: int | None = Field(default=None, gt=0)
    email: EmailStr | None = None


class Bidang(_Section):
    """One unit of the dinas that fills its own yearly workbook."""

    kode: KodeBidang
    nama: str = Field(min_length=1)
    folder_id: str = Field(min_length=1)
    editor: tuple[EmailStr, ...] = Field(min_length=1)
    kepala: Orang | None = None
    staf: tuple[Orang, ...] = ()


class Pejabat(_Section):
    """The officials named by the SOP who act across bidang."""

    kepala_dinas: Orang
    sekretaris: Orang
    kasubbag_kpep: Orang


def _check_logo(value: Path | None) -> Path | None:
    if value is not None and value.suffix.casefold() not in {".png", ".jpg", ".jpeg"}:
        raise ValueError(f"logo harus berkas PNG atau JPEG (.png, .jpg, .jpeg); tertulis {str(value)!r}")
    return value


class Dinas(_Section):
    """The office itself; ``alamat`` and ``logo_file`` go on the Laporan Kinerja's letterhead."""

    nama: str = Field(min_length=1)
    singkatan: str = Field(default="Disnaker", min_length=1)
    kabupaten: str = Field(min_length=1)
    alamat: str | None = Field(default=None, min_length=1, max_length=300)
    logo_file: Annotated[Path | None, AfterValidator(_check_logo)] = None


class GoogleAuth(StrEnum):
    """How the bot signs in to Google."""

    SERVICE_ACCOUNT = "service_account"
    OAUTH = "oauth"


TAHUN_PLACEHOLDER = "{tahun}"


def _check_master_path(value: Path) -> Path:
    text = str(value)
    if text.replace(TAHUN_PLACEHOLDER, "").count("{") or text.replace(TAHUN_PLACEHOLDER, "").count("}"):
        raise ValueError(
            f"path daftar indikator {text!r} hanya boleh memuat penanda {TAHUN_PLACEHOLDER}, "
            "misalnya master/{tahun}.csv"
        )
    return value


class GoogleSettings(_Section):
    """Google Drive and Sheets access."""

    auth: GoogleAuth = GoogleAuth.SERVICE_ACCOUNT
    endpoint: str | None = Field(default=None, pattern=r"^https?://[^\s/]+(:\d+)?/?$")
    key_file: Path | None = None
    oauth_client_file: Path | None = None
    oauth_token_file: Path | None = None
    root_folder_id: str = Field(min_length=1)
    archive_folder_id: str | None = None
    shared_drive_id: str | None = None
    kirim_email_notifikasi: bool = False
    peran_peninjau: Literal["reader", "commenter"] = "reader"
    """The access the Kepala Bidang, Sekretaris, Kasubbag and Kepala Dinas get to the workbooks."""
    berkas_temuan: Path = Path("temuan-google.json")
    """Where ``doctor --live`` writes what it learned of Google (:mod:`config.learned`)."""
    # The master list of indicators: a CSV file the admin keeps, or a Google Sheet the Kasubbag
    # keeps (its id or URL); exactly one of the two (checked with the other cross-references).
    master_indikator: Annotated[Path, AfterValidator(_check_master_path)] | None = None
    """The master list's CSV; ``{tahun}`` in it names one file per budget year (``master/{tahun}.csv``)."""
    master_sheet: str | None = Field(default=None, min_length=10)
    """The master sheet's id or URL; its tab ``Daftar Induk {tahun}`` holds a year's list (else ``Daftar Induk``)."""
    timeout_detik: float = Field(default=30.0, gt=0, le=600)
    maks_percobaan: int = Field(default=5, ge=1, le=20)
    maks_baca_per_polling: int = Field(default=40, ge=1, le=300)
    """How many changed workbooks one poll reads at most (Sheets allows 60 reads per minute per
    user); the rest wait for the next poll, nothing is lost."""


class TelegramSettings(_Section):
    """Telegram Bot API access."""

    base_url: str = Field(default=DEFAULT_TELEGRAM_BASE_URL, pattern=r"^https?://\S+$")
    token: SecretStr | None = None
    token_file: Path | None = None
    mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str | None = None
    concurrent_updates: int = Field(default=32, ge=1)
    """How many updates (button presses, messages) are handled at once; 1 = one at a time."""

    def resolved_token(self) -> str | None:
        """The bot token from the environment or from ``token_file``; never logged."""
        if self.token is not None:
            return self.token.get_secret_value()
        if self.token_file is not None and self.token_file.is_file():
            return self.token_file.read_text(encoding="utf-8").strip() or None
        return None


class Jadwal(_Section):
    """When periods open, when input closes, when reminders go out, how often sheets are read."""

    hari_kerja_buka_setelah_triwulan: int = Field(default=1, ge=1, le=20)
    jam_buka: Jam = time(8, 0)
    batas_input_hari_kerja: int = Field(default=5, ge=1, le=30)
    jam_pengingat: Jam = time(8, 0)
    pengingat_hari_sebelum_batas: tuple[int, ...] = (2, 1, 0)
    interval_polling_detik: int = Field(default=60, ge=5, le=3600)
    undangan_berlaku_hari: int = Field(default=7, ge=1, le=90)
    pengingat_daftar_indikator: tuple[Annotated[int, Field(ge=1, le=120)], ...] = (28, 14, 7, 3, 1)
    """Days before the next year's TW I opens on which the Kasubbag is reminded of its missing master list."""


class HariKhusus(_Section):
    """One date the regency declares, with what it is."""

    tanggal: Tanggal
    keterangan: str = Field(min_length=1, max_length=200)


class HariLibur(_Section):
    """The regency's own days off on top of the national calendar (the ``holidays`` package).

    ``tambahan``: regional holidays and collective leave the regency adds; ``tetap_masuk``: national
    holidays or cuti bersama on which the regency's offices work all the same.
    """

    tambahan: tuple[HariKhusus, ...] = ()
    tetap_masuk: tuple[HariKhusus, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> HariLibur:
        both = {d.tanggal for d in self.tambahan} & {d.tanggal for d in self.tetap_masuk}
        if both:
            listed = ", ".join(sorted(day.isoformat() for day in both))
            raise ValueError(f"tanggal {listed} tertulis di tambahan dan di tetap_masuk sekaligus; pilih salah satu")
        weekend = sorted(d.tanggal.isoformat() for d in self.tetap_masuk if d.tanggal.weekday() >= 5)
        if weekend:
            raise ValueError(
                f"tetap_masuk hanya membatalkan libur nasional atau cuti bersama pada hari kerja; "
                f"{', '.join(weekend)} jatuh pada Sabtu/Minggu"
            )
        return self

    @property
    def libur(self) -> frozenset[date]:
        """The dates the regency adds as days off."""
        return frozenset(d.tanggal for d in self.tambahan)

    @property
    def masuk(self) -> frozenset[date]:
        """The national days off the regency works."""
        return frozenset(d.tanggal for d in self.tetap_masuk)


class MutuBaku(_Section):
    """The SOP's quality standard (time allowed) for each of its nine steps."""

    langkah_1: DurasiField = Durasi(jumlah=15, satuan=SatuanWaktu.MENIT)
    langkah_2: DurasiField = Durasi(jumlah=1, satuan=SatuanWaktu.HARI_KERJA)
    langkah_3: DurasiField = Durasi(jumlah=10, satuan=SatuanWaktu.MENIT)
    langkah_4: DurasiField = Durasi(jumlah=1, satuan=SatuanWaktu.HARI_KERJA)
    langkah_5: DurasiField = Durasi(jumlah=10, satuan=SatuanWaktu.MENIT)
    langkah_6: DurasiField = Durasi(jumlah=30, satuan=SatuanWaktu.MENIT)
    langkah_7: DurasiField = Durasi(jumlah=10, satuan=SatuanWaktu.MENIT)
    langkah_8: DurasiField = Durasi(jumlah=30, satuan=SatuanWaktu.MENIT)
    langkah_9: DurasiField = Durasi(jumlah=5, satuan=SatuanWaktu.MENIT)

    def for_step(self, step: int) -> Durasi:
        """The Mutu Baku of SOP step ``step`` (1..9)."""
        durasi = getattr(self, f"langkah_{step}")
        assert isinstance(durasi, Durasi)  # every langkah_N field is a validated Durasi
        return durasi


class DatabaseSettings(_Section):
    """Where the state store lives."""

    url: str = Field(default=DEFAULT_DATABASE_URL, min_length=1)


class Settings(BaseSettings):
    """Everything the service needs, validated and frozen."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        frozen=True,
        extra="forbid",
    )

    dinas: Dinas
    tahun: int | None = Field(default=None, ge=2020, le=2100)
    """The first budget year the bot runs (no period of an earlier year opens); None: the calendar's."""
    zona_waktu: ZonaWaktu = "Asia/Jakarta"
    sekretariat: KodeBidang
    bidang: tuple[Bidang, ...] = Field(min_length=1)
    pejabat: Pejabat
    google: GoogleSettings
    telegram: TelegramSettings = TelegramSettings()
    jadwal: Jadwal = Jadwal()
    hari_libur: HariLibur = HariLibur()
    mutu_baku: MutuBaku = MutuBaku()
    database: DatabaseSettings = DatabaseSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The environment wins over the file: that is where secrets and overrides come from.
        return (env_settings, init_settings)

    @property
    def tz(self) -> ZoneInfo:
        """The office's time zone."""
        return ZoneInfo(self.zona_waktu)

    @property
    def master_per_tahun(self) -> bool:
        """True when ``google.master_indikator`` names one file per year (holds ``{tahun}``)."""
        return TAHUN_PLACEHOLDER in str(self.google.master_indikator or "")

    def master_path(self, tahun: int) -> Path | None:
        """The master list's file for budget year ``tahun`` (None: the list is kept as a Google Sheet)."""
        if self.google.master_indikator is None:
            return None
        return Path(str(self.google.master_indikator).replace(TAHUN_PLACEHOLDER, str(tahun)))

    def bidang_by_kode(self, kode: str) -> Bidang:
        """The bidang with this kode; KeyError when there is none."""
        for bidang in self.bidang:
            if bidang.kode == kode:
                return bidang
        raise KeyError(kode)

    def bidang_nama(self, kode: str) -> str:
        """The name of the bidang with this kode, or the kode itself when none has it.

        The one lookup every text uses: a kode no longer configured (a row of an older period)
        still reads as itself rather than failing a message.
        """
        try:
            return self.bidang_by_kode(kode).nama
        except KeyError:
            return kode

    def people(self) -> list[tuple[str, str | None, Orang]]:
        """Every configured person as (role, bidang kode or None, Orang): the pejabat, then per
        bidang its Kepala and staff. Roles are the workflow's role values."""
        found: list[tuple[str, str | None, Orang]] = [(role, None, orang) for role, orang in self.pejabat]
        for bidang in self.bidang:
            if bidang.kepala is not None:
                found.append(("kepala_bidang", bidang.kode, bidang.kepala))
            found.extend(("staf", bidang.kode, orang) for orang in bidang.staf)
        return found

    def dikoreksi_sekretaris(self, kode: str) -> bool:
        """Whether the Sekretaris corrects this bidang's report (SOP step 3): a bidang without a
        Kepala of its own, the Sekretariat. The one rule every text naming the corrector reads."""
        return self.bidang_by_kode(kode).kepala is None

    def kepala_bidang(self, kode: str) -> Orang:
        """Who corrects this bidang's report (SOP step 3): its Kepala, or the Sekretaris."""
        bidang = self.bidang_by_kode(kode)
        if bidang.kepala is not None:
            return bidang.kepala
        return self.pejabat.sekretaris


# --- loading -----------------------------------------------------------------------------------

_ERROR_MESSAGES: dict[str, str] = {
    "missing": "wajib diisi",
    "extra_forbidden": "kunci tidak dikenal (salah ketik?)",
    "string_type": "harus berupa teks",
    "int_type": "harus berupa bilangan bulat",
    "int_parsing": "harus berupa bilangan bulat",
    "int_from_float": "harus berupa bilangan bulat",
    "float_type": "harus berupa angka",
    "float_parsing": "harus berupa angka",
    "bool_type": "harus true atau false",
    "bool_parsing": "harus true atau false",
    "model_type": "harus berupa bagian berisi kunci-kunci (mapping)",
    "model_attributes_type": "harus berupa bagian berisi kunci-kunci (mapping)",
    "tuple_type": "harus berupa daftar",
    "list_type": "harus berupa daftar",
    "too_short": "tidak boleh kosong",
    "string_too_short": "tidak boleh kosong",
    "enum": "nilai tidak dikenal",
    "literal_error": "nilai tidak dikenal",
    "path_type": "harus berupa path berkas",
    "date_type": "harus berupa tanggal, misalnya 2026-10-20",
    "date_parsing": "harus berupa tanggal, misalnya 2026-10-20",
    "date_from_datetime_parsing": "harus berupa tanggal, misalnya 2026-10-20",
    "date_from_datetime_inexact": "harus berupa tanggal tanpa jam, misalnya 2026-10-20",
}


def _format_path(loc: Iterable[Any]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts)


def _translate(error: ErrorDetails) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "value_error":
        message = str(ctx.get("error", error["msg"]))
        if "email" in error["msg"].lower() or "@" in message:
            return f"alamat email tidak sah: {error.get('input')!r}"
        return message
    if kind in {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}:
        bound = next(iter(ctx.values()), "?")
        words = {
            "greater_than": "lebih dari",
            "greater_than_equal": "paling sedikit",
            "less_than": "kurang dari",
            "less_than_equal": "paling banyak",
        }
        return f"harus {words[kind]} {bound} (tertulis {error.get('input')!r})"
    if kind == "string_pattern_mismatch":
        return f"format tidak sah: {error.get('input')!r} (pola {ctx.get('pattern')})"
    if kind in {"enum", "literal_error"}:
        return f"nilai tidak dikenal {error.get('input')!r}; pilihan: {ctx.get('expected')}"
    known = _ERROR_MESSAGES.get(kind)
    if known is None:
        return error["msg"]
    if kind.endswith(("_type", "_parsing")) and "input" in error:
        return f"{known} (tertulis {error['input']!r})"
    return known


def _cross_reference_problems(data: Mapping[str, Any]) -> list[SettingsProblem]:
    """Checks that span keys: duplicate bidang kode, references to an unknown kode."""
    problems: list[SettingsProblem] = []
    bidang = data.get("bidang")
    known: set[str] = set()
    if isinstance(bidang, list):
        seen: dict[str, int] = {}
        for index, item in enumerate(bidang):
            if not isinstance(item, Mapping) or not isinstance(item.get("kode"), str):
                continue
            kode = item["kode"]
            if kode in seen:
                problems.append(
                    SettingsProblem(
                        path=f"bidang[{index}].kode",
                        message=f"kode {kode!r} sudah dipakai oleh bidang[{seen[kode]}]; "
                        "setiap bidang harus punya kode sendiri",
                    )
                )
            else:
                seen[kode] = index
        known = set(seen)
    sekretariat = data.get("sekretariat")
    if isinstance(sekretariat, str) and known and sekretariat not in known:
        problems.append(
            SettingsProblem(
                path="sekretariat",
                message=f"kode bidang {sekretariat!r} tidak ada di daftar bidang "
                f"(yang ada: {', '.join(sorted(known))})",
            )
        )
    google = data.get("google")
    if isinstance(google, Mapping):
        has_csv, has_sheet = google.get("master_indikator") is not None, google.get("master_sheet") is not None
        if not has_csv and not has_sheet:
            problems.append(
                SettingsProblem(
                    path="google.master_indikator",
                    message="wajib diisi: path CSV daftar indikator, atau isi google.master_sheet "
                    "(ID atau URL Google Sheet daftar induk yang dipegang Kasubbag KPEP)",
                )
            )
        elif has_csv and has_sheet:
            problems.append(
                SettingsProblem(
                    path="google.master_sheet",
                    message="isi salah satu saja: google.master_indikator (CSV) atau "
                    "google.master_sheet (Google Sheet)",
                )
            )
    telegram = data.get("telegram")
    if isinstance(telegram, Mapping) and "token" in telegram:
        problems.append(
            SettingsProblem(
                path="telegram.token",
                message="token bot jangan ditulis di berkas pengaturan; isi variabel lingkungan "
                f"{ENV_PREFIX}TELEGRAM__TOKEN atau tunjuk berkas di luar repo dengan "
                "telegram.token_file",
            )
        )
    return problems


def _telegram_ids(data: Mapping[str, Any]) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []

    def visit(node: Any, path: str) -> None:
        if isinstance(node, Mapping):
            for key, value in node.items():
                child = f"{path}.{key}" if path else str(key)
                if key == "telegram_id" and isinstance(value, int):
                    found.append((child, value))
                else:
                    visit(value, child)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                visit(value, f"{path}[{index}]")

    visit({"pejabat": data.get("pejabat"), "bidang": data.get("bidang")}, "")
    return found


def _duplicate_role_problems(data: Mapping[str, Any]) -> list[SettingsProblem]:
    """A Telegram account held by two different entries is almost always a copy-paste slip."""
    problems: list[SettingsProblem] = []
    first_seen: dict[int, str] = {}
    for path, telegram_id in _telegram_ids(data):
        if telegram_id in first_seen:
            problems.append(
                SettingsProblem(
                    path=path,
                    message=f"telegram_id {telegram_id} sudah dipakai di {first_seen[telegram_id]}",
                )
            )
        else:
            first_seen[telegram_id] = path
    return problems


def parse_settings(data: Any, source: str = "<data>") -> Settings:
    """Validate already-loaded YAML data (plus the environment) into a Settings object."""
    if not isinstance(data, Mapping):
        raise SettingsError(source, [SettingsProblem(path="", message="isi berkas harus berupa mapping YAML")])
    problems = _cross_reference_problems(data) + _duplicate_role_problems(data)
    clean = dict(data)
    if isinstance(clean.get("telegram"), Mapping):
        clean["telegram"] = {k: v for k, v in clean["telegram"].items() if k != "token"}
    try:
        settings = Settings(**clean)
    except ValidationError as err:
        errors = err.errors(include_url=False)
        paths = [_format_path(e["loc"]) for e in errors]
        for error, path in zip(errors, paths, strict=True):
            # A list whose only item is invalid also reports "too short": the item's own
            # error already says what is wrong.
            if error["type"] == "too_short" and any(other.startswith(path + "[") for other in paths):
                continue
            problems.append(SettingsProblem(path=path, message=_translate(error)))
        raise SettingsError(source, problems) from None
    if problems:
        raise SettingsError(source, problems)
    return settings


def load_settings(path: str | Path) -> Settings:
    """Read a YAML settings file and the environment into one validated, frozen object."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as err:
        raise SettingsError(
            str(file), [SettingsProblem(path="", message=f"berkas tidak bisa dibaca: {err.strerror}")]
        ) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"baris {mark.line + 1}, kolom {mark.column + 1}: " if mark else ""
        problem = getattr(err, "problem", None) or str(err)
        raise SettingsError(
            str(file), [SettingsProblem(path="", message=f"YAML tidak sah, {where}{problem}")]
        ) from None
    settings = parse_settings(data, str(file))
    return _resolve_relative_paths(settings, file.parent)


def _resolve_relative_paths(settings: Settings, base: Path) -> Settings:
    """Relative file paths in the settings are relative to the settings file, not the CWD."""
    if settings.dinas.logo_file is not None and not settings.dinas.logo_file.is_absolute():
        dinas = settings.dinas.model_copy(update={"logo_file": (base / settings.dinas.logo_file).resolve()})
        settings = settings.model_copy(update={"dinas": dinas})
    google = settings.google
    updates: dict[str, Path] = {}
    for name in ("key_file", "oauth_client_file", "oauth_token_file", "master_indikator", "berkas_temuan"):
        value = getattr(google, name)
        if value is not None and not value.is_absolute():
            updates[name] = (base / value).resolve()
    if not updates:
        return settings
    return settings.model_copy(update={"google": google.model_copy(update=updates)})
