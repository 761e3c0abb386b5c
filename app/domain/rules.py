"""The PLIE's rule parameters: every number of the durable-employment rules, with defaults.

The admin changes a value from a date on; `parameters_on` resolves which value is in force on
a given day from that history. Pure: no Flask, no database.
"""

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class ParameterSpec:
    """How one parameter is shown, bounded and typed on the settings page."""

    key: str
    label: str
    unit: str
    minimum: Decimal
    maximum: Decimal
    decimals: int = 0
    group: str = ""


GROUP_DURABLE = "Emploi durable"
GROUP_INTERIM = "Intérim et saisonnier"
GROUP_TRAINING = "Formation"
GROUP_FOLLOW_UP = "Suivi du parcours"
GROUP_TARGETS = "Portefeuille et objectifs"

PARAMETER_SPECS = (
    ParameterSpec("durable_min_months", "Durée minimale d'un CDD ou d'un contrat en alternance "
                  "pour être durable", "mois", Decimal(1), Decimal(36), group=GROUP_DURABLE),
    ParameterSpec("half_time_weekly_hours", "Durée hebdomadaire minimale (mi-temps)",
                  "heures par semaine", Decimal(1), Decimal(48), decimals=1,
                  group=GROUP_DURABLE),
    ParameterSpec("validation_months", "Durée de maintien dans l'emploi avant validation de la "
                  "sortie positive", "mois", Decimal(1), Decimal(24), group=GROUP_DURABLE),
    ParameterSpec("interim_min_months", "Cumul de missions d'intérim à atteindre", "mois",
                  Decimal(1), Decimal(24), group=GROUP_INTERIM),
    ParameterSpec("interim_min_hours", "Ou cumul d'heures d'intérim à atteindre", "heures",
                  Decimal(35), Decimal(5000), group=GROUP_INTERIM),
    ParameterSpec("interim_max_gap_days", "Interruption maximale tolérée entre deux missions",
                  "jours", Decimal(0), Decimal(90), group=GROUP_INTERIM),
    ParameterSpec("seasonal_min_months", "Mois travaillés en contrat saisonnier à atteindre",
                  "mois", Decimal(1), Decimal(12), group=GROUP_INTERIM),
    ParameterSpec("seasonal_window_months", "Sur une période glissante de", "mois",
                  Decimal(1), Decimal(24), group=GROUP_INTERIM),
    ParameterSpec("long_training_months", "Une formation est longue au-delà de", "mois",
                  Decimal(1), Decimal(36), group=GROUP_TRAINING),
    ParameterSpec("long_training_done_months", "Une formation longue compte après", "mois",
                  Decimal(1), Decimal(36), group=GROUP_TRAINING),
    ParameterSpec("contact_max_days", "Délai maximal entre deux entretiens", "jours",
                  Decimal(1), Decimal(365), group=GROUP_FOLLOW_UP),
    ParameterSpec("no_step_max_days", "Délai maximal sans étape en cours", "jours",
                  Decimal(1), Decimal(365), group=GROUP_FOLLOW_UP),
    ParameterSpec("ending_soon_days", "Alerte avant la fin d'un contrat, d'un PASS IAE ou "
                  "d'un PEC", "jours", Decimal(1), Decimal(120), group=GROUP_FOLLOW_UP),
    ParameterSpec("pathway_warning_months", "Alerte de durée de parcours", "mois",
                  Decimal(1), Decimal(120), group=GROUP_FOLLOW_UP),
    ParameterSpec("pathway_max_months", "Durée maximale du parcours", "mois",
                  Decimal(1), Decimal(120), group=GROUP_FOLLOW_UP),
    ParameterSpec("exit_situation_days", "Délai pour renseigner la situation à la sortie",
                  "jours", Decimal(1), Decimal(120), group=GROUP_FOLLOW_UP),
    ParameterSpec("post_exit_months", "Situation à renseigner après la sortie", "mois",
                  Decimal(1), Decimal(24), group=GROUP_FOLLOW_UP),
    ParameterSpec("caseload_ceiling", "Portefeuille maximal d'un référent à temps plein",
                  "participants", Decimal(1), Decimal(500), group=GROUP_TARGETS),
    ParameterSpec("positive_exit_target_percent", "Objectif de sorties positives", "%",
                  Decimal(0), Decimal(100), decimals=1, group=GROUP_TARGETS),
)
SPECS_BY_KEY = {spec.key: spec for spec in PARAMETER_SPECS}


