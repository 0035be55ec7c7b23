"""Web benchmark: page server times and API load against a real ``narrascope serve``.

    python benchmarks/web_store.py --articles 10000 --db benchmarks/out/web10k.db
    python benchmarks/web_load.py --db benchmarks/out/web10k.db

1. starts ``narrascope serve`` (uvicorn) on a free loopback port and times the first
   request, which builds the app's facet index;
2. pages: each page kind requested ``--page-reps`` times, one at a time; reports the
   server's own time (its ``Server-Timing`` header), p50 and max, for the first request
   (cold: nothing remembered) and for all;
3. API: a fixed number of read requests (``--requests``) from ``--concurrency`` client
   threads over keep-alive connections (``http.client``), a mix of article, search,
   filtered search and statistics; reports requests/s, client-side latency p50/p99 and
   the server's CPU time per request. It stops by itself.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def start_server(db: Path, port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}
    return subprocess.Popen([sys.executable, "-m", "narrascope", "serve", "--db", str(db),
                             "--port", str(port), "--quiet", "--workers", str(workers)],
                            env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_ready(url: str, proc: subprocess.Popen, workers: int) -> float:
    while True:
        if proc.poll() is not None:
            raise SystemExit("the server exited")
        try:
            urllib.request.urlopen(url + "/static/app.css", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    t1 = time.perf_counter()
    for _ in range(workers * 4):  # reach every worker process, so each builds its index
        urllib.request.urlopen(url + "/api/stats/overview", timeout=600).read()
    return time.perf_counter() - t1


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of process ``pid`` and all its descendants so far."""
    tick = os.sysconf("SC_CLK_TCK")
    stats = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(d.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    tree = {pid}
    grew = True
    while grew:
        grew = False
        for p, (ppid, _) in stats.items():
            if ppid in tree and p not in tree:
                tree.add(p)
                grew = True
    return sum(stats[p][1] for p in tree if p in stats)


def rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` and its descendants, in MB."""
    total = 0.0
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            status = (d / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if int(d.name) == pid or int(fields.get("PPid", "0").strip() or 0) == pid:
            total += int(fields.get("VmRSS", "0 kB").split()[0]) / 1024
    return total


def server_ms(r: httpx.Response) -> float:
    return float(r.headers["server-timing"].split("dur=")[1])


def targets(client: httpx.Client) -> dict[str, list[str]]:
    ov = client.get("/api/stats/overview").json()
    narratives = sorted(ov["narratives"])
    outlets = sorted(o for o in ov["outlets"] if o != "(unknown)")
    ids = [h["id"] for h in client.get("/api/search", params={"per_page": 200}).json()["results"]]
    speakers = [s["speaker"] for s in client.get("/api/stats/speakers").json()["speakers"]]
    entities = [e["entity"] for e in client.get("/api/stats/entities").json()["entities"]]
    words = ["kalo", "renta*", "bel", "mi OR vo", "\"sor pa\"", "dritas", "quen", "goln*"]
    return {"ids": ids, "narratives": narratives, "outlets": outlets, "speakers": speakers,
            "entities": entities, "words": words}


def page_urls(t: dict[str, list[str]], rng: random.Random) -> dict[str, callable]:
    q = lambda s: quote(s, safe="")  # noqa: E731
    return {
        "dashboard": lambda: "/?outlet=" + q(rng.choice(t["outlets"])) if rng.random() < .5 else "/",
        "article": lambda: "/articles/" + rng.choice(t["ids"]),
        "search (words)": lambda: "/search?q=" + q(rng.choice(t["words"])),
        "search (narrative)": lambda: "/search?narrative=" + q(rng.choice(t["narratives"])),
        "narrative": lambda: "/narratives/" + q(rng.choice(t["narratives"])),
        "outlet": lambda: "/outlets/" + q(rng.choice(t["outlets"])),
        "speaker": lambda: "/speakers/" + q(rng.choice(t["speakers"])),
        "entity": lambda: "/entities/" + q(rng.choice(t["entities"])),
    }


def bench_pages(client: httpx.Client, t, reps: int, rng: random.Random) -> None:
    print(f"\npages: server time (Server-Timing), {reps} requests each, one at a time")
    print(f"{'page':<20} {'first ms':>9} {'p50 ms':>8} {'max ms':>8}")
    for name, make in page_urls(t, rng).items():
        times = []
        for _ in range(reps):
            r = client.get(make())
            assert r.status_code == 200, (r.status_code, r.url)
            times.append(server_ms(r))
        print(f"{name:<20} {times[0]:>9.1f} {statistics.median(times):>8.1f} {max(times):>8.1f}")


def api_mix(t, rng: random.Random) -> list[str]:
    q = lambda s: quote(s, safe="")  # noqa: E731
    makers = [
        lambda: "/api/articles/" + rng.choice(t["ids"]),
        lambda: "/api/articles/" + rng.choice(t["ids"]),
        lambda: f"/api/search?q={q(rng.choice(t['words']))}&page={rng.randint(1, 5)}",
        lambda: f"/api/search?narrative={q(rng.choice(t['narratives']))}&page={rng.randint(1, 5)}",
        lambda: f"/api/search?outlet={q(rng.choice(t['outlets']))}&since=2024-03-01",
        lambda: "/api/stats/narratives?by=" + rng.choice(["day", "week", "month", "outlet"]),
        lambda: "/api/stats/speakers",
        lambda: "/api/stats/entities?limit=50",
    ]
    return [rng.choice(makers)() for _ in range(100_000)]


def bench_api(port: int, urls: list[str], concurrency: int) -> None:
    """``urls`` fetched by ``concurrency`` threads, each over one keep-alive connection
    (the standard library's HTTP client: a heavier client would measure itself)."""
    lat: list[float] = []
    errors = 0
    it = iter(urls)
    lock = threading.Lock()

    def worker() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                u = next(it, None)
            if u is None:
                break
            t0 = time.perf_counter()
            conn.request("GET", u)
            r = conn.getresponse()
            r.read()
            lat.append(time.perf_counter() - t0)
            if r.status != 200:
                with lock:
                    errors += 1
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - t0
    n = len(lat)
    print(f"\nAPI: {n} read requests, {concurrency} concurrent clients, {errors} errors")
    print(f"  {n / took:.0f} requests/s · latency p50 {pct(lat, 50) * 1000:.1f} ms · "
          f"p99 {pct(lat, 99) * 1000:.1f} ms · max {max(lat) * 1000:.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=Path("benchmarks/out/web10k.db"))
    ap.add_argument("--requests", type=int, default=3000)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--page-reps", type=int, default=20)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workers", type=int, default=1, help="server processes")
    args = ap.parse_args()
    if not args.db.exists():
        raise SystemExit(f"{args.db} is absent; make it with benchmarks/web_store.py")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = start_server(args.db, port, args.workers)
    try:
        build = wait_ready(url, proc, args.workers)
        print(f"store {args.db}, {args.workers} server process(es): first requests (build "
              f"the facet index) {build:.1f} s; server memory {rss_mb(proc.pid):.0f} MB")
        rng = random.Random(args.seed)
        with httpx.Client(base_url=url, timeout=120) as client:
            t = targets(client)
            print(f"{client.get('/api/stats/overview').json()['articles']} articles")
            bench_pages(client, t, args.page_reps, rng)
        urls = api_mix(t, rng)[:args.requests]
        bench_api(port, urls[:200], args.concurrency)  # warm-up, not reported
        print("(the line above is a 200-request warm-up)")
        cpu0 = cpu_seconds(proc.pid)
        bench_api(port, urls, args.concurrency)
        cpu = cpu_seconds(proc.pid) - cpu0
        print(f"  server CPU: {cpu:.1f} s for {len(urls)} requests = "
              f"{cpu / len(urls) * 1000:.2f} ms per request")
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
