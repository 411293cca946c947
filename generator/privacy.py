"""Phone numbers in what is published: masked unless the deployment says otherwise.

One normaliser serves every published byte: the site's pages, headings and
search index (generator/site), the assistant's data file, and the Word, Excel
and calendar files the site links (generator/exports, through `masked()`).

A mainland mobile number is 11 digits starting with 1[3-9]. It is found however
it was written: digits in any script or width (`１５８…`, `①`), any run of
separators between any two digits (spaces of any kind, any dash, dots, slashes,
brackets), characters a reader does not see between them (zero-width spaces,
soft hyphens, joiners, combining marks, controls), and a +86 / 0086 / (+86)
prefix. It becomes 139****5678; the text around it is left as written. An office
number in the contact field keeps its area code and shows only the first digits
of the local number (0931-856****).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

MASK = "****"
# Separators a reader skips between the digits of a phone number: whitespace, dashes,
# dots, slashes, brackets, the plus of +86, in ASCII, full width and CJK forms.
SEPARATORS = (
    r"\s\-\u2010-\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d"  # hyphens, en/em dashes, minus
    r".\u00b7\u2022\u2027\u2219\u30fb\u3002\uff0e\uff61\uff65"  # dots
    r"/\\\u2044\u2215\uff0f\uff3c"  # slashes
    r"()\[\]{}\u3010\u3011\u3014\u3015\uff08\uff09\uff3b\uff3d\uff5b\uff5d"  # brackets
    r"+\uff0b_~\uff5e"
)
# Characters whose value is a digit although they are not category Nd (`\d`): superscripts,
# circled and parenthesised numbers, fractions, CJK compatibility dates. `\d` covers
# every script's decimal digits and the full-width ones; tests/test_privacy.py checks
# that this covers every character whose digit value or NFKC form holds a digit.
DIGITISH = (
    r"\d\u00b2\u00b3\u00b9\u00bc-\u00be\u1369-\u1371\u19da\u2070-\u2089\u2150-\u2189"
    r"\u2460-\u24ff\u2776-\u2793\u3251-\u325f\u32b1-\u32cb\u3358-\u33ff"
    r"\U00010a40-\U00010a43\U00010e60-\U00010e68\U00011052-\U0001105a\U0001f100-\U0001f10a"
)
# Within a run of digits and separators as `_fold` reads it (ASCII digits, a separator
# or NUL between them; not for arbitrary text, use `find_mobiles`): the number, optionally
# after +86 / 0086 / 86 in brackets or not, and no digit right before or after.
MOBILE = re.compile(
    r"(?<![0-9])(?:(?P<prefix>[(\[]?(?:\+|00)?86[)\]]?)(?P<gap>[^0-9\0]*))?"
    r"(?P<number>1[^0-9\0]*[3-9](?:[^0-9\0]*[0-9]){9})(?![0-9])"
)
_SEPARATOR = re.compile(f"[{SEPARATORS}]")
# Area code (0 + 2-3 digits), separator, 7-8 digit local number.
LANDLINE = re.compile(
    r"(?<![0-9])(?P<area>0[1-9][0-9]{1,2})(?P<sep>[\s-]?)(?P<local>[0-9]{7,8})(?![0-9])"
)
DIGIT_RUN = re.compile(r"(?<![0-9*])[0-9]{5,}(?![0-9*])")  # not what is masked already
_DECIMAL = re.compile(r"\d")
_DIGITISH = re.compile(f"[{DIGITISH}]")
_PLAIN = re.compile(r"[\t-\r\x20-\x7e]*")  # printable ASCII and whitespace: folds to itself


@dataclass(frozen=True, slots=True)
class _Tables:
    run: re.Pattern[str]  # a stretch of digits, separators and invisible characters
    ignorable: frozenset[str]


def _char_class(code_points: list[int]) -> str:
    ranges: list[str] = []
    start = previous = code_points[0]
    for cp in [*code_points[1:], -2]:
        if cp != previous + 1:
            ranges.append(f"\\U{start:08x}" + (f"-\\U{previous:08x}" if previous > start else ""))
            start = cp
        previous = cp
    return "".join(ranges)


@cache
def _tables() -> _Tables:
    """Built on first use (about 0.05 s): every character a reader does not see, from
    the Unicode database of this Python, so a new zero-width character is not missed."""
    # planes 0-2 and 14 hold every assigned format character, mark and control
    ignorable = [
        cp
        for cp in (*range(0x30000), *range(0xE0000, 0xE1000))
        if unicodedata.category(chr(cp)) in ("Cf", "Mn", "Me", "Cc") and not chr(cp).isspace()
    ]
    invisible = _char_class(ignorable)
    # from a digit to the last digit before anything else: linear, whatever the input
    run = re.compile(f"[{DIGITISH}](?:[{DIGITISH}{SEPARATORS}{invisible}]*[{DIGITISH}])?")
    return _Tables(run, frozenset(map(chr, ignorable)))


@cache
def _fold_char(char: str) -> str:
    """One character as the number finder reads it: a digit as its ASCII digit(s),
    an invisible character as nothing, anything else in its NFKC form."""
    if char in _tables().ignorable:
        return ""
    value = unicodedata.decimal(char, None)
    if value is None:
        value = unicodedata.digit(char, None)
    if value is not None:
        return str(value)
    return unicodedata.normalize("NFKC", char)


def normalise(text: str) -> str:
    """`text` as the number finder reads it: NFKC, every digit in ASCII, characters a
    reader does not see (zero-width spaces, soft hyphens, joiners, combining marks,
    controls) removed. Tests scan published files in this form."""
    return "".join(_fold_char(char) for char in text)


def _may_hold_a_number(text: str) -> bool:
    """Whether `text` has digits enough for a mobile number. A decimal digit (`\\d`) is one
    digit; any other digit-like character gives at most three (⅒ is 1⁄10)."""
    decimals = len(_DECIMAL.findall(text))
    return decimals >= 11 or decimals + 3 * (len(_DIGITISH.findall(text)) - decimals) >= 11


@cache
def _fold_in_run(char: str) -> str:
    """As `_fold_char`, but what comes with a digit and is no separator (the 点 of ㍙,
    1点) becomes NUL, which MOBILE does not skip: 1点3点9点… is not a phone number."""
    part = _fold_char(char)
    if len(part) < 2:
        return part
    return "".join(c if c.isdigit() or _SEPARATOR.match(c) else "\0" for c in part)


def _fold(text: str) -> tuple[str, list[int]]:
    """A run as MOBILE reads it (see `_fold_in_run`) and, for each of its characters,
    the index in `text` it came from."""
    if _PLAIN.fullmatch(text):
        return text, list(range(len(text)))
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        part = _fold_in_run(char)
        folded.append(part)
        origin.extend([index] * len(part))
    return "".join(folded), origin


def _masked(match: re.Match[str]) -> str:
    digits = re.sub(r"[^0-9]", "", match.group("number"))
    head = ""
    if match.group("prefix"):
        head = re.sub(r"\s", "", match.group("prefix")) + (" " if match.group("gap") else "")
    return f"{head}{digits[:3]}{MASK}{digits[-4:]}"


def _mask_run(run: str) -> str:
    folded, origin = _fold(run)
    pieces: list[str] = []
    done = 0
    for match in MOBILE.finditer(folded):
        start, end = origin[match.start()], origin[match.end() - 1] + 1
        pieces += [run[done:start], _masked(match)]
        done = end
    return "".join(pieces) + run[done:] if pieces else run


def mask_mobiles(text: str) -> str:
    """Every mobile number in free text becomes 139****5678, however it is written."""
    if not _may_hold_a_number(text):
        return text  # the common case, at the speed of a regex scan
    return _tables().run.sub(
        lambda run: _mask_run(run.group(0)) if _may_hold_a_number(run.group(0)) else run.group(0),
        text,
    )


def find_mobiles(text: str) -> list[str]:
    """The 11 digits of every mobile number `mask_mobiles` would mask in `text`."""
    found: list[str] = []
    if not _may_hold_a_number(text):
        return found
    for run in _tables().run.finditer(text):
        if _may_hold_a_number(run.group(0)):
            folded, _ = _fold(run.group(0))
            found += [re.sub(r"[^0-9]", "", m.group("number")) for m in MOBILE.finditer(folded)]
    return found


def mask_phone(value: str) -> str:
    """The contact field: mobiles as above, office numbers as 0931-856****, and any
    other long run of digits with its last four hidden. The field holds a number
    only, so it is shown normalised (ASCII digits, nothing invisible)."""
    text = normalise(mask_mobiles(value))
    text = LANDLINE.sub(
        lambda m: f"{m.group('area')}{m.group('sep')}{m.group('local')[:-4]}{MASK}", text
    )
    return DIGIT_RUN.sub(lambda m: m.group(0)[:-4] + MASK, text)
