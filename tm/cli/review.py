"""`tm review`: a thin command over tm.review."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tm.cli.common import Docs, OneLang, console, reported


@reported
def review(
    lang: OneLang,
    docs: Docs = None,
    html: Annotated[Path | None, typer.Option(
        "--html", help="Where to write the page (default: build/review-<lang>.html).",
        show_default=False)] = None,
) -> None:
    """Write a side-by-side review page: source and translation sentence by sentence,
    status colours, memory score and origin, term hints, QA findings, and a filter
    for the sentences that need work. One self-contained HTML file.

    Example: tm review --lang ru --html review-ru.html
    """
    from tm.atomic import atomic_write
    from tm.config import load_config
    from tm.report import page_path
    from tm.review import STATUSES, default_path, render_review, review_project

    config = load_config()
    path = page_path(html, config) if html is not None else default_path(config, lang)
    reviews = review_project(config, lang, docs)
    atomic_write(path, render_review(reviews, lang))
    rows = [r for d in reviews for r in d.rows]
    counts = ", ".join(f"{sum(r.status == s for r in rows)} {s}" for s in STATUSES)
    console.print(f"wrote {config.relative(path)}: {len(rows)} sentences ({counts})",
                  markup=False)
