"""The curation format as a schema: one pydantic model per kind of file under data/.

Every curated file is checked against its model before anything else reads it, so a wrong
type, an unknown key, an impossible date, an unknown reference, a link that is not http(s) or
text that is not clean Unicode gives one line naming the file and the line: yamlio keeps the
line of every key and item, and `_where` follows pydantic's error location back to it.

The YAML reader leaves every scalar a string (see yamlio), so the models check strings: a date
is a string that is a real calendar date, a count a string of digits; the readers after this
(sources, statements, wikidata, coverage) convert them. To accept a new key, add one line to
its model. Entity property keys are open-ended (any ontology property by local name or CURIE):
`Entity` checks them, their values and the classes against the ontology given in the context.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    HttpUrl,
    RootModel,
    Tag,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

from nkelections.errors import CurationError, printable
from nkelections.yamlio import Node, Seq, display_name, load_yaml

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")  # \Z: a trailing newline is no part of an id
DOCUMENT_KINDS = ("encyclopedia-article", "research-paper", "news-article", "interview-report")
LINKER_KINDS = ("person", "body", "place", "country", "election")
MAX_TEXT = 100_000  # characters of one value: a quote or a description, never a whole text
BAD_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
DATE_LIKE = re.compile(r"\d{4}-\d\d-\d\d\Z")
_HTTP = TypeAdapter(HttpUrl)


def _error(kind: str, message: str, **context) -> PydanticCustomError:
    """An error pydantic reports as is; context 'key'/'index' point below the failing value,
    'hint' becomes the hint of the line."""
    return PydanticCustomError(kind, message, context)


def _pattern(regex: str, what: str):
    compiled = re.compile(regex + r"\Z")

    def check(value: str) -> str:
        if not compiled.match(value):
            raise _error("pattern", "'{value}' is not {what}", value=value, what=what)
        return value

    return AfterValidator(check)


def _clean_text(value: str) -> str:
    bad = BAD_CHARACTER.search(value)
    if bad:
        raise _error(
            "bad_character",
            "the text holds the character {code}, which is {which}",
            code=f"U+{ord(bad.group()):04X}",
            which="half of a surrogate pair"
            if 0xD800 <= ord(bad.group()) <= 0xDFFF
            else "a control character",
            hint="write the character itself, in UTF-8",
        )
    return value


def _real_date(value: str) -> str:
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        raise _error("date", "'{value}' is not a real date YYYY-MM-DD", value=value) from None
    return value


def is_http_address(value: str) -> bool:
    """An absolute http(s) address with a host, written without spaces."""
    try:
        _HTTP.validate_python(value)
    except ValidationError:
        return False
    return not any(c.isspace() for c in value)


def _http(value: str) -> str:
    if not is_http_address(value):
        raise _error(
            "http",
            "'{value}' is not an http(s) address",
            value=value[:200],
            hint="give the address of a page as it is, starting http:// or https://",
        )
    return value


def _listed(value):
    return [value] if isinstance(value, str) else value


def _known(kind: str, what: str):
    """An id that must name one of the context's `kind` (entities, documents), when given."""

    def check(value: str, info: ValidationInfo) -> str:
        known = (info.context or {}).get(kind)
        if known is not None and value not in known:
            close = difflib.get_close_matches(value, sorted(known), n=3, cutoff=0.6)
            raise _error(
                "unknown_reference",
                "unknown {what} '{value}'",
                value=value,
                what=what,
                hint=("did you mean " + ", ".join(close) + "?")
                if close
                else f"use an id of the {kind} defined in data/",
            )
        return value

    return AfterValidator(check)


