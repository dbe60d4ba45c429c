"""How `$metadata` of a real-sized base is read: streamed to a file and parsed with iterparse, keeping only the
sets the profiles need — side by side with reading the whole document into a DOM.

    .venv/bin/python benchmarks/bench_metadata.py [--types 3300]

A real УТ 11 `$metadata` is 15–17 MB with ~4 200 entity types (notes §1.1). The document here is synthetic but
shaped like one (entity types with 30–60 properties, tabular row types, associations, enum types, function
imports); the three sandbox configurations' own objects are put in the middle, so detection and the profiles'
plans run on a document of that size. Figures are printed, not asserted (a shared machine).
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
import time
import tracemalloc
import xml.etree.ElementTree as ET
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.mapping.table import load_all
from core.onec.publication import Publication, detect_configuration, detection_names
from core.profile import KNOWN_ONEC_PROFILES
from core.sandbox.onec.entity_model import Model, metadata_xml

PREFIXES = ["Catalog", "Document", "InformationRegister", "AccumulationRegister", "Constant", "ChartOfAccounts"]
WORDS = ["Номенклатура", "Склад", "Партия", "Организация", "Подразделение", "Договор", "Сумма", "Количество",
         "Валюта", "Курс", "Статья", "Проект", "Ответственный", "Комментарий", "Дата", "Признак", "Вид", "Тип"]


def synthetic_metadata(path: Path, types: int, configuration: str) -> int:
    """Write an EDMX of ``types`` entity types around the sandbox configuration's own objects; returns its size."""
    rnd = random.Random(7)
    own = metadata_xml(Model.for_configuration(configuration))
    head, rest = own.split("<EntityType", 1)
    body, tail = ("<EntityType" + rest).split('      <EntityContainer Name="EnterpriseV8"', 1)
    container_sets, container_tail = tail.split("\n", 1)[1].split("      </EntityContainer>", 1)
    with path.open("w", encoding="utf-8") as out:
        out.write(head)
        sets: list[str] = []

        def filler(count: int, start: int) -> None:
            for n in range(start, start + count):
                name = f"{PREFIXES[n % len(PREFIXES)]}_{rnd.choice(WORDS)}{rnd.choice(WORDS)}{n}"
                props = [f'        <Property Name="{rnd.choice(WORDS)}{k}" Type="Edm.String" Nullable="true"/>'
                         for k in range(rnd.randint(30, 60))]
                out.write(f'      <EntityType Name="{name}">\n        <Key>\n          <PropertyRef Name="Ref_Key"/>\n'
                          f'        </Key>\n        <Property Name="Ref_Key" Type="Edm.Guid" Nullable="false"/>\n'
                          + "\n".join(props) + "\n      </EntityType>\n")
                out.write(f'      <ComplexType Name="{name}_Товары_RowType">\n'
                          + "\n".join(props[:12]) + "\n      </ComplexType>\n")
                out.write(f'      <Association Name="{name}_Ссылка">\n        <End Role="Begin" '
                          f'Type="StandardODATA.{name}" Multiplicity="*"/>\n        <End Role="End" '
                          f'Type="StandardODATA.{name}" Multiplicity="0..1"/>\n      </Association>\n')
                sets.append(f'        <EntitySet Name="{name}" EntityType="StandardODATA.{name}"/>')

        filler(types // 2, 0)
        out.write(body)
        filler(types - types // 2, types // 2)
        out.write('      <EntityContainer Name="EnterpriseV8" m:IsDefaultEntityContainer="true">\n')
        out.write(container_sets)
        out.write("\n".join(sets) + "\n")
        out.write("      </EntityContainer>" + container_tail)
    return path.stat().st_size


def measure(label: str, work) -> tuple[float, float]:
    tracemalloc.start()
    started = time.perf_counter()
    result = work()
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  {label:<58} {elapsed:6.2f} s   пик памяти {peak / 2**20:7.1f} МБ")
    return elapsed, peak, result  # type: ignore[return-value]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--types", type=int, default=3300)
    parser.add_argument("--configuration", default="bp30", choices=KNOWN_ONEC_PROFILES)
    args = parser.parse_args()
    tables = load_all(KNOWN_ONEC_PROFILES)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "metadata.xml"
        size = synthetic_metadata(path, args.types, args.configuration)
        print(f"$metadata: {size / 2**20:.1f} МБ, {args.types} синтетических типов + объекты {args.configuration}")
        names = detection_names(tables)

        def streamed() -> Publication:
            with path.open("rb") as raw, io.BufferedReader(raw) as stream:
                return Publication.from_metadata(stream, names)

        _, stream_peak, publication = measure("потоковый разбор, только нужные объекты (как в программе)", streamed)
        _, dom_peak, _ = measure("для сравнения: весь документ в DOM (ET.parse)", lambda: ET.parse(path))
        detection = detect_configuration(publication, tables)
        print(f"  опубликованных объектов: {len(publication.set_names)}, разобрано подробно: "
              f"{len(publication.sets)}, конфигурация: {detection.profile} (очки {detection.scores})")
        print(f"  память: поток / DOM = {stream_peak / dom_peak:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
