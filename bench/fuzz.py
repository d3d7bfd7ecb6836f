"""Long fuzzing run over tm's readers of untrusted input (the targets of
tests/fuzz_targets.py): mutations of real files and random token soup, round robin over
the targets, for --minutes. Prints every distinct finding (exception type and the line
of tm it came from, or a failed oracle) once, with a reproducer saved under --out, and
the inputs that took longer than --slow seconds.

    python bench/fuzz.py --minutes 10
    python bench/fuzz.py --minutes 1 --target po --target tmx
    python bench/fuzz.py --replay bench/out/fuzz/po-ValueError-1.bin --target po

A finding is a bug in tm (bad input must give TmError: one line, exit 2).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fuzz_targets import TARGETS, TOKENS, mutate, mutate_xml_text, seeds  # noqa: E402
from tm.errors import TmError  # noqa: E402


def where(e: BaseException) -> str:
    """The innermost frame inside tm/ (or the last one): file:line of the finding."""
    frames = traceback.extract_tb(e.__traceback__)
    inside = [f for f in frames if "/tm/" in f.filename] or frames
    f = inside[-1] if inside else None
    return f"{Path(f.filename).name}:{f.lineno}" if f else "?"


def soup(rng: random.Random) -> bytes:
    return b"".join(rng.choice(TOKENS) if rng.random() < 0.7 else
                    bytes(rng.randrange(256) for _ in range(rng.randint(1, 6)))
                    for _ in range(rng.randint(1, 80)))


def _replay(path: Path, names: list[str]) -> None:
    """Run one saved input through the targets (a traceback shows where it fails)."""
    data = path.read_bytes()
    for name in names:
        try:
            read = TARGETS[name](data)
        except TmError as e:
            print(f"{name}: TmError (fine): {e}")
        else:
            print(f"{name}: {'read' if read else 'refused with TmError (fine)'}")


def _mutant(name: str, pool: list[bytes], rng: random.Random) -> bytes:
    """The next input for a target: soup, a mutated seed, or a spliced one."""
    if rng.random() < 0.15:
        return soup(rng)
    if name in ("tmx", "tbx") and rng.random() < 0.5:  # past the XML parser
        return mutate_xml_text(rng.choice(pool), rng)
    data = mutate(rng.choice(pool), rng)
    if rng.random() < 0.2:  # splice two files
        other = rng.choice(pool)
        cut = rng.randint(0, len(data))
        data = data[:cut] + other[rng.randint(0, len(other)):]
    return data


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--minutes", type=float, default=5.0)
    ap.add_argument("--target", action="append", choices=sorted(TARGETS))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--slow", type=float, default=2.0, help="report inputs slower than this")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "fuzz")
    ap.add_argument("--replay", type=Path, help="run one saved input and show its traceback")
    args = ap.parse_args()
    names = args.target or sorted(TARGETS)
    if args.replay:
        _replay(args.replay, names)
        return
    args.out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    corpus = {n: [s for s in seeds(n) if len(s) <= 200_000] for n in names}
    runs: Counter[str] = Counter()
    refused: Counter[str] = Counter()
    findings: dict[tuple[str, str, str], int] = {}
    slow: list[tuple[float, str, int]] = []
    start = time.monotonic()
    deadline = start + args.minutes * 60
    while time.monotonic() < deadline:
        for name in names:
            data = _mutant(name, corpus[name], rng)
            t = time.monotonic()
            try:
                if not TARGETS[name](data):
                    refused[name] += 1
            except TmError:
                refused[name] += 1
            except Exception as e:  # noqa: BLE001 - every other exception is a finding
                key = (name, type(e).__name__, where(e))
                findings[key] = findings.get(key, 0) + 1
                if findings[key] == 1:
                    n = len(findings)
                    path = args.out / f"{name}-{type(e).__name__}-{n}.bin"
                    path.write_bytes(data)
                    msg = str(e).splitlines()[0][:160] if str(e) else ""
                    print(f"FINDING {n}: {name}: {type(e).__name__} at {key[2]}: {msg} "
                          f"({len(data)} bytes, saved {path})", flush=True)
            took = time.monotonic() - t
            runs[name] += 1
            if took > args.slow:
                path = args.out / f"{name}-slow-{len(slow) + 1}.bin"
                path.write_bytes(data)
                slow.append((took, name, len(data)))
                print(f"SLOW: {name}: {took:.1f} s on {len(data)} bytes "
                      f"(saved {path})", flush=True)
    elapsed = time.monotonic() - start
    print(f"\n{elapsed / 60:.1f} min, {sum(runs.values())} inputs, seed {args.seed}")
    for name in names:
        print(f"  {name:<9} {runs[name]:>8} inputs, {refused[name]:>7} refused with one line "
              f"(TmError), {sum(v for k, v in findings.items() if k[0] == name)} findings")
    print(f"distinct findings: {len(findings)}; inputs slower than {args.slow} s: {len(slow)}")
    for (name, kind, loc), count in sorted(findings.items()):
        print(f"  {name}: {kind} at {loc} x{count}")
    sys.exit(1 if findings else 0)


if __name__ == "__main__":
    main()
