"""How long each dashboard page takes, on a database you name:

    python -m dashboard.timing DB [--reruns 3] [--query from=2026-08-15 --query to=2026-10-15]

Each page is rendered through Streamlit's AppTest (the real page code, no browser) with the
default filters (or the --query URL params). Per page it reports, as medians over the reruns:
- queries: the page's SQL run uncached on a warm read-only connection (the cost of a filter
  change nobody asked for before), summed over its queries, and how many queries that is;
- render uncached: the app's script run for the page (sidebar, queries, Python, figures) with
  empty result caches;
- render cached: the same run again with the same filters (what a rerun or a second visitor
  with the same view costs).
Render times are the script run measured inside the app (AppTest's own start-up is not
counted); the browser's drawing is not included.
The first render of each page (imports, connection opening) is not counted.
"""
from __future__ import annotations

import argparse
import os
import statistics

PAGES = ("overview", "sla", "channels", "reputation", "campaigns", "conversations")


def measure(db: str, reruns: int = 3, query: dict | None = None) -> dict:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dashboard import data, routes

    os.environ["CAREPULSE_DB"] = db
    app = os.path.join(os.path.dirname(__file__), "app.py")
    out = {}
    for page in PAGES:
        def render() -> float:
            at = AppTest.from_file(app, default_timeout=300)
            for k, v in (query or {}).items():
                at.query_params[k] = v
            if page != "overview":
                at.switch_page(f"views/{page}.py")
            routes.RENDER_LOG = []
            at.run()
            if at.exception:
                raise RuntimeError(f"{page}: {at.exception[0].message}")
            took, routes.RENDER_LOG = sum(routes.RENDER_LOG), None
            return took

        st.cache_data.clear()
        render()                                   # warm-up: imports, connection, OS cache
        queries, counts, uncached, cached = [], [], [], []
        for _ in range(reruns):
            st.cache_data.clear()
            data.QUERY_LOG = []
            uncached.append(render())
            queries.append(sum(t for _, t in data.QUERY_LOG))
            counts.append(len(data.QUERY_LOG))
            data.QUERY_LOG = None
            cached.append(render())
        out[page] = {"queries_s": statistics.median(queries), "queries": max(counts),
                     "render_uncached_s": statistics.median(uncached),
                     "render_cached_s": statistics.median(cached)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("db")
    parser.add_argument("--reruns", type=int, default=3)
    parser.add_argument("--query", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()
    query = dict(q.split("=", 1) for q in args.query)
    result = measure(args.db, args.reruns, query)
    print(f"{'page':<14} {'queries':>7} {'SQL warm':>9} {'render uncached':>16} "
          f"{'render cached':>14}")
    for page, r in result.items():
        print(f"{page:<14} {r['queries']:>7} {r['queries_s']:>8.3f}s {r['render_uncached_s']:>15.3f}s"
              f" {r['render_cached_s']:>13.3f}s")


if __name__ == "__main__":
    main()
