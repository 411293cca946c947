"""Command line: the only module that touches argv, stdout, stderr and exit codes."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from generator import report
from generator.findings import Severity
from generator.pipeline import CheckResult, check


class _ChineseParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"参数错误：{message}\n用 --help 查看用法。\n")
        raise SystemExit(2)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if len(value) == 10 else _bad_date(value)
    except ValueError:
        return _bad_date(value)


def _bad_date(value: str) -> dt.date:
    raise argparse.ArgumentTypeError(f"「{value}」不是日期，请写成 YYYY-MM-DD，如 2026-02-01")


def _records_dir(value: str) -> Path:
    path = Path(value)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"找不到记录文件夹「{value}」")
    return path


def _progress_printer() -> Callable[[int, int], None] | None:
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        if done == total or done % 200 == 0:
            sys.stderr.write(f"\r读取记录 {done}/{total}")
            if done == total:
                sys.stderr.write("\n")
            sys.stderr.flush()

    return show


def _add_records(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--records", type=_records_dir, default=Path("records"), help="记录文件夹（默认 records）"
    )
    parser.add_argument(
        "--as-of", type=_date, default=None, help="按哪一天检查（默认今天，按 org.yaml 的时区）"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _ChineseParser(
        prog="python -m generator", description="中心组学习列席旁听记录：检查与站点生成"
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_ChineseParser)

    check_cmd = commands.add_parser("check", help="按方案检查全部记录")
    _add_records(check_cmd)
    check_cmd.add_argument("--format", choices=("text", "json", "github"), default="text")
    check_cmd.add_argument("--fail-on", choices=("error", "warning"), default="error")

    build_cmd = commands.add_parser("build", help="检查记录并生成站点")
    _add_records(build_cmd)
    build_cmd.add_argument(
        "--site-dir", type=Path, default=Path("site"), help="站点输出文件夹（默认 site）"
    )
    build_cmd.add_argument(
        "--build-dir",
        type=Path,
        default=Path("build"),
        help="生成页面的构建文件夹（默认 build；不是手写的 docs/）",
    )
    build_cmd.add_argument(
        "--show-phone",
        action="store_true",
        default=None,
        help="显示完整电话号码（仅限校内网部署；默认按 mkdocs.yml 的 extra.show_phone，即打码）",
    )

    serve_cmd = commands.add_parser("serve", help="在本机预览已生成的站点")
    serve_cmd.add_argument("--site-dir", type=Path, default=Path("site"))
    serve_cmd.add_argument("--port", type=int, default=8000)
    serve_cmd.add_argument("--bind", default="127.0.0.1", help="监听地址（默认只监听本机）")
    _add_workflow_commands(commands)
    return parser


def _run_check(args: argparse.Namespace) -> int:
    result = check(args.records, args.as_of, _progress_printer())
    if args.format == "json":
        print(report.as_json(result))
    elif args.format == "github":
        print(report.as_github(result))
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            with open(summary, "a", encoding="utf-8") as handle:
                handle.write(report.step_summary(result))
    else:
        print(report.as_text(result))
    return _exit_status(result, args.fail_on)


def _site_progress() -> Callable[[str, int, int], None]:
    tty = sys.stderr.isatty()

    def show(stage: str, done: int, total: int) -> None:
        if stage == "生成页面":
            if tty and (done == total or done % 200 == 0):
                sys.stderr.write(f"\r生成页面 {done}/{total}" + ("\n" if done == total else ""))
                sys.stderr.flush()
            elif not tty and done == total:
                sys.stderr.write(f"生成页面 {total} 个\n")
        elif done == 0:
            sys.stderr.write("mkdocs 构建站点（--strict）……\n")
            sys.stderr.flush()

    return show


def _run_build(args: argparse.Namespace) -> int:
    from generator.site import RecordErrors, SiteError, build_site

    result = check(args.records, args.as_of, _progress_printer())
    try:
        built = build_site(
            result,
            args.site_dir,
            args.build_dir,
            show_phone=args.show_phone,
            progress=_site_progress(),
        )
    except RecordErrors as err:
        sys.stderr.write(f"{err}\n")
        for line in err.lines:
            sys.stderr.write(f"  {line}\n")
        sys.stderr.write("用 python -m generator check 查看全部检查结果。\n")
        return 1
    except SiteError as err:
        sys.stderr.write(f"站点生成失败：{err}\n")
        for line in err.lines:
            sys.stderr.write(f"  {line}\n")
        return 1
    warnings = sum(1 for f in result.findings if f.severity is Severity.WARNING)
    seconds = sum(built.timings.values())
    sys.stderr.write(
        f"站点已生成：{args.site_dir}（{built.pages} 个生成页面，{seconds:.1f} 秒；"
        f"截至 {result.as_of}，{warnings} 个警告见「督查统计」）\n"
    )
    return 0


def _run_serve(args: argparse.Namespace) -> int:
    from generator.site.serve import make_server

    try:
        server = make_server(args.site_dir, args.bind, args.port)
    except FileNotFoundError:
        sys.stderr.write(f"「{args.site_dir}」里没有站点，请先运行 python -m generator build。\n")
        return 1
    except OSError as err:
        sys.stderr.write(f"无法监听 {args.bind}:{args.port}：{err.strerror}\n")
        return 1
    host = f"[{args.bind}]" if ":" in args.bind else args.bind
    sys.stderr.write(f"站点预览：http://{host}:{args.port}/ （按 Ctrl+C 停止）\n")
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


# ---------------------------------------------------------------- Git workflow commands


def _add_workflow_commands(commands: argparse._SubParsersAction) -> None:
    history_cmd = commands.add_parser(
        "history", help="与基准分支比较：已报送的记录只能追加（删除、改动、倒填日期）"
    )
    history_cmd.add_argument(
        "--base",
        required=True,
        help="比较基准，如 origin/main 或合并请求的基准提交；取它与 HEAD 的共同祖先",
    )
    _add_records(history_cmd)
    history_cmd.add_argument("--format", choices=("text", "json", "github"), default="text")
    history_cmd.add_argument("--fail-on", choices=("error", "warning"), default="error")

    overdue_cmd = commands.add_parser(
        "overdue", help="列出现在逾期未完成的报送（check 的 *-missing）"
    )
    _add_records(overdue_cmd)
    overdue_cmd.add_argument("--format", choices=("markdown", "json"), default="markdown")
    overdue_cmd.add_argument(
        "--update-issue",
        action="store_true",
        help="更新代码托管平台上的跟踪议题（用 GITHUB_API_URL、GITHUB_REPOSITORY、GITHUB_TOKEN）",
    )

    owners_cmd = commands.add_parser("codeowners", help="根据 org.yaml 生成 CODEOWNERS")
    owners_cmd.add_argument(
        "--records", type=_records_dir, default=Path("records"), help="记录文件夹（默认 records）"
    )
    owners_cmd.add_argument("--flavor", choices=("github", "gitea"), default="github")
    owners_cmd.add_argument(
        "--output",
        type=Path,
        default=None,
        help="默认 .github/CODEOWNERS（gitea：.gitea/CODEOWNERS）",
    )
    owners_cmd.add_argument(
        "--check", action="store_true", help="只检查现有文件是否与 org.yaml 一致，不写入"
    )


def _run_history(args: argparse.Namespace) -> int:
    import json

    from generator.escape import github_data, github_property
    from generator.gitrepo import GitError
    from generator.history import history

    try:
        found = history(args.records, args.base, args.as_of)
    except GitError as err:
        sys.stderr.write(f"无法做历史检查：{err}\n")
        if args.format == "github":
            print(f"::error title={github_property('无法做历史检查')}::{github_data(str(err))}")
        return 2
    result = found.as_check_result(args.records)
    if args.format == "json":
        payload = json.loads(report.as_json(result))
        payload["base"] = found.base
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    elif args.format == "github":
        print(report.as_github(result))
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            table = report.step_summary(result).split("\n", 1)[1]
            with open(summary, "a", encoding="utf-8") as handle:
                handle.write(f"## 历史检查：已报送的内容只能追加（基准 {found.base[:7]}）\n{table}")
    else:
        print(f"历史检查：与 {found.base[:7]}（{args.base} 与当前提交的共同祖先）比较。")
        print(report.as_text(result))
    return _exit_status(result, args.fail_on)


def _run_overdue(args: argparse.Namespace) -> int:
    from generator import overdue, tracker

    result = check(args.records, args.as_of, _progress_printer())
    if not args.update_issue:
        print(overdue.as_json(result) if args.format == "json" else overdue.as_markdown(result))
        return 0
    names = ("GITHUB_API_URL", "GITHUB_REPOSITORY", "GITHUB_TOKEN")
    missing = [name for name in names if not os.environ.get(name)]
    if missing:
        sys.stderr.write(
            f"缺少环境变量 {'、'.join(missing)}：--update-issue 只在工作流里运行"
            "（GITHUB_TOKEN 由工作流的 env 传入）。\n"
        )
        return 2
    api = tracker.IssueApi(*(os.environ[name] for name in names))
    body = (
        overdue.as_markdown(result, max_chars=60000) if overdue.overdue_findings(result) else None
    )
    closing = f"截至 {result.as_of}，逾期未完成的报送已全部补齐，本清单自动关闭。"
    try:
        done = tracker.sync(api, overdue.TITLE, overdue.MARKER, body, closing)
    except tracker.TrackerError as err:
        sys.stderr.write(f"更新跟踪议题失败：{err}\n")
        return 1
    print(f"逾期未报送清单：{done}")
    return 0


def _run_codeowners(args: argparse.Namespace) -> int:
    from generator.codeowners import DEFAULT_PATH, render
    from generator.history import read_org

    org = read_org(args.records)
    if org is None:
        sys.stderr.write(
            "org.yaml 缺失或有错误，无法生成 CODEOWNERS。请先运行 python -m generator check 并改正。\n"
        )
        return 2
    try:
        prefix = args.records.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        prefix = args.records.resolve().name
    prefix = "" if prefix == "." else prefix + "/"
    text, warnings = render(org, prefix, args.flavor)
    for warning in warnings:
        sys.stderr.write(f"提示：{warning}\n")
    output: Path = args.output or Path(DEFAULT_PATH[args.flavor])
    if args.check:
        current = output.read_text(encoding="utf-8") if output.is_file() else None
        if current != text:
            sys.stderr.write(
                f"「{output}」与 org.yaml 不一致：请运行 python -m generator codeowners"
                + (" --flavor gitea" if args.flavor == "gitea" else "")
                + " 重新生成并提交。\n"
            )
            return 1
        sys.stderr.write(f"「{output}」与 org.yaml 一致。\n")
        return 0
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8", newline="\n")
    sys.stderr.write(f"已写入 {output}\n")
    return 0


# ---------------------------------------------------------------- liaison tools and exports


def _exit_status(result: CheckResult, fail_on: str) -> int:
    threshold = Severity.ERROR if fail_on == "error" else Severity.WARNING
    return 1 if any(f.severity >= threshold for f in result.findings) else 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers = {"check": _run_check, "build": _run_build, "serve": _run_serve}
    handlers |= {"history": _run_history, "overdue": _run_overdue, "codeowners": _run_codeowners}
    try:
        return handlers[args.command](args)
    except KeyboardInterrupt:
        sys.stderr.write("已中断。\n")
        return 130
    except Exception as err:  # never a traceback for a user
        sys.stderr.write(
            f"程序内部错误（{type(err).__name__}: {err}）。请把这条信息和所用命令发给管理员。\n"
        )
        return 2
