"""The liaison's answers, checked one at a time: each check returns a Chinese problem
that says what to type instead, or None. Full-width input from a Chinese input method
is accepted (NFKC)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from generator.new.base import Ask, Check

TIME = re.compile(r"([01]?[0-9]|2[0-3]):[0-5][0-9]")
PHONE = re.compile(r"\+?[0-9][0-9 ()\-]{2,24}(转[0-9]{1,6})?")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
YES = frozenset({"y", "yes", "是", "好", "对", "要", "1"})
NO = frozenset({"n", "no", "否", "不", "不是", "不要", "0"})
NOT_YET = frozenset({"无", "没有", "未报", "还没有", "-"})


def normalize(text: str) -> str:
    """Full-width digits, colons and dashes from a Chinese input method become ASCII."""
    return unicodedata.normalize("NFKC", text).strip()


def check_text(label: str, required: bool = True) -> Check:
    def run(value: str) -> str | None:
        if not value.strip():
            return f"「{label}」不能为空，请填写。" if required else None
        if any(unicodedata.category(c) in ("Cs", "Co") for c in value):
            return f"「{label}」含有无法识别的字符，请重新输入。"
        return None

    return run


def check_time(value: str) -> str | None:
    if TIME.fullmatch(normalize(value)):
        return None
    return f"学习时间「{value}」格式不对：请写成 14:30 或 9:30（英文冒号，24 小时制）。"


def check_count(label: str, minimum: int) -> Check:
    def run(value: str) -> str | None:
        text = normalize(value)
        if text.isdigit() and int(text) >= minimum:
            return None
        return f"「{label}」应为不小于 {minimum} 的整数，现在是「{value}」。"

    return run


def check_phone(value: str) -> str | None:
    if PHONE.fullmatch(normalize(value)):
        return None
    return f"联系电话「{value}」格式不对：请写成 0931-1234567 或 13900000000（只写数字和 -）。"


def parse_date(value: str) -> dt.date | None:
    text = normalize(value)
    if not DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def check_date(label: str, *, allow_not_yet: bool = False) -> Check:
    def run(value: str) -> str | None:
        if allow_not_yet and (not value.strip() or value.strip() in NOT_YET):
            return None
        if parse_date(value) is None:
            return f"「{label}」写的是「{value}」，请写成实际存在的日期，如 2026-12-15。"
        return None

    return run


def check_yes_no(value: str) -> str | None:
    return None if value.strip().lower() in YES | NO else "请回答“是”或“否”。"


def is_yes(value: str) -> bool:
    return value.strip().lower() in YES


# Between name, title and outline: a slash (half or full width), 、 or spaces, as a
# Chinese input method types them; the outline keeps any further separators.
SPEAKER_SEPARATOR = re.compile(r"\s*[/／、]\s*|\s+")
SPEAKER_FORMAT = "姓名 职务 发言提纲，中间用空格、/ 或 、 分开，如：王立新 院长 结合学院实际谈体会"
LONGEST_NAME = 5  # longer without any separator: most likely 姓名职务… typed together


def split_speaker(value: str) -> tuple[str, str | None, str | None]:
    """「姓名 职务 发言提纲」, 「姓名/职务/发言提纲」 or 「姓名、职务、发言提纲」."""
    parts = [p.strip() for p in SPEAKER_SEPARATOR.split(value.strip(), maxsplit=2)]
    name = parts[0]
    title = parts[1] if len(parts) > 1 and parts[1] else None
    outline = parts[2] if len(parts) > 2 and parts[2] else None
    return name, title, outline


def check_speaker(value: str) -> str | None:
    if not value.strip():
        return None
    name, title, outline = split_speaker(value)
    if not name:
        return f"请按「{SPEAKER_FORMAT}」输入。"
    if title is None and outline is None and "·" not in name and len(name) > LONGEST_NAME:
        return f"「{name}」不像一个姓名。请按「{SPEAKER_FORMAT}」输入。"
    return check_text("发言人")(value)


def ask_date(
    ask: Ask, question: str, default: str, label: str, not_yet: str = "还没报"
) -> dt.date | None:
    """A filing date asked for; 「无」 means not filed yet."""
    value = ask(
        f"{question}（{not_yet}就输入“无”）", default, check_date(label, allow_not_yet=True)
    )
    return parse_date(value)