Text = Annotated[str, Field(max_length=MAX_TEXT), AfterValidator(_clean_text)]
Name = Annotated[Text, _pattern(r"(?s).*\S.*", "a non-blank text")]
Slug = Annotated[
    str, _pattern(SLUG.pattern[:-2], "an id (lower-case letters, digits and single hyphens)")
]
EntityRef = Annotated[Slug, _known("entities", "entity")]
DocumentRef = Annotated[Slug, _known("documents", "document")]
Term = Annotated[
    str,
    _pattern(
        r"(?:[A-Za-z][\w-]*:)?[A-Za-z_][\w.-]*",
        "a term of the ontology (a local name or prefix:name)",
    ),
]
IsoDate = Annotated[
    str, _pattern(r"\d{4}-\d\d-\d\d", "a date YYYY-MM-DD"), AfterValidator(_real_date)
]
Year = Annotated[str, _pattern(r"\d{4}", "a year YYYY")]
Whole = Annotated[str, _pattern(r"\d{1,12}", "a whole number")]
Count = Annotated[str, _pattern(r"[1-9]\d{0,11}", "a whole number from 1")]
Flag = Literal["true", "false"]
Sha256 = Annotated[str, _pattern(r"[0-9a-f]{64}", "a SHA-256 digest (64 hex digits)")]
Qid = Annotated[str, _pattern(r"Q[1-9][0-9]*", "a Wikidata item id (Q and digits)")]
Language = Annotated[str, _pattern(r"[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*", "a language tag")]
FileName = Annotated[
    Text,
    _pattern(r"[^/\\]+", "a file name in data/sources/ (no folders)"),
    AfterValidator(lambda v: v if v not in (".", "..") else _no_dots(v)),
]
Http = Annotated[str, Field(max_length=4000), AfterValidator(_http)]


def _no_dots(value: str) -> str:
    raise _error("file_name", "'{value}' is not a file name", value=value)


