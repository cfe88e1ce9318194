"""Settings of the Laporan Kinerja's letterhead: ``dinas.alamat`` and ``dinas.logo_file`` (both optional)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from config.settings import SettingsError, load_settings, parse_settings
from tests.conftest import EXAMPLE_SETTINGS


def example_data() -> dict[str, Any]:
    return yaml.safe_load(EXAMPLE_SETTINGS.read_text(encoding="utf-8"))


def test_the_example_has_an_address_and_no_logo() -> None:
    settings = load_settings(EXAMPLE_SETTINGS)
    assert settings.dinas.alamat and settings.dinas.logo_file is None


def test_a_logo_must_be_png_or_jpeg() -> None:
    data = example_data()
    data["dinas"]["logo_file"] = "lambang.svg"
    with pytest.raises(SettingsError) as info:
        parse_settings(data)
    assert "dinas.logo_file: logo harus berkas PNG atau JPEG" in str(info.value)
    data["dinas"]["logo_file"] = "Lambang.JPG"
    assert parse_settings(data).dinas.logo_file == Path("Lambang.JPG")


def test_a_relative_logo_is_relative_to_the_settings_file(tmp_path: Path) -> None:
    data = example_data()
    data["dinas"]["logo_file"] = "kop/logo.png"
    data["google"]["master_indikator"] = str(EXAMPLE_SETTINGS.parent / "demo" / "indikator.csv")
    path = tmp_path / "settings.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert load_settings(path).dinas.logo_file == (tmp_path / "kop" / "logo.png").resolve()


def test_an_empty_address_is_refused() -> None:
    data = example_data()
    data["dinas"]["alamat"] = ""
    with pytest.raises(SettingsError, match=r"dinas\.alamat: tidak boleh kosong"):
        parse_settings(data)
