"""CODEOWNERS from org.yaml: each unit's folder to its audit group's liaison;
everything else — org.yaml, the workflows, CODEOWNERS itself — to `owners`
(党委宣传部).

Two flavors: GitHub's (gitignore-style paths, the last matching line wins,
`.github/CODEOWNERS`) and Gitea's (anchored Go regular expressions, every
matching line adds reviewers, `.gitea/CODEOWNERS`).
"""

from __future__ import annotations

import re

from generator.model import Org

FLAVORS = ("github", "gitea")
DEFAULT_PATH = {"github": ".github/CODEOWNERS", "gitea": ".gitea/CODEOWNERS"}

# Files only 党委宣传部 may change, whatever else matches them.
PROTECTED = (".github/", ".gitea/", ".pre-commit-hooks.yaml")

_HEADER = (
    "# 由 `python -m generator codeowners` 根据 {org} 生成，请勿手工修改：\n"
    "# 修改 org.yaml（owners、各组联络员的 github 账号）后重新生成并提交。\n"
    "# 党委宣传部（owners）负责全部文件；各单位的学习记录由所属列席旁听组的联络员审核。\n"
)


def _gitea_escape(path: str) -> str:
    """A literal path as a Gitea CODEOWNERS regexp: specials escaped with `\\\\`
    (Gitea unescapes one backslash when it splits the line)."""
    return re.sub(r"([.+*?()|\[\]{}^$\\])", r"\\\\\1", path)


def render(org: Org, records_prefix: str, flavor: str = "github") -> tuple[str, list[str]]:
    """The file's text and warnings (in Chinese) about owners that could not be named.

    `records_prefix` is the records folder relative to the repository, e.g. `records/`."""
    if flavor not in FLAVORS:
        raise ValueError(flavor)
    warnings: list[str] = []
    owners = list(dict.fromkeys(org.owners))
    if not owners:
        warnings.append(
            "org.yaml 没有填写 owners（党委宣传部的账号）：除各单位文件夹外的文件没有代码所有者。"
        )
    owners_text = " ".join(owners)
    gitea = flavor == "gitea"
    lines = [_HEADER.format(org=f"{records_prefix}org.yaml")]
    if owners:
        lines.append("# 默认：全部文件归党委宣传部")
        lines.append(f".* {owners_text}" if gitea else f"* {owners_text}")
        lines.append("")
    for group in org.groups.values():
        handle = f"@{group.liaison.github}" if group.liaison.github else None
        lines.append(
            f"# 列席旁听组 {group.id}：组长 {group.leader.name}，联络员 {group.liaison.name}"
        )
        if handle is None:
            warnings.append(
                f"列席旁听组 {group.id} 的联络员{group.liaison.name}没有登记 github 账号："
                "该组单位的记录只由 owners 审核。"
            )
            lines.append(f"# （联络员{group.liaison.name}未登记 github 账号，由 owners 审核）")
        for unit in group.units:
            folder = f"{records_prefix}sessions/{unit}/"
            if gitea:
                if handle is not None:  # owners already match every file through `.*`
                    lines.append(f"{_gitea_escape(folder)}.* {handle}")
            else:
                reviewers = " ".join(dict.fromkeys(x for x in (handle, *owners) if x))
                if reviewers:
                    lines.append(f"/{folder} {reviewers}")
        lines.append("")
    if owners:
        lines.append(
            "# 组织信息、工作流、CODEOWNERS 本身：只归党委宣传部"
            + (
                "（Gitea 把所有匹配的行叠加）"
                if gitea
                else "（写在最后：GitHub 以最后匹配的一行为准）"
            )
        )
        for path in (f"{records_prefix}org.yaml", *PROTECTED):
            if gitea:
                suffix = ".*" if path.endswith("/") else ""
                lines.append(f"{_gitea_escape(path)}{suffix} {owners_text}")
            else:
                lines.append(f"/{path} {owners_text}")
    return "\n".join(lines).rstrip("\n") + "\n", warnings
