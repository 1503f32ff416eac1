"""A synthetic, full-scale election in the project's own curation format, for benchmarks.

`python bench/generate.py --scale 1 --out DIR` writes a project root that the real pipeline
builds (`build_graph(Paths(DIR))`): ontology/ (a copy of the project's), data/sources/ (one
generated results bulletin per province plus a national summary, with manifest.yaml and
SHA-256 digests), data/entities/*.yaml and data/statements/*.yaml whose quotes are lines of
those bulletins.

At scale 1 it has the 27,858 deputies of the 2023 local elections: each a person with a
generated name, elected in one constituency to one people's assembly (provincial, city or
county, under one of 12 provinces), with a membership and a per-constituency share of votes for
and against, all supported by the bulletin line that names the deputy. Each assembly has its
deputies elected and its turnout (located at its province, city or county), quoted from its
heading; the summary gives the share for and against at each level (no location), so the shapes
and queries that pair figures by election, measure, scope and location have real work. Every
name, place and figure is generated: the texts say so in their first line. Top-level ids
(election-2023-local, the three assembly levels, north-korea, kcna) are the real ones, so the
competency queries in queries/ find something to answer.

Deterministic: the same scale and seed give byte-identical files.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
FULL_DEPUTIES = 27_858  # deputies elected in 2023 (Wikipedia text, data/sources/)
FULL_LOCAL_ASSEMBLIES = 200  # city (district) and county assemblies at scale 1
PROVINCES = 12
PROVINCIAL_SHARE = 0.035  # share of deputies in the provincial assemblies
ELECTION = "election-2023-local"
PUBLISHED = "2023-11-29"

SURNAMES = [
    "Kim",
    "Ri",
    "Pak",
    "Choe",
    "Jong",
    "Kang",
    "Han",
    "Ryu",
    "Jang",
    "Yun",
    "Hong",
    "Ju",
    "Mun",
    "Song",
    "Hwang",
    "An",
    "Cha",
    "Jo",
    "Sin",
    "Pang",
    "Kye",
    "Ho",
    "Ko",
    "Rim",
    "Paek",
    "Ok",
    "Tong",
    "Nam",
    "Chon",
    "Yang",
    "Om",
    "Ma",
    "No",
    "Sok",
    "Kil",
]
SYLLABLES = [
    "chol",
    "song",
    "il",
    "myong",
    "hyok",
    "su",
    "yong",
    "hui",
    "ok",
    "nam",
    "gwang",
    "jin",
    "sun",
    "hyang",
    "ryong",
    "chun",
    "mi",
    "kyong",
    "hak",
    "bok",
    "sik",
    "ho",
    "jun",
    "min",
    "hwa",
    "ran",
    "gil",
    "dok",
    "bom",
    "un",
    "sol",
    "gyu",
    "ae",
    "ju",
    "pyo",
    "rim",
    "nyo",
    "dae",
    "sam",
    "thae",
    "jae",
    "ung",
    "bin",
    "yon",
    "hun",
    "man",
    "gum",
    "rye",
    "sang",
    "won",
]
PLACE_PARTS = [
    "Hwang",
    "Ryong",
    "Sam",
    "Jang",
    "Kum",
    "Un",
    "Tae",
    "Pung",
    "Song",
    "Hae",
    "Chon",
    "San",
    "Ok",
    "Sin",
    "Mun",
    "Pyok",
    "Yon",
    "Kang",
    "Rak",
    "Hyang",
    "Chang",
    "Tok",
    "Hung",
    "Myong",
    "Nam",
    "Pok",
    "Sok",
    "Ung",
    "Hwa",
    "Ryon",
]
PLACE_ENDS = [
    "song",
    "chon",
    "san",
    "dong",
    "won",
    "ju",
    "gang",
    "rim",
    "phyong",
    "do",
    "mun",
    "dok",
    "hung",
    "jin",
    "chang",
    "bong",
    "gok",
    "ri",
    "ho",
    "sil",
    "nam",
    "pho",
]


@dataclass
class Assembly:
    id: str
    label: str
    level: str  # provincial, city or county
    place: str  # id of the province or city/county
    province: str
    seats: int = 0
    turnout: str = "100.00"
    deputies: list[tuple[str, str, str]] = field(default_factory=list)  # (id, name, share)


@dataclass
class Election:
    scale: float
    seed: int
    provinces: list[tuple[str, str]]  # (id, label)
    places: list[tuple[str, str, str, str]]  # (id, label, class, province id)
    assemblies: list[Assembly]

    @property
    def deputies(self) -> int:
        return sum(a.seats for a in self.assemblies)

    def level_shares(self, scope: str) -> tuple[str, str]:
        """The share for and against over every constituency of a scope (their mean)."""
        shares = [
            float(share)
            for a in self.assemblies
            if _scope(a) == scope
            for _, _, share in a.deputies
        ]
        share_for = f"{sum(shares) / len(shares):.2f}"
        return share_for, _against(share_for)


def deputies_at(scale: float) -> int:
    return max(PROVINCES * 2 + 1, round(FULL_DEPUTIES * scale))


def plan(scale: float, seed: int = 2023) -> Election:
    """Decide every place, assembly, deputy and figure; nothing is written yet."""
    rng = random.Random(f"nkelections-bench-{seed}")
    names = _place_names(rng, PROVINCES + max(PROVINCES, round(FULL_LOCAL_ASSEMBLIES * scale)))
    provinces = [(f"province-{_slug(n)}", f"{n} Province") for n in names[:PROVINCES]]
    places, assemblies = [], []
    for pid, plabel in provinces:
        name = plabel.removesuffix(" Province")
        assemblies.append(
            Assembly(
                f"assembly-{pid}", f"{name} Provincial People's Assembly", "provincial", pid, pid
            )
        )
    for n, name in enumerate(names[PROVINCES:]):
        pid = provinces[n % PROVINCES][0] if n < PROVINCES else rng.choice(provinces)[0]
        level, kind = ("city", "City") if rng.random() < 0.25 else ("county", "County")
        cid = f"{level}-{_slug(name)}"
        places.append((cid, f"{name} {kind}", "City", pid))
        assemblies.append(
            Assembly(f"assembly-{cid}", f"{name} {kind} People's Assembly", level, cid, pid)
        )
    total = deputies_at(scale)
    provincial = max(PROVINCES, round(total * PROVINCIAL_SHARE))
    _allocate(rng, assemblies[:PROVINCES], provincial)
    _allocate(rng, assemblies[PROVINCES:], total - provincial)
    people = iter(_person_names(rng, total))
    for assembly in assemblies:
        for _ in range(assembly.seats):
            name = next(people)
            share = f"{100 - round(rng.random() ** 4 * 0.6, 2):.2f}"
            assembly.deputies.append((f"deputy-{_slug(name)}", name, share))
    turnouts = random.Random(f"nkelections-bench-{seed}-turnout")  # keeps the draws above stable
    for assembly in assemblies:
        assembly.turnout = f"{100 - round(turnouts.random() ** 3 * 0.8, 2):.2f}"
    return Election(scale, seed, provinces, places, assemblies)


def _against(share_for: str) -> str:
    """The share against that makes the share for add up to 100 (no blank ballots here)."""
    return f"{100 - float(share_for):.2f}"


def _allocate(rng: random.Random, assemblies: list[Assembly], seats: int) -> None:
    """Share seats among assemblies in proportion to random sizes, at least one each."""
    weights = [rng.uniform(0.5, 1.5) for _ in assemblies]
    spare = seats - len(assemblies)
    shares = [spare * w / sum(weights) for w in weights]
    counts = [int(s) for s in shares]
    order = sorted(range(len(assemblies)), key=lambda i: counts[i] - shares[i])
    for i in order[: spare - sum(counts)]:
        counts[i] += 1
    for assembly, count in zip(assemblies, counts, strict=True):
        assembly.seats = count + 1


def _place_names(rng: random.Random, count: int) -> list[str]:
    pool = sorted({a + b for a in PLACE_PARTS for b in PLACE_ENDS})
    if count > len(pool):
        raise ValueError(f"at most {len(pool)} places; ask for a smaller scale")
    return rng.sample(pool, count)


def _person_names(rng: random.Random, count: int) -> list[str]:
    """Distinct names Surname Given-name; distinct so that no mention is ambiguous."""
    given = len(SYLLABLES) ** 2
    space = len(SURNAMES) * given
    if count > space:
        raise ValueError(f"at most {space} distinct names; ask for a smaller scale")
    names = []
    for index in rng.sample(range(space), count):
        surname, rest = divmod(index, given)
        first, second = divmod(rest, len(SYLLABLES))
        names.append(f"{SURNAMES[surname]} {SYLLABLES[first].capitalize()}-{SYLLABLES[second]}")
    return names


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escaping is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


# --- texts -------------------------------------------------------------------------------


def _line(n: int, name: str, share: str) -> str:
    return (
        f"Constituency No. {n}: {name} was elected deputy with {share}% of the votes in "
        f"favour and {_against(share)}% against."
    )


def _header(assembly: Assembly) -> str:
    noun = "deputy was" if assembly.seats == 1 else "deputies were"
    return f"{assembly.label}: {assembly.seats} {noun} elected; turnout was {assembly.turnout}%."


def _summary_sentence(election: Election) -> str:
    return (
        "Elections to the provincial (municipal), city (district) and county people's "
        "assemblies were held on 26 November 2023, in total electing "
        f"{election.deputies:,} deputies to the assemblies."
    )


LEVEL_SCOPES = {  # the summary's level-wide shares: figure id part -> (scope, assemblies)
    "provincial": ("nkv:scope-provincial", "provincial (municipal) people's assemblies"),
    "city-county": ("nkv:scope-city-and-county", "city (district) and county people's assemblies"),
}


def _level_sentence(election: Election, level: str) -> str:
    scope, noun = LEVEL_SCOPES[level]
    share_for, against = election.level_shares(scope)
    return (
        f"In the elections to the {noun}, {share_for}% of the votes were cast for the "
        f"candidates and {against}% against them."
    )


def bulletin(election: Election, province: tuple[str, str]) -> str:
    pid, plabel = province
    lines = [
        f"SYNTHETIC BENCHMARK DATA (scale {election.scale:g}, seed {election.seed}): "
        "every name and figure below is generated; this is not a real document.",
        "",
        f"Results bulletin of the {plabel}",
        "",
    ]
    for assembly in election.assemblies:
        if assembly.province != pid:
            continue
        lines += [_header(assembly), ""]
        lines += [_line(n, name, share) for n, (_, name, share) in enumerate(assembly.deputies, 1)]
        lines.append("")
    return "\n".join(lines)


def summary_text(election: Election) -> str:
    return "\n".join(
        [
            f"SYNTHETIC BENCHMARK DATA (scale {election.scale:g}, seed {election.seed}): every "
            "name and figure below is generated; this is not a real document.",
            "",
            "Summary of the results of the local elections",
            "",
            _summary_sentence(election),
            "",
            *(_level_sentence(election, level) for level in LEVEL_SCOPES),
            "",
        ]
    )


# --- curated files -----------------------------------------------------------------------


def _entity(ident: str, type_: str, label: str, **props: str) -> str:
    lines = [f"  - id: {ident}", f"    type: {type_}", f"    label: {_q(label)}"]
    lines += [f"    {key}: {_q(value)}" for key, value in props.items()]
    return "\n".join(lines) + "\n"


def _entity_file(comment: str, blocks: list[str]) -> str:
    return f"# {comment}\nentities:\n" + "".join(blocks)


def fixed_entities(election: Election) -> dict[str, str]:
    bodies = [
        _entity("kcna", "NewsAgency", "Korean Central News Agency", country="north-korea"),
        _entity(
            "provincial-peoples-assemblies",
            "PeoplesAssembly",
            "provincial (municipal) people's assemblies",
            level="nkv:level-provincial",
        ),
        _entity(
            "city-peoples-assemblies",
            "PeoplesAssembly",
            "city (district) people's assemblies",
            level="nkv:level-city",
        ),
        _entity(
            "county-peoples-assemblies",
            "PeoplesAssembly",
            "county people's assemblies",
            level="nkv:level-county",
        ),
    ]
    elections = [
        _entity(
            ELECTION,
            "Election",
            "2023 North Korean local elections",
            electionKind="nkv:election-local",
        ),
        _entity(
            "figure-2023-deputies-elected",
            "Figure",
            f"deputies elected in the 2023 local elections, {election.deputies:,}",
            figureOf=ELECTION,
            measure="nkv:measure-deputies-elected",
            value=str(election.deputies),
            unit="nkv:unit-count",
            scope="nkv:scope-whole-election",
        ),
        *_level_figures(election),
    ]
    places = [_entity("north-korea", "Country", "North Korea")]
    places += [
        _entity(pid, "Province", label, **{"schema:containedInPlace": "north-korea"})
        for pid, label in election.provinces
    ]
    places += [
        _entity(cid, cls, label, **{"schema:containedInPlace": pid})
        for cid, label, cls, pid in election.places
    ]
    for assembly in election.assemblies:
        places.append(
            _entity(
                assembly.id,
                "PeoplesAssembly",
                assembly.label,
                level=f"nkv:level-{assembly.level}",
                jurisdiction=assembly.place,
            )
        )
        where = {"schema:location": assembly.place}  # else all assemblies of a level conflict
        places.append(
            _entity(
                f"figure-{assembly.id}-deputies",
                "Figure",
                f"deputies elected to the {assembly.label}, {assembly.seats}",
                figureOf=ELECTION,
                measure="nkv:measure-deputies-elected",
                value=str(assembly.seats),
                unit="nkv:unit-count",
                scope=_scope(assembly),
                **where,
            )
        )
        places.append(
            _entity(
                f"figure-{assembly.id}-turnout",
                "Figure",
                f"turnout in the election of the {assembly.label}, {assembly.turnout}%",
                figureOf=ELECTION,
                measure="nkv:measure-turnout",
                value=assembly.turnout,
                unit="nkv:unit-percent",
                scope=_scope(assembly),
                **where,
            )
        )
    return {
        "bodies.yaml": _entity_file(
            "Synthetic benchmark data: outlets and assembly levels.", bodies
        ),
        "elections.yaml": _entity_file("Synthetic benchmark data: the election.", elections),
        "places.yaml": _entity_file("Synthetic benchmark data: places and assemblies.", places),
    }


def _level_figures(election: Election) -> list[str]:
    blocks = []
    for level, (scope, noun) in LEVEL_SCOPES.items():
        for measure, value in zip(("for", "against"), election.level_shares(scope), strict=True):
            blocks.append(
                _entity(
                    f"figure-2023-share-{measure}-{level}",
                    "Figure",
                    f"share {measure} the candidates in the elections to the {noun}, {value}%",
                    figureOf=ELECTION,
                    measure=f"nkv:measure-share-{measure}",
                    value=value,
                    unit="nkv:unit-percent",
                    scope=scope,
                )
            )
    return blocks


def _scope(assembly: Assembly) -> str:
    return "nkv:scope-provincial" if assembly.level == "provincial" else "nkv:scope-city-and-county"


def deputy_entities(election: Election, province: str, place_class: str) -> str:
    blocks = []
    for assembly in election.assemblies:
        if assembly.province != province:
            continue
        for n, (pid, name, share) in enumerate(assembly.deputies, 1):
            con = f"constituency-{assembly.id.removeprefix('assembly-')}-{n}"
            blocks.append(_entity(pid, "Person", name))
            blocks.append(
                _entity(
                    con,
                    place_class,
                    f"{assembly.label}, constituency No. {n}",
                    level="nkv:level-constituency",
                    **{"schema:containedInPlace": assembly.place},
                )
            )
            blocks.append(
                _entity(
                    f"membership-{pid}",
                    "org:Membership",
                    f"{name}, deputy to the {assembly.label}",
                    **{
                        "org:member": pid,
                        "org:organization": assembly.id,
                        "org:role": "nkv:role-member",
                        "schema:location": con,
                    },
                )
            )
            blocks.append(
                _entity(
                    f"figure-{con}-share-for",
                    "Figure",
                    f"share for the deputy in {assembly.label} constituency No. {n}, {share}%",
                    figureOf=ELECTION,
                    measure="nkv:measure-share-for",
                    value=share,
                    unit="nkv:unit-percent",
                    scope=_scope(assembly),
                    **{"schema:location": con},
                )
            )
            blocks.append(
                _entity(
                    f"figure-{con}-share-against",
                    "Figure",
                    f"share against the deputy in {assembly.label} constituency No. {n}, "
                    f"{_against(share)}%",
                    figureOf=ELECTION,
                    measure="nkv:measure-share-against",
                    value=_against(share),
                    unit="nkv:unit-percent",
                    scope=_scope(assembly),
                    **{"schema:location": con},
                )
            )
    return _entity_file(
        "Synthetic benchmark data: deputies, constituencies, memberships, results.", blocks
    )


def _evidence(quote: str, facts: list[str]) -> str:
    # The synthetic text names no speaker, so its quotes are in its own voice: the build credits
    # its publisher (KCNA); a stated_by here would name an agent the text does not name.
    items = "\n".join(f"      - {f}" for f in facts)
    return f"  - quote: {_q(quote)}\n    facts:\n{items}\n"


def statements(election: Election, province: str, document: str) -> str:
    blocks = []
    for assembly in election.assemblies:
        if assembly.province != province:
            continue
        blocks.append(
            _evidence(
                _header(assembly),
                [
                    f"figure-{assembly.id}-deputies",
                    f"figure-{assembly.id}-turnout",
                    f"[{ELECTION}, electsBody, {assembly.id}]",
                ],
            )
        )
        for n, (pid, name, share) in enumerate(assembly.deputies, 1):
            con = f"constituency-{assembly.id.removeprefix('assembly-')}-{n}"
            blocks.append(
                _evidence(
                    _line(n, name, share),
                    [f"membership-{pid}", f"figure-{con}-share-for", f"figure-{con}-share-against"],
                )
            )
    return f"# Synthetic benchmark data.\ndocument: {document}\nevidence:\n" + "".join(blocks)


def summary_statements(election: Election) -> str:
    facts = [
        f'[{ELECTION}, electionDate, "2023-11-26"]',
        f"[{ELECTION}, jurisdiction, north-korea]",
        *(
            f"[{ELECTION}, electsBody, {b}-peoples-assemblies]"
            for b in ("provincial", "city", "county")
        ),
        "figure-2023-deputies-elected",
    ]
    levels = [
        _evidence(
            _level_sentence(election, level),
            [f"figure-2023-share-{m}-{level}" for m in ("for", "against")],
        )
        for level in LEVEL_SCOPES
    ]
    return (
        "# Synthetic benchmark data.\ndocument: bench-summary\nevidence:\n"
        + _evidence(_summary_sentence(election), facts)
        + "".join(levels)
    )


def committee() -> str:
    return _entity(
        "central-election-guidance-committee",
        "ElectionCommittee",
        "Central Election Guidance Committee",
        level="nkv:level-national",
    )


# --- writing -----------------------------------------------------------------------------


def _manifest_entry(ident: str, file: str, text: bytes, title: str) -> str:
    return (
        f"  - id: {ident}\n    file: {file}\n    sha256: {hashlib.sha256(text).hexdigest()}\n"
        f"    title: {_q(title)}\n    kind: news-article\n    publisher: kcna\n"
        f'    authors: []\n    published: "{PUBLISHED}"\n    language: en\n'
        "    exclude: []\n"
    )


def place_class(ontology: Path) -> str:
    """nke:Constituency where the ontology declares it, else schema:Place."""
    text = ontology.read_text(encoding="utf-8")
    return "Constituency" if "nke:Constituency a owl:Class" in text else "schema:Place"


def generate(out: Path, scale: float, seed: int = 2023, project: Path = PROJECT) -> Election:
    """Write a complete project root for `scale` into out (replacing what is there)."""
    election = plan(scale, seed)
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(project / "ontology", out / "ontology")
    cls = place_class(out / "ontology" / "nkelections.ttl")
    sources, entities, stmts = (out / "data" / d for d in ("sources", "entities", "statements"))
    for folder in (sources, entities, stmts):
        folder.mkdir(parents=True)
    manifest = ["# Synthetic benchmark data: generated by bench/generate.py.\ndocuments:\n"]
    text = summary_text(election).encode("utf-8")
    (sources / "bench-summary.txt").write_bytes(text)
    manifest.append(
        _manifest_entry(
            "bench-summary",
            "bench-summary.txt",
            text,
            "Synthetic summary of the local election results",
        )
    )
    for pid, plabel in election.provinces:
        doc = f"bulletin-{pid}"
        text = bulletin(election, (pid, plabel)).encode("utf-8")
        (sources / f"{doc}.txt").write_bytes(text)
        manifest.append(
            _manifest_entry(doc, f"{doc}.txt", text, f"Synthetic results bulletin of the {plabel}")
        )
        (entities / f"deputies-{pid}.yaml").write_text(
            deputy_entities(election, pid, cls), encoding="utf-8"
        )
        (stmts / f"{doc}.yaml").write_text(statements(election, pid, doc), encoding="utf-8")
    (sources / "manifest.yaml").write_text("".join(manifest), encoding="utf-8")
    files = fixed_entities(election)
    files["bodies.yaml"] += committee()
    for name, body in files.items():
        (entities / name).write_text(body, encoding="utf-8")
    (stmts / "bench-summary.yaml").write_text(summary_statements(election), encoding="utf-8")
    return election


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate a synthetic full-scale election.")
    parser.add_argument("--scale", type=float, default=0.1, help="1 = 27,858 deputies")
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--out", type=Path, required=True, help="project root to write")
    args = parser.parse_args(argv)
    if not 0 < args.scale <= 3.5:
        print("generate: error: --scale must be above 0 and at most 3.5", file=sys.stderr)
        return 2
    election = generate(args.out, args.scale, args.seed)
    print(
        f"generated {args.out}: scale {args.scale:g}, {election.deputies} deputies, "
        f"{len(election.assemblies)} assemblies"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