def OneOrMore(item):  # noqa: N802 - a type constructor, named like one
    """A list of `item`, where one item may be written without the brackets."""
    return Annotated[list[item], BeforeValidator(_listed)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- data/sources/manifest.yaml ----------------------------------------------------------------


class ExcludedRange(_Model):
    start: Whole
    end: Whole
    begins: Text | None = None
    reason: Text | None = None


class ManifestDocument(_Model):
    id: Slug
    file: FileName
    original: Text | None = None
    sha256: Sha256
    title: Name
    kind: Literal[DOCUMENT_KINDS]
    language: Language
    publisher: EntityRef | None = None
    publisher_basis: Text | None = None
    authors: list[EntityRef] | None = None
    published: IsoDate | None = None
    published_year: Year | None = None
    published_basis: Text | None = None
    series_number: Text | None = None
    exclude: list[ExcludedRange] | None = None
    url: Http | None = None  # i24: the publisher's address, with where it was seen
    url_seen_at: Http | None = None
    url_found_by: Text | None = None
    url_matched: Text | None = None
    url_note: Text | None = None


class Manifest(_Model):
    documents: list[ManifestDocument]


# --- data/entities/*.yaml ----------------------------------------------------------------------


class Entity(_Model):
    model_config = ConfigDict(extra="allow")  # property keys, checked against the ontology

    id: Slug
    type: OneOrMore(Term) = Field(min_length=1)
    label: Name
    aliases: OneOrMore(Name) | None = None
    description: Text | None = None
    note: Text | None = None
    wikidata: Qid | None = None
    not_a_mention: OneOrMore(Name) | None = None  # i21b: passages where a name means another

    @model_validator(mode="after")
    def _terms(self, info: ValidationInfo) -> Entity:
        ontology = (info.context or {}).get("ontology")
        if ontology is not None:
            for index, name in enumerate(self.type):
                if ontology.resolve_term(name) not in ontology.classes:
                    raise _error(
                        "unknown_class",
                        "unknown class '{name}'",
                        name=name,
                        key="type",
                        index=index,
                        hint=ontology.closest(name, ontology.classes),
                    )
            for key, value in (self.model_extra or {}).items():
                _check_property(ontology, key, value, {"key": key}, {"key": key})
        return self


def _check_property(ontology, name: str, value, name_at: dict, value_at: dict) -> None:
    """A property key and its value(s), as the ontology declares the property; name_at and
    value_at say where each stands (the context keys of _error)."""
    prop = ontology.properties.get(ontology.resolve_term(name))
    if prop is None:
        raise _error(
            "unknown_property",
            "unknown property '{name}'",
            name=name,
            hint=ontology.closest(name, ontology.properties),
            **name_at,
        )
    for index, item in enumerate(value if isinstance(value, list) else [value]):
        at = {**value_at, "index": index} if isinstance(value, list) else value_at
        if not isinstance(item, str):
            raise _error(
                "property_value",
                "needs a single value, not {what}",
                what=_describe(item),
                hint="write one value, or a list of single values",
                **at,
            )
        try:
            _clean_text(item)
            _check_value(ontology, prop, item)
        except PydanticCustomError as exc:
            raise _error(exc.type, exc.message(), **{**(exc.context or {}), **at}) from None


def _check_value(ontology, prop, value: str) -> None:
    if prop.is_object:
        if not SLUG.match(value) and ontology.individual(value) is None:
            raise _error(
                "object_value",
                "'{value}' is neither an entity id nor a concept of the ontology",
                value=value,
                hint="an id of data/entities/ or a concept such as nkv:...",
            )
        return
    check = LITERALS.get(str(prop.datatype))
    if check is not None:
        check(value)
    elif prop.datatype is None and DATE_LIKE.match(value):
        _real_date(value)  # read as a date by its form (statements.py), so it must be one


def _literal(regex: str, what: str):
    return _pattern(regex, what).func


XSD = "http://www.w3.org/2001/XMLSchema#"
LITERALS = {
    XSD + "date": lambda v: _real_date(_literal(r"\d{4}-\d\d-\d\d", "a date YYYY-MM-DD")(v)),
    XSD + "gYearMonth": _literal(r"\d{4}-(?:0[1-9]|1[0-2])", "a year and month YYYY-MM"),
    XSD + "gYear": _literal(r"\d{4}", "a year YYYY"),
    XSD + "decimal": _literal(r"-?\d+(?:\.\d+)?", "a decimal number such as 99.63"),
    XSD + "integer": _literal(r"-?\d+", "a whole number"),
    XSD + "positiveInteger": _literal(r"0*[1-9]\d*", "a whole number from 1"),
    XSD + "nonNegativeInteger": _literal(r"\d+", "a whole number from 0"),
    XSD + "boolean": _literal(r"true|false", "true or false"),
    XSD + "time": _literal(r"(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d", "a time HH:MM:SS"),
}


class EntityFile(_Model):
    entities: list[Entity]


# --- data/statements/*.yaml --------------------------------------------------------------------


def _check_triple(value: tuple, info: ValidationInfo) -> tuple:
    ontology = (info.context or {}).get("ontology")
    if ontology is not None:
        _check_property(ontology, value[1], value[2], {"index": 1}, {"index": 2})
    return value


class StatementFact(_Model):
    subject: Slug
    property_: Term = Field(alias="property")
    value: Text
    id: Slug | None = None
    year_inferred: Flag | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _value(self, info: ValidationInfo) -> StatementFact:
        ontology = (info.context or {}).get("ontology")
        if ontology is not None:
            _check_property(
                ontology, self.property_, self.value, {"key": "property"}, {"key": "value"}
            )
        return self


def _fact_form(value) -> str | None:
    if isinstance(value, str):
        return "id"
    if isinstance(value, list):
        return "triple"
    return "statement" if isinstance(value, dict) else None


Fact = Annotated[
    Annotated[Slug, Tag("id")]
    | Annotated[tuple[Slug, Term, Text], AfterValidator(_check_triple), Tag("triple")]
    | Annotated[StatementFact, Tag("statement")],
    Discriminator(
        _fact_form,
        custom_error_type="fact_form",
        custom_error_message="a fact is an entity id, [subject, property, value] or "
        "a mapping with subject, property and value",
    ),
]


class Evidence(_Model):
    quote: Name
    occurrence: Count = "1"
    facts: list[Fact] = Field(min_length=1)
    stated_by: Slug | None = None
    according_to: Slug | None = None  # i21a: on whose authority the text reports it
    reported_by: Slug | None = None
    reported_in: Slug | None = None
    stated_by_span: Name | None = None  # i21a: the words of the paragraph that name the agent
    according_to_span: Name | None = None
    reported_by_span: Name | None = None
    stated_on: IsoDate | None = None
    year_inferred: Flag | None = None  # i21b: the quote's date gives no year
    note: Text | None = None


class StatementFile(_Model):
    document: DocumentRef
    evidence: list[Evidence]


# --- data/wikidata.yaml ------------------------------------------------------------------------


class WikidataLink(_Model):
    entity: EntityRef
    qid: Qid
    seen_at: Http
    title: Name
    snippet: Name
    looked_up: Text | None = None
    label_ko: Name | None = None  # i24 (first announcement; Korean names moved to korean_names)
    aliases_ko: OneOrMore(Name) | None = None
    ko_seen_at: Http | None = None
    ko_snippet: Name | None = None


class AwaitingLink(WikidataLink):
    entity: Slug  # not curated yet, by definition


class Abstention(_Model):
    entity: EntityRef
    reason: Name


class WikidataClass(_Model):
    qid: Qid
    label: Text | None = None
    seen_at: Http
    snippet: Text | None = None


class KoreanName(_Model):  # i24: Hangul names, each with the page it was seen on
    entity: EntityRef
    label: Name
    aliases: OneOrMore(Name) | None = None
    seen_at: Http
    snippet: Name
    looked_up: Text | None = None


class AbstainClass(_Model):  # i24: classes of entities that are never linked, and why
    class_: Term = Field(alias="class")
    reason: Name


class WikidataFile(_Model):
    links: list[WikidataLink] | None = None
    abstentions: list[Abstention] | None = None
    awaiting_entity: list[AwaitingLink] | None = None
    linker_classes: dict[Literal[LINKER_KINDS], list[WikidataClass] | None] | None = None
    context_countries: list[EntityRef] | None = None
    korean_names: list[KoreanName] | None = None
    abstain_classes: list[AbstainClass] | None = None


class LinkerClasses(RootModel):  # `nkelections link --classes FILE`
    root: dict[Literal[(*LINKER_KINDS, "countries")], list[Qid]]


# Rows of a Wikidata answer, as the linker caches them: every value a string.
WIKIDATA_ROWS = TypeAdapter(list[dict[str, Annotated[str, Field(max_length=MAX_TEXT)]]])


# --- data/coverage-waivers.yaml ----------------------------------------------------------------


class Waiver(_Model):
    document: DocumentRef
    text: Name | None = None
    start: Whole | None = None
    end: Whole | None = None
    reason: Name


class WaiverFile(_Model):
    waivers: list[Waiver] | None = None


# --- reading -----------------------------------------------------------------------------------


def read_checked(
    path: Path,
    model: type[BaseModel],
    root: Path | None = None,
    lines: bool = True,
    context: dict[str, Any] | None = None,
):
    """load_yaml(path), then the file checked against `model`; the first problem (by line)
    raises CurationError. The context may hold `ontology`, `entities` and `documents` (sets of
    ids) for the checks that need them."""
    doc = load_yaml(path, root, lines)
    check(doc, model, display_name(path, root), context)
    return doc


def check(doc, model: type[BaseModel], shown: str, context: dict[str, Any] | None = None):
    try:
        model.model_validate(doc, context=context)
    except ValidationError as exc:
        raise _one_line(exc, doc, shown) from None


def curated_files(
    data_dir: Path, corpus, ontology, root: Path | None = None, lines: bool = True
) -> Iterator[tuple[str, Path, Node]]:
    """("entities" | "statements", path, document) for each curated file, in the order the
    build reads them, each checked first; once the entities are known, the manifest's
    publishers and authors are checked against them."""
    context = {"ontology": ontology, "documents": set(corpus.documents)}
    ids: set[str] = set()
    for path in sorted((data_dir / "entities").glob("*.yaml")):
        doc = read_checked(path, EntityFile, root, lines, context)
        ids.update(entry["id"] for entry in doc["entities"])
        yield "entities", path, doc
    read_checked(corpus.manifest_path, Manifest, root, True, {"entities": ids})
    for path in sorted((data_dir / "statements").glob("*.yaml")):
        yield "statements", path, read_checked(path, StatementFile, root, lines, context)


def _one_line(exc: ValidationError, doc, shown: str) -> CurationError:
    """The first error by line, as one sentence with where it is and a hint."""
    located = []
    for error in exc.errors(include_url=False):
        context = error.get("ctx") or {}
        below = tuple(k for k in ("key", "index") if k in context)
        line, names = _where(doc, (*error["loc"], *(context[k] for k in below)))
        located.append((line or 10**9, line, names, error))
    _, line, names, error = min(located, key=lambda item: item[0])
    message, hint = _describe_error(error, names)
    return CurationError(printable(message), where=f"{shown}:{line}" if line else shown, hint=hint)


def _where(doc, loc: tuple) -> tuple[int, list]:
    """The line of the deepest part of loc found in doc, and the keys and indexes walked.
    Parts of loc that are no key or index (union tags, validator names) are passed over."""
    node, line, names = doc, getattr(doc, "line", 0), []
    for part in loc:
        if isinstance(node, Node) and isinstance(part, str) and part in node:
            line = (node.key_lines or {}).get(part, line)
        elif isinstance(node, Seq) and isinstance(part, int) and 0 <= part < len(node):
            line = node.item_lines[part] if node.item_lines else line
        elif isinstance(node, Node) and isinstance(part, str) and part not in names:
            names.append(part)  # a missing key: the line stays the mapping's
            continue
        else:
            continue
        node = node[part]
        names.append(part)
    return line, names


def _describe(value) -> str:
    if value is None:
        return "empty"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    return "a text"


EXPECTED = {
    "string_type": "a single text",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "tuple_type": "a list [subject, property, value]",
}


def _describe_error(error: dict, names: list) -> tuple[str, str | None]:
    kind, context = error["type"], error.get("ctx") or {}
    keys = [n for n in names if isinstance(n, str)]
    field = keys[-1] if keys else "the file"
    named = f"'{field}'" if keys else field
    if keys:  # the items and parts below the last key: 'facts', item 2, part 3
        below = names[len(names) - names[::-1].index(field) :]
        named += "".join(f", {'item' if i == 0 else 'part'} {n + 1}" for i, n in enumerate(below))
    if kind == "missing" and isinstance(error["loc"][-1], int):
        return f"{named} has too few items (item {error['loc'][-1] + 1} is missing)", None
    if kind == "missing":
        return f"'{field}' is missing", f"add '{field}:'"
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(field, sorted(ALL_KEYS), n=3, cutoff=0.6)
        return (
            f"unknown key '{field}'",
            ("did you mean " + ", ".join(close) + "?")
            if close
            else "see data/README.md for the keys of each file",
        )
    if kind in EXPECTED:
        return f"{named} must be {EXPECTED[kind]}, not {_describe(error.get('input'))}", None
    if kind == "literal_error":
        shown = "" if error.get("input") == field else f" is {error.get('input')!r}"
        return f"{named}{shown}: not {context.get('expected')}", None
    if kind in ("too_short", "too_long", "string_too_long"):
        return f"{named}: {error['msg'][0].lower()}{error['msg'][1:]}", None
    if kind in ("union_tag_not_found", "union_tag_invalid"):
        return f"{named} is {_describe(error.get('input'))}: {error['msg']}", None
    return f"{named}: {error['msg']}", context.get("hint")


def _all_keys() -> set[str]:
    models = (
        Manifest,
        ManifestDocument,
        ExcludedRange,
        EntityFile,
        Entity,
        StatementFile,
        Evidence,
        StatementFact,
        WikidataFile,
        WikidataLink,
        Abstention,
        WikidataClass,
        KoreanName,
        AbstainClass,
        WaiverFile,
        Waiver,
    )
    return {f.alias or name for m in models for name, f in m.model_fields.items()}


ALL_KEYS = _all_keys()
