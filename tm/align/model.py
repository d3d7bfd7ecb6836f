"""The nouns of alignment: sentences of two documents and the links between them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Sentence:
    """One segment of a document as tm's segmenter cut it, with the block it belongs to."""

    text: str
    block: int
    """Index of the unit (paragraph, heading, list item...) in its document."""
    kind: str = "paragraph"
    line: int = 1


@dataclass(frozen=True, slots=True)
class Block:
    """A unit of a document: its sentences are `first .. first + count - 1`."""

    first: int
    count: int
    kind: str
    length: int
    """Characters of text, the Gale-Church measure of the block."""


@dataclass(frozen=True, slots=True)
class Link:
    """Source sentences `source` rendered as target sentences `target` (either may be
    empty: an omission or an addition)."""

    source: tuple[int, ...]
    target: tuple[int, ...]
    confidence: float = 1.0
    """0..1: how sure the aligner is (length fit and anchors agreeing)."""
    reordered: bool = False
    """Part of a swap: two source sentences translated in the other order."""

    def pairs(self) -> set[tuple[int, int]]:
        """The (source, target) sentence pairs this link covers (none for 1-0/0-1)."""
        return {(s, t) for s in self.source for t in self.target}

    @property
    def kind(self) -> str:
        return f"{len(self.source)}-{len(self.target)}"


@dataclass(slots=True)
class Alignment:
    """Two documents' sentences and the links between them, in source order."""

    source_lang: str
    target_lang: str
    source: list[Sentence]
    target: list[Sentence]
    links: list[Link] = field(default_factory=list)
    source_name: str = ""
    target_name: str = ""

    def pairs(self) -> set[tuple[int, int]]:
        """Every (source, target) sentence pair the alignment claims."""
        return {p for link in self.links for p in link.pairs()}

    def texts(self, link: Link) -> tuple[str, str]:
        """The source and target text of a link, sentences joined by a space."""
        return (" ".join(self.source[i].text for i in link.source),
                " ".join(self.target[j].text for j in link.target))


def blocks_of(sentences: list[Sentence]) -> list[Block]:
    """The blocks of a sentence list, in order (consecutive sentences of one unit)."""
    out: list[Block] = []
    for i, s in enumerate(sentences):
        if out and sentences[out[-1].first].block == s.block:
            b = out[-1]
            out[-1] = Block(b.first, b.count + 1, b.kind, b.length + len(s.text))
        else:
            out.append(Block(i, 1, s.kind, len(s.text)))
    return out
