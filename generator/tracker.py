"""Keep one tracking issue up to date through the code host's REST API.

Works unchanged against GitHub and Gitea: both serve the same issue routes
(`GET/POST /repos/{repo}/issues`, `PATCH /repos/{repo}/issues/{n}`,
`POST /repos/{repo}/issues/{n}/comments`) under the API root that their
Actions runners put in GITHUB_API_URL. The issue is found by its fixed title
and a hidden marker in its body, not by a label: label routes differ between
the two hosts (names on GitHub, numeric ids on Gitea).

Anyone can open an issue with that title and marker, so only an issue opened
by the token's own account (asked of the API: GET /user, or GraphQL's `viewer`
for GitHub's workflow token) is adopted, rewritten or closed. The token goes
over https only, and only to the API's own origin: a redirect elsewhere is
refused, not followed.
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


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    default = {"https": 443, "http": 80}.get(parts.scheme.lower())
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port or default


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """urllib would carry the Authorization header to wherever a redirect points;
    here a redirect is followed only within the API's own origin."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        if _origin(newurl) != _origin(req.full_url):
            raise TrackerError(
                f"代码托管平台把请求（{req.full_url}）转到了另一个地址（{newurl}）。为保护令牌，没有跟随。"
                "请检查 GITHUB_API_URL 是否是代码托管平台 API 的地址。"
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_SameOriginRedirects)


def urllib_transport(
    method: str, url: str, headers: dict[str, str], body: bytes | None
) -> tuple[int, bytes]:
    _require_https(url)
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with _OPENER.open(request, timeout=30) as response:  # https checked above
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()
    except (urllib.error.URLError, TimeoutError) as err:
        raise TrackerError(f"无法连接代码托管平台（{url}）：{err}") from err


def _require_https(url: str) -> None:
    if urllib.parse.urlsplit(url).scheme.lower() != "https":
        raise TrackerError(
            f"API 地址「{url}」不是 https:// 地址：令牌不能经由未加密的连接发送。"
            "请把 GITHUB_API_URL 设为 https:// 开头的地址（Gitea 请先为站点启用 HTTPS）。"
        )


@dataclass(frozen=True, slots=True)
class Account:
    """Who the token is: the only account whose issue the tracker adopts."""

    login: str
    id: int | None

    def opened(self, issue: dict[str, Any]) -> bool:
        user = issue.get("user") or {}
        if self.id is not None and user.get("id") == self.id:
            return True
        login = user.get("login")
        return isinstance(login, str) and login.lower() == self.login.lower()


@dataclass(slots=True)
class IssueApi:
    api_url: str  # GITHUB_API_URL: https://api.github.com, or https://gitea.example/api/v1
    repo: str  # owner/name
    token: str
    transport: Transport | None = None  # None: urllib_transport, looked up when called

    def send(self, method: str, url: str, payload: object = None) -> tuple[int, bytes]:
        """One request with the token, to the API's own origin and over https only."""
        _require_https(self.api_url)
        if _origin(url) != _origin(self.api_url):
            raise TrackerError(f"拒绝把令牌发送到 API 以外的地址（{url}）。")
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
        return send(method, url, headers, body)

    def call(self, method: str, path: str, payload: object = None, **query: object) -> Any:
        url = f"{self.api_url.rstrip('/')}/repos/{self.repo}{path}"
        if query:
            url += "?" + urllib.parse.urlencode(query)
        status, raw = self.send(method, url, payload)
        if status in (401, 403):
            raise TrackerError(
                f"代码托管平台拒绝了请求（HTTP {status}）：工作流的令牌需要 issues: write 权限，"
                "请检查工作流的 permissions 和仓库的 Actions 设置。"
            )
        if status >= 300:
            detail = raw.decode("utf-8", "replace")[:300]
            raise TrackerError(f"代码托管平台返回 HTTP {status}（{method} {path}）：{detail}")
        return json.loads(raw) if raw.strip() else None

    def graphql_url(self) -> str:
        """GitHub's GraphQL endpoint beside the REST root (github.com and Enterprise)."""
        root = self.api_url.rstrip("/")
        return (
            root.removesuffix("/v3") + "/graphql" if root.endswith("/api/v3") else root + "/graphql"
        )

    def whoami(self) -> Account:
        """The token's own account. Gitea (and a personal token on GitHub) answer
        GET /user; GitHub refuses it to the workflow token (an app installation),
        which GraphQL's `viewer` names instead."""
        status, raw = self.send("GET", f"{self.api_url.rstrip('/')}/user")
        found = _json_object(raw) if status == 200 else {}
        if not isinstance(found.get("login"), str):
            query = {"query": "query { viewer { login databaseId } }"}
            status, raw = self.send("POST", self.graphql_url(), query)
            viewer = (_json_object(raw).get("data") or {}).get("viewer") if status == 200 else None
            found = {"login": viewer.get("login"), "id": viewer.get("databaseId")} if viewer else {}
        if not isinstance(found.get("login"), str):
            raise TrackerError(
                f"无法确认令牌属于哪个账号（HTTP {status}）：跟踪议题只认本工作流的令牌所建的议题。"
                "请检查 GITHUB_TOKEN 和 GITHUB_API_URL。"
            )
        account_id = found.get("id")
        return Account(found["login"], account_id if type(account_id) is int else None)


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _is_tracker(issue: dict[str, Any], title: str, marker: str) -> bool:
    return (
        not issue.get("pull_request")
        and issue.get("title") == title
        and marker in (issue.get("body") or "")
    )


def open_trackers(
    api: IssueApi, title: str, marker: str, me: Account
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Open issues that are ours (title, marker, and opened by the token's own
    account), lowest number first; and those that only look like ours."""
    found: list[dict[str, Any]] = []
    for page in range(1, MAX_PAGES + 1):
        # per_page is GitHub's page size, limit Gitea's; each host ignores the other's.
        items = api.call(
            "GET", "/issues", state="open", type="issues", per_page=100, limit=50, page=page
        )
        if not items:
            break
        found += [i for i in items if _is_tracker(i, title, marker)]
    found.sort(key=lambda i: i["number"])
    return [i for i in found if me.opened(i)], [i for i in found if not me.opened(i)]


def sync(api: IssueApi, title: str, marker: str, body: str | None, closing_note: str) -> str:
    """Create, rewrite or close the tracking issue; `body` None means nothing is overdue.
    Returns what was done, in Chinese."""
    trackers, lookalikes = open_trackers(api, title, marker, api.whoami())
    done: list[str] = []
    if lookalikes:  # anyone may open an issue with our title and marker: never adopted
        numbers = "、".join(f"#{i['number']}" for i in lookalikes)
        done.append(f"{numbers} 不是本工作流的令牌所建，未予理会")
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
