"""Keep one tracking issue up to date through the code host's REST API.

Works unchanged against GitHub and Gitea: both serve the same issue routes
(`GET/POST /repos/{repo}/issues`, `PATCH /repos/{repo}/issues/{n}`,
`POST /repos/{repo}/issues/{n}/comments`) under the API root that their
Actions runners put in GITHUB_API_URL. The issue is found by its fixed title
and a hidden marker in its body, not by a label: label routes differ between
the two hosts (names on GitHub, numeric ids on Gitea).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# (method, url, headers, body) -> (status, body)
Transport = Callable[[str, str, dict[str, str], bytes | None], tuple[int, bytes]]

MAX_PAGES = 50


class TrackerError(Exception):
    """The code host refused or could not be reached; the message says what to do."""


def urllib_transport(
    method: str, url: str, headers: dict[str, str], body: bytes | None
) -> tuple[int, bytes]:
    if not url.startswith(("https://", "http://")):
        raise TrackerError(f"API 地址「{url}」不是 http(s) 地址。")
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # scheme checked above
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()
    except (urllib.error.URLError, TimeoutError) as err:
        raise TrackerError(f"无法连接代码托管平台（{url}）：{err}") from err


@dataclass(slots=True)
class IssueApi:
    api_url: str  # GITHUB_API_URL: https://api.github.com, or https://gitea.example/api/v1
    repo: str  # owner/name
    token: str
    transport: Transport | None = None  # None: urllib_transport, looked up when called

    def call(self, method: str, path: str, payload: object = None, **query: object) -> Any:
        url = f"{self.api_url.rstrip('/')}/repos/{self.repo}{path}"
        if query:
            url += "?" + urllib.parse.urlencode(query)
        headers = {
            "Accept": "application/json",
            "Authorization": f"token {self.token}",
            "User-Agent": "zxz-audit-overdue",
        }
        body = None
        if payload is not None:
            headers["Content-Type"] = "application/json"
            body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        send = self.transport or urllib_transport
        status, raw = send(method, url, headers, body)
        if status in (401, 403):
            raise TrackerError(
                f"代码托管平台拒绝了请求（HTTP {status}）：工作流的令牌需要 issues: write 权限，"
                "请检查工作流的 permissions 和仓库的 Actions 设置。"
            )
        if status >= 300:
            detail = raw.decode("utf-8", "replace")[:300]
            raise TrackerError(f"代码托管平台返回 HTTP {status}（{method} {path}）：{detail}")
        return json.loads(raw) if raw.strip() else None


def _is_tracker(issue: dict[str, Any], title: str, marker: str) -> bool:
    return (
        not issue.get("pull_request")
        and issue.get("title") == title
        and marker in (issue.get("body") or "")
    )


def open_trackers(api: IssueApi, title: str, marker: str) -> list[dict[str, Any]]:
    """Open issues that are ours, lowest number first."""
    found: list[dict[str, Any]] = []
    for page in range(1, MAX_PAGES + 1):
        # per_page is GitHub's page size, limit Gitea's; each host ignores the other's.
        items = api.call(
            "GET", "/issues", state="open", type="issues", per_page=100, limit=50, page=page
        )
        if not items:
            break
        found += [i for i in items if _is_tracker(i, title, marker)]
    return sorted(found, key=lambda i: i["number"])


def sync(api: IssueApi, title: str, marker: str, body: str | None, closing_note: str) -> str:
    """Create, rewrite or close the tracking issue; `body` None means nothing is overdue.
    Returns what was done, in Chinese."""
    trackers = open_trackers(api, title, marker)
    done: list[str] = []
    for extra in trackers[1:]:  # keep exactly one
        api.call("PATCH", f"/issues/{extra['number']}", {"state": "closed"})
        done.append(f"关闭了重复的 #{extra['number']}")
    current = trackers[0] if trackers else None
    if body is None:
        if current is None:
            return "；".join([*done, "没有逾期事项，也没有未关闭的清单"])
        api.call("POST", f"/issues/{current['number']}/comments", {"body": closing_note})
        api.call(
            "PATCH",
            f"/issues/{current['number']}",
            {"body": marker + "\n\n" + closing_note, "state": "closed"},
        )
        return "；".join([*done, f"没有逾期事项，已关闭 #{current['number']}"])
    if current is None:
        created = api.call("POST", "/issues", {"title": title, "body": body})
        return "；".join([*done, f"已新建 #{created['number']}"])
    if (current.get("body") or "") == body:
        return "；".join([*done, f"#{current['number']} 内容没有变化"])
    api.call("PATCH", f"/issues/{current['number']}", {"body": body})
    return "；".join([*done, f"已更新 #{current['number']}"])
