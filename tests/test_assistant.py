"""The filing assistant (填报助手): its files in the built site, and the page in a browser.

The browser tests fill the form as a liaison would, take the YAML the page
produces, put it into a copy of the sample records and run the checker on it:
what the page accepts, `check` accepts. Chromium is Debian's, launched exactly
as in test_site_browser.py (skipped without /usr/bin/chromium, failed under CI).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from support import ARGS, CHROMIUM, Page, Watched, external_references

from generator.cli import main
from generator.findings import Severity
from generator.pipeline import check
from generator.schemas import _is_real_date
from generator.site.assistant import payload, repo_urls
from generator.site.build import SiteError, generate
from generator.site.serve import make_server

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "records"
AS_OF = dt.date(2026, 11, 29)
# 10:00 in Lanzhou on the as-of day: the page takes "today" in the org's time zone
NOW = dt.datetime(2026, 11, 29, 2, 0, tzinfo=dt.UTC)
SCHEMA_LINE = "# yaml-language-server: $schema=../../../schemas/session.schema.json"
HOSTILE_TOPIC = '<img src=x onerror=alert(1)> 学习《决定》: "要点" #1 \\ {a: [b]}'


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("assistant")
    site, build = tmp / "site", tmp / "build"
    args = ["build", "--records", str(SAMPLE), "--as-of", AS_OF.isoformat()]
    assert main([*args, "--site-dir", str(site), "--build-dir", str(build)]) == 0
    return site, build


# ---------------------------------------------------------------- the built site


def test_the_page_the_validator_and_the_schema_are_in_the_site(built):
    site, _ = built
    page = Page.of(site / "assistant.html")
    scripts = [attrs.get("src") for tag, attrs in page.tags if tag == "script"]
    for src in (
        "assistant/vendor/ajv2020.min.js",
        "assistant/assistant-data.js",
        "assistant/assistant.js",
    ):
        assert src in scripts
        assert (site / src).is_file(), src
    assert any(attrs.get("id") == "zxz-assistant" for _, attrs in page.tags)
    assert (site / "assistant" / "assistant.css").is_file()
    copy = site / "assistant" / "session.schema.json"
    assert copy.read_bytes() == (ROOT / "schemas" / "session.schema.json").read_bytes()
    # the navigation has it, next to the guide
    tabs = Page.of(site / "index.html")
    assert ("a", "assistant.html") in [(t, a.get("href")) for t, a in tabs.tags if t == "a"]
    assert "填报助手" in tabs.visible


def test_the_vendored_validator_is_what_its_readme_says(built):
    site, _ = built
    vendor = ROOT / "docs" / "assistant" / "vendor"
    readme = (vendor / "README.txt").read_text(encoding="utf-8")
    bundle = (vendor / "ajv2020.min.js").read_bytes()
    assert "ajv-dist@8.17.1" in readme and "MIT" in readme
    assert hashlib.sha256(bundle).hexdigest() in readme
    assert bundle.startswith(b"/* ajv 8.17.1 (ajv2020)")
    assert "Evgeny Poberezkin" in (vendor / "LICENSE.txt").read_text(encoding="utf-8")
    assert (site / "assistant" / "vendor" / "ajv2020.min.js").read_bytes() == bundle


def test_the_assistant_makes_no_external_reference(built):
    site, _ = built
    assert external_references(site) == []
    found = [
        f"{path.name}: {match}"
        for path in (site / "assistant").glob("*.js")
        for match in re.findall(r"(?:fetch|XMLHttpRequest|import\()", path.read_text("utf-8"))
    ]
    assert found == []  # the page loads its data as a script: nothing to request, file:// works


def test_assistant_data_has_no_phone_numbers(built):
    site, _ = built
    phones = {s.contact.phone for s in check(SAMPLE, AS_OF).records.sessions}
    assert len(phones) > 5
    data = json.loads((site / "assistant" / "assistant-data.json").read_text(encoding="utf-8"))
    assert '"phone"' not in json.dumps(data)
    for name in ("assistant-data.json", "assistant-data.js"):
        text = re.sub(r"[\s()-]", "", (site / "assistant" / name).read_text(encoding="utf-8"))
        for phone in phones:
            assert re.sub(r"[^0-9]", "", phone) not in text, (name, phone)
    kjxy = next(u for u in data["units"] if u["id"] == "kjxy")
    assert kjxy["next_year_seq"]["2026"] == 9 and kjxy["group"] == "g1"
    assert data["timezone"] == "Asia/Shanghai"
    assert data["repo_new_file_url"] is None
    slugs = [s["slug"] for s in data["sessions"]["kjxy"]]
    assert slugs[0] == "2026-12-18" and "2026-11-03" in slugs


def test_mobile_numbers_in_record_text_are_masked_in_the_data(tmp_path):
    records = tmp_path / "records"
    shutil.copytree(SAMPLE, records)
    path = records / "sessions" / "kjxy" / "2026-12-18.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("location: 会计学院楼301会议室", "location: 会计学院楼（值班 13912345678）"),
        encoding="utf-8",
    )
    result = check(records, AS_OF)
    masked = json.dumps(payload(result, {}), ensure_ascii=False)
    assert "13912345678" not in masked and "139****5678" in masked
    shown = json.dumps(payload(result, {}, show_phone=True), ensure_ascii=False)
    assert "13912345678" in shown and "0931-8562101" not in shown  # never a contact phone


def test_the_code_host_settings_are_checked_and_passed_to_the_page(tmp_path):
    good = "https://git.example.edu.cn/xcb/zxz/new/main?filename={path}&value={yaml}"
    assert repo_urls({"extra": {"repo_new_file_url": good}}) == {
        "repo_new_file_url": good,
        "repo_edit_file_url": None,
    }
    for bad in ("javascript:alert(1)//{path}", "https://git.example.edu.cn/new/main"):
        with pytest.raises(SiteError, match="repo_new_file_url"):
            repo_urls({"extra": {"repo_new_file_url": bad}})
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        (ROOT / "mkdocs.yml")
        .read_text(encoding="utf-8")
        .replace("\nextra:\n", f"\nextra:\n  repo_new_file_url: {json.dumps(good)}\n", 1),
        encoding="utf-8",
    )
    generate(check(SAMPLE, AS_OF), tmp_path / "build", config=config)
    data = json.loads(
        (tmp_path / "build" / "docs" / "assistant" / "assistant-data.json").read_text("utf-8")
    )
    assert data["repo_new_file_url"] == good


# ---------------------------------------------------------------- in the browser


def _serve(site: Path):
    server = make_server(site, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


NEW_FILE_URL = "https://git.example.edu.cn/xcb/zxz/_new/main/{dir}?filename={name}&value={yaml}"
EDIT_FILE_URL = "https://git.example.edu.cn/xcb/zxz/_edit/main/{path}"


@pytest.fixture(scope="module")
def urls(built, tmp_path_factory):
    """The sample site as built (no code host configured), and a copy whose page data
    names a code host, as `extra.repo_new_file_url` in mkdocs.yml would."""
    site, _ = built
    hosted = tmp_path_factory.mktemp("hosted") / "site"
    shutil.copytree(site, hosted)
    script = hosted / "assistant" / "assistant-data.js"
    text = script.read_text(encoding="utf-8")
    assert '"repo_new_file_url": null' in text
    text = text.replace('"repo_new_file_url": null', f'"repo_new_file_url": "{NEW_FILE_URL}"')
    text = text.replace('"repo_edit_file_url": null', f'"repo_edit_file_url": "{EDIT_FILE_URL}"')
    script.write_text(text, encoding="utf-8")
    plain, plain_url = _serve(site)
    host, host_url = _serve(hosted)
    yield plain_url, host_url
    for server in (plain, host):
        server.shutdown()
        server.server_close()


@pytest.fixture
def watched(browser):
    watched = Watched(
        browser,
        viewport={"width": 1280, "height": 1000},
        accept_downloads=True,
        permissions=["clipboard-read", "clipboard-write"],
        locale="zh-CN",
    )
    watched.context.clock.set_fixed_time(NOW)
    yield watched
    assert watched.outside == [], watched.outside
    assert watched.errors == [], watched.errors
    assert watched.dialogs == [], watched.dialogs
    watched.close()


def _open(watched, url: str):
    page = watched.page
    page.goto(f"{url}/assistant.html", wait_until="networkidle")
    page.locator(".zxz-a-status").wait_for()
    return page


def _panel(page, mode: str):
    return page.locator(f"[data-mode={mode}]")


def _fill_new_session(page) -> None:
    panel = _panel(page, "session")
    panel.locator("[data-ptr='/unit']").select_option("kjxy")
    # prefilled from the unit's last session and org.yaml
    assert panel.locator("[data-ptr='/location']").input_value() == "会计学院楼301会议室"
    assert panel.locator("[data-ptr='/host/name']").input_value() == "张明华"
    assert panel.locator("[data-ptr='/filed/arrangement']").input_value() == "2026-11-29"
    panel.locator("[data-ptr='/date']").fill("2026-12-22")
    assert panel.locator("[data-ptr='/year_seq']").input_value() == "9"
    panel.locator("[data-ptr='/time']").fill("14:30")
    panel.locator("[data-ptr='/location']").fill("会计学院楼302会议室")
    panel.locator("[data-ptr='/members']").fill("15")
    panel.locator("[data-ptr='/host/title']").fill("党委书记")
    panel.locator("[data-ptr='/topics/0/title']").fill("学习习近平总书记关于教育的重要论述")
    panel.get_by_role("button", name=re.compile("添加一项")).click()
    panel.locator("[data-ptr='/topics/1/title']").fill(HOSTILE_TOPIC)
    panel.get_by_role("button", name=re.compile("添加交流研讨")).click()
    panel.locator("[data-ptr='/speakers/0/name']").fill("李晓燕")
    panel.locator("[data-ptr='/speakers/0/title']").fill("党委副书记")
    panel.locator("[data-ptr='/speakers/0/outline']").fill("以学促干: 谈体会 #1")
    panel.locator(".zxz-a-row-speaker input[type=checkbox]").check()
    panel.locator("[data-ptr='/contact/name']").fill("刘佳")
    panel.locator("[data-ptr='/contact/phone']").fill("0931-8562101")


def test_a_new_session_from_the_page_passes_check(watched, urls, tmp_path):
    page = _open(watched, urls[0])
    _fill_new_session(page)
    assert "已通过格式检查" in page.inner_text(".zxz-a-status")
    assert page.locator(".zxz-a-copy").is_enabled()
    assert "records/sessions/kjxy/2026-12-22.yaml" in page.inner_text(".zxz-a-file")
    preview = page.locator("#zxz-a-yaml").text_content()
    with page.expect_download() as info:
        page.locator(".zxz-a-download").click()
    download = info.value
    assert download.suggested_filename == "2026-12-22.yaml"
    text = Path(download.path()).read_text(encoding="utf-8")
    assert text == preview
    assert text.splitlines()[0] == SCHEMA_LINE
    assert page.locator("#zxz-a-yaml img").count() == 0  # typed text stays text
    page.locator(".zxz-a-copy").click()
    page.locator(".zxz-a-feedback", has_text="已复制").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == text

    records = tmp_path / "records"
    shutil.copytree(SAMPLE, records)
    (records / "sessions" / "kjxy" / "2026-12-22.yaml").write_text(text, encoding="utf-8")
    result = check(records, AS_OF)
    mine = [f for f in result.findings if f.file == "records/sessions/kjxy/2026-12-22.yaml"]
    assert mine == []
    assert not [f for f in result.findings if f.severity is Severity.ERROR]
    session = next(s for s in result.records.sessions if s.path.endswith("kjxy/2026-12-22.yaml"))
    assert (session.date, session.time, session.year_seq) == (dt.date(2026, 12, 22), "14:30", 9)
    assert [(t.title, t.first_topic) for t in session.topics] == [
        ("学习习近平总书记关于教育的重要论述", True),
        (HOSTILE_TOPIC, False),
    ]
    speaker = session.speakers[0]
    assert (speaker.name, speaker.outline, speaker.written) == (
        "李晓燕",
        "以学促干: 谈体会 #1",
        True,
    )
    assert session.contact.phone == "0931-8562101"
    assert session.arrangement_filed == dt.date(2026, 11, 29)
    assert session.present is None and session.kind == "中心组学习"


def test_a_wrong_value_is_refused_with_the_fields_label(watched, urls):
    page = _open(watched, urls[0])
    _fill_new_session(page)
    time = page.locator("[data-ptr='/time']")
    error = time.locator("xpath=..").locator(".zxz-a-error")
    for wrong, words in (("25:00", "14:30"), ("下午两点", "14:30")):
        time.fill(wrong)
        assert "「学习时间」" in error.inner_text() and words in error.inner_text()
        assert "「学习时间」" in page.inner_text(".zxz-a-status")
        assert page.locator(".zxz-a-copy").is_disabled()
        assert page.locator(".zxz-a-download").is_disabled()
    time.fill("14:30")
    assert error.inner_text() == ""
    assert page.locator(".zxz-a-copy").is_enabled()
    # a check beyond the schema, as `check` has it: 实到人数 above 中心组人数
    page.locator("[data-ptr='/present']").fill("16")
    assert "「实到人数」" in page.inner_text(".zxz-a-status")
    assert page.locator(".zxz-a-copy").is_disabled()
    # no code host configured: no button, and the page says how to submit
    assert page.locator(".zxz-a-host").is_hidden()
    assert "填报指南" in page.inner_text(".zxz-a-nohost")


def test_the_date_rule_is_the_checkers(watched, urls):
    page = _open(watched, urls[0])
    values = ["2026-02-29", "2024-02-29", "1900-02-29", "2000-02-29", "0000-01-01", "2026-13-01"]
    values += ["2026-04-31", "2026-4-01", "２０２６-01-01", "2026-01-01 ", "9999-12-31"]
    got = page.evaluate("vs => vs.map(v => zxzAssistantApi.isRealDate(v))", values)

    def python(value: str) -> bool:
        try:
            return _is_real_date(value)
        except ValueError:
            return False

    assert got == [python(v) for v in values]


def test_an_audit_record_from_the_page_passes_check(watched, urls, tmp_path):
    page = _open(watched, urls[0])
    page.get_by_role("tab", name=re.compile("列席旁听记录")).click()
    panel = _panel(page, "audit")
    selects = panel.locator("select")
    selects.nth(0).select_option("kjxy")
    selects.nth(1).select_option("2026-11-03")
    assert panel.locator("[data-ptr='/group']").input_value() == "g1"
    findings = {
        "organization": "有学习方案，参加率100%，资料齐全",
        "content": "落实“第一议题”，内容专题化",
        "method": '研讨发言紧扣主题: "结合实际"',
        "effect": "理论联系实际\n转化为工作举措",
    }
    for name, value in findings.items():
        panel.locator(f"[data-ptr='/findings/{name}']").fill(value)
    # filed without 问题和建议: refused, in the form's words, once 生成 is pressed
    assert "「问题和建议」" not in page.inner_text(".zxz-a-status")
    page.locator(".zxz-a-generate").click()
    assert "「问题和建议」" in page.inner_text(".zxz-a-status")
    assert page.locator(".zxz-a-copy").is_disabled()
    panel.locator("[data-ptr='/problems']").fill("建议加强调研成果转化")
    panel.locator("[data-ptr='/filed']").fill("2026-11-05")
    assert "已通过格式检查" in page.inner_text(".zxz-a-status")
    assert "文件末尾" in page.inner_text(".zxz-a-howto")
    snippet = page.locator("#zxz-a-yaml").text_content()
    assert snippet.startswith("audits:")

    records = tmp_path / "records"
    shutil.copytree(SAMPLE, records)
    path = records / "sessions" / "kjxy" / "2026-11-03.yaml"
    path.write_text(path.read_text(encoding="utf-8") + snippet, encoding="utf-8")
    result = check(records, AS_OF)
    mine = [f for f in result.findings if f.file == "records/sessions/kjxy/2026-11-03.yaml"]
    assert [f for f in mine if f.severity is Severity.ERROR] == []
    session = next(s for s in result.records.sessions if s.path.endswith("kjxy/2026-11-03.yaml"))
    audit = session.audits[0]
    assert (audit.group, audit.filed, audit.problems) == (
        "g1",
        dt.date(2026, 11, 5),
        "建议加强调研成果转化",
    )
    assert audit.findings.organization == findings["organization"]
    assert audit.findings.effect == findings["effect"]
    assert len(session.visitors) == 1  # appended after visitors:, still its own key


def _insert_after(text: str, line: int, snippet: str) -> str:
    """What the page says to do: insert the snippet after line `line` (1-based)."""
    lines = text.splitlines(keepends=True)
    return "".join(lines[:line]) + snippet + "".join(lines[line:])


def _replace_lines(text: str, first: int, last: int, snippet: str) -> str:
    lines = text.splitlines(keepends=True)
    return "".join(lines[: first - 1]) + snippet + "".join(lines[last:])


def _audit_tab(page, unit: str, slug: str):
    page.get_by_role("tab", name=re.compile("列席旁听记录")).click()
    panel = _panel(page, "audit")
    panel.locator("select").nth(0).select_option(unit)
    panel.locator("select").nth(1).select_option(slug)
    return panel


def test_an_audit_completes_a_planned_one(watched, urls, tmp_path):
    page = _open(watched, urls[0])
    panel = _audit_tab(page, "mkszy", "2026-12-23")  # planned, with `- group: g1`
    assert "计划列席" in panel.locator(".zxz-a-existing").inner_text()
    panel.locator("[data-ptr='/findings/organization']").fill("已准备学习方案")
    panel.locator("[data-ptr='/filed']").fill("")  # not yet filed
    assert "已通过格式检查" in page.inner_text(".zxz-a-status")
    howto = page.inner_text(".zxz-a-howto")
    assert "在第 26 行" in howto and "之后插入" in howto and "不要另加一项" in howto
    snippet = page.locator("#zxz-a-yaml").text_content()
    assert snippet.startswith("    findings:") and "- group" not in snippet
    records = tmp_path / "records"
    shutil.copytree(SAMPLE, records)
    path = records / "sessions" / "mkszy" / "2026-12-23.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[25] == "  - group: g1"
    path.write_text(_insert_after(text, 26, snippet), encoding="utf-8")
    result = check(records, AS_OF)
    assert [f for f in result.findings if f.file == "records/sessions/mkszy/2026-12-23.yaml"] == []
    session = next(s for s in result.records.sessions if s.path.endswith("mkszy/2026-12-23.yaml"))
    assert len(session.audits) == 1
    assert session.audits[0].findings.organization == "已准备学习方案"
    assert session.audits[0].filed is None


XXGC = "records/sessions/xxgc/2026-11-05.yaml"


def test_an_existing_audit_is_completed_not_duplicated(watched, urls, tmp_path):
    """The home page's overdue item: xxgc 2026-11-05 has g1's findings but no `filed`. The
    tab shows the findings, and says which line to add where: one g1 entry, filed."""
    sample = check(SAMPLE, AS_OF)
    audit = next(s for s in sample.records.sessions if s.path == XXGC).audits[0]
    page = _open(watched, urls[0])
    panel = _audit_tab(page, "xxgc", "2026-11-05")
    assert panel.locator("[data-ptr='/group']").input_value() == "g1"
    note = panel.locator(".zxz-a-existing").inner_text()
    assert "已有列席旁听组「g1」的记录" in note and "不要另加一项" in note
    # the liaison sees what was written, and only adds the date it was sent
    for name in ("organization", "content", "method", "effect"):
        field = panel.locator(f"[data-ptr='/findings/{name}']")
        assert field.input_value() == getattr(audit.findings, name)
    assert panel.locator("[data-ptr='/problems']").input_value() == audit.problems
    assert panel.locator("[data-ptr='/filed']").input_value() == "2026-11-29"
    page.locator(".zxz-a-generate").click()
    assert "已通过格式检查" in page.inner_text(".zxz-a-status")
    howto = page.inner_text(".zxz-a-howto")
    line = int(re.search(r"在第 (\d+) 行", howto).group(1))
    assert line == 39 and "之后插入" in howto and "不要另加一项「- group: g1」" in howto
    snippet = page.locator("#zxz-a-yaml").text_content()
    assert snippet.splitlines() == [snippet.splitlines()[0]]  # one line: the date
    assert snippet.startswith("    filed: 2026-11-29")

    records = tmp_path / "records"
    shutil.copytree(SAMPLE, records)
    path = records / XXGC.removeprefix("records/")
    path.write_text(_insert_after(path.read_text(encoding="utf-8"), line, snippet), "utf-8")
    result = check(records, AS_OF)
    mine = [f for f in result.findings if f.file == XXGC]
    assert [f.rule for f in mine] == ["audit-record-late"]  # filed today: late, not missing
    session = next(s for s in result.records.sessions if s.path == XXGC)
    assert [a.group for a in session.audits] == ["g1"]
    assert session.audits[0].filed == dt.date(2026, 11, 29)
    assert session.audits[0].findings == audit.findings


def test_an_existing_audit_whose_text_changes_is_rewritten_in_place(watched, urls, tmp_path):
    page = _open(watched, urls[0])
    panel = _audit_tab(page, "xxgc", "2026-11-05")
    panel.locator("[data-ptr='/problems']").fill("建议开展理论问题抽查；建立发言材料归档制度")
    panel.locator("[data-ptr='/filed']").fill("2026-11-08")
    assert "已通过格式检查" in page.inner_text(".zxz-a-status")
    howto = page.inner_text(".zxz-a-howto")
    first, last = (int(n) for n in re.search(r"替换第 (\d+)–(\d+) 行", howto).groups())
    assert (first, last) == (33, 39)
    snippet = page.locator("#zxz-a-yaml").text_content()
    assert snippet.startswith('  - group: "g1"') and snippet.count("- group") == 1
    records = tmp_path / "records"
    shutil.copytree(SAMPLE, records)
    path = records / XXGC.removeprefix("records/")
    path.write_text(_replace_lines(path.read_text("utf-8"), first, last, snippet), "utf-8")
    result = check(records, AS_OF)
    assert [f for f in result.findings if f.file == XXGC] == []  # filed on its due day
    session = next(s for s in result.records.sessions if s.path == XXGC)
    assert [a.group for a in session.audits] == ["g1"]
    assert session.audits[0].problems == "建议开展理论问题抽查；建立发言材料归档制度"
    assert session.audits[0].filed == dt.date(2026, 11, 8)


def test_a_visitor_from_the_page_passes_check(watched, urls, tmp_path):
    page = _open(watched, urls[0])
    page.get_by_role("tab", name=re.compile("列席情况报告")).click()
    panel = _panel(page, "visitor")
    selects = panel.locator("select")
    selects.nth(0).select_option("jjxy")
    selects.nth(1).select_option("2026-11-25")
    visitor_unit = panel.locator("[data-ptr='/unit']")
    assert "经济学院党委" not in visitor_unit.inner_text()  # not the session's own unit
    visitor_unit.select_option("xxgc")
    panel.locator("[data-ptr='/role']").select_option("副书记")
    assert panel.locator("[data-ptr='/name']").input_value() == "周丽娟"
    panel.locator("[data-ptr='/report_filed']").fill("2026-11-27")
    assert "已通过格式检查" in page.inner_text(".zxz-a-status")
    snippet = page.locator("#zxz-a-yaml").text_content()
    assert snippet.startswith("visitors:")

    records = tmp_path / "records"
    shutil.copytree(SAMPLE, records)
    path = records / "sessions" / "jjxy" / "2026-11-25.yaml"
    path.write_text(path.read_text(encoding="utf-8") + snippet, encoding="utf-8")
    result = check(records, AS_OF)
    shown = "records/sessions/jjxy/2026-11-25.yaml"
    assert [f for f in result.findings if f.file == shown] == []
    session = next(s for s in result.records.sessions if s.path == shown)
    visitor = session.visitors[0]
    assert (visitor.unit, visitor.name, visitor.role, visitor.report_filed) == (
        "xxgc",
        "周丽娟",
        "副书记",
        dt.date(2026, 11, 27),
    )


def test_the_code_host_link_opens_the_editor_with_the_file_filled_in(watched, urls):
    page = _open(watched, urls[1])
    link = page.locator(".zxz-a-host")
    panel = _panel(page, "session")
    panel.locator("[data-ptr='/unit']").select_option("kjxy")
    assert link.is_visible() and link.get_attribute("aria-disabled") == "true"
    _fill_new_session(page)
    assert link.get_attribute("aria-disabled") == "false"
    assert link.inner_text() == "在代码托管平台上新建文件"
    href = link.get_attribute("href")
    parts = urlsplit(href)
    assert parts.netloc == "git.example.edu.cn"
    assert parts.path == "/xcb/zxz/_new/main/records/sessions/kjxy"
    query = parse_qs(parts.query)
    assert query["filename"] == ["2026-12-22.yaml"]
    assert query["value"] == [page.locator("#zxz-a-yaml").text_content()]
    # an audit goes into an existing file: the editor opens it, the snippet is on the clipboard
    page.get_by_role("tab", name=re.compile("列席旁听记录")).click()
    panel = _panel(page, "audit")
    panel.locator("select").nth(0).select_option("kjxy")
    panel.locator("select").nth(1).select_option("2026-11-03")
    for name in ("organization", "content", "method", "effect", "problems"):
        path = f"/findings/{name}" if name != "problems" else "/problems"
        panel.locator(f"[data-ptr='{path}']").fill("有")
    assert link.inner_text() == "在代码托管平台上编辑该文件"
    assert link.get_attribute("href") == (
        "https://git.example.edu.cn/xcb/zxz/_edit/main/records/sessions/kjxy/2026-11-03.yaml"
    )


IMAGES = ROOT / "docs" / "images"


def test_screenshot(browser, urls, tmp_path):
    """docs/images/assistant.png (a new session with a mistake) and assistant-audit.png
    (附件2 on an existing audit) for the guide. UPDATE_SCREENSHOTS=1 writes them (then look)."""
    out = IMAGES if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    # a browser of its own, in Chinese, so that date fields read 年/月/日 as a liaison sees
    # them (Debian's chromium-l10n has the Chinese locale; without it they read mm/dd/yyyy)
    chinese = browser.browser_type.launch(
        executable_path=str(CHROMIUM),
        args=[*ARGS, "--lang=zh-CN"],
        env={**os.environ, "LANGUAGE": "zh_CN", "LANG": "zh_CN.UTF-8"},
    )
    watched = Watched(chinese, viewport={"width": 1280, "height": 1180}, locale="zh-CN")
    watched.context.clock.set_fixed_time(NOW)
    try:
        page = _open(watched, urls[0])
        _fill_new_session(page)
        topic = page.locator("[data-ptr='/topics/1/title']")
        topic.fill("年度中心组学习总结与2027年学习计划研讨")
        page.locator("[data-ptr='/time']").fill("下午两点半")  # the mistake the picture shows
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_timeout(300)
        page.screenshot(path=str(out / "assistant.png"))
        _audit_tab(page, "xxgc", "2026-11-05")
        page.locator(".zxz-a-generate").click()
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_timeout(300)
        page.screenshot(path=str(out / "assistant-audit.png"))
        assert watched.outside == [] and watched.errors == []
    finally:
        watched.close()
        chinese.close()
    for name in ("assistant.png", "assistant-audit.png"):
        data = (out / name).read_bytes()
        assert data.startswith(b"\x89PNG") and 20_000 < len(data) < 500_000, name


# ---------------------------------------------------------------- an empty form, Chinese input


def test_an_empty_form_shows_no_errors_and_no_undefined_until_generate(watched, urls):
    page = _open(watched, urls[0])
    for tab in ("新学习记录", "列席旁听记录", "列席情况报告"):
        page.get_by_role("tab", name=re.compile(tab)).click()
        yaml = page.locator("#zxz-a-yaml").text_content()
        for leak in ("undefined", "null", "NaN", "[object"):
            assert leak not in yaml, (tab, leak, yaml)
        assert page.locator(".zxz-a-error:not(:empty)").count() == 0, tab
        assert page.locator(".zxz-a-invalid").count() == 0, tab
        status = page.locator(".zxz-a-status")
        assert "zxz-a-bad" not in status.get_attribute("class"), tab
        assert "生成" in status.inner_text() and page.locator(".zxz-a-copy").is_disabled()
    page.get_by_role("tab", name=re.compile("新学习记录")).click()
    assert "年第__次中心组学习" in page.locator("#zxz-a-yaml").text_content()
    # a touched field says what is wrong with it, and nothing else turns red
    time = page.locator("[data-ptr='/time']")
    time.fill("25:00")
    assert "「学习时间」" in time.locator("xpath=..").locator(".zxz-a-error").inner_text()
    assert page.locator(".zxz-a-error:not(:empty)").count() == 1
    # 生成 shows everything, numbered in full (「10.」, not 「.0.」)
    page.locator(".zxz-a-generate").click()
    assert page.locator(".zxz-a-error:not(:empty)").count() >= 5
    items = page.locator(".zxz-a-status li")
    assert items.count() >= 10
    status_box = page.locator(".zxz-a-status ol").bounding_box()
    for index in range(items.count()):
        number = items.nth(index).locator(".zxz-a-num")
        assert number.inner_text() == f"{index + 1}."
        box = number.bounding_box()
        assert box["x"] >= status_box["x"] and box["width"] > 0
        width = number.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
        assert width, index


@pytest.mark.parametrize("typed", ["１４：３０", "14：30", "１４:３０"])
def test_full_width_time_is_written_as_ascii(watched, urls, typed, tmp_path):
    """A Chinese input method types 「１４：３０」: read as `new` reads it, written as 14:30."""
    page = _open(watched, urls[0])
    _fill_new_session(page)
    time = page.locator("[data-ptr='/time']")
    time.fill(typed)
    page.locator("[data-ptr='/members']").fill("１５")
    assert time.locator("xpath=..").locator(".zxz-a-error").inner_text() == ""
    assert "已通过格式检查" in page.inner_text(".zxz-a-status")
    time.blur()
    assert time.input_value() == "14:30"  # the field shows what the file will hold
    text = page.locator("#zxz-a-yaml").text_content()
    assert 'time: "14:30"' in text and "members: 15 " in text
    records = tmp_path / "records"
    shutil.copytree(SAMPLE, records)
    (records / "sessions" / "kjxy" / "2026-12-22.yaml").write_text(text, encoding="utf-8")
    result = check(records, AS_OF)
    assert [f for f in result.findings if f.file == "records/sessions/kjxy/2026-12-22.yaml"] == []
