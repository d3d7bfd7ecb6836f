"""How long term finding takes per 100-word segment, English and Russian, cold and warm.

Run: python bench/bench_terms.py   (prints ms per segment; not part of the test run)
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from tm.terms import _latin_keys, _ru_keys, _word_keys, load_termbase

ROOT = Path(__file__).resolve().parent.parent
LECTURE = ROOT / "sources" / "lectures" / "weiss-2025-stalinist-war-on-trotskyists.md"

# A Russian rendering of some lecture paragraphs (inflected forms on purpose).
RUSSIAN = """
В июне 1927 года, вскоре после разгрома Китайской революции Чан Кайши, Троцкий и другие
лидеры оппозиции были вызваны в Центральную контрольную комиссию. Контрольная комиссия
пыталась обвинить Троцкого в речах, произнесённых им в Исполнительном комитете
Коммунистического интернационала, высшем органе Коминтерна. Троцкий гневно отверг попытку
Центральной контрольной комиссии, подобранной Сталиным, поставить себя над руководящими
органами Интернационала. На XV съезде ВКП(б) в декабре 1927 года оппозиция была исключена
из партии. В январе 1928 года Троцкого выслали в Алма-Ату. Тысячи оппозиционеров были
арестованы по всему СССР; многие из них умерли в ссылке от туберкулёза и малярии. Котэ
Цинцадзе, грузинский старый большевик и близкий друг Троцкого, умер в 1930 году; Саул
Красный умер от туберкулёза в возрасте 29 лет. Иосиф Эльцин был арестован уже смертельно
больным; его отец, Борис Эльцин, руководитель Всесоюзного троцкистского центра, неоднократно
обращался в ОГПУ. Генрих Ягода, заместитель председателя ОГПУ, докладывал Сталину о
ликвидации ленинградского фракционного центра и части комсомольского центра. Яков Блюмкин,
сторонник Троцкого в ГПУ, был расстрелян после того, как посетил Троцкого на Принкипо.
Вагаршак Тер-Ваганян был главным редактором журнала «Под знаменем марксизма», Александр
Воронский редактировал «Красную новь», а Евгений Преображенский входил в редакцию «Вестника
Коммунистической академии». Все трое подписали Заявление 46-ти. Григорий Яковин и Фёдор
Дингельштедт сидели в Верхнеуральском политизоляторе, где оппозиционеры писали тетради о
перманентной революции и против теории социализма в одной стране. «Бюллетень оппозиции»
печатал статью Н. Маркина «Медленная расправа над Х. Г. Раковским». РГАСПИ. Ф. 17. Оп. 171.
Д. 87. Л. 83. Там же. Л. 116–117. Выделено в оригинале.
"""


def windows(text: str, size: int = 100, step: int = 50) -> list[str]:
    words = text.split()
    return [" ".join(words[i:i + size]) for i in range(0, max(1, len(words) - size + 1), step)]


def run(label: str, segments: list[str], src: str, tgt: str) -> None:
    _ru_keys.cache_clear()
    _latin_keys.cache_clear()
    _word_keys.cache_clear()
    t0 = time.perf_counter()
    tb = load_termbase(None)
    tb.find("warm up the index", src, tgt)
    build = time.perf_counter() - t0
    cold = []
    for s in segments:
        a = time.perf_counter()
        tb.find(s, src, tgt)
        cold.append(time.perf_counter() - a)
    warm = []
    for _ in range(5):
        for s in segments:
            a = time.perf_counter()
            tb.find(s, src, tgt)
            warm.append(time.perf_counter() - a)
    print(f"{label}: {len(tb)} entries, {len(segments)} segments of 100 words; "
          f"load+index {build * 1000:.1f} ms; first pass {statistics.mean(cold) * 1000:.2f} ms/seg "
          f"(max {max(cold) * 1000:.2f}); warm {statistics.mean(warm) * 1000:.2f} ms/seg")


def main() -> None:
    run("en->ru lecture", windows(LECTURE.read_text(encoding="utf-8")), "en", "ru")
    run("ru->en sample", windows(RUSSIAN * 3, step=25), "ru", "en")


if __name__ == "__main__":
    main()
