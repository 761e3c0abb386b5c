"""Extension singletons, bound to the application in create_app(), and core_rows."""

from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import Executable, Row

from app.models.base import Base

# Views commit (the audit event) before rendering: expiring every object on commit would make
# the template reload each one, one query per row (N+1). One session lives for one request.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
bootstrap = Bootstrap5()


def core_rows(statement: Executable, values: dict | None = None) -> list[Row]:
    """Run a Core statement (built once, loading no ORM objects) on the session's connection,
    in its transaction: the ORM's execution layer would only add its cost, which on the
    busiest pages exceeds what SQLite takes to answer."""
    return db.session.connection().execute(statement, values or {}).all()
