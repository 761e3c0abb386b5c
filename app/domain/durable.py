"""When a job or a training counts as durable employment, and when that exit is validated.

Rules (every number comes from RuleParameters):
- CDI, CDD or alternance (apprentissage, professionnalisation) of ≥ 6 months planned duration,
  at ≥ half-time; business creation. The exit is provisional from the contract's start and
  validated once the job has been held 6 months.
- Intérim: missions adding up to ≥ 6 months (183 days) or ≥ 910 hours with no gap longer than
  15 days; seasonal: ≥ 8 months worked in a rolling 12. Both prove their own duration, so they
  are validated on the day the threshold is reached.
- Qualifying training completed with the certification obtained; a training longer than
  9 months counts once 6 months of it are done. Validated on that day.
Deterministic and independent of input order; `as_of` is the only "today".
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from app.domain.dates import add_months, covered_days, french_date, whole_months_between
from app.domain.facts import JobFact, MissionFact, PathwayFacts, StepFact
from app.domain.rules import RuleParameters, format_number

ONE_DAY = timedelta(days=1)
DAYS_PER_MONTH = 365.25 / 12

RULE_LABELS = {
    "cdi": "CDI",
    "cdd": "CDD de longue durée",
    "alternance": "Contrat en alternance",
    "creation": "Création d'activité",
    "interim": "Missions d'intérim cumulées",
    "saisonnier": "Emploi saisonnier",
    "formation_qualifiante": "Formation qualifiante certifiée",
    "formation_longue": "Formation longue",
}
# Order of preference when two rules qualify on the same day.
RULE_ORDER = {rule: index for index, rule in enumerate(RULE_LABELS)}

CONTRACT_RULES = {"CDI": "cdi", "CDD": "cdd", "APPRENTISSAGE": "alternance",
                  "PRO": "alternance", "CREATION": "creation"}
TRANSITION_REASONS = {
    "CDDI": "CDDI en SIAE : emploi de transition",
    "PEC": "PEC (contrat aidé) : emploi de transition",
    "AUTRE": "contrat « autre » : non retenu comme emploi durable",
}
TRAINING_TYPES = {"FORM_Q", "FORM_PQ"}
STEP_RULE_TYPES = TRAINING_TYPES | {"CREA"}  # the only steps evaluate_training looks at
EXIT_CATEGORY_OF_RULE = {"creation": "creation_activite", "formation_qualifiante":
                         "formation_qualifiante", "formation_longue": "formation_qualifiante"}


@dataclass(frozen=True, slots=True)
class Qualification:
    """A job, series of missions or training that meets a durable-employment rule."""

    rule: str
    source: str  # "job" or "step"
    keys: tuple[int, ...]
    qualified_on: date  # access to durable employment: the provisional positive-exit date
    validation_due: date  # when the exit can be validated if the job is still held
    validated_on: date | None  # set once validation_due has passed with the job held
    ended_on: date | None  # the job ended before validation: back to "in pathway"
    detail: str

    @property
    def state(self) -> str:
        """validated, ended_early or provisional."""
        if self.validated_on is not None:
            return "validated"
        if self.ended_on is not None:
            return "ended_early"
        return "provisional"

    @property
    def exit_category(self) -> str:
        """The positive-exit category this qualification supports."""
        return EXIT_CATEGORY_OF_RULE.get(self.rule, "emploi_durable")

    def sort_key(self) -> tuple:
        """A total order: earliest first, then by rule preference and source."""
        return (self.qualified_on, RULE_ORDER[self.rule], self.source, self.keys)


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why a job or training does not count (yet): 'CDD de 4 mois < 6 mois'."""

    source: str
    key: int
    reason: str
    expected_on: date | None = None  # intérim still running: when it meets the rule if so


