"""Where the oxigraph engine joins the focus nodes into a SHACL-SPARQL constraint: at the end of
the outer WHERE group, found by counting braces outside strings, IRIs and comments."""

from __future__ import annotations

import pytest

from nkelections.errors import ValidationError
from nkelections.validate.sparql_rewrite import bulk_query

PREFIX = "PREFIX ex: <http://example.org/>\n"


def test_braces_and_quotes_in_comments_iris_and_strings_are_no_sparql():
    query = PREFIX + (
        "SELECT $this ?value WHERE {\n"
        "  $this ex:p ?value .  # the shape's own comment: no { here, nor a \" there\n"
        "  OPTIONAL { $this <http://example.org/q#other> ?other }\n"
        '  FILTER (?value < 3 || STR(?value) = "}\\" \'")\n'
        "}"
    )
    split = bulk_query(query, "ex:Shape")
    # the focus pattern goes in at the end of the outer group: before its closing brace only
    assert split.tail == "}"
    assert split.head.rstrip().endswith("'\")")


def test_a_string_that_does_not_end_is_a_validation_error():
    query = PREFIX + 'SELECT $this WHERE { $this ex:p "open }'
    with pytest.raises(ValidationError, match="string that does not end in .* ex:Shape"):
        bulk_query(query, "ex:Shape")
