"""The curation format as a schema: one pydantic model per kind of file under data/.

Every curated file is checked against its model before anything else reads it (through
nkelections.curation.check), so a wrong type, an unknown key, an impossible date, an unknown
reference, a link that is not http(s) or text that is not clean Unicode gives one line naming
the file and the line.

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
import unicodedata
from collections.abc import Callable
from typing import Annotated, Literal, TypeVar, get_args

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

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")  # \Z: a trailing newline is no part of an id
DocumentKind = Literal["encyclopedia-article", "research-paper", "news-article", "interview-report"]
LinkerKind = Literal["person", "body", "place", "country", "election"]
DOCUMENT_KINDS: tuple[str, ...] = get_args(DocumentKind)
LINKER_KINDS: tuple[str, ...] = get_args(LinkerKind)
MAX_TEXT = 100_000  # characters of one value: a quote or a description, never a whole text
# Control characters (C0 but tab and line breaks, DEL, C1), halves of surrogate pairs, the
# Unicode line and paragraph separators and the bidirectional overrides ("Trojan source").
BAD_CHARACTER = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
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
        code = ord(bad.group())
        raise _error(
            "bad_character",
            "the text holds the character {code} ({name}), which does not belong in curated text",
            code=f"U+{code:04X}",
            name="half of a surrogate pair"
            if 0xD800 <= code <= 0xDFFF
            else unicodedata.name(bad.group(), "a control character").lower(),
            hint="write the character itself, in UTF-8, or leave it out",
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


def _blank():
    raise _error("blank", "the text is blank")


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
Name = Annotated[Text, AfterValidator(lambda v: v if v.strip() else _blank())]
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
Pid = Annotated[str, _pattern(r"P[1-9][0-9]*", "a Wikidata property id (P and digits)")]
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


_Item = TypeVar("_Item")
# A list of items, where one item may be written without the brackets: OneOrMore[Name].
OneOrMore = Annotated[list[_Item], BeforeValidator(_listed)]


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
    kind: DocumentKind
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
    rights: Text | None = None  # i25: the text's terms in one sentence
    licence: Http | None = None  # i25: the licence's address, only where the terms grant one
    licence_basis: Text | None = None


class Manifest(_Model):
    documents: list[ManifestDocument]


# --- data/entities/*.yaml ----------------------------------------------------------------------


class DisagreementQuote(_Model):
    """A passage of one evidence entry that states a side of a disagreement (issue 21)."""

    document: DocumentRef
    quote: Name


class Entity(_Model):
    model_config = ConfigDict(extra="allow")  # property keys, checked against the ontology

    id: Slug
    type: OneOrMore[Term] = Field(min_length=1)
    label: Name
    aliases: OneOrMore[Name] | None = None
    description: Text | None = None
    note: Text | None = None
    wikidata: Qid | None = None
    not_a_mention: OneOrMore[Name] | None = None  # i21b: passages where a name means another
    quotes: list[DisagreementQuote] | None = None  # a disagreement's sides, quote by quote

    @model_validator(mode="after")
    def _terms(self, info: ValidationInfo) -> Entity:
        terms = _terms(info)
        if terms is not None:
            for index, name in enumerate(self.type):
                if not terms.is_class(name):
                    raise _error(
                        "unknown_class",
                        "unknown class '{name}'",
                        name=name,
                        key="type",
                        index=index,
                        hint=terms.ontology.closest(name, terms.ontology.classes),
                    )
            for key, value in (self.model_extra or {}).items():
                _check_property(terms, key, value, {"key": key}, {"key": key})
        return self


class Terms:
    """What the schema asks the ontology, each answer kept: an entity file of a full election
    asks about the same few names hundreds of thousands of times."""

    def __init__(self, ontology):
        self.ontology = ontology
        self.classes: dict[str, bool] = {}
        self.checks: dict[str, Callable[[str], object] | None] = {}
        self.concepts: dict[str, bool] = {}

    def is_class(self, name: str) -> bool:
        found = self.classes.get(name)
        if found is None:
            iri = self.ontology.resolve_term(name)
            found = self.classes[name] = iri in self.ontology.classes
        return found

    def value_check(self, name: str) -> Callable[[str], object] | None:
        """The check of a value of the property `name`; None when there is no such property."""
        if name not in self.checks:
            prop = self.ontology.properties.get(self.ontology.resolve_term(name))
            self.checks[name] = None if prop is None else self._check_for(prop)
        return self.checks[name]

    def _check_for(self, prop) -> Callable[[str], object]:
        if prop.is_object:
            return self._entity_or_concept
        if prop.datatype is None:
            return _date_by_form
        return LITERALS.get(str(prop.datatype), _clean_text)

    def _entity_or_concept(self, value: str) -> None:
        if SLUG.match(value):
            return
        known = self.concepts.get(value)
        if known is None:
            known = self.concepts[value] = self.ontology.individual(value) is not None
        if not known:
            raise _error(
                "object_value",
                "'{value}' is neither an entity id nor a concept of the ontology",
                value=value,
                hint="an id of data/entities/ or a concept such as nkv:...",
            )


def _terms(info: ValidationInfo) -> Terms | None:
    """The Terms of the context's ontology, made once per validation context."""
    context = info.context
    if not context or context.get("ontology") is None:
        return None
    if "terms" not in context:
        context["terms"] = Terms(context["ontology"])
    return context["terms"]


