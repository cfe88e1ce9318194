"""Locale-aware parsing of typed text (USER_ENTERED) and rendering of values (FORMATTED_VALUE).

Sheets reads what a person types by the spreadsheet's locale: in ``id_ID`` ``1.234,5`` is the
number 1234.5 and ``75%`` is 0.75 with a percent format; in ``en_US`` ``1.234,5`` stays text.
Dates are serial numbers (days since 1899-12-30) with a date number format.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any

EPOCH = dt.date(1899, 12, 30)


@dataclass(frozen=True)
class LocaleRules:
    """Separators and date order of one locale."""

    decimal: str
    group: str
    day_first: bool


LOCALES: dict[str, LocaleRules] = {
    "en_US": LocaleRules(".", ",", False),
    "en_GB": LocaleRules(".", ",", True),
    "id_ID": LocaleRules(",", ".", True),
    "in_ID": LocaleRules(",", ".", True),
    "de_DE": LocaleRules(",", ".", True),
    "fr_FR": LocaleRules(",", "\u202f", True),
    "nl_NL": LocaleRules(",", ".", True),
    "es_ES": LocaleRules(",", ".", True),
    "it_IT": LocaleRules(",", ".", True),
    "pt_BR": LocaleRules(",", ".", True),
}


def rules_for(locale: str) -> LocaleRules:
    """The rules of ``locale`` (en_US when unknown)."""
    return LOCALES.get(locale, LOCALES["en_US"])


@dataclass
class Parsed:
    """What USER_ENTERED makes of one input: a value, a formula, and maybe a number format."""

    value: Any
    formula: str | None = None
    number_format: dict[str, str] | None = None


def _number_regex(rules: LocaleRules) -> re.Pattern[str]:
    g, d = re.escape(rules.group), re.escape(rules.decimal)
    groups = rf"[0-9]{{1,3}}(?:{g}[0-9]{{3}})+"
    if rules.group == "\u202f":
        groups = r"[0-9]{1,3}(?:[\u202f\u00a0 ][0-9]{3})+"
    return re.compile(rf"^([+-]?)((?:{groups})|[0-9]*)(?:{d}([0-9]*))?$")


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_SLASH_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def _sci_regex(rules: LocaleRules) -> re.Pattern[str]:
    """Scientific notation with the locale's decimal mark (``1e308``, ``1,5E3`` in ``id_ID``)."""
    d = re.escape(rules.decimal)
    return re.compile(rf"^[+-]?(\d+({d}\d*)?|{d}\d+)[eE][+-]?\d+$")


def date_serial(day: dt.date) -> int:
    """Days since 1899-12-30, the Sheets serial of a date."""
    return (day - EPOCH).days


def serial_date(serial: float) -> dt.datetime:
    """The datetime of a serial number."""
    return dt.datetime.combine(EPOCH, dt.time()) + dt.timedelta(days=serial)


def _parse_number(text: str, rules: LocaleRules) -> tuple[float, bool, int] | None:
    """(value, used grouping, decimals) or None."""
    match = _number_regex(rules).match(text)
    if not match:
        return None
    sign, whole, frac = match.groups()
    if not whole and not frac:
        return None
    grouped = any(sep in whole for sep in (rules.group, "\u00a0", " ", "\u202f"))
    digits = re.sub(r"[^0-9]", "", whole) or "0"
    value = float(f"{digits}.{frac}" if frac else digits)
    if sign == "-":
        value = -value
    return value, grouped, len(frac or "")


def parse_user_entered(raw: Any, locale: str) -> Parsed:
    """Interpret one USER_ENTERED input the way Sheets does for ``locale``."""
    if raw is None:
        return Parsed(None)
    if isinstance(raw, bool):
        return Parsed(raw)
    if isinstance(raw, (int, float)):
        return Parsed(float(raw))
    text = str(raw)
    if text == "":
        return Parsed(None)
    if text.startswith("="):
        return Parsed(None, formula=text)
    if text.startswith("'"):
        return Parsed(text[1:])
    stripped = text.strip()
    if stripped.upper() in {"TRUE", "FALSE"}:
        return Parsed(stripped.upper() == "TRUE")
    rules = rules_for(locale)
    percent = False
    body = stripped
    if body.endswith("%"):
        percent = True
        body = body[:-1].rstrip()
    number = _parse_number(body, rules)
    if number is not None and not math.isfinite(number[0]):
        return Parsed(text)  # beyond a double (400 digits): Sheets keeps what was typed as text
    if number is not None:
        value, grouped, decimals = number
        if percent:
            pattern = "0%" if decimals == 0 else "0." + "0" * decimals + "%"
            return Parsed(value / 100, number_format={"type": "PERCENT", "pattern": pattern})
        if grouped:
            pattern = "#,##0" if decimals == 0 else "#,##0." + "0" * max(decimals, 2)
            return Parsed(value, number_format={"type": "NUMBER", "pattern": pattern})
        return Parsed(value)
    if not percent and _sci_regex(rules).match(body):
        scientific = float(body.replace(rules.decimal, "."))
        if not math.isfinite(scientific):
            return Parsed(text)  # 1e400 is past the largest double: text, not infinity
        return Parsed(scientific, number_format={"type": "SCIENTIFIC", "pattern": "0.00E+00"})
    day = _parse_date(stripped, rules)
    if day is not None:
        pattern = "yyyy-mm-dd" if _ISO_DATE.match(stripped) else ("d/m/yyyy" if rules.day_first else "m/d/yyyy")
        return Parsed(float(date_serial(day)), number_format={"type": "DATE", "pattern": pattern})
    return Parsed(text)