@dataclass(frozen=True, slots=True)
class DurableEvaluation:
    """Where the pathway stands on durable employment on the evaluation date."""

    status: str  # validated, provisional, ended_early or none
    current: Qualification | None
    qualifications: tuple[Qualification, ...]
    rejections: tuple[Rejection, ...]

    def qualification_for_job(self, key: int) -> Qualification | None:
        """The earliest qualification the given job takes part in."""
        return next((q for q in self.qualifications if q.source == "job" and key in q.keys),
                    None)

    def qualification_for_step(self, key: int) -> Qualification | None:
        """The qualification the given step (training, business creation) makes."""
        return next((q for q in self.qualifications if q.source == "step" and key in q.keys),
                    None)

    def rejection_for(self, source: str, key: int) -> Rejection | None:
        """Why the given job or step does not count, if it does not."""
        return next((r for r in self.rejections if r.source == source and r.key == key), None)

    @property
    def first_qualified_on(self) -> date | None:
        """The first day any rule was met (the 'accès à l'emploi durable' milestone)."""
        if not self.qualifications:  # most pathways: skip building a generator
            return None
        return min(q.qualified_on for q in self.qualifications)

    @property
    def first_validated_on(self) -> date | None:
        """The first day a positive exit was proven (the 'emploi durable consolidé' milestone)."""
        if not self.qualifications:
            return None
        return min((q.validated_on for q in self.qualifications if q.validated_on), default=None)


# Most pathways have no job or training to judge: they all share this one result.
NOTHING_DURABLE = DurableEvaluation("none", None, (), ())


def months_text(months: int) -> str:
    """'1 mois', '6 mois'."""
    return f"{months} mois"


def hours_text(hours: Decimal) -> str:
    """'17,5 h'."""
    return f"{format_number(Decimal(hours))} h"


def days_for_months(months: int) -> int:
    """Days of work that make `months` months when missions are cumulated: 6 → 183."""
    return math.floor(months * DAYS_PER_MONTH + 0.5)


def below_half_time(job: JobFact, params: RuleParameters) -> str | None:
    """Why the job's weekly hours fail the half-time rule, or None when they pass."""
    if job.weekly_hours is None:
        return "durée hebdomadaire non renseignée"
    if Decimal(job.weekly_hours) < params.half_time_weekly_hours:
        return (f"temps partiel {hours_text(job.weekly_hours)} < mi-temps "
                f"({hours_text(params.half_time_weekly_hours)})")
    return None


def contract_qualification(job: JobFact, rule: str, params: RuleParameters,
                           as_of: date) -> Qualification:
    """A contract that qualifies from its start; validated once held for the validation period."""
    due = add_months(job.start, params.validation_months)
    held_until = job.end
    held = held_until is None or held_until >= due - ONE_DAY
    validated_on = due if held and as_of >= due else None
    ended_on = held_until if not held and held_until < as_of else None
    if rule == "creation":
        detail = "Création d'activité"
    elif rule == "cdi":
        detail = f"CDI, {hours_text(job.weekly_hours)} par semaine"
    else:
        planned = whole_months_between(job.start, job.planned_end + ONE_DAY)
        label = "CDD" if rule == "cdd" else RULE_LABELS[rule]
        detail = f"{label} de {months_text(planned)}, {hours_text(job.weekly_hours)} par semaine"
    return Qualification(rule, "job", (job.key,), job.start, due, validated_on, ended_on, detail)


def evaluate_contract(job: JobFact, params: RuleParameters,
                      as_of: date) -> Qualification | Rejection | None:
    """The rule a single contract meets, or why it does not; None for intérim and seasonal."""
    if job.contract_type in ("INTERIM", "SAISONNIER"):
        return None
    if job.contract_type in TRANSITION_REASONS:
        return Rejection("job", job.key, TRANSITION_REASONS[job.contract_type])
    rule = CONTRACT_RULES.get(job.contract_type)
    if rule is None:
        return Rejection("job", job.key, "type de contrat inconnu")
    if job.start > as_of:
        return Rejection("job", job.key, f"{RULE_LABELS[rule]} qui commence le "
                                         f"{french_date(job.start)}")
    if rule != "creation":
        part_time = below_half_time(job, params)
        if part_time:
            return Rejection("job", job.key, part_time)
    if rule in ("cdd", "alternance"):
        label = "CDD" if rule == "cdd" else "contrat en alternance"
        if job.planned_end is None:
            return Rejection("job", job.key, f"{label} sans date de fin prévue")
        planned = whole_months_between(job.start, job.planned_end + ONE_DAY)
        if planned < params.durable_min_months:
            return Rejection("job", job.key, f"{label} de {months_text(planned)} < "
                                             f"{months_text(params.durable_min_months)}")
    return contract_qualification(job, rule, params, as_of)