def _check_property(terms: Terms, name: str, value, name_at: dict, value_at: dict) -> None:
    """A property key and its value(s), as the ontology declares the property; name_at and
    value_at say where each stands (the context keys of _error)."""
    check = terms.value_check(name)
    if check is None:
        raise _error(
            "unknown_property",
            "unknown property '{name}'",
            name=name,
            hint=terms.ontology.closest(name, terms.ontology.properties),
            **name_at,
        )
    if isinstance(value, list):
        for index, item in enumerate(value):
            _check_one(check, item, value_at, index)
    else:
        _check_one(check, value, value_at)


def _check_one(check, item, value_at: dict, index: int | None = None) -> None:
    """One value of a property; where it stands (value_at, index) is made only for an error."""
    try:
        if not isinstance(item, str):
            raise _error(
                "property_value",
                "needs a single value, not {what}",
                what=describe_value(item),
                hint="write one value, or a list of single values",
            )
        _clean_text(item)
        check(item)
    except PydanticCustomError as exc:
        at = value_at if index is None else {**value_at, "index": index}
        raise _error(exc.type, exc.message(), **{**(exc.context or {}), **at}) from None


def _date_by_form(value: str) -> None:
    if DATE_LIKE.match(value):
        _real_date(value)  # read as a date by its form (statements.py), so it must be one


def _literal(regex: str, what: str):
    return _pattern(regex, what).func


_ISO_DATE_FORM = _literal(r"\d{4}-\d\d-\d\d", "a date YYYY-MM-DD")
XSD = "http://www.w3.org/2001/XMLSchema#"
LITERALS = {
    XSD + "date": lambda v: _real_date(_ISO_DATE_FORM(v)),
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
    terms = _terms(info)
    if terms is not None:
        _check_property(terms, value[1], value[2], {"index": 1}, {"index": 2})
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
        terms = _terms(info)
        if terms is not None:
            _check_property(
                terms, self.property_, self.value, {"key": "property"}, {"key": "value"}
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
    aliases_ko: OneOrMore[Name] | None = None
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
    aliases: OneOrMore[Name] | None = None
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
    linker_classes: dict[LinkerKind, list[WikidataClass] | None] | None = None
    context_countries: list[EntityRef] | None = None
    korean_names: list[KoreanName] | None = None
    abstain_classes: list[AbstainClass] | None = None


# --- data/wikidata-properties.yaml (i24: how facts become Wikidata statements) ---------------


class WikidataProperty(_Model):
    pid: Pid
    label: Name
    seen_at: Http
    snippet: Name


class WikidataPosition(_Model):
    role: Term
    organisation: EntityRef
    qid: Qid
    label: Name
    seen_at: Http
    snippet: Name


class WikidataPropertiesFile(_Model):
    properties: dict[Name, WikidataProperty] | None = None
    statements: dict[Term, Name] | None = None  # a predicate (CURIE) -> a key of properties
    figures: dict[Term, Name] | None = None  # a measure concept -> a key of properties
    positions: list[WikidataPosition] | None = None
    qualifiers: dict[Name, Name] | None = None
    references: dict[Name, Name] | None = None

    @model_validator(mode="after")
    def _keys_named(self) -> WikidataPropertiesFile:
        keys = set(self.properties or {})
        for section in ("statements", "figures", "qualifiers", "references"):
            for name, key in (getattr(self, section) or {}).items():
                if key not in keys:
                    raise _error(
                        "unknown_key",
                        "'{value}' is no key of 'properties'",
                        value=key,
                        key=section,
                        index=name,
                        hint="add the property, with where its id was seen, under properties:",
                    )
        return self


class LinkerClasses(RootModel):  # `nkelections link --classes FILE`
    root: dict[Literal[LinkerKind, "countries"], list[Qid]]


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


def describe_value(value) -> str:
    if value is None:
        return "empty"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    return "a text"


def all_keys() -> set[str]:
    """Every key some model of the curation format accepts (for 'did you mean' hints)."""
    models, keys = [_Model], set()
    while models:
        model = models.pop()
        models.extend(model.__subclasses__())
        keys |= {field.alias or name for name, field in model.model_fields.items()}
    return keys
