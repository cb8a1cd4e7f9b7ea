"""The award-rule language: tokenizer, recursive-descent parser, type checker and evaluator.

A rule is a small boolean expression over a learner's results, for example::

    grade("PD course") >= 80 and level("communication") >= "superior"
    all_competencies_at_least("satisfactory")
    passed("pre-test") or passed("post-test")
    count_passed(["A", "B", "C"]) >= 2
    holds("https://college.example/achievements/first-aid") and grade("Capstone") >= 70
    holds("ce-5f1c…", "did:web:college.example", "proficient")

``holds(ACHIEVEMENT[, ISSUER[, MIN_LEVEL]])`` asks whether the learner holds an achievement (its id or CTID; a
micro-credential of the catalog counts in any version): awarded here, or imported into the wallet, verified, still
valid and from an issuer the provider trusts, or recognised as it through an approved agreement. ``ISSUER`` (a DID,
or an organization's short name; ``""`` for any) and ``MIN_LEVEL`` (a level of the scale of one of its results) are
optional and positional. Not holding it is a *missing* input, not false: a credential can still be earned or
imported. What ``holds`` reads comes from ``Facts.holds`` (see ``assessment/holdings.py``); its input in the decision
lists the credentials that counted and, for each one that did not, why.

Nothing is ever handed to ``eval`` or Python's ``ast``. A rule is checked against a plan's
:class:`Signature` when it is saved (unknown component, unknown level, type errors), with the
character position of the fault. Evaluation uses three-valued logic: a missing result is
*unknown*, ``unknown and false`` is false, ``unknown or true`` is true, and a rule whose outcome
is unknown never awards; the decision lists every input it read and every input that was missing.

Grammar::

    rule       := or_expr EOF
    or_expr    := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | comparison
    comparison := primary (("<" | "<=" | ">" | ">=" | "==" | "!=") primary)?
    primary    := NUMBER | STRING | "true" | "false" | call | list | "(" or_expr ")"
    call       := NAME "(" (or_expr ("," or_expr)*)? ")"
    list       := "[" (or_expr ("," or_expr)*)? "]"
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from microcred.errors import DomainError

MAX_RULE_LENGTH = 4000
MAX_DEPTH = 40


class RuleSyntaxError(DomainError):
    """A rule that cannot be parsed or does not fit the plan; ``position`` is a 0-based character offset."""

    status = 400
    code = "invalid_rule"

    def __init__(self, position: int, message: str) -> None:
        super().__init__(message, code="invalid_rule", field="award_rule")
        self.position = position

    def to_json(self) -> dict[str, object]:
        body = super().to_json()
        body["position"] = self.position
        return body

    def __str__(self) -> str:
        return f"{self.message} (at character {self.position + 1})"


# ---------------------------------------------------------------- tokens

KEYWORDS = {"and", "or", "not", "true", "false"}
OPERATORS = ("<=", ">=", "==", "!=", "<", ">", "(", ")", "[", "]", ",")


@dataclass(frozen=True)
class Token:
    kind: str  # "number", "string", "name", "keyword", "op", "end"
    text: str
    position: int
    value: Any = None


def tokenize(source: str) -> list[Token]:
    if not isinstance(source, str):
        raise RuleSyntaxError(0, _("A rule is text."))
    if len(source) > MAX_RULE_LENGTH:
        raise RuleSyntaxError(MAX_RULE_LENGTH, _("A rule is at most %(n)d characters long.") % {"n": MAX_RULE_LENGTH})
    tokens: list[Token] = []
    i, n = 0, len(source)
    while i < n:
        char = source[i]
        if char.isspace():
            i += 1
            continue
        start = i
        if char.isascii() and (char.isdigit() or (char == "." and i + 1 < n and source[i + 1].isdigit())):
            while i < n and source[i].isascii() and (source[i].isdigit() or source[i] == "."):
                i += 1
            text = source[start:i]
            try:
                value = Decimal(text)
            except InvalidOperation:
                value = None
            if value is None or text.count(".") > 1:
                raise RuleSyntaxError(start, _("“%(text)s” is not a number.") % {"text": text})
            tokens.append(Token("number", text, start, value))
            continue
        if char in "\"'“”":
            closing = "”" if char == "“" else char
            i += 1
            chars: list[str] = []
            while i < n and source[i] != closing:
                if source[i] == "\\" and i + 1 < n:
                    i += 1
                chars.append(source[i])
                i += 1
            if i >= n:
                raise RuleSyntaxError(start, _("This text in quotes is never closed."))
            i += 1
            tokens.append(Token("string", source[start:i], start, "".join(chars)))
            continue
        if char.isalpha() or char == "_":
            while i < n and (source[i].isalnum() or source[i] == "_"):
                i += 1
            text = source[start:i]
            kind = "keyword" if text.lower() in KEYWORDS else "name"
            tokens.append(Token(kind, text.lower() if kind == "keyword" else text, start))
            continue
        for op in OPERATORS:
            if source.startswith(op, i):
                tokens.append(Token("op", op, start))
                i += len(op)
                break
        else:
            if char == "=":
                raise RuleSyntaxError(start, _("Use “==” to compare, not “=”."))
            if char in "&|":
                raise RuleSyntaxError(start, _("Use “and” and “or”."))
            raise RuleSyntaxError(start, _("Unexpected character “%(char)s”.") % {"char": char})
    tokens.append(Token("end", "", n))
    return tokens


# ---------------------------------------------------------------- syntax tree


@dataclass(frozen=True)
class Node:
    position: int


@dataclass(frozen=True)
class Literal(Node):
    value: Any  # Decimal, str or bool


@dataclass(frozen=True)
class ListOf(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Call(Node):
    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Compare(Node):
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class BoolOp(Node):
    op: str  # "and" | "or"
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not(Node):
    operand: Node


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = tokenize(source)
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def expect(self, text: str) -> Token:
        token = self.current
        if token.kind != "op" or token.text != text:
            raise RuleSyntaxError(token.position, _("Expected “%(expected)s” here.") % {"expected": text})
        return self.advance()

    def is_op(self, text: str) -> bool:
        return self.current.kind == "op" and self.current.text == text

    def is_keyword(self, text: str) -> bool:
        return self.current.kind == "keyword" and self.current.text == text

    def nested(self, position: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise RuleSyntaxError(position, _("The rule is nested too deeply."))

    def parse(self) -> Node:
        if self.current.kind == "end":
            raise RuleSyntaxError(0, _("The rule is empty."))
        node = self.or_expr()
        if self.current.kind != "end":
            raise RuleSyntaxError(
                self.current.position,
                _("Unexpected “%(text)s”: expected “and”, “or” or the end.") % {"text": self.current.text},
            )
        return node

    def or_expr(self) -> Node:
        return self._bool_chain("or", self.and_expr)

    def and_expr(self) -> Node:
        return self._bool_chain("and", self.not_expr)

    def _bool_chain(self, word: str, operand: Any) -> Node:
        first = operand()
        items = [first]
        while self.is_keyword(word):
            self.advance()
            items.append(operand())
        return first if len(items) == 1 else BoolOp(first.position, word, tuple(items))

    def not_expr(self) -> Node:
        if self.is_keyword("not"):
            token = self.advance()
            self.nested(token.position)
            operand = self.not_expr()
            self.depth -= 1
            return Not(token.position, operand)
        return self.comparison()

    def comparison(self) -> Node:
        left = self.primary()
        if self.current.kind == "op" and self.current.text in ("<", "<=", ">", ">=", "==", "!="):
            op = self.advance()
            right = self.primary()
            if self.current.kind == "op" and self.current.text in ("<", "<=", ">", ">=", "==", "!="):
                raise RuleSyntaxError(self.current.position, _("Chain comparisons with “and”."))
            return Compare(op.position, op.text, left, right)
        return left

    def primary(self) -> Node:
        token = self.current
        if token.kind == "number":
            self.advance()
            return Literal(token.position, token.value)
        if token.kind == "string":
            self.advance()
            return Literal(token.position, token.value)
        if token.kind == "keyword" and token.text in ("true", "false"):
            self.advance()
            return Literal(token.position, token.text == "true")
        if token.kind == "op" and token.text == "(":
            self.advance()
            self.nested(token.position)
            node = self.or_expr()
            self.depth -= 1
            self.expect(")")
            return node
        if token.kind == "op" and token.text == "[":
            self.advance()
            self.nested(token.position)
            items = self._items("]")
            self.depth -= 1
            return ListOf(token.position, tuple(items))
        if token.kind == "name":
            self.advance()
            if not self.is_op("("):
                raise RuleSyntaxError(
                    token.position,
                    _('“%(name)s” is not known; names in quotes are text, e.g. "superior".') % {"name": token.text},
                )
            self.advance()
            self.nested(token.position)
            args = self._items(")")
            self.depth -= 1
            return Call(token.position, token.text, tuple(args))
        if token.kind == "end":
            raise RuleSyntaxError(token.position, _("The rule ends too early."))
        raise RuleSyntaxError(token.position, _("Unexpected “%(text)s”.") % {"text": token.text})

    def _items(self, closing: str) -> list[Node]:
        items: list[Node] = []
        if self.is_op(closing):
            self.advance()
            return items
        while True:
            items.append(self.or_expr())
            if self.is_op(","):
                self.advance()
                continue
            self.expect(closing)
            return items


def parse(source: str) -> Node:
    """The syntax tree of ``source``, or :class:`RuleSyntaxError` with the position of the first fault."""
    return _Parser(source).parse()


# ---------------------------------------------------------------- what a rule may refer to


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class ComponentInfo:
    name: str
    scored: bool = True  # has a numeric score (grade) as opposed to pass/fail only


@dataclass(frozen=True)
class CompetencyInfo:
    name: str
    levels: tuple[str, ...]  # the scale, lowest rank first

    def rank(self, level_name: str) -> int | None:
        wanted = _key(level_name)
        for rank, name in enumerate(self.levels):
            if _key(name) == wanted:
                return rank
        return None


@dataclass
class Signature:
    """What a plan offers a rule: its components and the competencies with their scales."""

    components: dict[str, ComponentInfo] = field(default_factory=dict)
    competencies: dict[str, CompetencyInfo] = field(default_factory=dict)

    @classmethod
    def build(cls, components: list[ComponentInfo], competencies: list[CompetencyInfo]) -> Signature:
        return cls({_key(c.name): c for c in components}, {_key(c.name): c for c in competencies})

    def component(self, name: str) -> ComponentInfo | None:
        return self.components.get(_key(name))

    def competency(self, name: str) -> CompetencyInfo | None:
        return self.competencies.get(_key(name))


# ---------------------------------------------------------------- types

NUMBER, BOOL, TEXT, LEVEL, LIST = "number", "true/false", "text", "level", "list"


@dataclass(frozen=True)
class _Typed:
    kind: str
    competency: CompetencyInfo | None = None  # for LEVEL


FUNCTIONS = {
    # name: (argument kinds, result kind)
    "grade": ((TEXT,), NUMBER),
    "score": ((TEXT,), NUMBER),
    "passed": ((TEXT,), BOOL),
    "level": ((TEXT,), LEVEL),
    "rating": ((TEXT,), LEVEL),
    "count_passed": ((LIST,), NUMBER),
    "all_competencies_at_least": ((TEXT,), BOOL),
    "holds": ((TEXT, TEXT, TEXT), BOOL),
}
OPTIONAL_ARGUMENTS = {"holds": 2}  # how many trailing arguments may be left out


def _type_name(kind: str) -> str:
    return {
        NUMBER: _("a number"),
        BOOL: _("true or false"),
        TEXT: _("text in quotes"),
        LEVEL: _("a level"),
        LIST: _("a list"),
    }[kind]


def _literal_text(node: Node) -> str | None:
    if isinstance(node, Literal) and isinstance(node.value, str):
        return node.value
    return None


class _Checker:
    def __init__(self, signature: Signature) -> None:
        self.signature = signature

    def check(self, node: Node) -> _Typed:
        if isinstance(node, Literal):
            if isinstance(node.value, bool):
                return _Typed(BOOL)
            return _Typed(NUMBER if isinstance(node.value, Decimal) else TEXT)
        if isinstance(node, ListOf):
            for item in node.items:
                if _literal_text(item) is None:
                    raise RuleSyntaxError(item.position, _("A list holds component names in quotes."))
            return _Typed(LIST)
        if isinstance(node, Not):
            self._want(node.operand, BOOL)
            return _Typed(BOOL)
        if isinstance(node, BoolOp):
            for item in node.items:
                self._want(item, BOOL)
            return _Typed(BOOL)
        if isinstance(node, Compare):
            return self._compare(node)
        if isinstance(node, Call):
            return self._call(node)
        raise AssertionError(node)  # pragma: no cover - the parser makes no other nodes

    def _want(self, node: Node, kind: str) -> _Typed:
        typed = self.check(node)
        if typed.kind != kind:
            raise RuleSyntaxError(
                node.position,
                _("Expected %(expected)s here, found %(found)s.")
                % {"expected": _type_name(kind), "found": _type_name(typed.kind)},
            )
        return typed

    def _compare(self, node: Compare) -> _Typed:
        left, right = self.check(node.left), self.check(node.right)
        if left.kind == LEVEL or right.kind == LEVEL:
            level_side, other_node, other = (
                (left, node.right, right) if left.kind == LEVEL else (right, node.left, left)
            )
            if other.kind != TEXT:
                raise RuleSyntaxError(other_node.position, _("Compare a level with a level name in quotes."))
            name = _literal_text(other_node) or ""
            assert level_side.competency is not None
            if level_side.competency.rank(name) is None:
                raise RuleSyntaxError(
                    other_node.position,
                    _("“%(level)s” is not a level of the scale of “%(competency)s” (%(levels)s).")
                    % {
                        "level": name,
                        "competency": level_side.competency.name,
                        "levels": ", ".join(level_side.competency.levels),
                    },
                )
            return _Typed(BOOL)
        if left.kind != right.kind:
            raise RuleSyntaxError(
                node.position,
                _("Cannot compare %(left)s with %(right)s.")
                % {"left": _type_name(left.kind), "right": _type_name(right.kind)},
            )
        if left.kind in (BOOL, TEXT, LIST) and node.op not in ("==", "!="):
            raise RuleSyntaxError(node.position, _("Only numbers and levels can be ordered."))
        return _Typed(BOOL)

    def _call(self, node: Call) -> _Typed:
        spec = FUNCTIONS.get(node.name.lower())
        if spec is None:
            raise RuleSyntaxError(
                node.position,
                _("Unknown function “%(name)s”; use one of %(names)s.")
                % {"name": node.name, "names": ", ".join(sorted(FUNCTIONS))},
            )
        arg_kinds, result = spec
        optional = OPTIONAL_ARGUMENTS.get(node.name.lower(), 0)
        if optional and len(arg_kinds) - optional <= len(node.args) <= len(arg_kinds):
            arg_kinds = arg_kinds[: len(node.args)]
        if len(node.args) != len(arg_kinds):
            raise RuleSyntaxError(
                node.position,
                _("“%(name)s” takes %(n)d argument(s).") % {"name": node.name, "n": len(arg_kinds)},
            )
        for arg, kind in zip(node.args, arg_kinds, strict=True):
            self._want(arg, kind)
            if kind == TEXT and _literal_text(arg) is None:
                raise RuleSyntaxError(arg.position, _("Write the name in quotes."))
        name = node.name.lower()
        if name in ("grade", "score", "passed"):
            component = self._component(node.args[0])
            if name != "passed" and not component.scored:
                raise RuleSyntaxError(
                    node.args[0].position,
                    _('“%(name)s” has no score; use passed("%(name)s").') % {"name": component.name},
                )
        elif name == "count_passed":
            items = node.args[0].items  # type: ignore[attr-defined]
            if not items:
                raise RuleSyntaxError(node.args[0].position, _("The list is empty."))
            for item in items:
                self._component(item)
        elif name in ("level", "rating"):
            return _Typed(LEVEL, self._competency(node.args[0]))
        elif name == "all_competencies_at_least":
            level = _literal_text(node.args[0]) or ""
            if not self.signature.competencies:
                raise RuleSyntaxError(node.position, _("The plan assesses no competencies yet."))
            for competency in self.signature.competencies.values():
                if competency.rank(level) is None:
                    raise RuleSyntaxError(
                        node.args[0].position,
                        _("“%(level)s” is not a level of the scale of “%(competency)s” (%(levels)s).")
                        % {"level": level, "competency": competency.name, "levels": ", ".join(competency.levels)},
                    )
        return _Typed(result)

    def _component(self, node: Node) -> ComponentInfo:
        name = _literal_text(node) or ""
        component = self.signature.component(name)
        if component is None:
            known = ", ".join(sorted(c.name for c in self.signature.components.values())) or _("none yet")
            raise RuleSyntaxError(
                node.position,
                _("The plan has no component “%(name)s” (it has: %(known)s).") % {"name": name, "known": known},
            )
        return component

    def _competency(self, node: Node) -> CompetencyInfo:
        name = _literal_text(node) or ""
        competency = self.signature.competency(name)
        if competency is None:
            known = ", ".join(sorted(c.name for c in self.signature.competencies.values())) or _("none yet")
            raise RuleSyntaxError(
                node.position,
                _("The plan assesses no competency “%(name)s” (it assesses: %(known)s).")
                % {"name": name, "known": known},
            )
        return competency


@dataclass(frozen=True)
class CompiledRule:
    source: str
    tree: Node
    signature: Signature


def compile_rule(source: str, signature: Signature) -> CompiledRule:
    """Parse and type-check ``source`` against a plan; :class:`RuleSyntaxError` points at the first fault."""
    tree = parse(source)
    typed = _Checker(signature).check(tree)
    if typed.kind != BOOL:
        raise RuleSyntaxError(0, _("A rule must be true or false, not %(kind)s.") % {"kind": _type_name(typed.kind)})
    return CompiledRule(source, tree, signature)


# ---------------------------------------------------------------- evaluation


@dataclass
class Facts:
    """A learner's counted results, keyed by component or competency name (any case or spacing).

    ``grades``: the percentage score of a scored component; ``passed``: whether a component is
    passed; ``levels``: the level name reached on a competency. An absent key is a missing result.
    """

    grades: dict[str, Decimal] = field(default_factory=dict)
    passed: dict[str, bool] = field(default_factory=dict)
    levels: dict[str, str] = field(default_factory=dict)
    # holds(achievement, issuer, min_level) -> (held, what was read: counted and not counted credentials, or None)
    holds: Callable[[str, str, str], tuple[bool, Any]] | None = None

    def __post_init__(self) -> None:
        self.grades = {_key(k): v for k, v in self.grades.items()}
        self.passed = {_key(k): v for k, v in self.passed.items()}
        self.levels = {_key(k): v for k, v in self.levels.items()}


MET, NOT_MET, UNDETERMINED = "met", "not_met", "undetermined"
UNKNOWN = None  # the third truth value


@dataclass
class Decision:
    """The outcome of one evaluation, with everything it read: enough to explain it later."""

    outcome: str  # MET, NOT_MET or UNDETERMINED
    inputs: dict[str, Any]
    missing: list[str]

    @property
    def met(self) -> bool:
        return self.outcome == MET

    def to_json(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "inputs": self.inputs, "missing": self.missing}


_ORDER = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


class _Evaluator:
    def __init__(self, rule: CompiledRule, facts: Facts) -> None:
        self.rule = rule
        self.facts = facts
        self.inputs: dict[str, Any] = {}
        self.missing: list[str] = []

    def _read(self, label: str, value: Any) -> Any:
        self.inputs[label] = None if value is None else (str(value) if isinstance(value, Decimal) else value)
        if value is None and label not in self.missing:
            self.missing.append(label)
        return value

    def grade(self, name: str) -> Decimal | None:
        component = self.rule.signature.component(name)
        assert component is not None
        return self._read(f'grade("{component.name}")', self.facts.grades.get(_key(name)))

    def passed(self, name: str) -> bool | None:
        component = self.rule.signature.component(name)
        assert component is not None
        return self._read(f'passed("{component.name}")', self.facts.passed.get(_key(name)))

    def holds(self, achievement: str, issuer: str = "", min_level: str = "") -> bool | None:
        label = (
            "holds("
            + ", ".join(
                f'"{a}"' for a in (achievement, issuer, min_level)[: 1 + bool(issuer or min_level) + bool(min_level)]
            )
            + ")"
        )
        if self.facts.holds is None:
            return self._read(label, None)
        held, details = self.facts.holds(achievement, issuer, min_level)
        self.inputs[label] = details
        if not held:
            if label not in self.missing:
                self.missing.append(label)
            return UNKNOWN
        return True

    def level_rank(self, competency: CompetencyInfo) -> int | None:
        level = self.facts.levels.get(_key(competency.name))
        self._read(f'level("{competency.name}")', level)
        return None if level is None else competency.rank(level)

    def value(self, node: Node) -> Any:
        if isinstance(node, Literal):
            return node.value
        if isinstance(node, Not):
            operand = self.value(node.operand)
            return UNKNOWN if operand is UNKNOWN else not operand
        if isinstance(node, BoolOp):
            # Every operand is evaluated (no short cut), so the decision records all its inputs.
            values = [self.value(item) for item in node.items]
            decisive = node.op == "or"  # true decides an "or", false decides an "and"
            if decisive in values:
                return decisive
            return UNKNOWN if UNKNOWN in values else not decisive
        if isinstance(node, Compare):
            return self._compare(node)
        if isinstance(node, Call):
            return self._call(node)
        raise AssertionError(node)  # pragma: no cover

    def _compare(self, node: Compare) -> bool | None:
        for level_node, other, flip in ((node.left, node.right, False), (node.right, node.left, True)):
            if isinstance(level_node, Call) and level_node.name.lower() in ("level", "rating"):
                competency = self.rule.signature.competency(level_node.args[0].value)  # type: ignore[attr-defined]
                assert competency is not None
                have = self.level_rank(competency)
                want = competency.rank(other.value)  # type: ignore[attr-defined]
                if have is None:
                    return UNKNOWN
                left, right = (want, have) if flip else (have, want)
                return _ORDER[node.op](left, right)
        left, right = self.value(node.left), self.value(node.right)
        if left is UNKNOWN or right is UNKNOWN:
            return UNKNOWN
        return _ORDER[node.op](left, right)

    def _call(self, node: Call) -> Any:
        name = node.name.lower()
        if name in ("grade", "score"):
            return self.grade(node.args[0].value)  # type: ignore[attr-defined]
        if name == "passed":
            return self.passed(node.args[0].value)  # type: ignore[attr-defined]
        if name == "count_passed":
            values = [self.passed(item.value) for item in node.args[0].items]  # type: ignore[attr-defined]
            if UNKNOWN in values:
                return UNKNOWN
            return Decimal(sum(1 for v in values if v))
        if name == "all_competencies_at_least":
            results = []
            for competency in self.rule.signature.competencies.values():
                have = self.level_rank(competency)
                want = competency.rank(node.args[0].value)  # type: ignore[attr-defined]
                results.append(UNKNOWN if have is None else have >= want)  # type: ignore[operator]
            if False in results:
                return False
            return UNKNOWN if UNKNOWN in results else True
        if name == "holds":
            return self.holds(*[arg.value for arg in node.args])  # type: ignore[attr-defined]
        if name in ("level", "rating"):  # only reachable inside a comparison, handled there
            raise AssertionError(name)  # pragma: no cover
        raise AssertionError(name)  # pragma: no cover


def evaluate(rule: CompiledRule, facts: Facts) -> Decision:
    """Decide ``rule`` for one learner's ``facts``; an unknown outcome is never an award."""
    evaluator = _Evaluator(rule, facts)
    value = evaluator.value(rule.tree)
    outcome = MET if value is True else NOT_MET if value is False else UNDETERMINED
    missing = evaluator.missing if outcome == UNDETERMINED else []
    return Decision(outcome, evaluator.inputs, missing)