def mission_list(jobs: list[JobFact], as_of: date) -> list[MissionFact]:
    """Every intérim mission; an episode without missions counts as one mission of itself."""
    missions = []
    for job in jobs:
        if job.missions:
            missions.extend(job.missions)
        else:
            missions.append(MissionFact(job.start, job.end or as_of, None))
    return sorted(missions, key=lambda m: (m.start, m.end, m.hours is None, m.hours or 0))


def split_chains(missions: list[MissionFact], max_gap: int) -> list[list[MissionFact]]:
    """Missions grouped into chains whose gaps (days without a mission) are all ≤ max_gap."""
    chains: list[list[MissionFact]] = []
    chain_end = None
    for mission in missions:
        if chain_end is None or (mission.start - chain_end).days - 1 > max_gap:
            chains.append([])
            chain_end = mission.end
        chains[-1].append(mission)
        chain_end = max(chain_end, mission.end)
    return chains


def day_reaching_days(chain: list[MissionFact], needed: int) -> tuple[date | None, int]:
    """The day covered days reach `needed` (overlaps count once), and the days covered in all."""
    covered = 0
    covered_until = None
    for mission in chain:
        start = mission.start if covered_until is None else max(mission.start,
                                                                covered_until + ONE_DAY)
        if start > mission.end:
            continue
        span = (mission.end - start).days + 1
        if covered + span >= needed:
            return start + timedelta(days=needed - covered - 1), covered + span
        covered += span
        covered_until = mission.end if covered_until is None else max(covered_until,
                                                                      mission.end)
    return None, covered


def day_reaching_hours(chain: list[MissionFact], needed: Decimal) -> date | None:
    """The day cumulated hours reach `needed`, spreading each mission's hours over its days."""
    events = []  # (day, hours per day) over each mission's days
    for mission in chain:
        if mission.hours:
            days = (mission.end - mission.start).days + 1
            events.append((mission.start, mission.end, Decimal(mission.hours) / days))
    if not events:
        return None
    if one_after_another(events):
        return day_reaching_hours_in_sequence(events, needed)
    # Walk the days where the daily rate changes; hours per day are constant between them.
    boundaries = sorted({e[0] for e in events} | {e[1] + ONE_DAY for e in events})
    total = Decimal(0)
    for segment_start, segment_end in zip(boundaries, boundaries[1:], strict=False):
        rate = sum(r for s, e, r in events if s <= segment_start and e >= segment_start)
        days = (segment_end - segment_start).days
        if rate and total + rate * days >= needed:
            offset = math.ceil((needed - total) / rate) - 1
            return segment_start + timedelta(days=max(offset, 0))
        total += rate * days
    return None


def one_after_another(events: list[tuple[date, date, Decimal]]) -> bool:
    """Whether each span is well formed and starts after the previous one has ended."""
    previous_end = None
    for start, end, _ in events:
        if end < start or (previous_end is not None and start <= previous_end):
            return False
        previous_end = end
    return True


def day_reaching_hours_in_sequence(events: list[tuple[date, date, Decimal]],
                                   needed: Decimal) -> date | None:
    """day_reaching_hours for missions one after the other (the usual case), in one pass.

    Each mission is then a segment of its own and the gaps between them add nothing, so the
    same Decimal operations run in the same order as the general walk: same day to the digit.
    """
    total = Decimal(0)
    for start, end, rate in events:
        days = (end - start).days + 1
        if rate and total + rate * days >= needed:
            offset = math.ceil((needed - total) / rate) - 1
            return start + timedelta(days=max(offset, 0))
        total += rate * days
    return None


def chain_hours(chain: list[MissionFact], until: date) -> Decimal:
    """Hours worked in a chain's missions up to `until`, pro rata of the days elapsed."""
    total = Decimal(0)
    for mission in chain:
        if mission.hours and mission.start <= until:
            days = (mission.end - mission.start).days + 1
            elapsed = (min(mission.end, until) - mission.start).days + 1
            total += Decimal(mission.hours) * elapsed / days
    return total


@lru_cache(maxsize=64)  # the same parameters for a whole batch: texts built once
def interim_terms(min_months: int, min_hours: int,
                  max_gap_days: int) -> tuple[int, Decimal, str, str]:
    """Days and hours to reach, the qualification's detail and the thresholds a rejection quotes."""
    needed_days, needed_hours = days_for_months(min_months), Decimal(min_hours)
    detail = (f"Intérim : {months_text(min_months)} ou {hours_text(needed_hours)} cumulés sans "
              f"interruption de plus de {max_gap_days} jours")
    thresholds = (f"< {needed_days} jours ({months_text(min_months)}) ou "
                  f"{hours_text(needed_hours)}")
    return needed_days, needed_hours, detail, thresholds


