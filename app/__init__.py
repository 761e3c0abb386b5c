"""Jalons: case management for PLIE teams, measuring progress toward durable employment."""

from pathlib import Path

from flask import Flask

from app.config import configure

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: settings, extensions, blueprints, error pages and commands."""
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    configure(app, test_config)

    from app import database  # also registers the SQLite connection hooks
    from app.extensions import babel, bootstrap, csrf, db, login_manager, migrate

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app)
    bootstrap.init_app(app)
    login_manager.init_app(app)

    from app import diagnostics, reference_data, sessions, web

    sessions.init_app(app)
    reference_data.init_app(app)
    web.init_app(app)
    diagnostics.init_app(app)

    from app.admin.dimensions import bp as dimensions_bp
    from app.admin.documents import bp as admin_documents_bp
    from app.admin.reference import bp as reference_bp
    from app.admin.rules import bp as rules_bp
    from app.admin.views import bp as admin_bp
    from app.auth.views import bp as auth_bp
    from app.documents.views import bp as documents_bp
    from app.documents.views import supervision_bp as supervision_documents_bp
    from app.fse.views import bp as fse_bp
    from app.main.views import bp as main_bp
    from app.participants.views import bp as participants_bp
    from app.pathway.assessments import bp as assessments_bp
    from app.pathway.barriers import bp as barriers_bp
    from app.pathway.employment import bp as employment_bp
    from app.pathway.entry import bp as entry_bp
    from app.pathway.interviews import bp as interviews_bp
    from app.pathway.steps import bp as steps_bp
    from app.progress.views import bp as progress_bp
    from app.reports.views import bp as reports_bp
    from app.supervision.commissions import bp as commissions_bp
    from app.supervision.reassign import bp as reassign_bp
    from app.supervision.views import bp as supervision_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(participants_bp)
    app.register_blueprint(supervision_bp)
    app.register_blueprint(commissions_bp)
    app.register_blueprint(reassign_bp)
    app.register_blueprint(progress_bp)
    app.register_blueprint(fse_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(reference_bp)
    app.register_blueprint(dimensions_bp)
    app.register_blueprint(rules_bp)
    app.register_blueprint(documents_bp)
    app.register_blueprint(supervision_documents_bp)
    app.register_blueprint(admin_documents_bp)
    for pathway_bp in (entry_bp, steps_bp, employment_bp, interviews_bp, barriers_bp,
                       assessments_bp):
        app.register_blueprint(pathway_bp)

    from app import cli
    from app.progress import snapshot

    snapshot.init_app()

    cli.init_app(app)
    return app
