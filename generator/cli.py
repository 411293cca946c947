"""Command line: the only module that touches argv, stdout, stderr and exit codes."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import re
import sys
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path

from generator import report
from generator.findings import Severity
from generator.pipeline import CheckResult, check


def _columns(text: str) -> int:
    """Width on a terminal: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class _ChineseFormatter(argparse.HelpFormatter):
    """Help in Chinese: argparse's own words ("usage: ", "options:") are English, and it
    measures text in characters, which misaligns and overflows Chinese by half."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._headings: list[str] = []

    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[override]
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)

    def start_section(self, heading) -> None:  # type: ignore[override]
        if isinstance(heading, str):
            self._headings.append(heading)
        super().start_section(heading)

    def add_argument(self, action) -> None:  # type: ignore[override]
        super().add_argument(action)
        if action.help is not argparse.SUPPRESS:
            widest = _columns(self._format_action_invocation(action))
            for sub in self._iter_indented_subactions(action):
                widest = max(widest, _columns(self._format_action_invocation(sub)))
            self._action_max_length = max(self._action_max_length, widest + self._current_indent)

    def _format_action(self, action) -> str:  # type: ignore[override]
        text = super()._format_action(action)
        prefix = " " * self._current_indent + self._format_action_invocation(action)
        extra = _columns(prefix) - len(prefix)
        if extra and action.help and text.startswith(prefix + "  "):
            rest = text[len(prefix) :]
            spaces = len(rest) - len(rest.lstrip(" "))
            text = prefix + rest[min(extra, spaces - 2) :]
        return text

    def _split_lines(self, text: str, width: int) -> list[str]:  # type: ignore[override]
        lines: list[str] = []
        line = ""
        for token in re.findall(r"[\x21-\x7e]+|\s+|.", " ".join(text.split())):
            if line and _columns(line + token.rstrip()) > width:
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line += token
        return [*lines, line.rstrip()] if line.strip() else lines

    def _fill_text(self, text: str, width: int, indent: str) -> str:  # type: ignore[override]
        return "\n".join(indent + line for line in self._split_lines(text, width - len(indent)))

    def format_help(self) -> str:
        text = super().format_help()
        for heading in self._headings:
            text = text.replace(f"\n{heading}:\n", f"\n{heading}：\n")
        return text


# argparse's messages (Python 3.11), in the words a liaison reads; anything else is kept.
_ARGPARSE_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"^argument (\S+): (.*)$", r"参数 \1：\2"),
        (r"invalid choice: '(.*)' \(choose from (.*)\)$", r"「\1」不是可选的值（可选：\2）"),
        (r"invalid int value: '(.*)'$", r"「\1」不是整数"),
        (r"invalid (\S+) value: '(.*)'$", r"「\2」不是有效的值"),
        (r"^the following arguments are required: (.*)$", r"缺少必填参数：\1"),
        (r"^unrecognized arguments: (.*)$", r"不认识的参数：\1"),
        (r"^one of the arguments (.*) is required$", r"必须给出 \1 之一"),
        (r"not allowed with argument (.*)$", r"不能与 \1 同时使用"),
        (r"^ambiguous option: (\S+) could match (.*)$", r"参数 \1 不完整，可能是 \2"),
        (r"expected one argument$", "后面要写一个值"),
        (r"expected at least one argument$", "后面至少要写一个值"),
        (r"expected at most one argument$", "后面最多写一个值"),
        (r"ignored explicit argument '(.*)'$", r"不需要值（写了「\1」）"),
    )
)


def _chinese(message: str) -> str:
    for pattern, replacement in _ARGPARSE_MESSAGES:
        message = pattern.sub(replacement, message)
    return message.replace("'", "")


class _ChineseParser(argparse.ArgumentParser):
    """argparse in Chinese: section titles, -h, usage and error messages."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _ChineseFormatter)
        add_help = kwargs.pop("add_help", True)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        if add_help:
            self.add_argument(
                "-h", "--help", action="help", default=argparse.SUPPRESS, help="显示帮助并退出"
            )

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"参数错误：{_chinese(message)}\n用 --help 查看用法。\n")
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


