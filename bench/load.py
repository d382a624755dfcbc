"""Load test: N logged-in users on a realistic mix of pages against gunicorn with 2 workers, on this machine only.

    .venv/bin/python bench/load.py                         # 50 users, 60 s, on the demo database
    .venv/bin/python bench/load.py --database tongxinku_bench --users 50 --duration 60
    .venv/bin/python bench/load.py --think 0               # no pause between a user's pages: the ceiling

It starts gunicorn itself (config/gunicorn.conf.py, the production settings file, with its statement
timeout) on a free loopback port and the given database (EMBEDDED_DB_NAME), logs in the demo accounts
(district and street staff, each virtual user with a session of its own), then every user opens pages
of the mix one after another, pausing ``--think`` seconds on average between them as a person reads,
until the time is up or ``--max-requests`` were sent. It prints requests per second, the 50th, 95th
and 99th percentile and the errors of each page kind and overall, with the data size; then stops
gunicorn. Only 127.0.0.1 is ever contacted. Standard library only (threads and http.client).
"""

import argparse
import http.client
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HOST = "127.0.0.1"  # loopback only, never anything else
PASSWORD = "Tongxin@2026"
DISTRICT_ACCOUNTS = ["quadmin", "fenxi", "chakan"]
STREET_ACCOUNTS = ["guanhu", "minzhi", "dalang", "longhua", "fucheng", "guanlan"]
SEARCH_TERMS = ["服务中心", "志愿者", "促进会", "社会工作", "基金会", "shgz", "zyz"]
FILTERS = [{"kind": "social_group"}, {"status": "normal"}, {"rule": "should_build"}, {"kind": "foundation"}]

# page kind → weight: what a staff member's day looks like, the 工作台 and the organization list first
MIX = {
    "工作台": 14,
    "社会组织名录": 14,
    "名录筛选": 12,
    "名录搜索": 12,
    "社会组织详情": 16,
    "两个覆盖": 8,
    "代表人士名录": 10,
    "活动台账": 8,
    "月度统计": 6,
}


def page_url(kind: str, user: "VirtualUser", rng: random.Random) -> str:
    if kind == "工作台":
        return "/"
    if kind == "社会组织名录":
        return "/organizations/" + (f"?page={rng.randint(1, 3)}" if rng.random() < 0.3 else "")
    if kind == "名录筛选":
        return "/organizations/?" + urlencode(rng.choice(FILTERS))
    if kind == "名录搜索":
        return "/organizations/?" + urlencode({"q": rng.choice(SEARCH_TERMS)})
    if kind == "社会组织详情":
        return f"/organizations/{rng.choice(user.organization_ids)}/" if user.organization_ids else "/organizations/"
    if kind == "两个覆盖":
        return "/organizations/coverage/"
    if kind == "代表人士名录":
        return "/talents/"
    if kind == "活动台账":
        return "/activities/"
    if kind == "月度统计":
        return "/activities/figures/"
    raise ValueError(kind)


