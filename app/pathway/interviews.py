"""Pathway interviews (being built)."""

from flask import Blueprint

bp = Blueprint("interviews", __name__, url_prefix="/participants/<public_id>/entretiens")
