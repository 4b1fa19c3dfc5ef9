"""`python -m dagster_project.catalog check` · `python -m dagster_project.catalog accept FILE`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..settings import load_settings
from .check import check_catalog
from .worklist import accept


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dagster_project.catalog", description="目录维护 / catalog upkeep (sources/reference/)"
    )
    where = argparse.ArgumentParser(add_help=False)
    where.add_argument(
        "--reference-dir",
        type=Path,
        default=None,
        help="the catalog folder (default: $DAZU_REFERENCE_DIR or sources/reference)",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", parents=[where], help="检查整个目录 / validate the whole catalog")
    accepting = commands.add_parser(
        "accept", parents=[where], help="接受补录建议 / append the proposals marked accept = yes"
    )
    accepting.add_argument("file", type=Path, help="reports/catalog_proposals.csv, edited")
    args = parser.parse_args(argv)
    args.reference_dir = args.reference_dir or load_settings().reference_dir
    if args.command == "check":
        issues = check_catalog(args.reference_dir)
        for issue in issues:
            print(issue.as_text())
        print(
            f"目录检查{'未通过' if issues else '通过'} / catalog check {'failed' if issues else 'passed'}: "
            f"{len(issues)} 个问题 problems"
        )
        return 1 if issues else 0
    accepted, issues = accept(args.file, args.reference_dir)
    for issue in issues:
        print(issue.as_text())
    if issues:
        print("未写入目录: 接受后目录检查未通过 / nothing was written: the catalog would fail its check")
        return 1
    print(
        f"已接受 {accepted} 条, 已写入 {args.reference_dir} / accepted {accepted} rows into {args.reference_dir}; "
        "下次运行将放行待补录的报送 / the next run releases the held submissions"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