def evaluate_interim(jobs: list[JobFact], params: RuleParameters,
                     as_of: date) -> tuple[list[Qualification], list[Rejection]]:
    """Intérim missions cumulated chain by chain: the first day a chain meets a threshold."""
    missions = mission_list(jobs, as_of)
    if not missions:
        return [], []
    needed_days, needed_hours, detail, thresholds = interim_terms(
        params.interim_min_months, params.interim_min_hours, params.interim_max_gap_days)
    keys = tuple(sorted(job.key for job in jobs))
    latest = None  # the last chain begun by as_of: the progress a rejection reports
    for chain in split_chains(missions, params.interim_max_gap_days):
        by_days, _ = day_reaching_days(chain, needed_days)
        by_hours = day_reaching_hours(chain, needed_hours)
        reached = min((d for d in (by_days, by_hours) if d is not None), default=None)
        if reached is not None and reached <= as_of:
            qualification = Qualification("interim", "job", keys, reached, reached, reached,
                                          None, detail)
            return [qualification], []
        if chain[0].start <= as_of:
            latest = chain
    if latest is None:
        return [], []
    past = [m for m in latest if m.start <= as_of]
    days = covered_days([(m.start, min(m.end, as_of)) for m in past])
    running = max(m.end for m in past) >= as_of
    hours, since = chain_hours(latest, as_of), latest[0].start
    # A chain still running meets the rule on this day if the missions go on without a break.
    expected = as_of + timedelta(days=needed_days - days) if running else None
    reason = (f"intérim : {days} jours et {hours_text(hours.quantize(Decimal('0.1')))} cumulés "
              f"depuis le {french_date(since)} {thresholds}")
    return [], [Rejection("job", key, reason, expected) for key in keys]


def evaluate_seasonal(jobs: list[JobFact], params: RuleParameters,
                      as_of: date) -> tuple[list[Qualification], list[Rejection]]:
    """Seasonal contracts: the first day with ≥ 8 months worked in the rolling 12 before it."""
    rejections, counted = [], []
    for job in jobs:
        part_time = below_half_time(job, params)
        if part_time:
            rejections.append(Rejection("job", job.key, f"saisonnier : {part_time}"))
        elif job.end is None:
            rejections.append(Rejection("job", job.key, "saisonnier sans date de fin"))
        else:
            counted.append(job)
    needed = days_for_months(params.seasonal_min_months)
    if not counted or sum((job.end - job.start).days + 1 for job in counted) < needed:
        # Not enough days in all: no window can hold the threshold (the common case).
        return [], rejections + seasonal_shortfall(counted, params, as_of)
    days = sorted({job.start.toordinal() + offset for job in counted
                   for offset in range((job.end - job.start).days + 1)})
    window_start = 0
    for index, ordinal in enumerate(days):
        day = date.fromordinal(ordinal)
        if day > as_of:
            break
        opens_after = add_months(day, -params.seasonal_window_months).toordinal()
        while days[window_start] <= opens_after:
            window_start += 1
        if index - window_start + 1 >= needed:
            keys = tuple(sorted(job.key for job in counted))
            detail = (f"Saisonnier : {months_text(params.seasonal_min_months)} travaillés sur "
                      f"{months_text(params.seasonal_window_months)}")
            return [Qualification("saisonnier", "job", keys, day, day, day, None, detail)], []
    return [], rejections + seasonal_shortfall(counted, params, as_of)


def seasonal_shortfall(counted: list[JobFact], params: RuleParameters,
                       as_of: date) -> list[Rejection]:
    """Why seasonal contracts fall short: the days worked in the window ending on as_of."""
    if not counted:
        return []
    opens = add_months(as_of, -params.seasonal_window_months) + ONE_DAY
    worked = covered_days([(max(job.start, opens), min(job.end, as_of)) for job in counted])
    reason = (f"saisonnier : {worked} jours travaillés sur les "
              f"{months_text(params.seasonal_window_months)} écoulés < "
              f"{days_for_months(params.seasonal_min_months)} jours "
              f"({months_text(params.seasonal_min_months)})")
    return [Rejection("job", job.key, reason) for job in counted]