@dataclass
class VirtualUser:
    username: str
    port: int
    cookies: dict = field(default_factory=dict)
    organization_ids: list = field(default_factory=list)

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
        try:
            all_headers = {"Host": f"{HOST}:{self.port}", "Accept-Language": "zh-hans", **(headers or {})}
            if self.cookies:
                all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            connection.request(method, path, body=body, headers=all_headers)
            response = connection.getresponse()
            content = response.read()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, response.getheader("Location"), content
        finally:
            connection.close()

    def login(self) -> None:
        status, _, content = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
        if status != 200 or not token:
            raise RuntimeError(f"{self.username}: 登录页打不开（{status}）")
        body = urlencode(
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1).decode()}
        )
        status, location, _ = self.request(
            "POST",
            "/accounts/login/",
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://{HOST}:{self.port}/"},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"{self.username}: 登录失败（{status} {location}）")
        # the organizations this user may open: the detail pages of the mix stay inside their scope
        _, _, content = self.request("GET", "/organizations/")
        self.organization_ids = sorted({int(pk) for pk in re.findall(rb'href="/organizations/(\d+)/"', content)})


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def data_size(database: str) -> dict:
    """Row counts of the tables the mix reads, from the database gunicorn will serve."""
    os.environ["EMBEDDED_DB_NAME"] = database
    import psycopg

    from config.database import start_embedded

    url = os.environ.get("DATABASE_URL")
    connect = psycopg.connect(url) if url else psycopg.connect(host=start_embedded(), user="postgres", dbname=database)
    with connect as connection:
        counts = {}
        for label, table in [
            ("社会组织", "organizations_organization"),
            ("代表人士", "talents_representative"),
            ("活动", "activities_activity"),
        ]:
            counts[label] = connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        return counts


def start_gunicorn(*, port: int, database: str, workers: int, threads: int) -> subprocess.Popen:
    env = {**os.environ, "PORT": str(port), "EMBEDDED_DB_NAME": database, "WEB_CONCURRENCY": str(workers)}
    env["GUNICORN_THREADS"] = str(threads)
    env.setdefault("DEBUG", "false")
    env.pop("GUNICORN_BIND", None)  # the config's loopback bind on our port
    process = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "config/gunicorn.conf.py", "config.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(ROOT / "bench" / ".load-gunicorn.log", "w"),  # noqa: SIM115 (closed with the process)
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn 未能启动，见 bench/.load-gunicorn.log")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", "/accounts/login/")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.3)
    stop_gunicorn(process)
    raise RuntimeError("gunicorn 60 秒内未就绪")


