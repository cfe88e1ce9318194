"""The service starts without the libraries it needs only now and then (issue #20, memory).

pandas and numpy are loaded where a frame is built (a validation, a rekap), reportlab and
matplotlib where a report or a chart is drawn, openpyxl where the archive builds an xlsx, segno
where ``invite`` draws a QR code, ctypes after the first poll that read workbooks (:mod:`bot.heap`),
and Alembic only when a migration is due. A fresh interpreter imports what ``python -m bot run``
imports, opens an up-to-date store, counts the indicators a period's opening request names (the
first tick opens a due period) and draws a capaian chart (in a child process); none of them may be
loaded then.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from bot.store.migrate import alembic_config, head_revision, upgrade

ROOT = Path(__file__).resolve().parents[2]
LOADED_LATER = ("pandas", "numpy", "alembic", "matplotlib", "reportlab", "openpyxl", "PIL", "segno", "ctypes")

PROBE = """
import json, sys
import bot.cli, bot.runtime
from bot.store.migrate import upgrade
from bot.telegram.charts import Bar, capaian_chart
from sheets.master import load_master
from sheets.summary import jumlah_bertarget
upgrade(sys.argv[1]).dispose()
assert jumlah_bertarget(load_master("config/demo/indikator.csv").for_bidang("PTK"), 1) > 0
assert capaian_chart([Bar("PTK", 95.5, "Sangat Tinggi")]).startswith(b"\\x89PNG")  # drawn by a child process
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def loaded_after_start(url: str) -> set[str]:
    """Top-level modules a fresh interpreter holds after the service's imports and opening ``url``."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, url], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_the_head_read_from_the_files_is_alembics() -> None:
    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_start_on_an_up_to_date_store_loads_no_occasional_library(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kinerja.db'}"
    upgrade(url).dispose()  # migrated here: the probe finds it current
    loaded = loaded_after_start(url)
    assert not loaded & set(LOADED_LATER), sorted(loaded & set(LOADED_LATER))
    assert {"sqlalchemy", "telegram", "gspread"} <= loaded  # the probe did import the service


@pytest.mark.parametrize("state", ["new", "behind"], ids=["new-store", "store-behind"])
def test_a_store_that_needs_a_migration_is_migrated(tmp_path: Path, state: str) -> None:
    url = f"sqlite:///{tmp_path / 'kinerja.db'}"
    if state == "behind":
        upgrade(url, "0007_store_identity").dispose()
    engine = upgrade(url)
    try:
        with engine.connect() as connection:
            version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    finally:
        engine.dispose()
    assert version == head_revision()