def _add_records(parser: argparse.ArgumentParser, *, as_of: bool = True) -> None:
    """--records, and (unless `as_of` is False) --as-of."""
    parser.add_argument(
        "--records",
        type=_records_dir,
        default=Path("records"),
        metavar="文件夹",
        help="记录文件夹（默认 records）",
    )
    if not as_of:
        return
    parser.add_argument(
        "--as-of",
        type=_date,
        default=None,
        metavar="日期",
        help="按哪一天检查，如 2026-12-01（默认今天，按 org.yaml 的时区）",
    )


def _add_report_format(parser: argparse.ArgumentParser) -> None:
    """--format and --fail-on of check and history."""
    parser.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="输出格式：text 中文报告（默认），json 供其他程序读取，github 工作流注释",
    )
    parser.add_argument(
        "--fail-on",
        choices=("error", "warning"),
        default="error",
        help="出现哪一级问题时返回退出码 1：error 只看错误（默认），warning 警告也算",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _ChineseParser(
        prog="python -m generator", description="中心组学习列席旁听记录：检查与站点生成"
    )
    commands = parser.add_subparsers(
        dest="command",
        required=True,
        parser_class=_ChineseParser,
        title="命令",
        metavar="命令",
        help="各命令的参数用 python -m generator 命令 --help 查看",
    )

    check_cmd = commands.add_parser(
        "check",
        help="按方案检查全部记录",
        description="按方案检查全部记录。列出文件或文件夹时，仍检查全部记录（如年度学习次序重复），"
        "但只报告这些文件里的问题（pre-commit 即这样调用）。",
    )
    check_cmd.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="文件或文件夹",
        help="只报告这些记录文件（或文件夹下的文件）中的问题；不写则报告全部",
    )
    _add_records(check_cmd)
    _add_report_format(check_cmd)

    build_cmd = commands.add_parser("build", help="检查记录并生成站点")
    _add_records(build_cmd)
    build_cmd.add_argument(
        "--site-dir",
        type=Path,
        default=Path("site"),
        metavar="文件夹",
        help="站点输出文件夹（默认 site）",
    )
    build_cmd.add_argument(
        "--build-dir",
        type=Path,
        default=Path("build"),
        metavar="文件夹",
        help="生成页面的构建文件夹（默认 build；不是手写的 docs/）",
    )
    build_cmd.add_argument(
        "--show-phone",
        action="store_true",
        default=None,
        help="显示完整电话号码（仅限校内网部署；默认按 mkdocs.yml 的 extra.show_phone，即打码）",
    )
    build_cmd.add_argument(
        "--site-url",
        default=None,
        metavar="网址",
        help="站点发布后的地址，如 https://xcb.example.edu.cn/zxz/；日历订阅中的每次学习"
        "据此链接到它的页面（默认按 mkdocs.yml 的 site_url）",
    )

    serve_cmd = commands.add_parser("serve", help="在本机预览已生成的站点")
    serve_cmd.add_argument(
        "--site-dir",
        type=Path,
        default=Path("site"),
        metavar="文件夹",
        help="站点文件夹（默认 site）",
    )
    serve_cmd.add_argument(
        "--port", type=int, default=8000, metavar="端口", help="端口（默认 8000）"
    )
    serve_cmd.add_argument(
        "--bind", default="127.0.0.1", metavar="地址", help="监听地址（默认只监听本机）"
    )
    _add_workflow_commands(commands)
    _add_liaison_commands(commands)
    _add_report_command(commands)
    return parser


def _named_only(result: CheckResult, records: Path, paths: list[Path]) -> CheckResult:
    """The findings whose file is one of `paths` or lies under one of them: the whole
    records folder is judged (a repeated year_seq needs the other files), but only what
    was named is reported, as pre-commit names the files of a commit."""
    base = Path(os.path.abspath(records)).parent
    named = [Path(os.path.abspath(path)) for path in paths]

    def wanted(file: str | None) -> bool:
        if file is None:
            return False
        where = base / file
        return any(where == path or path in where.parents for path in named)

    evaluation = dataclasses.replace(
        result.evaluation, findings=[f for f in result.findings if wanted(f.file)]
    )
    return CheckResult(result.as_of, result.records, evaluation)


