"""A curator's decisions in a review file of `nkelections link`, carried into data/wikidata.yaml.

In the review file each proposal has `accept:` (empty until decided). `accept: true` takes the
proposed item (or the curator's own `qid:`) and needs `seen_at` and `snippet`: the page where the
curator saw the id tied to the entity and the text that shows it, as for every link. `accept:
false` needs a `note`, which becomes the abstention's reason. Undecided proposals stay out. The
file is rewritten only if the result loads cleanly (same checks as the build); an accepted link
replaces the entity's abstention.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from nkelections.curation.links import QID, load_links
from nkelections.errors import CurationError, LinkError
from nkelections.rdf.files import write_atomic


@dataclass
class Applied:
    linked: list[str] = field(default_factory=list)
    abstained: list[str] = field(default_factory=list)
    undecided: int = 0


def apply_review(review: Path, target: Path, known: set[str], root: Path | None = None) -> Applied:
    """Carry the accepted and rejected proposals of `review` into `target` (data/wikidata.yaml)."""
    entries = _entries(review)
    text = target.read_text(encoding="utf-8")
    current = load_links(target, known, root)
    applied, links, abstentions = Applied(), [], []
    for n, entry in enumerate(entries, 1):
        where = f"{review}: proposal {n} ({entry.get('entity')})"
        if entry.get("accept") is True:
            links.append(_link_block(entry, where))
            text = _drop_abstention(text, entry["entity"])
            applied.linked.append(entry["entity"])
        elif entry.get("accept") is False:
            if entry["entity"] in current.abstentions:
                continue
            abstentions.append(_abstention_block(entry, where))
            applied.abstained.append(entry["entity"])
        else:
            applied.undecided += 1
    text = _insert(text, "abstentions:\n", "".join(links))
    text = _insert(text, "abstain_classes:\n", "".join(abstentions))
    _check(text, target, known, root)
    write_atomic(target, text)
    return applied


def _entries(review: Path) -> list[dict]:
    try:
        doc = yaml.safe_load(review.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise LinkError(f"cannot read the review file: {first}", where=str(review)) from None
    entries = doc.get("proposals") if isinstance(doc, dict) else None
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get("entity"), str) for e in entries
    ):
        raise LinkError(
            "the review file must have a 'proposals' list, each with an 'entity'",
            where=str(review),
            hint="use the file `nkelections link` wrote",
        )
    return entries


def _link_block(entry: dict, where: str) -> str:
    qid = str(entry.get("qid") or "")
    seen_at, snippet = entry.get("seen_at"), entry.get("snippet")
    if not QID.match(qid):
        raise LinkError(f"accepted without an item id (qid: {qid!r})", where=where)
    if not isinstance(seen_at, str) or not seen_at.startswith(("https://", "http://")):
        raise LinkError(
            "an accepted link needs 'seen_at', the page where the id was seen",
            where=where,
            hint="an id goes in only with the page that shows it",
        )
    if not isinstance(snippet, str) or not re.search(rf"(?<![0-9]){qid[1:]}(?![0-9])", snippet):
        raise LinkError(
            f"an accepted link needs a 'snippet' of that page showing {qid}", where=where
        )
    return (
        f"  - entity: {entry['entity']}\n    qid: {qid}\n    seen_at: {_q(seen_at)}\n"
        f"    title: {_q(str(entry.get('title') or seen_at))}\n    snippet: {_q(snippet)}\n"
        f"    looked_up: {_q(_looked_up(entry))}\n\n"
    )


def _looked_up(entry: dict) -> str:
    note = f"; {entry['note']}" if entry.get("note") else ""
    return f"proposed by `nkelections link` (score {entry.get('score')}), accepted{note}"


def _abstention_block(entry: dict, where: str) -> str:
    note = entry.get("note")
    if not isinstance(note, str) or not note.strip():
        raise LinkError("a rejected proposal needs a 'note' saying why", where=where)
    reason = f"Rejected by a curator: {note.strip()} (linker: {entry.get('reason', '')})"
    return f"  - entity: {entry['entity']}\n    reason: {_q(reason)}\n"


def _q(text: str) -> str:
    """A YAML scalar on one line: JSON strings are YAML double-quoted strings."""
    return json.dumps(text, ensure_ascii=False)


def _insert(text: str, before: str, block: str) -> str:
    """`block` at the end of the list that precedes the top-level key `before`."""
    if not block:
        return text
    at = text.find("\n" + before)
    if at < 0:
        raise LinkError(f"data/wikidata.yaml has no top-level '{before.strip()}'")
    head = text[:at].rstrip("\n") + "\n"
    return head + block + text[at:]


def _drop_abstention(text: str, entity: str) -> str:
    entry = re.compile(rf"^  - entity: {re.escape(entity)}\n(?:    .*\n|      .*\n)*", re.MULTILINE)
    return entry.sub("", text, count=1)


def _check(text: str, target: Path, known: set[str], root: Path | None) -> None:
    trial = target.with_name(f".{target.name}.review-check")
    try:
        trial.write_text(text, encoding="utf-8")
        load_links(trial, known, root)
    except CurationError as exc:
        raise LinkError(
            f"the decisions would make {target.name} invalid ({exc.message}); nothing was written",
            where=str(target),
        ) from None
    finally:
        trial.unlink(missing_ok=True)
