"""One quarter of SOP P-SEK-KP-09 as steps (:func:`quarter_steps`), from a :class:`QuarterScript`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot import texts
from bot.demo.actors import (
    CHART_CAPTION,
    PROMPT_CUE,
    TITLE_BANTUAN_KOREKSI,
    TITLE_BUKTI_PILIH,
    TITLE_BUKTI_TERSIMPAN,
    TITLE_DIBAGIKAN,
    TITLE_DIBUKA,
    TITLE_DIKEMBALIKAN,
    TITLE_DINAS_DIKEMBALIKAN,
    TITLE_DISETUJUI,
    TITLE_DISTRIBUSI,
    TITLE_DITUTUP,
    TITLE_DRAF,
    TITLE_KOREKSI,
    TITLE_REKOMENDASI,
    TITLE_REKOMENDASI_DITERUSKAN,
    TITLE_TELAAH,
    TITLE_TIDAK_VALID,
    TITLE_TINDAK_LANJUT,
    TITLE_TL_DICATAT,
    Cast,
    Person,
    ScenarioError,
    button_labels,
)
from bot.demo.filling import Kolom, cell_mark, set_status, status_of, type_cells, validation_note
from bot.demo.scenario import Act, OfficeTime, Step, StepContext, Until
from bot.demo.script import BuktiFoto, Correction, QuarterScript
from sheets import layout

__all__ = ["quarter_steps"]


def _bidang_line(names: Mapping[str, str], kode: str) -> str:
    return texts.bidang_line(names.get(kode, kode))


class _QuarterBuilder:
    """Builds :func:`quarter_steps`; one method per kind of step."""

    def __init__(
        self, cast: Cast, script: QuarterScript, bidang_nama: Mapping[str, str], open_period: Act | None
    ) -> None:
        self.cast = cast
        self.script = script
        self.nama = bidang_nama
        self.open_period = open_period
        self.steps: list[Step] = []
        self.periode = texts.periode(script.tw, script.tahun)

    def add(
        self,
        key: str,
        sop: int,
        actor: Person | None,
        action: str,
        act: Act,
        until: Until,
        expect: str,
        when: tuple[int, str] | None,
    ) -> None:
        self.steps.append(
            Step(key, sop, actor, action, act, until, expect, OfficeTime(*when) if when is not None else None)
        )

    # --- step 1 ------------------------------------------------------------------------------

    def opening(self, when: tuple[int, str]) -> None:
        sekretaris = self.cast.sekretaris

        def act(ctx: StepContext) -> None:
            if self.open_period is not None:
                self.open_period(ctx)

        self.add(
            "periode-dibuka",
            1,
            None,
            f"membuka {self.periode} dan meminta persetujuan Sekretaris untuk membagikan format",
            act,
            lambda ctx: ctx.office.find(sekretaris, [TITLE_DISTRIBUSI, self.periode], button=texts.BTN_SETUJUI),
            f"permohonan persetujuan pembagian format kepada {sekretaris.label}",
            when,
        )

    def distribution(self, when: tuple[int, str]) -> None:
        sekretaris, kasubbag = self.cast.sekretaris, self.cast.kasubbag

        def act(ctx: StepContext) -> None:
            request = ctx.latest(sekretaris, [TITLE_DISTRIBUSI, self.periode], button=texts.BTN_SETUJUI)
            ctx.office.press(sekretaris, request, texts.BTN_SETUJUI)

        def until(ctx: StepContext) -> bool:
            office = ctx.office
            done = office.find(sekretaris, ">> Disetujui oleh")
            opened = all(ctx.new_message(self.cast.staf[k], TITLE_DIBUKA) for k in self.cast.kodes)
            told = ctx.new_message(kasubbag, TITLE_DIBAGIKAN)
            return bool(done and opened and told)

        self.add(
            "setujui-distribusi",
            1,
            sekretaris,
            "menyetujui pembagian format (tombol Setujui)",
            act,
            until,
            "tautan lembar kerja dan batas waktu kepada setiap bidang",
            when,
        )

    # --- steps 2 and 3 -----------------------------------------------------------------------

    def evidence(self, bukti: BuktiFoto, when: tuple[int, str]) -> None:
        staf = self.cast.staf[bukti.bidang]

        def act(ctx: StepContext) -> None:
            before = ctx.office.last_id(staf)
            ctx.office.send_photo(staf)
            question = ctx.office.wait_message(staf, TITLE_BUKTI_PILIH, after=before)
            label = next((label for label in button_labels(question) if _names(label, bukti.indikator)), None)
            if label is None:
                raise ScenarioError(f"tidak ada tombol untuk indikator {bukti.indikator!r}")
            ctx.office.press(staf, question, label)

        self.add(
            f"bukti-{bukti.bidang}",
            2,
            staf,
            "mengirim foto bukti dukung tanpa keterangan, lalu memilih indikatornya dari tombol",
            act,
            lambda ctx: ctx.new_message(staf, [TITLE_BUKTI_TERSIMPAN, bukti.indikator]),
            "foto tersimpan di folder Bukti Dukung bidang dan tautannya di sel Bukti Dukung (tautan)",
            when,
        )

    def _cells(
        self, kode: str, skip: Correction | None = None, typo: Correction | None = None
    ) -> list[tuple[str, Kolom, str]]:
        cells: list[tuple[str, Kolom, str]] = []
        kolom_list: tuple[Kolom, ...] = ("realisasi", "anggaran", "kendala", "bukti")
        for entry in self.script.isian[kode]:
            for kolom in kolom_list:
                text = entry.value(kolom)
                for slip in (skip, typo):
                    if (
                        slip is not None
                        and slip.bidang == kode
                        and slip.indikator == entry.indikator
                        and slip.kolom == kolom
                    ):
                        text = slip.ketik
                if text:
                    cells.append((entry.indikator, kolom, text))
        return cells

    def fill(
        self, kode: str, when: tuple[int, str], *, slip: Correction | None = None, expect_invalid: bool = False
    ) -> None:
        staf, kepala = self.cast.staf[kode], self.cast.kepala[kode]
        by_telegram = kode in self.script.kirim_lewat_telegram and not expect_invalid
        tw = self.script.tw
        typo = slip if expect_invalid else None
        skip = slip if not expect_invalid else None

        def act(ctx: StepContext) -> None:
            spreadsheet = ctx.office.open_workbook(staf)
            written = type_cells(
                spreadsheet.worksheet(layout.TAB_REALISASI), tw, self._cells(kode, skip=skip, typo=typo)
            )
            note = f"mengisi {len(written)} sel lembar Realisasi {layout.tw_label(tw)} ({spreadsheet.title})"
            if typo is not None:
                note += f'; salah ketik "{typo.ketik}" pada {typo.indikator}'
            if not by_telegram:
                set_status(spreadsheet, tw)
                note += f'; memilih "{layout.STATUS_SIAP_DIKOREKSI}" di tab Status'
            ctx.office.record(staf, "sheet", text=note)
            if by_telegram:
                ctx.office.send(staf, "/kirim")

        if expect_invalid:
            assert slip is not None

            def until_invalid(ctx: StepContext) -> Any:
                told = ctx.new_message(staf, [TITLE_TIDAK_VALID, slip.ketik])
                if not told:
                    return None
                spreadsheet = ctx.office.open_workbook(staf)
                note = validation_note(spreadsheet, slip.indikator)
                mark = cell_mark(spreadsheet, tw, slip.indikator, slip.kolom)
                return told if slip.ketik in note and mark.warna == "merah" and slip.ketik in mark.catatan else None

            until: Until = until_invalid
            expect = (
                f"pesan 'Laporan belum dapat diajukan' kepada {staf.label}, catatan validasi dan sel bertanda "
                "merah di lembar kerja"
            )
            action = (
                f'mengisi lembar {layout.tw_label(tw)} dengan salah ketik "{slip.ketik}" lalu memilih "Siap Dikoreksi"'
            )
        else:

            def until_submitted(ctx: StepContext) -> Any:
                return ctx.new_message(kepala, [TITLE_KOREKSI, _bidang_line(self.nama, kode)], button=texts.BTN_SETUJUI)

            until = until_submitted
            expect = f"permohonan koreksi kepada {kepala.label}"
            how = "mengirim /kirim di Telegram" if by_telegram else 'memilih "Siap Dikoreksi"'
            missing = " (satu realisasi anggaran terlewat)" if skip is not None else ""
            action = f"mengisi lembar {layout.tw_label(tw)} melalui Google Sheets{missing} lalu {how}"
        self.add(f"isi-{kode}", 2, staf, action, act, until, expect, when)

    def fix(self, kode: str, correction: Correction, when: tuple[int, str], *, by_telegram: bool, what: str) -> None:
        staf, kepala = self.cast.staf[kode], self.cast.kepala[kode]
        tw = self.script.tw
        value = self.script.entry(correction).value(correction.kolom)

        def act(ctx: StepContext) -> None:
            spreadsheet = ctx.office.open_workbook(staf)
            # What the staff reads in the sheet first: the bot's note on the row, the Status tab's remark.
            seen = []
            row_note = validation_note(spreadsheet, correction.indikator)
            if row_note:
                seen.append(f'Catatan Validasi pada barisnya: "{row_note}"')
            mark = cell_mark(spreadsheet, tw, correction.indikator, correction.kolom)
            if mark.warna:
                shown = "; ".join(mark.catatan.splitlines()[1:])
                seen.append(f'sel {mark.cell} berlatar {mark.warna}, catatan selnya: "{shown}"')
            status = status_of(spreadsheet, tw)
            remark = status.get(layout.STATUS_HEADER[3], "")
            if remark:
                seen.append(f'tab Status ({status.get(layout.STATUS_HEADER[2], "")}): "{remark}"')
            if seen:
                ctx.office.record(staf, "sheet", text="membaca " + "; ".join(seen))
            cells = type_cells(
                spreadsheet.worksheet(layout.TAB_REALISASI), tw, [(correction.indikator, correction.kolom, value)]
            )
            note = f'mengubah sel {cells[0]} ({correction.indikator}) menjadi "{value}"'
            if not by_telegram:
                set_status(spreadsheet, tw)
                note += f'; memilih "{layout.STATUS_SIAP_DIKOREKSI}" di tab Status'
            ctx.office.record(staf, "sheet", text=note)
            if by_telegram:
                ctx.office.send(staf, "/kirim")

        how = "mengirim /kirim di Telegram" if by_telegram else 'memilih "Siap Dikoreksi" lagi'
        self.add(
            f"perbaiki-{kode}",
            2,
            staf,
            f'{what} menjadi "{value}" lalu {how}',
            act,
            lambda ctx: ctx.new_message(
                kepala, [TITLE_KOREKSI, _bidang_line(self.nama, kode)], button=texts.BTN_SETUJUI
            ),
            f"permohonan koreksi kepada {kepala.label}",
            when,
        )

    def bantuan(self, kode: str, when: tuple[int, str]) -> None:
        """The Kepala Bidang asks /bantuan while the report waits: the answer offers its buttons."""
        kepala = self.cast.kepala[kode]

        self.add(
            f"bantuan-{kode}",
            3,
            kepala,
            "mengirim /bantuan untuk melihat apa yang menunggu tindakannya",
            lambda ctx: ctx.office.send(kepala, "/bantuan"),
            lambda ctx: ctx.new_message(
                kepala, [TITLE_BANTUAN_KOREKSI, _bidang_line(self.nama, kode)], button=texts.BTN_SETUJUI
            ),
            f"jawaban /bantuan berisi laporan yang menunggu koreksi, dengan tombolnya, kepada {kepala.label}",
            when,
        )

    def koreksi_approve(self, kode: str, when: tuple[int, str], *, last: bool = False) -> None:
        staf, kepala, kasubbag = self.cast.staf[kode], self.cast.kepala[kode], self.cast.kasubbag

        def act(ctx: StepContext) -> None:
            request = ctx.latest(kepala, [TITLE_KOREKSI, _bidang_line(self.nama, kode)], button=texts.BTN_SETUJUI)
            ctx.office.press(kepala, request, texts.BTN_SETUJUI)

        def until(ctx: StepContext) -> Any:
            approved = ctx.new_message(staf, TITLE_DISETUJUI)
            if not last:
                return approved
            draft = ctx.new_message(kasubbag, TITLE_DRAF, button=texts.BTN_KIRIM_SEKRETARIS)
            chart = ctx.new_message(kasubbag, CHART_CAPTION, photo=True)
            return approved and draft and chart

        expect = f"'Laporan disetujui' kepada {staf.label}"
        if last:
            expect += f", draf rekap dan grafik capaian kepada {kasubbag.label}"
        self.add(
            f"koreksi-setujui-{kode}",
            3,
            kepala,
            f"menyetujui laporan {self.nama.get(kode, kode)} (Setujui)",
            act,
            until,
            expect,
            when,
        )

    def koreksi_return(self, kode: str, press_at: tuple[int, str], reply_at: tuple[int, str]) -> None:
        staf, kepala = self.cast.staf[kode], self.cast.kepala[kode]
        alasan = self.script.alasan_kepala_bidang

        def press(ctx: StepContext) -> None:
            request = ctx.latest(kepala, [TITLE_KOREKSI, _bidang_line(self.nama, kode)], button=texts.BTN_KEMBALIKAN)
            ctx.memo[f"koreksi-{kode}"] = int(request["message_id"])
            ctx.office.press(kepala, request, texts.BTN_KEMBALIKAN)

        self.add(
            f"koreksi-kembalikan-{kode}",
            3,
            kepala,
            f"menekan Kembalikan pada laporan {self.nama.get(kode, kode)}",
            press,
            lambda ctx: ctx.office.find(kepala, PROMPT_CUE, after=ctx.after(kepala)),
            f"permintaan alasan kepada {kepala.label}",
            press_at,
        )

        def reply(ctx: StepContext) -> None:
            ctx.office.reply_to_prompt(kepala, alasan, after=ctx.memo.get(f"koreksi-{kode}", 0))

        self.add(
            f"koreksi-alasan-{kode}",
            3,
            kepala,
            f'menuliskan alasan pengembalian: "{alasan}"',
            reply,
            lambda ctx: ctx.new_message(staf, [TITLE_DIKEMBALIKAN, alasan]),
            f"'Laporan dikembalikan' beserta alasannya kepada {staf.label}",
            reply_at,
        )

    # --- step 4 ------------------------------------------------------------------------------

    def analysis_note(
        self, text: str, press_at: tuple[int, str], reply_at: tuple[int, str], *, origin: str, key: str
    ) -> None:
        kasubbag = self.cast.kasubbag

        def press(ctx: StepContext) -> None:
            message = ctx.latest(kasubbag, origin, button=texts.BTN_TAMBAH_ANALISIS)
            ctx.memo[key] = int(message["message_id"])
            ctx.office.press(kasubbag, message, texts.BTN_TAMBAH_ANALISIS)

        self.add(
            f"{key}-tekan",
            4,
            kasubbag,
            "menekan Tambah analisis",
            press,
            lambda ctx: ctx.office.find(kasubbag, PROMPT_CUE, after=ctx.after(kasubbag)),
            f"permintaan catatan analisis kepada {kasubbag.label}",
            press_at,
        )

        def reply(ctx: StepContext) -> None:
            ctx.office.reply_to_prompt(kasubbag, text, after=ctx.memo.get(key, 0))

        self.add(
            f"{key}-tulis",
            4,
            kasubbag,
            "menuliskan catatan analisis",
            reply,
            lambda ctx: ctx.new_message(kasubbag, texts.REPLY_ANALISIS),
            "catatan analisis tersimpan",
            reply_at,
        )

    def submit_to_sekretaris(self, when: tuple[int, str], *, origin: str, key: str) -> None:
        kasubbag, sekretaris = self.cast.kasubbag, self.cast.sekretaris

        def act(ctx: StepContext) -> None:
            message = ctx.latest(kasubbag, origin, button=texts.BTN_KIRIM_SEKRETARIS)
            ctx.office.press(kasubbag, message, texts.BTN_KIRIM_SEKRETARIS)

        self.add(
            key,
            4,
            kasubbag,
            "mengirim laporan kinerja dinas kepada Sekretaris (Kirim ke Sekretaris)",
            act,
            lambda ctx: ctx.new_message(sekretaris, TITLE_TELAAH, button=texts.BTN_TERUSKAN_KADIS),
            f"permohonan telaah kepada {sekretaris.label}",
            when,
        )

    # --- step 5 ------------------------------------------------------------------------------

    def sekretaris_return(self, press_at: tuple[int, str], reply_at: tuple[int, str]) -> None:
        sekretaris, kasubbag = self.cast.sekretaris, self.cast.kasubbag
        alasan = self.script.alasan_sekretaris

        def press(ctx: StepContext) -> None:
            message = ctx.latest(sekretaris, TITLE_TELAAH, button=texts.BTN_KEMBALIKAN)
            ctx.memo["telaah-sekretaris"] = int(message["message_id"])
            ctx.office.press(sekretaris, message, texts.BTN_KEMBALIKAN)

        self.add(
            "telaah-kembalikan",
            5,
            sekretaris,
            "menekan Kembalikan pada draf laporan kinerja dinas",
            press,
            lambda ctx: ctx.office.find(sekretaris, PROMPT_CUE, after=ctx.after(sekretaris)),
            f"permintaan alasan kepada {sekretaris.label}",
            press_at,
        )

        def reply(ctx: StepContext) -> None:
            ctx.office.reply_to_prompt(sekretaris, alasan, after=ctx.memo.get("telaah-sekretaris", 0))

        self.add(
            "telaah-alasan",
            5,
            sekretaris,
            f'menuliskan alasan pengembalian: "{alasan}"',
            reply,
            lambda ctx: ctx.new_message(
                kasubbag, [TITLE_DINAS_DIKEMBALIKAN, alasan], button=texts.BTN_KIRIM_SEKRETARIS
            ),
            f"'Laporan kinerja dinas dikembalikan' beserta alasannya kepada {kasubbag.label}",
            reply_at,
        )

    def forward(self, when: tuple[int, str]) -> None:
        sekretaris, kadis = self.cast.sekretaris, self.cast.kepala_dinas

        def act(ctx: StepContext) -> None:
            message = ctx.latest(sekretaris, TITLE_TELAAH, button=texts.BTN_TERUSKAN_KADIS)
            ctx.office.press(sekretaris, message, texts.BTN_TERUSKAN_KADIS)

        self.add(
            "teruskan-kadis",
            5,
            sekretaris,
            "meneruskan laporan kepada Kepala Dinas",
            act,
            lambda ctx: ctx.new_message(kadis, TITLE_TELAAH, button=texts.BTN_SETUJUI),
            f"permohonan telaah kepada {kadis.label}",
            when,
        )

    # --- step 6 (7 and 8 by the bot) -----------------------------------------------------------

    def kadis_approve(self, when: tuple[int, str]) -> None:
        kadis = self.cast.kepala_dinas

        def act(ctx: StepContext) -> None:
            message = ctx.latest(kadis, TITLE_TELAAH, button=texts.BTN_SETUJUI)
            ctx.office.press(kadis, message, texts.BTN_SETUJUI)

        self.add(
            "kadis-setujui",
            6,
            kadis,
            "menyetujui laporan kinerja dinas (Setujui)",
            act,
            lambda ctx: ctx.new_message(kadis, TITLE_REKOMENDASI, button=texts.BTN_TULIS_REKOMENDASI),
            f"permohonan rekomendasi kepada {kadis.label}",
            when,
        )

    def rekomendasi(self, press_at: tuple[int, str], reply_at: tuple[int, str]) -> None:
        kadis, sekretaris, kasubbag = self.cast.kepala_dinas, self.cast.sekretaris, self.cast.kasubbag

        def press(ctx: StepContext) -> None:
            message = ctx.latest(kadis, TITLE_REKOMENDASI, button=texts.BTN_TULIS_REKOMENDASI)
            ctx.memo["rekomendasi"] = int(message["message_id"])
            ctx.office.press(kadis, message, texts.BTN_TULIS_REKOMENDASI)

        self.add(
            "rekomendasi-tekan",
            6,
            kadis,
            "menekan Tulis rekomendasi",
            press,
            lambda ctx: ctx.office.find(kadis, PROMPT_CUE, after=ctx.after(kadis)),
            f"permintaan rekomendasi kepada {kadis.label}",
            press_at,
        )

        def reply(ctx: StepContext) -> None:
            ctx.office.reply_to_prompt(kadis, self.script.rekomendasi_text(), after=ctx.memo.get("rekomendasi", 0))

        def until(ctx: StepContext) -> bool:
            handed = all(ctx.new_message(p, TITLE_REKOMENDASI_DITERUSKAN) for p in (sekretaris, kasubbag))
            per_bidang = all(
                ctx.new_message(
                    self.cast.kepala[k],
                    [TITLE_TINDAK_LANJUT, _bidang_line(self.nama, k)],
                    button=texts.BTN_CATAT_TINDAK_LANJUT,
                )
                for k in self.cast.kodes
            )
            return handed and per_bidang

        self.add(
            "rekomendasi-tulis",
            6,
            kadis,
            "menuliskan rekomendasi umum dan rekomendasi per bidang",
            reply,
            until,
            "rekomendasi diteruskan (langkah 7 dan 8) kepada Sekretaris, Kasubbag dan setiap bidang",
            reply_at,
        )

    # --- step 9 ------------------------------------------------------------------------------

    def tindak_lanjut(
        self, kode: str, press_at: tuple[int, str], reply_at: tuple[int, str], *, closes: bool = False
    ) -> None:
        kepala, kasubbag = self.cast.kepala[kode], self.cast.kasubbag
        teks = self.script.tindak_lanjut[kode]
        bidang = _bidang_line(self.nama, kode)

        def press(ctx: StepContext) -> None:
            message = ctx.latest(kepala, [TITLE_TINDAK_LANJUT, bidang], button=texts.BTN_CATAT_TINDAK_LANJUT)
            ctx.memo[f"tl-{kode}"] = int(message["message_id"])
            ctx.office.press(kepala, message, texts.BTN_CATAT_TINDAK_LANJUT)

        self.add(
            f"tindak-lanjut-tekan-{kode}",
            9,
            kepala,
            f"menekan Catat tindak lanjut untuk {self.nama.get(kode, kode)}",
            press,
            lambda ctx: ctx.office.find(kepala, PROMPT_CUE, after=ctx.after(kepala)),
            f"permintaan tindak lanjut kepada {kepala.label}",
            press_at,
        )

        def reply(ctx: StepContext) -> None:
            ctx.office.reply_to_prompt(kepala, teks, after=ctx.memo.get(f"tl-{kode}", 0))

        def until(ctx: StepContext) -> bool:
            recorded = ctx.new_message(kasubbag, [TITLE_TL_DICATAT, teks])
            if not closes:
                return bool(recorded)
            closed = all(ctx.new_message(p, TITLE_DITUTUP) for p in self.cast.everyone())
            return bool(recorded and closed)

        expect = f"tindak lanjut {kode} dicatat"
        if closes:
            expect += "; periode ditutup dan diarsipkan, semua orang diberi tahu"
        self.add(
            f"tindak-lanjut-tulis-{kode}",
            9,
            kepala,
            f'menuliskan tindak lanjut: "{teks}"',
            reply,
            until,
            expect,
            reply_at,
        )


def _names(label: str, indikator: str) -> bool:
    """Whether a button ``3. Persentase gaji dan tunj…`` names ``indikator``."""
    _, _, shown = label.partition(". ")
    return bool(shown) and indikator.startswith(shown.removesuffix("…"))


def _hms(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def quarter_steps(
    cast: Cast, script: QuarterScript, *, open_period: Act | None = None, bantuan: bool = False
) -> list[Step]:
    """Every step of one quarter, in order, for a dinas with the cast's bidang.

    The first step waits for the period to open: by the service's own schedule (its clock reaches
    the opening time) or, when given, by ``open_period`` (e.g. a CLI call). The bidang of
    ``script.terlewat`` is returned once by its Kepala Bidang; the bidang of ``script.salah_ketik``
    submits with a typing error first; the Sekretaris returns the draft once; the Kepala Dinas
    approves and writes rekomendasi; every bidang records its tindak lanjut; the last one closes
    the period. Before the first bidang fills its sheet, ``script.bukti_foto``'s staff member sends a
    photo as bukti dukung. Each step carries the office time of the demo's timeline (:class:`OfficeTime`).
    With ``bantuan`` the first bidang's Kepala Bidang asks /bantuan while its report waits for him.
    """
    b = _QuarterBuilder(cast, script, cast.bidang_nama, open_period)
    typo, missing = script.salah_ketik, script.terlewat
    if typo.bidang == missing.bidang:
        raise ScenarioError("salah ketik dan isian terlewat harus pada bidang yang berbeda")
    others = [k for k in cast.kodes if k not in (typo.bidang, missing.bidang)]
    if not others:
        raise ScenarioError("skenario membutuhkan sedikitnya tiga bidang")
    late = others[-1]  # submits on the next working day, after the Mutu Baku of step 2
    early = others[:-1]

    b.opening((0, "08:00"))
    b.distribution((0, "08:07"))
    clock = [10 * 60 + 30]  # minutes after midnight of day 0 for the next bidang

    def at(minutes: int) -> tuple[int, str]:
        return (0, f"{minutes // 60:02d}:{minutes % 60:02d}")

    if script.bukti_foto is not None:
        b.evidence(script.bukti_foto, at(clock[0] - 12))
    for kode in early:
        b.fill(kode, at(clock[0]))
        if bantuan and kode == early[0]:
            b.bantuan(kode, at(clock[0] + 4))
        b.koreksi_approve(kode, at(clock[0] + 6))
        clock[0] += 75
    start = clock[0]
    b.fill(missing.bidang, at(start), slip=missing)
    b.koreksi_return(missing.bidang, at(start + 7), at(start + 9))
    b.fix(missing.bidang, missing, at(start + 85), by_telegram=True, what="melengkapi realisasi anggaran")
    b.koreksi_approve(missing.bidang, at(start + 92))
    start += 115
    b.fill(typo.bidang, at(start), slip=typo, expect_invalid=True)
    b.fix(typo.bidang, typo, at(start + 16), by_telegram=False, what="memperbaiki sel yang salah ketik")
    b.koreksi_approve(typo.bidang, at(start + 23))
    b.fill(late, (1, "09:05"))
    b.koreksi_approve(late, (1, "09:12"), last=True)

    b.analysis_note(script.catatan_analisis, (1, "13:30"), (1, "13:34"), origin=TITLE_DRAF, key="analisis")
    b.submit_to_sekretaris((1, "13:36"), origin=TITLE_DRAF, key="kirim-sekretaris")
    b.sekretaris_return((1, "13:42"), (1, "13:44"))
    b.analysis_note(
        script.catatan_analisis_revisi,
        (1, "14:18"),
        (1, "14:24"),
        origin=TITLE_DINAS_DIKEMBALIKAN,
        key="analisis-revisi",
    )
    b.submit_to_sekretaris((1, "14:26"), origin=TITLE_DINAS_DIKEMBALIKAN, key="kirim-sekretaris-lagi")
    b.forward((1, "14:33"))
    b.kadis_approve((1, "14:50"))
    b.rekomendasi((1, "14:52"), (1, "14:58"))
    # Step 9's Mutu Baku (5 minutes) runs for every bidang at once: each records within it.
    second = 14 * 3600 + 59 * 60
    for index, kode in enumerate(cast.kodes):
        b.tindak_lanjut(kode, (1, _hms(second)), (1, _hms(second + 40)), closes=index == len(cast.kodes) - 1)
        second += 60
    return b.steps
