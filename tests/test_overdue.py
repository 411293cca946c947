"""The overdue report: exactly check's *-missing findings; the tracking issue kept in step."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import os
import re
import shutil
import ssl
import subprocess
import threading
from pathlib import Path
from typing import ClassVar

import pytest

from generator import overdue, tracker
from generator.cli import main
from generator.pipeline import check

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "records"


def check_json(records: Path, as_of: str, capsys) -> dict:
    capsys.readouterr()
    main(["check", "--records", str(records), "--as-of", as_of, "--format", "json"])
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("as_of", ["2026-11-29", "2026-12-20", "2027-02-01", "2026-03-01"])
def test_overdue_json_is_exactly_the_missing_findings_of_check(as_of: str, capsys) -> None:
    expected = [
        f for f in check_json(SAMPLES, as_of, capsys)["findings"] if f["rule"].endswith("-missing")
    ]
    assert main(["overdue", "--records", str(SAMPLES), "--as-of", as_of, "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["as_of"] == as_of
    assert payload["findings"] == expected
    assert payload["count"] == len(expected)


def test_sample_records_on_their_date_have_the_planted_missing_filings(capsys) -> None:
    main(["overdue", "--records", str(SAMPLES), "--as-of", "2026-11-29", "--format", "json"])
    rules = sorted(f["rule"] for f in json.loads(capsys.readouterr().out)["findings"])
    assert rules == [
        "audit-record-missing",
        "group-audit-missing",
        "monthly-study-missing",
        "monthly-study-missing",
        "rectification-missing",
    ]


def test_late_filings_are_not_overdue() -> None:
    result = check(SAMPLES, dt.date(2026, 11, 29))
    assert any(f.rule.endswith("-late") for f in result.findings)
    assert not any(f.rule.endswith("-late") for f in overdue.overdue_findings(result))


def _rows(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("| ") and "---" not in line]


@pytest.mark.parametrize("as_of", ["2026-11-29", "2026-12-20"])
def test_markdown_has_one_row_per_missing_finding(as_of: str) -> None:
    result = check(SAMPLES, dt.date.fromisoformat(as_of))
    body = overdue.as_markdown(result)
    missing = overdue.overdue_findings(result)
    rows = [r for r in _rows(body) if not r.startswith("| 单位 |")]
    assert len(rows) == len(missing)
    for finding in missing:
        assert any(overdue._cell(finding.message) in row for row in rows), finding
    assert body.startswith(overdue.MARKER)
    assert f"共 {len(missing)} 项" in body


def test_markdown_when_nothing_is_overdue() -> None:
    result = check(SAMPLES, dt.date(2026, 3, 1))
    assert overdue.overdue_findings(result) == []
    body = overdue.as_markdown(result)
    assert "没有逾期未完成的报送" in body and not _rows(body)


def test_record_text_cannot_break_the_issue_markdown(tmp_path: Path) -> None:
    records = tmp_path / "records"
    shutil.copytree(SAMPLES, records)
    org = records / "org.yaml"
    hostile = "后勤|直属党支部 <img src=x onerror=alert(1)> @everyone #12 [点我](https://evil.example) **粗** `x`"
    org.write_text(
        org.read_text(encoding="utf-8").replace("name: 后勤直属党支部", f'name: "{hostile}"'),
        encoding="utf-8",
    )
    result = check(records, dt.date(2026, 11, 29))
    body = overdue.as_markdown(result)
    rows = [r for r in _rows(body) if "hqzs" in r]
    assert rows, "the hostile unit name is in the issue"
    for row in rows:
        assert row.count("|") == 6, "five cells, no stray column"
        for raw in ("<img", "@everyone", "](", "**", "`"):
            assert raw not in row
    assert "&#64;&#8203;everyone" in rows[0] and "&#60;img" in rows[0]
    assert "&#35;&#8203;12" in rows[0]


def test_markdown_is_cut_at_a_row_when_too_long() -> None:
    result = check(SAMPLES, dt.date(2027, 2, 1))
    full = overdue.as_markdown(result)
    cut = overdue.as_markdown(result, max_chars=3000)
    assert len(cut) <= 3000 < len(full)
    assert "另有" in cut and "未列出" in cut
    assert all(line in full.splitlines() for line in _rows(cut))


# ---------------------------------------------------------------- the tracking issue


class FakeHost:
    """Just enough of GitHub's and Gitea's issue API, in memory."""

    # The workflow token's account as GitHub's REST API shows it on an issue.
    BOT: ClassVar[dict] = {"login": "github-actions[bot]", "id": 41898282}

    def __init__(self, page_size: int = 2, rest_user: bool = False) -> None:
        self.issues: dict[int, dict] = {}
        self.comments: list[tuple[int, str]] = []
        self.calls: list[tuple[str, str]] = []
        self.page_size = page_size
        self.status: int | None = None
        # GitHub refuses GET /user to the workflow token (GraphQL's viewer names it);
        # Gitea answers it.
        self.rest_user = rest_user

    def add(
        self, title: str, body: str, state: str = "open", pr: bool = False, user: dict = BOT
    ) -> int:
        number = len(self.issues) + 1
        self.issues[number] = {
            "number": number,
            "title": title,
            "body": body,
            "state": state,
            "user": user,
        }
        if pr:
            self.issues[number]["pull_request"] = {"url": "x"}
        return number

    def __call__(self, method: str, url: str, headers: dict, body: bytes | None):
        assert headers["Authorization"] == "token secret"
        self.calls.append((method, url))
        if url == "https://api.test/user":
            if self.rest_user:
                return 200, json.dumps(self.BOT).encode()
            return 403, b'{"message": "Resource not accessible by integration"}'
        if url == "https://api.test/graphql":
            assert json.loads(body)["query"].replace(" ", "") == "query{viewer{logindatabaseId}}"
            viewer = {"login": self.BOT["login"], "databaseId": self.BOT["id"]}
            return 200, json.dumps({"data": {"viewer": viewer}}).encode()
        if self.status:
            return self.status, b'{"message": "nope"}'
        match = re.fullmatch(
            r"https://api\.test/repos/o/r(/issues(?:/(\d+)(/comments)?)?)(\?.*)?", url
        )
        assert match, url
        payload = json.loads(body) if body else None
        number = int(match.group(2)) if match.group(2) else None
        if method == "GET":
            page = int(re.search(r"[?&]page=(\d+)", url).group(1))
            assert "state=open" in url
            items = [i for i in self.issues.values() if i["state"] == "open"]
            chunk = items[(page - 1) * self.page_size : page * self.page_size]
            return 200, json.dumps(chunk).encode()
        if method == "POST" and match.group(3):
            self.comments.append((number, payload["body"]))
            return 201, b"{}"
        if method == "POST":
            number = self.add(payload["title"], payload["body"])
            return 201, json.dumps(self.issues[number]).encode()
        if method == "PATCH":
            self.issues[number].update(payload)
            return 200, json.dumps(self.issues[number]).encode()
        raise AssertionError(method)


def api(host: FakeHost) -> tracker.IssueApi:
    return tracker.IssueApi("https://api.test/", "o/r", "secret", transport=host)


def sync(host: FakeHost, body: str | None) -> str:
    return tracker.sync(api(host), overdue.TITLE, overdue.MARKER, body, "已全部补齐")


def body(text: str) -> str:
    return f"{overdue.MARKER}\n\n{text}"


def test_created_when_something_is_overdue() -> None:
    host = FakeHost()
    assert "已新建 #1" in sync(host, body("一项"))
    assert host.issues[1]["title"] == overdue.TITLE and host.issues[1]["body"] == body("一项")


def test_rewritten_each_day_and_left_alone_when_unchanged() -> None:
    host = FakeHost()
    for n in range(3):  # other issues, one a pull request with our title
        host.add(f"别的议题 {n}", "x")
    host.add(overdue.TITLE, body("冒充"), pr=True)
    host.add(overdue.TITLE, "没有标记的同名议题")
    ours = host.add(overdue.TITLE, body("昨天"))
    assert f"已更新 #{ours}" in sync(host, body("今天"))
    assert host.issues[ours]["body"] == body("今天")
    assert host.issues[5]["body"] == "没有标记的同名议题", "only the marked issue is ours"
    assert "没有变化" in sync(host, body("今天"))
    assert sum(1 for m, _ in host.calls if m == "PATCH") == 1


def test_closed_when_nothing_is_overdue() -> None:
    host = FakeHost()
    ours = host.add(overdue.TITLE, body("昨天"))
    assert f"已关闭 #{ours}" in sync(host, None)
    assert host.issues[ours]["state"] == "closed"
    assert host.comments == [(ours, "已全部补齐")]
    assert "无需" in sync(host, None) or "没有逾期事项" in sync(host, None)
    # overdue again later: a new issue, never the closed one rewritten
    assert "已新建" in sync(host, body("又有了"))
    assert host.issues[ours]["state"] == "closed"


def test_duplicates_are_closed_so_one_remains() -> None:
    host = FakeHost()
    first = host.add(overdue.TITLE, body("a"))
    second = host.add(overdue.TITLE, body("b"))
    result = sync(host, body("c"))
    assert f"#{second}" in result and f"已更新 #{first}" in result
    assert host.issues[second]["state"] == "closed" and host.issues[first]["body"] == body("c")


def test_refusal_is_a_clear_error() -> None:
    host = FakeHost()
    host.status = 403
    with pytest.raises(tracker.TrackerError, match="issues: write"):
        sync(host, body("x"))
    host.status = 500
    with pytest.raises(tracker.TrackerError, match="HTTP 500"):
        sync(host, body("x"))


def test_update_issue_needs_the_workflow_environment(monkeypatch, capsys) -> None:
    for name in ("GITHUB_API_URL", "GITHUB_REPOSITORY", "GITHUB_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    code = main(["overdue", "--records", str(SAMPLES), "--as-of", "2026-11-29", "--update-issue"])
    assert code == 2 and "GITHUB_TOKEN" in capsys.readouterr().err


def test_update_issue_end_to_end_through_the_command(monkeypatch, capsys) -> None:
    host = FakeHost()
    monkeypatch.setattr(tracker, "urllib_transport", host)
    monkeypatch.setenv("GITHUB_API_URL", "https://api.test")
    monkeypatch.setenv("GITHUB_REPOSITORY", "o/r")
    monkeypatch.setenv("GITHUB_TOKEN", "secret")
    args = ["overdue", "--records", str(SAMPLES), "--update-issue"]
    assert main([*args, "--as-of", "2026-11-29"]) == 0
    assert "已新建 #1" in capsys.readouterr().out
    expected = overdue.as_markdown(check(SAMPLES, dt.date(2026, 11, 29)))
    assert host.issues[1]["body"] == expected
    assert main([*args, "--as-of", "2026-03-01"]) == 0
    assert "已关闭 #1" in capsys.readouterr().out


# ---------------------------------------------------------------- whose issue, which origin


def test_an_issue_opened_by_someone_else_is_never_adopted() -> None:
    host = FakeHost()
    mallory = host.add(overdue.TITLE, body("冒充的清单"), user={"login": "mallory", "id": 7})
    result = sync(host, body("今天"))
    assert "已新建 #2" in result and f"#{mallory} 不是本工作流的令牌所建" in result
    assert host.issues[mallory] == {
        "number": mallory,
        "title": overdue.TITLE,
        "body": body("冒充的清单"),
        "state": "open",
        "user": {"login": "mallory", "id": 7},
    }, "neither rewritten nor closed as a duplicate"
    assert host.issues[2]["user"] == FakeHost.BOT
    assert "已更新 #2" in sync(host, body("明天")), "our own issue is found again"
    assert "已关闭 #2" in sync(host, None) and host.issues[mallory]["state"] == "open"


def test_the_account_is_asked_of_the_api() -> None:
    github = FakeHost()  # GET /user refused to the workflow token: GraphQL's viewer
    assert tracker.IssueApi("https://api.test", "o/r", "secret", github).whoami() == (
        tracker.Account("github-actions[bot]", 41898282)
    )
    assert [c for c in github.calls if "/repos/" not in c[1]] == [
        ("GET", "https://api.test/user"),
        ("POST", "https://api.test/graphql"),
    ]
    gitea = FakeHost(rest_user=True)
    assert api(gitea).whoami().login == "github-actions[bot]"
    assert gitea.calls == [("GET", "https://api.test/user")]
    enterprise = tracker.IssueApi("https://ghe.example/api/v3", "o/r", "secret")
    assert enterprise.graphql_url() == "https://ghe.example/api/graphql"


def test_an_unknown_account_is_a_clear_error() -> None:
    def nobody(method: str, url: str, headers: dict, body: bytes | None):
        return 404, b"{}"

    with pytest.raises(tracker.TrackerError, match="无法确认令牌属于哪个账号"):
        tracker.sync(
            tracker.IssueApi("https://api.test", "o/r", "secret", nobody),
            overdue.TITLE,
            overdue.MARKER,
            body("x"),
            "已全部补齐",
        )


def test_an_http_api_url_is_refused_before_anything_is_sent(monkeypatch, capsys) -> None:
    host = FakeHost()
    with pytest.raises(tracker.TrackerError, match="https://"):
        sync_api = tracker.IssueApi("http://api.test", "o/r", "secret", transport=host)
        tracker.sync(sync_api, overdue.TITLE, overdue.MARKER, body("x"), "已全部补齐")
    assert host.calls == []
    with pytest.raises(tracker.TrackerError, match="不是 https://"):
        tracker.urllib_transport("GET", "http://api.test/user", {}, None)
    monkeypatch.setattr(tracker, "urllib_transport", host)
    monkeypatch.setenv("GITHUB_API_URL", "http://api.test")
    monkeypatch.setenv("GITHUB_REPOSITORY", "o/r")
    monkeypatch.setenv("GITHUB_TOKEN", "secret")
    args = ["overdue", "--records", str(SAMPLES), "--update-issue", "--as-of", "2026-11-29"]
    assert main(args) == 1
    assert "https://" in capsys.readouterr().err and host.calls == []


def _certificate(folder: Path) -> tuple[Path, Path]:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl not installed")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


class _Server:
    """An HTTPS server on 127.0.0.1 that records what it is sent and answers with
    a redirect to `redirect_to` (when set) or a JSON object."""

    def __init__(self, cert: Path, key: Path) -> None:
        self.requests: list[tuple[str, str | None]] = []
        self.redirect_to: str | None = None
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.requests.append((self.path, self.headers.get("Authorization")))
                if owner.redirect_to and not self.path.startswith("/moved"):
                    self.send_response(301)
                    self.send_header("Location", owner.redirect_to)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"login": "x"}')

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_the_token_never_follows_a_redirect_to_another_origin(tmp_path: Path, monkeypatch) -> None:
    cert, key = _certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust the throwaway certificate
    api, elsewhere = _Server(cert, key), _Server(cert, key)
    try:
        headers = {"Authorization": "token secret"}
        api.redirect_to = f"{api.url}/moved/user"  # same origin: followed, token and all
        assert tracker.urllib_transport("GET", f"{api.url}/user", headers, None) == (
            200,
            b'{"login": "x"}',
        )
        assert api.requests == [("/user", "token secret"), ("/moved/user", "token secret")]
        api.redirect_to = f"{elsewhere.url}/steal"  # another port: another origin
        with pytest.raises(tracker.TrackerError, match="没有跟随"):
            tracker.urllib_transport("GET", f"{api.url}/user", headers, None)
        assert elsewhere.requests == [], "the other origin never saw a request, let alone the token"
        api.redirect_to = f"http://127.0.0.1:{api.url.rsplit(':', 1)[1]}/moved"  # downgrade
        with pytest.raises(tracker.TrackerError, match="没有跟随"):
            tracker.urllib_transport("GET", f"{api.url}/user", headers, None)
    finally:
        api.close()
        elsewhere.close()


def test_issue_cells_show_control_characters_and_odd_file_names_escaped() -> None:
    cell = overdue._cell("\x1b[31m张\u202e" + os.fsdecode(b"\xff.yaml"))
    assert "\x1b" not in cell and "\u202e" not in cell
    assert cell.encode("utf-8")  # an undecodable file name would make the request body fail
    assert "x1b" in cell and "u202e" in cell and "xff" in cell
