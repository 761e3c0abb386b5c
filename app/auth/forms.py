"""Login and password forms."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from app.forms import StrongPassword, no_control_characters


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = StringField(
        "Adresse e-mail",
        # no_control_characters: a NUL byte would crash the PostgreSQL lookup.
        validators=[DataRequired("Saisissez votre adresse e-mail."), Length(max=254),
                    no_control_characters],
        # Normalised before the length check: lower() can lengthen a string ("İ" → "i̇").
        filters=[lambda value: value.strip().lower() if isinstance(value, str) else value],
        render_kw={"autocomplete": "username", "type": "email"},
    )
    password = PasswordField(
        "Mot de passe",
        validators=[DataRequired("Saisissez votre mot de passe."), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(FlaskForm):
    """The current password, then the new one twice."""

    current_password = PasswordField(
        "Mot de passe actuel",
        validators=[DataRequired("Saisissez votre mot de passe actuel."), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        "Nouveau mot de passe",
        validators=[DataRequired("Saisissez un nouveau mot de passe."), StrongPassword()],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Confirmez le nouveau mot de passe",
        validators=[
            DataRequired("Confirmez le nouveau mot de passe."),
            EqualTo("new_password", "Les deux mots de passe ne sont pas identiques."),
        ],
        render_kw={"autocomplete": "new-password"},
    )
