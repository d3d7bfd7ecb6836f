"""Sentence alignment of existing translations into translation memory (`tm align`).

Library first: `align_files` / `align_texts` give an Alignment (tm.align.model),
`alignment_tmx` writes it as TMX, `review_html` as a page to check, `pair_folders`
pairs the documents of two folders.
"""

from __future__ import annotations

from tm.align.documents import align_files, align_texts, sentences
from tm.align.model import Alignment, Link, Sentence
from tm.align.review import review_html
from tm.align.tmx import alignment_tmx

__all__ = ["Alignment", "Link", "Sentence", "align_files", "align_texts",
           "alignment_tmx", "review_html", "sentences"]
