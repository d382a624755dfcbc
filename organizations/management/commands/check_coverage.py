"""Compares every stored coverage row (organizations.CoverageState) and tally with a full recomputation."""

from django.core.management.base import BaseCommand, CommandError

from organizations import coverage_state

SHOWN = 50


class Command(BaseCommand):
    help = (
        "逐家核对“两个覆盖”存储数据与按现行口径的完整重算（按每行的计算日期），列出不一致之处；"
        "有不一致时以非零状态退出。--fix 重算不一致的社会组织并重新汇总。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="修复：重算不一致的社会组织，重建汇总")

    def handle(self, *args, **options):
        problems = coverage_state.disagreements()
        for problem in problems[:SHOWN]:
            self.stdout.write(describe(problem))
        if len(problems) > SHOWN:
            self.stdout.write(f"……另有 {len(problems) - SHOWN} 处不一致未列出。")
        if not problems:
            self.stdout.write(f"全部一致（覆盖数据截至 {coverage_state.as_of() or '—'}）。")
            return
        if not options["fix"]:
            raise CommandError(f"{len(problems)} 处不一致；用 --fix 修复。")
        coverage_state.refresh_coverage([problem["organization"] for problem in problems if "organization" in problem])
        coverage_state.refresh_instructors([problem["liaison"] for problem in problems if "liaison" in problem])
        coverage_state.rebuild_tally()
        left = coverage_state.disagreements()
        if left:
            raise CommandError(f"修复后仍有 {len(left)} 处不一致。")
        self.stdout.write(f"已修复 {len(problems)} 处不一致，现已全部一致。")


def describe(problem: dict) -> str:
    details = "；".join(f"{name} 存储为 {have}，应为 {want}" for name, (have, want) in problem["wrong"].items())
    if "tally" in problem:
        region, industry, status = problem["tally"]
        return f"汇总（区域 {region}，行业 {industry or '未分类'}，状态 {status}）：{details}"
    day = f"（按 {problem['day']}）" if problem["day"] else ""
    if "liaison" in problem:
        return f"党建指导员 {problem['liaison']}{day}：{details}"
    return f"社会组织 {problem['organization']}{day}：{details}"