def _print_result(result: report.Result, args: argparse.Namespace) -> int:
    """check's and history's findings in the chosen format (github: also the step summary)."""
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


def _run_check(args: argparse.Namespace) -> int:
    missing = [str(path) for path in args.paths if not path.exists()]
    if missing:
        sys.stderr.write(f"找不到：{'、'.join(missing)}。请写记录文件或文件夹的路径。\n")
        return 2
    result = check(args.records, args.as_of, _progress_printer())
    if args.paths:
        result = _named_only(result, args.records, args.paths)
        if args.format == "text":
            names = "、".join(str(path) for path in args.paths[:3])
            more = f"等 {len(args.paths)} 个" if len(args.paths) > 3 else ""
            print(f"只报告 {names}{more} 中的问题（其余记录也一并检查过）。\n")
    return _print_result(result, args)


def _site_progress() -> Callable[[str, int, int], None]:
    tty = sys.stderr.isatty()

    def show(stage: str, done: int, total: int) -> None:
        if stage in ("生成页面", "导出文件"):
            if tty and (done == total or done % 200 == 0):
                sys.stderr.write(f"\r{stage} {done}/{total}" + ("\n" if done == total else ""))
                sys.stderr.flush()
            elif not tty and done == total:
                sys.stderr.write(f"{stage} {total} 个\n")
        elif done == 0:
            sys.stderr.write("mkdocs 构建站点（--strict）……\n")
            sys.stderr.flush()

    return show


def _run_build(args: argparse.Namespace) -> int:
    from generator.site import RecordErrors, SiteError, build_site
    from generator.site.mkdocs_build import early_part

    # a large site's second mkdocs process loads mkdocs while the records are checked
    mkdocs_part = early_part(args.records)
    try:
        result = check(args.records, args.as_of, _progress_printer())
        built = build_site(
            result,
            args.site_dir,
            args.build_dir,
            show_phone=args.show_phone,
            progress=_site_progress(),
            now=dt.datetime.now(dt.UTC),
            site_url=args.site_url,
            mkdocs_part=mkdocs_part,
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
    finally:  # when the build did not get as far as mkdocs
        if mkdocs_part is not None:
            mkdocs_part.close()
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
        metavar="分支或提交",
        help="比较基准，如 origin/main 或合并请求的基准提交；取它与 HEAD 的共同祖先",
    )
    _add_records(history_cmd)
    _add_report_format(history_cmd)

    overdue_cmd = commands.add_parser(
        "overdue", help="列出现在逾期未完成的报送（check 的 *-missing）"
    )
    _add_records(overdue_cmd)
    overdue_cmd.add_argument(
        "--format",
        choices=("markdown", "json"),
        default="markdown",
        help="输出格式：markdown 跟踪议题的正文（默认），json 供其他程序读取",
    )
    overdue_cmd.add_argument(
        "--update-issue",
        action="store_true",
        help="更新代码托管平台上的跟踪议题（用 GITHUB_API_URL、GITHUB_REPOSITORY、GITHUB_TOKEN）",
    )

    owners_cmd = commands.add_parser("codeowners", help="根据 org.yaml 生成 CODEOWNERS")
    _add_records(owners_cmd, as_of=False)
    owners_cmd.add_argument(
        "--flavor",
        choices=("github", "gitea"),
        default="github",
        help="代码托管平台：github（默认）或 gitea",
    )
    owners_cmd.add_argument(
        "--output",
        type=Path,
        default=None,
        metavar="文件",
        help="默认 .github/CODEOWNERS（gitea：.gitea/CODEOWNERS）",
    )
    owners_cmd.add_argument(
        "--check", action="store_true", help="只检查现有文件是否与 org.yaml 一致，不写入"
    )