def evaluate_creation_step(step: StepFact, params: RuleParameters,
                           as_of: date) -> Qualification | None:
    """A business creation recorded as a step counts like a creation contract."""
    if step.status not in ("en_cours", "realisee") or step.actual_start is None:
        return None
    if step.actual_start > as_of:
        return None
    job = JobFact(step.key, "CREATION", step.actual_start, actual_end=step.actual_end)
    found = contract_qualification(job, "creation", params, as_of)
    return Qualification("creation", "step", found.keys, found.qualified_on,
                         found.validation_due, found.validated_on, found.ended_on, found.detail)


def evaluate_training(step: StepFact, params: RuleParameters,
                      as_of: date) -> Qualification | Rejection | None:
    """A certified qualifying training, or a long training 6 months in; None if not a training."""
    if step.type_code == "CREA":
        return evaluate_creation_step(step, params, as_of)
    if step.type_code not in TRAINING_TYPES or step.start is None:
        return None
    if (step.type_code == "FORM_Q" and step.status == "realisee"
            and step.certification_obtained and step.end is not None and step.end <= as_of):
        return Qualification("formation_qualifiante", "step", (step.key,), step.end, step.end,
                             step.end, None, "Formation qualifiante terminée, certification "
                                             "obtenue")
    if step.planned_end is not None and step.planned_end >= add_months(
            step.start, params.long_training_months) and step.status != "prevue":
        counts_on = add_months(step.start, params.long_training_done_months)
        held = step.actual_end is None or step.actual_end >= counts_on - ONE_DAY
        if held and counts_on <= as_of:
            return Qualification("formation_longue", "step", (step.key,), counts_on, counts_on,
                                 counts_on, None,
                                 f"Formation de plus de {months_text(params.long_training_months)}"
                                 f", {months_text(params.long_training_done_months)} réalisés")
    if step.type_code == "FORM_Q" and step.status == "realisee":
        return Rejection("step", step.key, "formation qualifiante terminée sans la "
                                           "certification")
    return None


def choose_current(qualifications: list[Qualification]) -> tuple[str, Qualification | None]:
    """The status and the qualification that decides it: validated, else provisional, else…"""
    if not qualifications:
        return "none", None
    for state in ("validated", "provisional"):
        candidates = [q for q in qualifications if q.state == state]
        if candidates:
            if state == "validated":
                return state, min(candidates, key=lambda q: (q.validated_on, q.sort_key()))
            return state, min(candidates, key=Qualification.sort_key)
    ended = [q for q in qualifications if q.state == "ended_early"]
    if ended:
        return "ended_early", max(ended, key=lambda q: (q.ended_on, q.sort_key()))
    return "none", None


def sort_rejection(rejection: Rejection) -> tuple:
    """Rejections by record, then reason."""
    return (rejection.source, rejection.key, rejection.reason)


def evaluate_durable(facts: PathwayFacts, params: RuleParameters,
                     as_of: date) -> DurableEvaluation:
    """Which jobs and trainings count as durable employment on `as_of`, and why others do not."""
    found: list = []
    interim, seasonal = [], []
    for job in facts.jobs:
        kind = job.contract_type
        if kind == "INTERIM" or kind == "SAISONNIER":
            # Cumulated over the episodes started so far rather than job by job.
            if job.start <= as_of:
                (interim if kind == "INTERIM" else seasonal).append(job)
        else:
            found.append(evaluate_contract(job, params, as_of))
    # Other step types make no qualification and no rejection: skip the call.
    found += [evaluate_training(step, params, as_of) for step in facts.steps
              if step.type_code in STEP_RULE_TYPES]
    qualifications = [item for item in found if isinstance(item, Qualification)]
    rejections = [item for item in found if isinstance(item, Rejection)]
    for evaluate, jobs in ((evaluate_interim, interim), (evaluate_seasonal, seasonal)):
        if jobs:  # with no such episode both rules find nothing
            met, refused = evaluate(jobs, params, as_of)
            qualifications += met
            rejections += refused
    if not qualifications and not rejections:
        return NOTHING_DURABLE
    if len(qualifications) > 1:
        qualifications.sort(key=Qualification.sort_key)
    if len(rejections) > 1:
        rejections.sort(key=sort_rejection)
    status, current = choose_current(qualifications)
    return DurableEvaluation(status, current, tuple(qualifications), tuple(rejections))
