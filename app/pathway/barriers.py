"""Pathway barriers (being built)."""

from flask import Blueprint

bp = Blueprint("barriers", __name__, url_prefix="/participants/<public_id>/freins")