def _run_history(args: argparse.Namespace) -> int:
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
    return _print_result(found, args)


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
    from generator.records import read_org

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


def _add_liaison_commands(commands: argparse._SubParsersAction) -> None:
    new_cmd = commands.add_parser(
        "new",
        help="新建一次学习的记录文件；加 --audit / --visitor 则给已有记录添加列席旁听记录或列席人员",
        description="新建记录：能从 org.yaml 和以前的记录得知的都已填好，其余在终端里逐项询问，"
        "或用参数给出（不在终端里运行时缺少必填参数会报错）。",
    )
    _add_records(new_cmd)
    new_cmd.add_argument("--unit", metavar="编号", required=True, help="单位编号，如 kjxy")
    new_cmd.add_argument(
        "--date",
        metavar="日期",
        help="学习日期，如 2026-12-15（--audit/--visitor/--rectify 时可写 2026-12-15-2）；--plan 不用",
    )
    mode = new_cmd.add_mutually_exclusive_group()
    mode.add_argument("--audit", action="store_true", help="添加列席旁听记录（附件2）")
    mode.add_argument("--visitor", action="store_true", help="添加其他单位列席的书记或副书记")
    mode.add_argument("--plan", action="store_true", help="新建本单位的年度学习计划")
    mode.add_argument("--rectify", action="store_true", help="给要求整改的列席旁听记录添加整改情况")
    new_cmd.add_argument(
        "--no-input", action="store_true", help="即使在终端里也不询问，只用参数和默认值"
    )
    _add_session_flags(new_cmd)
    _add_followup_flags(new_cmd)

    export_cmd = commands.add_parser(
        "export", help="导出 Word 表格（附件1、附件2）、学期通报、Excel 台账和日历订阅（.ics）"
    )
    _add_records(export_cmd)
    export_cmd.add_argument(
        "--out",
        type=Path,
        default=Path("."),
        metavar="文件夹",
        help="输出文件夹，文件写在其中的 exports/ 下（默认当前文件夹，即 exports/；不能是生成的站点）",
    )


def _add_session_flags(new_cmd: argparse.ArgumentParser) -> None:
    """new's flags for a new session file (附件1)."""
    session = new_cmd.add_argument_group("新建学习记录（附件1）")
    session.add_argument("--time", metavar="时间", help="学习时间，如 14:30")
    session.add_argument("--location", metavar="地点", help="学习地点（默认同上次）")
    session.add_argument("--members", metavar="人数", type=int, help="中心组人数（默认同上次）")
    session.add_argument("--present", metavar="人数", type=int, help="实到人数（学习结束后才有）")
    session.add_argument("--host", metavar="姓名", help="主持人姓名（默认同上次）")
    session.add_argument("--host-title", metavar="职务", help="主持人职务（默认同上次）")
    session.add_argument("--first-topic", metavar="内容", help="第一议题")
    session.add_argument(
        "--topic", metavar="内容", action="append", default=[], help="其他学习内容，可写多次"
    )
    session.add_argument(
        "--speaker",
        metavar="发言人",
        action="append",
        default=[],
        help="交流研讨：姓名 职务 发言提纲（用空格、/ 或 、 分开），可写多次",
    )
    session.add_argument("--contact", metavar="姓名", help="联系人（默认同上次）")
    session.add_argument("--phone", metavar="电话", help="联系电话（默认同上次）")
    session.add_argument(
        "--arranged", metavar="日期", type=_date, help="安排表报送日期（默认今天）"
    )
    session.add_argument("--not-arranged", action="store_true", help="安排表还没有报送")
    session.add_argument(
        "--expect-audit", action="store_true", help="联系本单位的列席旁听组已确定来列席（计划列席）"
    )


