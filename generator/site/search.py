"""The words of the search index: a jieba user dictionary made from org.yaml and the records.

Material's search segments Chinese text with jieba at build time (`lang: zh`); jieba
does not know the people, units and places of a college, and cuts 孙明德 into 孙 and
明德, so that a search for a leader finds everyone named 孙. The dictionary lists
every person (书记, 副书记, group leaders and liaisons, hosts, speakers, contacts,
visitors), every unit and every place the records name, as jieba's user dictionary
(`plugins: search: jieba_dict_user`), so that each is one word in the index.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the second mkdocs process imports this module for FILE alone
    from generator.pipeline import CheckResult

FILE = "jieba_user.txt"  # in the build folder, beside its mkdocs.yml; not published
# What Material segments: runs of Han characters (anything else is split by its separator)
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def _names(result: CheckResult) -> Iterator[str]:
    org = result.records.org
    if org is not None:
        yield org.institution
        for unit in org.units.values():
            yield unit.name
            yield unit.secretary
            yield from unit.deputy_secretaries
        for group in org.groups.values():
            yield group.leader.name
            yield group.liaison.name
    for session in result.records.sessions:
        yield session.location
        yield session.host.name
        yield session.contact.name
        for speaker in session.speakers:
            yield speaker.name
        for visitor in session.visitors:
            yield visitor.name


def dictionary_words(result: CheckResult) -> list[str]:
    """Every Han run of two or more characters in those names, sorted."""
    words = {run for name in _names(result) for run in HAN.findall(name) if len(run) >= 2}
    return sorted(words)


def write_dictionary(result: CheckResult, build_dir: Path) -> Path:
    """The user dictionary in the build folder: one word a line (jieba works out a
    frequency that keeps each word whole)."""
    path = build_dir / FILE
    path.write_text("".join(f"{word}\n" for word in dictionary_words(result)), encoding="utf-8")
    return path


def search_settings(settings: dict, dictionary: str) -> dict:
    """mkdocs.yml's settings with the search plugin pointed at the dictionary (a path
    relative to the build folder, where `cd build && mkdocs build` runs)."""
    plugins = []
    for plugin in settings.get("plugins") or []:
        if plugin == "search":
            plugin = {"search": {}}
        if isinstance(plugin, dict) and "search" in plugin:
            options = dict(plugin["search"] or {})
            options["jieba_dict_user"] = dictionary
            plugin = {"search": options}
        plugins.append(plugin)
    return {**settings, "plugins": plugins}
