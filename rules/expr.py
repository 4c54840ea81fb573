"""The rule expression language: a tokenizer and a recursive-descent parser.

Rule conditions are text written by people (``"'ecological_redline' in
control_zones and not had_mining_license"``). They are parsed here into a
small syntax tree, once, at load time; ``rules.compile`` type-checks the tree
against the profile contract and turns it into closures. Nothing here ever
hands rule text to Python's ``eval``: the grammar is closed.

    expr    := or
    or      := and ("or" and)*
    and     := unary ("and" unary)*
    unary   := "not" unary | primary
    primary := "(" expr ")" | call | operand [op operand]
    call    := ("known" | "empty") "(" name ")"
    op      := "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not in" | "has_any" | "has_all"
    operand := name | "fact." name | string | number | "true" | "false" | "[" literal ("," literal)* "]"
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union


class ExprError(ValueError):
    """A syntax error in a condition, with the character offset where it was found."""

    def __init__(self, message: str, pos: int) -> None:
        super().__init__(message)
        self.pos = pos


# --- syntax tree -----------------------------------------------------------

@dataclass(frozen=True)
class Name:
    """A profile field (``mineral``) or a derived fact (``fact.near_city``)."""
    name: str
    pos: int

    @property
    def is_fact(self) -> bool:
        return self.name.startswith("fact.")


@dataclass(frozen=True)
class Literal:
    value: Union[str, float, bool]
    pos: int


@dataclass(frozen=True)
class ListLiteral:
    values: tuple
    pos: int


@dataclass(frozen=True)
class Compare:
    op: str            # == != < <= > >= in notin has_any has_all
    left: object
    right: object
    pos: int


@dataclass(frozen=True)
class Call:
    func: str          # known | empty
    arg: Name
    pos: int


@dataclass(frozen=True)
class Not:
    child: object
    pos: int = 0


@dataclass(frozen=True)
class And:
    children: tuple
    pos: int = 0


@dataclass(frozen=True)
class Or:
    children: tuple
    pos: int = 0


# --- tokenizer -------------------------------------------------------------

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<num>-?\d+(?:\.\d+)?)
  | (?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<op>==|!=|<=|>=|<|>)
  | (?P<punct>[()\[\],])
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)
""", re.VERBOSE)

KEYWORDS = {"and", "or", "not", "in", "has_any", "has_all", "true", "false", "known", "empty"}
FUNCTIONS = ("known", "empty")


@dataclass(frozen=True)
class Token:
    kind: str   # num str op punct name kw end
    text: str
    pos: int


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match:
            if text[pos] == "=":
                raise ExprError("'=' is not an operator; write '==' to compare", pos)
            raise ExprError(f"unexpected character {text[pos]!r}", pos)
        kind = match.lastgroup
        value = match.group()
        if kind == "name" and value in KEYWORDS:
            kind = "kw"
        if kind != "ws":
            tokens.append(Token(kind, value, pos))
        pos = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


def _unquote(text: str) -> str:
    body = text[1:-1]
    return re.sub(r"\\(.)", r"\1", body)


# --- parser ----------------------------------------------------------------

class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def accept(self, kind: str, text: str | None = None) -> Token | None:
        tok = self.tok
        if tok.kind == kind and (text is None or tok.text == text):
            self.i += 1
            return tok
        return None

    def expect(self, kind: str, text: str, what: str) -> Token:
        tok = self.accept(kind, text)
        if tok is None:
            raise ExprError(f"expected {what}, found {self._describe(self.tok)}", self.tok.pos)
        return tok

    @staticmethod
    def _describe(tok: Token) -> str:
        return "the end of the condition" if tok.kind == "end" else repr(tok.text)

    def parse(self):
        if self.tok.kind == "end":
            raise ExprError("empty condition", 0)
        node = self.parse_or()
        if self.tok.kind != "end":
            raise ExprError(f"unexpected {self._describe(self.tok)}; join conditions with 'and' / 'or'", self.tok.pos)
        return node

    def parse_or(self):
        pos = self.tok.pos
        children = [self.parse_and()]
        while self.accept("kw", "or"):
            children.append(self.parse_and())
        return children[0] if len(children) == 1 else Or(tuple(children), pos)

    def parse_and(self):
        pos = self.tok.pos
        children = [self.parse_unary()]
        while self.accept("kw", "and"):
            children.append(self.parse_unary())
        return children[0] if len(children) == 1 else And(tuple(children), pos)

    def parse_unary(self):
        tok = self.accept("kw", "not")
        if tok:
            return Not(self.parse_unary(), tok.pos)
        return self.parse_primary()

    def parse_primary(self):
        tok = self.tok
        if self.accept("punct", "("):
            node = self.parse_or()
            self.expect("punct", ")", "')'")
            return node
        if tok.kind == "kw" and tok.text in FUNCTIONS:
            self.i += 1
            self.expect("punct", "(", f"'(' after {tok.text}")
            arg = self.parse_operand()
            if not isinstance(arg, Name):
                raise ExprError(f"{tok.text}() takes a field name", arg.pos)
            self.expect("punct", ")", "')'")
            return Call(tok.text, arg, tok.pos)
        left = self.parse_operand()
        op_tok = self.tok
        op = None
        if self.accept("op"):
            op = op_tok.text
        elif self.accept("kw", "in"):
            op = "in"
        elif self.accept("kw", "has_any") or (op_tok.text == "has_all" and self.accept("kw", "has_all")):
            op = op_tok.text
        elif op_tok.kind == "kw" and op_tok.text == "not" and self.tokens[self.i + 1].text == "in":
            self.i += 2
            op = "notin"
        if op is None:
            return left
        right = self.parse_operand()
        return Compare(op, left, right, op_tok.pos)

    def parse_operand(self):
        tok = self.tok
        if self.accept("name"):
            return Name(tok.text, tok.pos)
        if self.accept("str"):
            return Literal(_unquote(tok.text), tok.pos)
        if self.accept("num"):
            return Literal(float(tok.text), tok.pos)
        if tok.kind == "kw" and tok.text in ("true", "false"):
            self.i += 1
            return Literal(tok.text == "true", tok.pos)
        if self.accept("punct", "["):
            values = []
            if not self.accept("punct", "]"):
                while True:
                    item = self.parse_operand()
                    if not isinstance(item, Literal):
                        raise ExprError("a list holds only quoted values or numbers", item.pos)
                    values.append(item.value)
                    if self.accept("punct", "]"):
                        break
                    self.expect("punct", ",", "',' or ']' in the list")
            return ListLiteral(tuple(values), tok.pos)
        if tok.kind == "kw":
            raise ExprError(f"unexpected keyword {tok.text!r}", tok.pos)
        raise ExprError(f"expected a field, a value or '(', found {self._describe(tok)}", tok.pos)


def parse(text: str):
    """Parse one condition string into a syntax tree (raises ``ExprError``)."""
    return _Parser(text).parse()
