"""Pathway steps (being built)."""

from flask import Blueprint

bp = Blueprint("steps", __name__, url_prefix="/participants/<public_id>/etapes")