def stop_gunicorn(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # graceful: the workers finish what they hold
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def serving_processes(master_pid: int, database: str) -> dict[str, int]:
    """The parent processes whose trees serve the requests: gunicorn's master and PostgreSQL's postmaster."""
    import psycopg

    from config.database import start_embedded

    url = os.environ.get("DATABASE_URL")
    connect = psycopg.connect(url) if url else psycopg.connect(host=start_embedded(), user="postgres", dbname=database)
    with connect as connection:
        row = connection.execute("SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'").fetchone()
    processes = {"gunicorn": master_pid}
    checkpointer = Path(f"/proc/{row[0]}/stat") if row else None
    if checkpointer and checkpointer.exists():  # a server on this machine: its postmaster is the parent
        processes["PostgreSQL"] = int(checkpointer.read_text().rsplit(")", 1)[1].split()[1])
    return processes


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process tree: the process, its children that have exited (the kernel adds
    them to their parent once reaped, so a backend or worker that came and went is counted) and those alive."""

    def times(process: int, *, exited: bool) -> float:
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            return 0.0
        used = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if exited else 0)
        return used / os.sysconf("SC_CLK_TCK")

    try:
        children = [int(c) for t in Path(f"/proc/{pid}/task").iterdir() for c in (t / "children").read_text().split()]
    except FileNotFoundError:
        children = []
    return times(pid, exited=True) + sum(times(child, exited=True) for child in children)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run(args) -> None:
    sizes = data_size(args.database)
    load_before = os.getloadavg()  # other work on the machine shares its two cores: printed with the numbers
    port = free_port()
    print(f"数据量：{'，'.join(f'{label} {count:,}' for label, count in sizes.items())}（数据库 {args.database}）")
    print(
        f"gunicorn {args.workers} 个进程 × {args.threads} 线程（config/gunicorn.conf.py）于 {HOST}:{port}；"
        f"{args.users} 个已登录用户，"
        f"{args.duration} 秒，平均间隔 {args.think} 秒"
    )
    process = start_gunicorn(port=port, database=args.database, workers=args.workers, threads=args.threads)
    try:
        accounts = DISTRICT_ACCOUNTS + STREET_ACCOUNTS
        users = [VirtualUser(accounts[i % len(accounts)], port) for i in range(args.users)]
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.workers * 2) as pool:  # the password hash is slow by design
            list(pool.map(VirtualUser.login, users))
        print(f"登录 {len(users)} 个会话用时 {time.perf_counter() - started:.1f} 秒")

        results: dict[str, list[float]] = defaultdict(list)
        errors: dict[str, list[str]] = defaultdict(list)
        lock = threading.Lock()
        sent = 0
        deadline = time.monotonic() + args.duration
        kinds, weights = list(MIX), list(MIX.values())

        def drive(user: VirtualUser, seed: int) -> None:
            nonlocal sent
            rng = random.Random(seed)
            if args.think:
                time.sleep(rng.uniform(0, args.think))  # users arrive spread out, not all at once
            while time.monotonic() < deadline:
                with lock:
                    if sent >= args.max_requests:
                        return
                    sent += 1
                kind = rng.choices(kinds, weights)[0]
                url = page_url(kind, user, rng)
                began = time.perf_counter()
                try:
                    status, location, _ = user.request("GET", url)
                    problem = None if status == 200 else f"{status} {url} {location or ''}".strip()
                except OSError as error:
                    problem = f"{type(error).__name__} {url}"
                elapsed = time.perf_counter() - began
                with lock:
                    results[kind].append(elapsed)
                    if problem:
                        errors[kind].append(problem)
                if args.think:
                    time.sleep(max(0.0, min(rng.expovariate(1 / args.think), deadline - time.monotonic())))

        threads = [threading.Thread(target=drive, args=(user, i), daemon=True) for i, user in enumerate(users)]
        serving = serving_processes(process.pid, args.database)
        cpu_before = {kind: cpu_seconds(pid) for kind, pid in serving.items()}
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.duration + 120)
        wall = time.perf_counter() - began
        cpu = {kind: cpu_seconds(pid) - cpu_before[kind] for kind, pid in serving.items()}
    finally:
        stop_gunicorn(process)

    report(results, errors, wall)
    served = sum(len(times) for times in results.values())
    per_request = {kind: seconds * 1000 / max(served, 1) for kind, seconds in cpu.items()}
    total = sum(per_request.values())
    print(
        "每个请求耗用的 CPU（与本机其他负载无关）："
        + "，".join(f"{kind} {ms:.0f} ms" for kind, ms in per_request.items())
        + f"，合计 {total:.0f} ms；两个空闲 CPU 核约可服务 {2000 / total:.0f} 请求/秒"
    )
    before, after = (" / ".join(f"{x:.1f}" for x in load) for load in (load_before, os.getloadavg()))
    print(f"本机负载（1/5/15 分钟）：开始 {before} → 结束 {after}")


def report(results: dict, errors: dict, wall: float) -> None:
    print("\n" + cells("页面", "请求数", "请求/秒", "p50 ms", "p95 ms", "p99 ms", "最长 ms", "错误"))
    everything: list[float] = []
    for kind in MIX:
        times = results.get(kind, [])
        everything += times
        if times:
            print(row(kind, times, len(errors.get(kind, [])), wall))
    total_errors = sum(len(e) for e in errors.values())
    print(row("合计", everything, total_errors, wall))
    print(f"（平均 {statistics.mean(everything) * 1000:.0f} ms，历时 {wall:.1f} 秒）")
    for kind, problems in errors.items():
        for problem in problems[:3]:
            print(f"  错误 · {kind}：{problem}")


def row(label: str, times: list[float], error_count: int, wall: float) -> str:
    ms = [t * 1000 for t in times]
    figures = [percentile(ms, 0.5), percentile(ms, 0.95), percentile(ms, 0.99), max(ms)]
    return cells(label, len(times), f"{len(times) / wall:.1f}", *(f"{value:.0f}" for value in figures), error_count)


def cells(label, *values) -> str:
    """A table row aligned in a terminal, where a Chinese character is two columns wide."""

    def width(text: str) -> int:
        return sum(2 if ord(ch) > 127 else 1 for ch in text)

    def right(text, columns: int) -> str:
        return " " * max(1, columns - width(str(text))) + str(text)

    return label + " " * max(1, 12 - width(label)) + "".join(right(value, 9) for value in values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=os.environ.get("EMBEDDED_DB_NAME", "tongxinku"))
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="秒，最多 600")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1, help="每个 gunicorn 进程的线程数")
    parser.add_argument("--think", type=float, default=3.0, help="用户两次打开页面之间的平均间隔（秒）；0 为不间断")
    parser.add_argument("--max-requests", type=int, default=100_000, help="总请求数上限")
    args = parser.parse_args()
    if not 1 <= args.users <= 500 or not 1 <= args.duration <= 600:
        parser.error("--users 取 1–500，--duration 取 1–600 秒")
    run(args)


if __name__ == "__main__":
    main()