def _add_followup_flags(new_cmd: argparse.ArgumentParser) -> None:
    """new's flags for --audit, --visitor, --plan and --rectify."""
    audit = new_cmd.add_argument_group("--audit：列席旁听记录（附件2）")
    audit.add_argument("--group", metavar="组号", help="列席旁听组编号（默认为联系本单位的组）")
    audit.add_argument("--organization", metavar="情况", help="1.组织领导的主要情况")
    audit.add_argument("--content", metavar="情况", help="2.学习内容的主要情况")
    audit.add_argument("--method", metavar="情况", help="3.学习方式的主要情况")
    audit.add_argument("--effect", metavar="情况", help="4.学习效果的主要情况")
    audit.add_argument("--problems", metavar="问题和建议", help="问题和建议")
    audit.add_argument(
        "--filed",
        metavar="日期",
        type=_date,
        help="记录表送交党委宣传部的日期（--rectify：整改情况的报送日期；--plan：计划的报送日期）",
    )
    visitor = new_cmd.add_argument_group("--visitor：其他单位列席人员")
    visitor.add_argument("--visitor-unit", metavar="编号", help="列席人所在单位编号")
    visitor.add_argument(
        "--name", metavar="姓名", help="列席人姓名（只写 --role 时按 org.yaml 补全）"
    )
    visitor.add_argument("--role", choices=("书记", "副书记"), help="书记 或 副书记")
    visitor.add_argument(
        "--report-filed", metavar="日期", type=_date, help="列席情况书面报党委宣传部的日期"
    )
    plan = new_cmd.add_argument_group("--plan：年度学习计划")
    plan.add_argument("--year", metavar="年度", type=int, help="计划年度，如 2027")
    plan.add_argument(
        "--month-topic",
        metavar="月份=题目",
        action="append",
        default=[],
        help="某月计划学习内容：月份=题目，如 2027-03=传达学习全国两会精神，可写多次",
    )
    rectify = new_cmd.add_argument_group("--rectify：整改情况")
    rectify.add_argument(
        "--measures",
        metavar="措施",
        help="整改措施及成效（--filed 写整改情况报党委宣传部的日期，--group 指定旁听组）",
    )


_SESSION_FLAGS = (
    "time", "location", "members", "present", "host", "host_title", "first_topic", "topic",
    "speaker", "contact", "phone", "arranged", "not_arranged", "expect_audit",
)  # fmt: skip
_AUDIT_FLAGS = ("group", "organization", "content", "method", "effect", "problems", "filed")
_VISITOR_FLAGS = ("visitor_unit", "name", "role", "report_filed")
_PLAN_FLAGS = ("year", "month_topic", "filed")
_RECTIFY_FLAGS = ("group", "measures", "filed")


def _ask(question: str, default: str | None, check_answer: Callable[[str], str | None]) -> str:
    shown = f"［{default}］" if default else ""
    while True:
        try:
            answer = input(f"{question}{shown}：").strip()
        except EOFError:
            print()
            raise KeyboardInterrupt from None
        if not answer and default:
            answer = default
        problem = check_answer(answer)
        if problem is None:
            return answer
        print(f"  ✗ {problem}")


def _confirm(text: str, shown: str) -> bool:
    print(f"\n将写入 {shown}：\n")
    print(text)
    answer = _ask(
        "确认写入？（是/否）", "是", lambda v: None if v.strip() else "请回答“是”或“否”。"
    )
    return answer.strip().lower() in {"是", "y", "yes", "好", "对"}


