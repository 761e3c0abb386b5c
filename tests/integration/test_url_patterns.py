"""url_pattern gives exactly what url_for gives, for any value and any order of arguments."""

import pytest
from flask import url_for

from app.urls import url_pattern

VALUES = ["cQt43_a9Poa4", "a-b_c", "été 2026", "x/y", "50%", "a?b#c", "N'Diaye", "1"]


@pytest.mark.parametrize("value", VALUES)
def test_one_argument_matches_url_for(app, value):
    """The participant file's URL, with and without an anchor, for awkward values too."""
    with app.test_request_context("/"):
        assert url_pattern("participants.show", "public_id")(value) == url_for(
            "participants.show", public_id=value)
        assert url_pattern("participants.show", "public_id", _anchor="progression")(value) == \
            url_for("participants.show", public_id=value, _anchor="progression")


@pytest.mark.parametrize("value", VALUES)
def test_two_arguments_in_either_order(app, value):
    """Keys given in another order than the path's still land in their own place."""
    with app.test_request_context("/"):
        expected = url_for("steps.edit", public_id="P1", step_id=value)
        assert url_pattern("steps.edit", "public_id", "step_id")("P1", value) == expected
        assert url_pattern("steps.edit", "step_id", "public_id")(value, "P1") == expected


def test_script_root_is_kept(app):
    """Served under a prefix, the URLs carry it like url_for's."""
    with app.test_request_context("/", base_url="http://localhost/jalons/"):
        assert url_pattern("participants.show", "public_id")("abc") == url_for(
            "participants.show", public_id="abc")
        assert url_pattern("participants.show", "public_id")("abc").startswith("/jalons/")
