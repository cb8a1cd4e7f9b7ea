"""The award-rule builder: conditions picked from a plan's components and competencies, combined with all/any.

It writes the rule language of :mod:`microcred.assessment.award_rules` (only its existing functions: ``grade``,
``passed``, ``level``) and reads back the rules it can show as rows; any other rule stays for the text editor. It
also says a rule, and each condition's result for one learner, in words. Reads only; saving goes through
``services.plans.save_award_rule``, which checks the rule against the plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from microcred.assessment import award_rules
from microcred.assessment.award_rules import BoolOp, Call, Compare, Literal, Signature

ALL, ANY = "all", "any"
OPERATORS = (">=", ">", "==", "<=", "<")


@dataclass(frozen=True)
class Subject:
    """What one condition can test: a component's grade or pass, or a competency's level."""

    function: str  # "grade", "passed" or "level"
    name: str
    levels: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.function}:{self.name}"

    @property
    def label(self) -> str:
        if self.function == "grade":
            return _("Grade in “%(name)s” (%%)") % {"name": self.name}
        if self.function == "passed":
            return _("“%(name)s” is passed") % {"name": self.name}
        return _("Level reached in “%(name)s”") % {"name": self.name}


@dataclass(frozen=True)
class Condition:
    function: str
    name: str
    op: str = ">="
    value: str = ""

    def to_rule(self) -> str:
        call = f"{self.function}({quote(self.name)})"
        if self.function == "passed":
            return call
        if self.function == "grade":
            return f"{call} {self.op} {self.value}"
        return f"{call} {self.op} {quote(self.value)}"

    def in_words(self) -> str:
        words = {
            ">=": _("at least"),
            ">": _("more than"),
            "==": _("exactly"),
            "<=": _("at most"),
            "<": _("less than"),
        }.get(self.op, self.op)
        if self.function == "passed":
            return _("“%(name)s” is passed") % {"name": self.name}
        if self.function == "grade":
            return _("the grade in “%(name)s” is %(op)s %(value)s %%") % {
                "name": self.name,
                "op": words,
                "value": self.value,
            }
        return _("the level in “%(name)s” is %(op)s “%(value)s”") % {
            "name": self.name,
            "op": words,
            "value": self.value,
        }


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def subjects(signature: Signature) -> list[Subject]:
    """Every condition a plan offers, components first."""
    found: list[Subject] = []
    for component in signature.components.values():
        if component.scored:
            found.append(Subject("grade", component.name))
        found.append(Subject("passed", component.name))
    for competency in signature.competencies.values():
        found.append(Subject("level", competency.name, competency.levels))
    return found


def build(conditions: list[Condition], combine: str) -> str:
    """The rule text: every condition (``all``) or any of them (``any``)."""
    joiner = " or " if combine == ANY else " and "
    return joiner.join(c.to_rule() for c in conditions)


def _condition(node: object) -> Condition | None:
    if isinstance(node, Call) and node.name.lower() == "passed" and len(node.args) == 1:
        argument = node.args[0]
        if isinstance(argument, Literal) and isinstance(argument.value, str):
            return Condition("passed", argument.value)
        return None
    if not (isinstance(node, Compare) and isinstance(node.left, Call) and isinstance(node.right, Literal)):
        return None
    call, value = node.left, node.right.value
    name = call.name.lower()
    name = {"score": "grade", "rating": "level"}.get(name, name)
    if name not in ("grade", "level") or len(call.args) != 1 or node.op not in OPERATORS:
        return None
    argument = call.args[0]
    if not (isinstance(argument, Literal) and isinstance(argument.value, str)):
        return None
    if name == "grade" and isinstance(value, Decimal):
        return Condition("grade", argument.value, node.op, str(value))
    if name == "level" and isinstance(value, str):
        return Condition("level", argument.value, node.op, value)
    return None


def read(rule: str) -> tuple[str, list[Condition]] | None:
    """The rows of a rule the builder can show (conditions joined by one of and/or), or None: text editor only."""
    if not rule.strip():
        return ALL, []
    try:
        tree = award_rules.parse(rule)
    except award_rules.RuleSyntaxError:
        return None
    items, combine = (tree.items, ANY if tree.op == "or" else ALL) if isinstance(tree, BoolOp) else ((tree,), ALL)
    conditions = [_condition(item) for item in items]
    if any(c is None for c in conditions):
        return None
    return combine, [c for c in conditions if c is not None]


@dataclass(frozen=True)
class Checked:
    """One condition of a rule and whether one learner meets it: True, False, or None (a result is missing)."""

    condition: Condition
    met: bool | None

    @property
    def in_words(self) -> str:
        return self.condition.in_words()


def explain(rule: str, signature: Signature, facts: award_rules.Facts) -> tuple[str, list[Checked]] | None:
    """Each condition of a rule the builder can read, checked against one learner's results; None otherwise."""
    found = read(rule)
    if found is None:
        return None
    combine, conditions = found
    checked = []
    for condition in conditions:
        try:
            decision = award_rules.evaluate(award_rules.compile_rule(condition.to_rule(), signature), facts)
        except award_rules.RuleSyntaxError:
            return None
        met = {award_rules.MET: True, award_rules.NOT_MET: False}.get(decision.outcome)
        checked.append(Checked(condition, met))
    return combine, checked
