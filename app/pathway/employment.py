"""Pathway employment (being built)."""

from flask import Blueprint

bp = Blueprint("employment", __name__, url_prefix="/participants/<public_id>/emploi")
