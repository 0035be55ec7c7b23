"""Ingest throughput by source format (articles/s), on N synthetic articles per format.

Writes N made-up news articles (generated from templates here, no shared data) as text
files, HTML files, one JSON Lines file, one CSV file, one RSS feed (content in each entry)
and one gzipped WARC, then times for each format: reading alone (``iter_sources``),
reading + cleaning, and a full ``ingest`` into a fresh SQLite store.

    OMP_NUM_THREADS=1 nice -n 10 .venv/bin/python benchmarks/ingest_formats.py [--n 1000]
"""

from __future__ import annotations

import argparse
import csv
import html
import io
import json
import os
import platform
import random
import tempfile
import time
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

from narrascope.clean import clean
from narrascope.errors import InputError
from narrascope.ingest import IngestOptions, iter_sources
from narrascope.pipeline import ingest
from narrascope.store import Store

PLACES = ["Kharkiv", "Odesa", "Zaporizhzhia", "Kherson", "Dnipro", "Sumy", "Lviv", "Mykolaiv"]
WHO = ["the regional governor", "a military spokesman", "the city council", "local officials",
       "the energy ministry", "emergency services", "a volunteer group", "the mayor"]
WHAT = ["repaired a damaged substation", "reopened a bridge to traffic",
        "evacuated families from the outskirts", "restored water to several districts",
        "reported drone debris on a residential street", "opened new heating points",
        "cleared mines from farmland", "handed out generators to hospitals"]


def make_articles(n: int) -> list[dict]:
    rng = random.Random(0)
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    out = []
    for i in range(n):
        place, who, what = rng.choice(PLACES), rng.choice(WHO), rng.choice(WHAT)
        paras = [f"Crews in {place} {what} on day {i}, {who} said, adding that work would "
                 f"continue through the week despite air raid alerts."]
        for _ in range(rng.randint(3, 6)):
            p2, w2 = rng.choice(PLACES), rng.choice(WHO)
            paras.append(f"In {p2}, {w2} said {rng.randint(2, 900)} people were affected and "
                         f"that {rng.choice(WHAT)} had taken {rng.randint(2, 40)} hours. "
                         f"Residents were asked to follow official channels for updates.")
        out.append({"id": f"b{i}", "title": f"{place}: crews {what} (report {i})",
                    "text": "\n\n".join(paras), "url": f"https://bench.example/{i}",
                    "published": (start + timedelta(hours=i)).isoformat(),
                    "outlet": "Bench Herald"})
    return out


def _page(a: dict) -> str:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in a["text"].split("\n\n"))
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(a['title'])}"
            f"</title><link rel='canonical' href='{a['url']}'></head><body><nav><a href='/'>"
            f"Home</a> <a href='/world'>World</a></nav><article><h1>{html.escape(a['title'])}"
            f"</h1>{body}</article><footer>Bench Herald</footer></body></html>")


def write_txt(arts: list[dict], d: Path) -> list[str]:
    (d / "txt").mkdir()
    for a in arts:
        (d / "txt" / f"{a['id']}.txt").write_text(f"{a['title']}\n\n{a['text']}\n")
    return [str(d / "txt")]


def write_html(arts: list[dict], d: Path) -> list[str]:
    (d / "html").mkdir()
    for a in arts:
        (d / "html" / f"{a['id']}.html").write_text(_page(a))
    return [str(d / "html")]


def write_jsonl(arts: list[dict], d: Path) -> list[str]:
    path = d / "all.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in arts))
    return [str(path)]


def write_csv(arts: list[dict], d: Path) -> list[str]:
    path = d / "all.csv"
    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(arts[0]))
        w.writeheader()
        w.writerows(arts)
    return [str(path)]


def write_rss(arts: list[dict], d: Path) -> list[str]:
    items = "".join(
        f"<item><title>{html.escape(a['title'])}</title><link>{a['url']}</link>"
        f"<pubDate>{format_datetime(datetime.fromisoformat(a['published']))}</pubDate>"
        f"<description>{html.escape(''.join(f'<p>{p}</p>' for p in a['text'].split(chr(10) * 2)))}"
        f"</description></item>" for a in arts)
    path = d / "all.rss"
    path.write_text(f"<?xml version='1.0'?><rss version='2.0'><channel><title>Bench Herald"
                    f"</title>{items}</channel></rss>")
    return [str(path)]


def write_warc(arts: list[dict], d: Path) -> list[str]:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = d / "all.warc.gz"
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for a in arts:
            body = _page(a).encode()
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                                  ("Content-Length", str(len(body)))],
                                       protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                a["url"], "response", payload=io.BytesIO(body), http_headers=headers))
    return [str(path)]


FORMATS: dict[str, Callable[[list[dict], Path], list[str]]] = {
    "text files": write_txt, "HTML files": write_html, "JSON Lines": write_jsonl,
    "CSV": write_csv, "RSS (content)": write_rss, "WARC.gz": write_warc}


def _timed(fn: Callable[[], int]) -> tuple[int, float]:
    t = time.perf_counter()
    n = fn()
    return n, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    args = ap.parse_args()
    arts = make_articles(args.n)
    opts = IngestOptions(fetch=False)
    clean(next(i for i in iter_sources([write_txt(arts[:1], Path(tempfile.mkdtemp()))[0]])))
    print(f"# {args.n} articles per format; {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}")
    print("| Format | read only (art/s) | read + clean (art/s) | ingest to store (art/s) |")
    print("|---|---:|---:|---:|")
    for name, write in FORMATS.items():
        with tempfile.TemporaryDirectory() as tmp:
            d = Path(tmp)
            sources = write(arts, d)
            n_read, t_read = _timed(lambda: sum(not isinstance(i, InputError)
                                                for i in iter_sources(sources, opts)))
            n_clean, t_clean = _timed(lambda: sum(
                1 for i in iter_sources(sources, opts) if not isinstance(i, InputError)
                and clean(i)))
            with Store(d / "bench.db") as store:
                n_ing, t_ing = _timed(lambda: len(ingest(sources, store, opts, quiet=True)))
            assert n_read == n_clean == n_ing == args.n, (name, n_read, n_clean, n_ing)
            print(f"| {name} | {n_read / t_read:,.0f} | {n_clean / t_clean:,.0f} "
                  f"| {n_ing / t_ing:,.0f} |", flush=True)


if __name__ == "__main__":
    main()
