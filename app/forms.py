"""Form pieces shared by several blueprints."""

from stdnum.fr import siret
from wtforms import DecimalField, SelectMultipleField, StringField
from wtforms.validators import Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.passwords import password_problems


class StrippedStringField(StringField):
    """A text field whose value is trimmed of surrounding spaces."""

    def process_formdata(self, valuelist):
        """Strip the submitted text."""
        super().process_formdata(valuelist)
        if self.data is not None:
            self.data = self.data.strip()


class StrongPassword:
    """Validate a new password against the strength policy."""

    def __init__(self, inputs_from=()):
        self.inputs_from = inputs_from

    def __call__(self, form, field):
        """Raise with the French reason when the password is refused."""
        inputs = [str(form[name].data or "") for name in self.inputs_from if name in form]
        problems = password_problems(field.data or "", inputs)
        if problems:
            raise ValidationError(problems[0])


def no_control_characters(_form, field):
    """Refuse text holding control characters (other than line breaks and tabs)."""
    value = field.data or ""
    if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in value) or "\x7f" in value:
        raise ValidationError("Ce champ contient des caractères non autorisés.")


def add_problems(form, problems: dict[str, str]) -> bool:
    """Attach rule problems to the form's fields (or to the form); return True if any."""
    for name, message in problems.items():
        if name in form._fields:
            form[name].errors = list(form[name].errors) + [message]
        else:
            form.form_errors.append(message)
    return bool(problems)


def valid_siret(_form, field):
    """Check a SIRET number's length and check digit (blank is allowed)."""
    value = siret.compact(field.data or "")
    if value and not siret.is_valid(value):
        raise ValidationError("Numéro SIRET invalide : 14 chiffres avec une clé de contrôle.")
    field.data = value


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def optional_decimal(label: str, places: int = 1, **kwargs) -> DecimalField:
    """A decimal field that accepts a French comma and may be left blank."""
    return FrenchDecimalField(label, places=places, validators=[Optional()], **kwargs)


class FrenchDecimalField(DecimalField):
    """A decimal field accepting '17,5' as well as '17.5'."""

    def process_formdata(self, valuelist):
        """Swap a decimal comma for a point before parsing."""
        if valuelist and isinstance(valuelist[0], str):
            valuelist = [valuelist[0].replace(",", ".").replace(" ", "")]
        super().process_formdata(valuelist)
        if self.data is not None and not self.data.is_finite():
            self.data = None
            raise ValueError("Nombre invalide.")