def _run_new(args: argparse.Namespace) -> int:
    from generator import new

    mode = "audit" if args.audit else "visitor" if args.visitor else "session"
    mode = "plan" if args.plan else "rectify" if args.rectify else mode
    flags = {"session": _SESSION_FLAGS, "audit": _AUDIT_FLAGS, "visitor": _VISITOR_FLAGS}
    flags |= {"plan": _PLAN_FLAGS, "rectify": _RECTIFY_FLAGS}
    allowed = flags[mode]
    stray = [
        "--" + name.replace("_", "-")
        for name in dict.fromkeys(n for names in flags.values() for n in names)
        if name not in allowed and getattr(args, name) not in (None, False, [])
    ]
    what = {"session": "新建学习记录"}.get(mode, f"--{mode}")
    if stray:
        sys.stderr.write(f"参数错误：{'、'.join(stray)} 不用于{what}。用 --help 查看用法。\n")
        return 2
    if mode in ("plan", "rectify"):
        return _run_new_followup(args, mode)
    if args.date is None:
        sys.stderr.write("参数错误：请用 --date 写学习日期，如 2026-12-15。\n")
        return 2
    interactive = sys.stdin.isatty() and not args.no_input
    ask = _ask if interactive else None
    if interactive:
        print("直接回车采用方括号［］里的值；按 Ctrl+C 取消，不会写入任何文件。")
    try:
        if mode == "session":
            day = new.parse_date(args.date)
            if day is None:
                sys.stderr.write(f"参数错误：--date「{args.date}」不是日期，请写成 2026-12-15。\n")
                return 2
            answers = new.SessionAnswers(
                unit=args.unit, date=day, time=args.time, location=args.location,
                members=args.members, present=args.present, host_name=args.host,
                host_title=args.host_title, first_topic=args.first_topic, topics=args.topic,
                speakers=args.speaker, contact_name=args.contact, contact_phone=args.phone,
                arranged=args.arranged, not_arranged=args.not_arranged,
                expect_audit=True if args.expect_audit else None,
            )  # fmt: skip
            written = new.new_session(
                args.records, answers, args.as_of, ask, _confirm if interactive else None
            )
        elif mode == "audit":
            answers = new.AuditAnswers(
                unit=args.unit, date=args.date, group=args.group, organization=args.organization,
                content=args.content, method=args.method, effect=args.effect,
                problems=args.problems, filed=args.filed,
            )  # fmt: skip
            written = new.add_audit(args.records, answers, args.as_of, ask)
        else:
            answers = new.VisitorAnswers(
                unit=args.unit, date=args.date, visitor_unit=args.visitor_unit, name=args.name,
                role=args.role, report_filed=args.report_filed,
            )  # fmt: skip
            written = new.add_visitor(args.records, answers, args.as_of, ask)
    except new.NewError as err:
        sys.stderr.write(f"{err}\n")
        return 2
    return _report_written(written)


def _report_written(written) -> int:  # written: new.Written
    print(f"{'已新建' if written.created else '已补充'} {written.shown}")
    if written.findings:
        print("按今天检查，这个文件还有：")
        for finding in written.findings:
            where = f"第 {finding.line} 行" if finding.line else "整个文件"
            print(f"  {where} [{finding.severity.chinese}] {finding.message}")
    else:
        print("检查通过，没有发现问题。")
    print("下一步：在 GitHub Desktop 或 git 里提交这个文件并发起合并请求，检查会自动再做一遍。")
    return 1 if any(f.severity is Severity.ERROR for f in written.findings) else 0


def _run_new_followup(args: argparse.Namespace, mode: str) -> int:
    """new --plan / new --rectify (v2): generator/new/plan.py, rectification.py."""
    from generator import new

    if mode == "plan" and args.year is None:
        sys.stderr.write("参数错误：--plan 要用 --year 写计划年度，如 2027。\n")
        return 2
    if mode == "rectify" and args.date is None:
        sys.stderr.write("参数错误：--rectify 要用 --date 写那次学习的日期，如 2026-09-29。\n")
        return 2
    interactive = sys.stdin.isatty() and not args.no_input
    ask = _ask if interactive else None
    if interactive:
        print("直接回车采用方括号［］里的值；按 Ctrl+C 取消，不会写入任何文件。")
    try:
        if mode == "plan":
            plan = new.PlanAnswers(
                unit=args.unit, year=args.year, topics=args.month_topic, filed=args.filed
            )
            written = new.new_plan(args.records, plan, args.as_of, ask)
        else:
            rectify = new.RectifyAnswers(
                unit=args.unit, date=args.date, group=args.group, measures=args.measures,
                filed=args.filed,
            )  # fmt: skip
            written = new.add_rectification(args.records, rectify, args.as_of, ask)
    except new.NewError as err:
        sys.stderr.write(f"{err}\n")
        return 2
    return _report_written(written)