def _parse_date(text: str, rules: LocaleRules) -> dt.date | None:
    try:
        match = _ISO_DATE.match(text)
        if match:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        match = _SLASH_DATE.match(text)
        if match:
            a, b, year = int(match[1]), int(match[2]), int(match[3])
            day, month = (a, b) if rules.day_first else (b, a)
            return dt.date(year, month, day)
    except ValueError:
        return None
    return None


def general(value: float, rules: LocaleRules) -> str:
    """A number in the General format: up to 10 significant digits, locale decimal mark."""
    if math.isnan(value) or math.isinf(value):
        return "#NUM!"
    if value == int(value) and abs(value) < 1e15:
        text = str(int(value))
    elif abs(value) >= 1e15 or (value != 0 and abs(value) < 1e-9):
        mantissa, exp = f"{value:.5E}".split("E")
        mantissa = mantissa.rstrip("0").rstrip(".")
        text = f"{mantissa}E{int(exp):+03d}"
    else:
        digits = max(0, 10 - (math.floor(math.log10(abs(value))) + 1))
        text = f"{value:.{min(digits, 15)}f}".rstrip("0").rstrip(".")
    return text.replace(".", rules.decimal) if rules.decimal != "." else text


def _grouped(value: float, decimals: int, rules: LocaleRules, group: bool) -> str:
    text = f"{abs(value):,.{decimals}f}" if group else f"{abs(value):.{decimals}f}"
    text = text.replace(",", "\0").replace(".", rules.decimal).replace("\0", rules.group)
    return ("-" if value < 0 and float(text.replace(rules.group, "").replace(rules.decimal, ".")) != 0 else "") + text


def format_number(value: float, number_format: dict[str, str] | None, locale: str) -> str:
    """FORMATTED_VALUE of a number under ``number_format`` (a Sheets NumberFormat)."""
    rules = rules_for(locale)
    if not number_format:
        return general(value, rules)
    kind = number_format.get("type", "NUMBER")
    pattern = number_format.get("pattern", "")
    if kind in {"DATE", "DATE_TIME", "TIME"}:
        return format_date(value, pattern or ("yyyy-mm-dd" if kind == "DATE" else "yyyy-mm-dd hh:mm:ss"))
    if kind == "TEXT":
        return general(value, rules)
    if not pattern:
        return general(value, rules)
    if kind == "SCIENTIFIC" or "E+" in pattern:
        mantissa, exp = f"{value:.2E}".split("E")
        return f"{mantissa.replace('.', rules.decimal)}E{int(exp):+03d}"
    scaled = value * 100 if "%" in pattern else value
    core = re.sub(r"[^0#,.]", "", pattern.split(";")[0])
    decimals = len(core.split(".")[1]) if "." in core else 0
    text = _grouped(scaled, decimals, rules, "," in core)
    prefix = ""
    match = re.match(r"^\[\$([^\]-]*)", pattern) or re.match(r'^"([^"]*)"', pattern)
    if match:
        prefix = match.group(1)
    elif pattern.startswith("$"):
        prefix = "$"
    return prefix + text + ("%" if "%" in pattern else "")


def format_date(serial: float, pattern: str) -> str:
    """A serial rendered with a date pattern (yyyy, mm, dd, d, m, hh, ss)."""
    moment = serial_date(serial)
    out = pattern
    tokens = [
        ("yyyy", f"{moment.year:04d}"),
        ("yy", f"{moment.year % 100:02d}"),
        ("hh", f"{moment.hour:02d}"),
        ("ss", f"{moment.second:02d}"),
        ("dd", f"{moment.day:02d}"),
        ("mm", f"{moment.month:02d}"),
        ("d", str(moment.day)),
        ("m", str(moment.month)),
    ]
    result, i = "", 0
    while i < len(out):
        for token, text in tokens:
            if out.startswith(token, i):
                if token == "mm" and result.endswith(tuple(f"{moment.hour:02d}:")) and ":" in result[-3:]:
                    text = f"{moment.minute:02d}"
                result += text
                i += len(token)
                break
        else:
            result += out[i]
            i += 1
    return result
