"""The converter's error reporting for types it cannot structure."""

from __future__ import annotations

import attrs
import pytest

from actionplan import ValidationError, convert


class Opaque:
    """A class the converter has no structure hook for."""


@attrs.frozen
class Holder:
    title: str
    thing: Opaque


def test_a_field_of_an_unsupported_type_is_an_issue_naming_the_type():
    # cattrs looks the field's hook up while building the class' structuring function,
    # so the issue is reported for the document that the class could not be built for.
    with pytest.raises(ValidationError) as info:
        convert.structure({"title": "Titre", "thing": 1}, Holder)
    (issue,) = info.value.issues
    assert issue.path == ""
    assert issue.message == "unsupported type Opaque"
    assert issue.code == "validation.unsupported_type"
    assert issue.render("fr") == "(document) : type non pris en charge : Opaque"


def test_an_unsupported_top_level_type_is_an_issue_at_the_root():
    with pytest.raises(ValidationError) as info:
        convert.structure({}, Opaque)
    (issue,) = info.value.issues
    assert (issue.path, issue.message) == ("", "unsupported type Opaque")


def test_the_ids_found_valid_are_remembered_for_one_document_only():
    from actionplan.model import Organisation

    convert.structure({"id": "org-a", "name": "A"}, Organisation)
    assert "org-a" in convert._valid_ids
    convert.structure({"id": "org-b", "name": "B"}, Organisation)
    assert "org-b" in convert._valid_ids and "org-a" not in convert._valid_ids
    with pytest.raises(ValidationError, match="org b"):  # a bad id is never remembered, so never let through
        convert.structure({"id": "org b", "name": "B"}, Organisation)
    assert "org b" not in convert._valid_ids
