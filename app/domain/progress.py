"""One call that says where a pathway stands on the road to durable employment."""

from dataclasses import dataclass
from datetime import date

from app.domain.alerts import Alert, ExitCheck, check_exit, compute_alerts
from app.domain.durable import DurableEvaluation, evaluate_durable
from app.domain.facts import PathwayFacts
from app.domain.indicators import Indicators, compute_indicators
from app.domain.milestones import Milestone, compute_milestones, highest_milestone
from app.domain.rules import RuleParameters


@dataclass(frozen=True, slots=True)
class Progress:
    """The durable-employment evaluation, milestones, indicators and alerts on one day."""

    as_of: date
    durable: DurableEvaluation
    exit_check: ExitCheck
    milestones: tuple[Milestone, ...]
    indicators: Indicators
    alerts: tuple[Alert, ...]

    @property
    def highest_milestone(self) -> Milestone | None:
        """The furthest milestone reached."""
        return highest_milestone(self.milestones)


def evaluate_progress(facts: PathwayFacts, params: RuleParameters, as_of: date) -> Progress:
    """Evaluate a pathway on as_of with the given rule parameters."""
    durable = evaluate_durable(facts, params, as_of)
    exit_check = check_exit(facts, durable, as_of)
    return Progress(
        as_of=as_of,
        durable=durable,
        exit_check=exit_check,
        milestones=compute_milestones(facts, durable, as_of),
        indicators=compute_indicators(facts, as_of),
        alerts=compute_alerts(facts, params, exit_check, as_of),
    )
