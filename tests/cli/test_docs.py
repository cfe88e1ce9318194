"""The admin docs keep up with the code: every settings key, every command and option, the
systemd unit, backup/restore/upgrade, and links that resolve."""

from __future__ import annotations

import argparse
import re
import typing
from collections.abc import Iterator
from configparser import ConfigParser
from pathlib import Path

import pytest
from pydantic import BaseModel

from bot.cli import build_parser
from config.settings import Durasi, Orang, Settings
from tests.conftest import REPO_ROOT

DOCS = REPO_ROOT / "docs"


def _models_in(annotation: object) -> list[type[BaseModel]]:
    """The pydantic models an annotation holds (directly, in a tuple/list, or in an Optional)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _is_sequence(annotation: object) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (tuple, list):
        return True
    return any(_is_sequence(arg) for arg in typing.get_args(annotation))


def settings_keys(model: type[BaseModel] = Settings, prefix: str = "") -> Iterator[str]:
    """Every key path of the settings; the fields of a person are documented once as ``orang.*``."""
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        models = _models_in(field.annotation)
        list_suffix = "[]" if _is_sequence(field.annotation) and models else ""
        if models and models[0] is Orang:
            yield path + list_suffix
        elif models and models[0] is not Durasi:
            yield from settings_keys(models[0], f"{path}{list_suffix}.")
        else:
            yield path
    if model is Settings:
        yield from (f"orang.{name}" for name in Orang.model_fields)


def test_the_walk_finds_the_known_keys() -> None:
    keys = set(settings_keys())
    assert {
        "dinas.nama",
        "bidang[].folder_id",
        "bidang[].staf[]",
        "bidang[].kepala",
        "pejabat.sekretaris",
        "orang.telegram_id",
        "google.shared_drive_id",
        "telegram.token",
        "jadwal.jam_buka",
        "mutu_baku.langkah_9",
        "database.url",
        "tahun",
    } <= keys
    assert not any(k.startswith(("mutu_baku.langkah_1.", "pejabat.sekretaris.")) for k in keys)


@pytest.mark.parametrize("key", sorted(settings_keys()))
def test_every_settings_key_is_documented(key: str) -> None:
    text = (DOCS / "pemasangan.md").read_text(encoding="utf-8")
    assert f"`{key}`" in text, f"docs/pemasangan.md does not document the settings key {key}"


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_command_and_option_is_in_the_reference() -> None:
    text = (DOCS / "perintah.md").read_text(encoding="utf-8")
    for name, sub in _subcommands().items():
        if name == "demo":
            assert "`demo`" in text
            continue
        section = text.split(f"## `{name}`", 1)
        assert len(section) == 2, f"docs/perintah.md has no section for {name}"
        body = section[1].split("\n## ", 1)[0]
        assert f"python -m bot {name}" in body, name
        for option in (o for a in sub._actions for o in a.option_strings):
            if option in {"-h", "--help", "--config"}:
                continue
            assert f"`{option}" in body, f"option {option} of {name} is not documented"


def test_doctor_check_keys_are_listed_in_the_reference() -> None:
    source = "\n".join(path.read_text(encoding="utf-8") for path in sorted((REPO_ROOT / "bot" / "doctor").glob("*.py")))
    keys = set(re.findall(r'_(?:result|skipped)\(\s*"([a-z_.]+)"', source))
    keys |= {"folder.root", "folder.archive"}
    text = (DOCS / "perintah.md").read_text(encoding="utf-8")
    assert keys and all(f"`{key}`" in text for key in keys), sorted(k for k in keys if f"`{k}`" not in text)


def test_systemd_unit_restarts_on_failure_as_its_own_user() -> None:
    unit = ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(REPO_ROOT / "scripts" / "kinerja-bot.service", encoding="utf-8")
    service = unit["Service"]
    assert service["Restart"] == "on-failure"
    assert service["User"] not in {"", "root"} and service["Group"] == service["User"]
    assert service["ExecStart"].endswith("-m bot run --config /etc/kinerja-bot/settings.yaml")
    assert service["NoNewPrivileges"] == "true"
    assert unit["Install"]["WantedBy"] == "multi-user.target"


@pytest.mark.parametrize(
    ("topic", "fragments"),
    [
        pytest.param("backup", ("Cadangan basis data", ".backup(", "pg_dump"), id="backup"),
        pytest.param("restore", ("Pemulihan", "pg_restore", "systemctl stop kinerja-bot"), id="restore"),
        pytest.param("upgrade", ("Pembaruan versi", "migrasi basis data (Alembic) dijalankan otomatis"), id="upgrade"),
        pytest.param(
            "google",
            (
                "Google Sheets API",
                "Google Drive API",
                "Shared Drive",
                "Content manager",
                "google-login",
                "storageQuotaExceeded",
            ),
            id="google-setup",
        ),
        pytest.param("botfather", ("@BotFather", "/newbot", "KINERJA_TELEGRAM__TOKEN"), id="botfather"),
    ],
)
def test_setup_guide_covers(topic: str, fragments: tuple[str, ...]) -> None:
    text = (DOCS / "pemasangan.md").read_text(encoding="utf-8")
    missing = [f for f in fragments if f not in text]
    assert not missing, f"{topic}: {missing}"


@pytest.mark.parametrize(
    "heading",
    ["Kuota permintaan Google", "Kuota penyimpanan", "Bot diblokir", "Tab diganti nama", "Lembar kerja terhapus"],
)
def test_troubleshooting_has_a_section(heading: str) -> None:
    assert f"## {heading}" in (DOCS / "masalah.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "role", ["Staf bidang", "Kepala Bidang", "Kasubbag KPEP", "Sekretaris", "Kepala Dinas", "Admin TI"]
)
def test_handbook_has_every_role(role: str) -> None:
    assert f"## {role}" in (DOCS / "panduan-peran.md").read_text(encoding="utf-8")


def _anchor(heading: str) -> str:
    """GitHub's anchor of a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


@pytest.mark.parametrize("doc", sorted(p.name for p in DOCS.glob("*.md")))
def test_links_between_docs_resolve(doc: str) -> None:
    text = (DOCS / doc).read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#\s]+\.md)?(#[^)\s]+)?\)", text):
        path, anchor = target
        file = DOCS / (path or doc)
        assert file.is_file(), f"{doc} links to missing {path}"
        if anchor:
            headings = re.findall(r"^#+ (.+)$", file.read_text(encoding="utf-8"), flags=re.M)
            assert anchor[1:] in {_anchor(h) for h in headings}, f"{doc}: no heading for {path}{anchor}"


def test_docs_index_lists_every_page() -> None:
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    for page in DOCS.glob("*.md"):
        if page.name != "README.md":
            assert f"({page.name})" in index, page.name


def test_no_doc_path_points_at_a_missing_file() -> None:
    for name in (
        "config/settings.example.yaml",
        "config/demo/indikator.csv",
        "scripts/setup.sh",
        "scripts/kinerja-bot.service",
    ):
        assert (REPO_ROOT / name).is_file()
    assert Path(REPO_ROOT / "docs" / "perintah.md").is_file()