def _run_export(args: argparse.Namespace) -> int:
    from generator.exports import write_exports
    from generator.sitedir import UnsafeFolder

    result = check(args.records, args.as_of, _progress_printer())
    errors = sum(1 for f in result.findings if f.severity is Severity.ERROR)
    try:
        paths = write_exports(result, args.out)
    except UnsafeFolder as err:
        sys.stderr.write(f"没有导出：{err}\n")
        return 1
    print(f"已导出 {len(paths)} 个文件到 {args.out / 'exports'}（截至 {result.as_of}）")
    if errors:
        sys.stderr.write(
            f"注意：有 {errors} 个错误，出错的记录没有导出。用 python -m generator check 查看。\n"
        )
    return 0


# ---------------------------------------------------------------- the semester circular


def _add_report_command(commands: argparse._SubParsersAction) -> None:
    report_cmd = commands.add_parser(
        "report",
        help="生成学期通报草稿（Word；--format md 打印 Markdown，json 打印统计数字）",
        description="关于某学期基层党委理论学习中心组学习列席旁听情况的通报（草稿）。"
        "统计截至 --as-of（默认今天）。",
    )
    _add_records(report_cmd)
    report_cmd.add_argument(
        "--semester", required=True, help="学期编号，如 2025-2026-1（见 org.yaml 的 semesters）"
    )
    report_cmd.add_argument(
        "--format",
        choices=("docx", "json", "md"),
        default="docx",
        help="docx：写 Word 文件（默认）；md：打印 Markdown；json：打印各单位的统计数字",
    )
    report_cmd.add_argument(
        "--out",
        type=Path,
        default=None,
        help="输出文件（docx 默认写到当前文件夹的「学期编号-通报.docx」；json、md 默认打印）",
    )


def _run_report(args: argparse.Namespace) -> int:
    from generator.circular import NoOrg, UnknownSemester, as_markdown, semester_figures

    result = check(args.records, args.as_of, _progress_printer())
    try:
        figures = semester_figures(result, args.semester)
    except (UnknownSemester, NoOrg) as err:
        sys.stderr.write(f"{err}\n")
        return 2
    errors = sum(1 for f in result.findings if f.severity is Severity.ERROR)
    if errors:
        sys.stderr.write(
            f"注意：记录中有 {errors} 个错误，出错的记录没有统计。用 python -m generator check 查看。\n"
        )
    if args.format == "docx":
        from generator.exports.circular_docx import circular_docx

        data = circular_docx(figures)
        out: Path = args.out or Path(f"{args.semester}-通报.docx")
    else:
        text = figures.to_json() if args.format == "json" else as_markdown(figures)
        if args.out is None:
            print(text)
            return 0
        out, data = args.out, (text + "\n").encode("utf-8")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    except OSError as err:
        sys.stderr.write(f"无法写入「{out}」：{err.strerror}\n")
        return 1
    sys.stderr.write(f"已写入 {out}（{figures.semester.name}，截至 {result.as_of}）\n")
    return 0


def _exit_status(result: report.Result, fail_on: str) -> int:
    threshold = Severity.ERROR if fail_on == "error" else Severity.WARNING
    return 1 if any(f.severity >= threshold for f in result.findings) else 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers = {"check": _run_check, "build": _run_build, "serve": _run_serve}
    handlers |= {"history": _run_history, "overdue": _run_overdue, "codeowners": _run_codeowners}
    handlers |= {"new": _run_new, "export": _run_export, "report": _run_report}
    try:
        return handlers[args.command](args)
    except KeyboardInterrupt:
        sys.stderr.write("已中断。\n")
        return 130
    except BrokenPipeError:  # the reader went away (`check | head`): nothing left to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as err:  # never a traceback for a user
        sys.stderr.write(
            f"程序内部错误（{type(err).__name__}: {err}）。请把这条信息和所用命令发给管理员。\n"
        )
        return 2