@dataclass(frozen=True, slots=True)
class RuleParameters:
    """The values in force for one evaluation; the defaults are PRODUCT.md's."""

    durable_min_months: int = 6
    half_time_weekly_hours: Decimal = Decimal("17.5")
    validation_months: int = 6
    interim_min_months: int = 6
    interim_min_hours: int = 910
    interim_max_gap_days: int = 15
    seasonal_min_months: int = 8
    seasonal_window_months: int = 12
    long_training_months: int = 9
    long_training_done_months: int = 6
    contact_max_days: int = 30
    no_step_max_days: int = 90
    ending_soon_days: int = 30
    pathway_warning_months: int = 24
    pathway_max_months: int = 36
    exit_situation_days: int = 28
    post_exit_months: int = 6
    caseload_ceiling: int = 70
    positive_exit_target_percent: Decimal = Decimal(42)

    def with_values(self, values: dict[str, Decimal]) -> "RuleParameters":
        """A copy with some values replaced, each converted to the field's type."""
        return replace(self, **{key: typed(key, value) for key, value in values.items()})


DEFAULTS = RuleParameters()


def default_value(key: str) -> Decimal:
    """The default of a parameter, as a Decimal."""
    return Decimal(getattr(DEFAULTS, key))


def typed(key: str, value: Decimal):
    """A stored Decimal converted to the type the rules use (int for counts)."""
    return Decimal(value) if SPECS_BY_KEY[key].decimals else int(value)


@dataclass(frozen=True, slots=True)
class ParameterChange:
    """A value that took effect on a date (a row of the settings history)."""

    key: str
    value: Decimal
    effective_from: date


def changes_in_force(history: list[ParameterChange], day: date) -> dict[str, ParameterChange]:
    """For each key changed by `day`, the change in force that day (unknown keys ignored)."""
    latest: dict[str, ParameterChange] = {}
    for change in history:
        if change.effective_from > day or change.key not in SPECS_BY_KEY:
            continue
        known = latest.get(change.key)
        # Two changes on the same day: the larger value wins, so the order of rows never matters.
        if known is None or (change.effective_from, change.value) > (known.effective_from,
                                                                     known.value):
            latest[change.key] = change
    return latest


def parameters_on(history: list[ParameterChange], day: date) -> RuleParameters:
    """The parameters in force on `day`: for each key, the latest change that took effect."""
    latest = changes_in_force(history, day)
    return DEFAULTS.with_values({key: change.value for key, change in latest.items()})


def as_values(parameters: RuleParameters) -> dict[str, Decimal]:
    """Every value of a parameter set, keyed by name, as Decimals (the form and the table)."""
    return {spec.key: Decimal(getattr(parameters, spec.key)) for spec in PARAMETER_SPECS}


def parameter_problems(values: dict[str, Decimal]) -> dict[str, str]:
    """French messages for values out of bounds or contradicting each other.

    Keys missing from `values` take their default for the cross-checks; unknown keys are ignored.
    """
    values = {key: value for key, value in values.items() if key in SPECS_BY_KEY}
    problems = {}
    for key, value in values.items():
        spec = SPECS_BY_KEY[key]
        if not value.is_finite():
            problems[key] = "Saisissez un nombre."
        elif value < spec.minimum or value > spec.maximum:
            problems[key] = (f"Saisissez une valeur entre {format_number(spec.minimum)} et "
                             f"{format_number(spec.maximum)} {spec.unit}.")
        elif spec.decimals == 0 and value != value.to_integral_value():
            problems[key] = "Saisissez un nombre entier."
        elif value != round(value, spec.decimals):
            places = "une décimale" if spec.decimals == 1 else f"{spec.decimals} décimales"
            problems[key] = f"Saisissez au plus {places}."
    merged = as_values(DEFAULTS)
    merged.update({key: value for key, value in values.items() if value.is_finite()})
    # The alert must come strictly before the end: an alert on the last day warns of nothing.
    if merged["pathway_warning_months"] >= merged["pathway_max_months"]:
        problems.setdefault("pathway_warning_months",
                            "L'alerte doit précéder la durée maximale du parcours.")
    if merged["seasonal_min_months"] > merged["seasonal_window_months"]:
        problems.setdefault("seasonal_min_months",
                            "Les mois à atteindre ne peuvent dépasser la période glissante.")
    if merged["long_training_done_months"] > merged["long_training_months"]:
        problems.setdefault("long_training_done_months",
                            "Ce seuil ne peut dépasser la durée d'une formation longue.")
    return problems


def format_number(value: Decimal) -> str:
    """A number written the French way: no useless zeros, a decimal comma."""
    text = f"{value.normalize():f}"
    return text.replace(".", ",")
