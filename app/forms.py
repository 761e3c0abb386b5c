"""Form pieces shared by several blueprints."""

from wtforms import StringField
from wtforms.validators import ValidationError

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
