"""Go text/template parser: items from the lexer to trees, with Go's parse errors."""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field

from alertmanager.template._lexer import Item, Kind, LexError, lex
from alertmanager.template._nodes import (
    ActionNode,
    BoolNode,
    BreakNode,
    ChainNode,
    CommandNode,
    ContinueNode,
    DotNode,
    FieldNode,
    IdentifierNode,
    IfNode,
    NilNode,
    Node,
    NumberNode,
    PipeNode,
    RangeNode,
    Source,
    StringNode,
    TemplateNode,
    TextNode,
    VariableNode,
    WithNode,
)

__all__ = ["ParseError", "Tree", "parse"]


class ParseError(Exception):
    """A Go-style parse error: ``template: NAME:LINE: message``."""


@dataclass(slots=True)
class Tree:
    """A parsed template body and where it came from."""

    name: str
    body: list[Node]
    source: Source

    def is_empty(self) -> bool:
        return all(isinstance(n, TextNode) and not n.text.strip() for n in self.body)


@dataclass(slots=True)
class _Term:
    """Marks how an item list ended: ``{{end}}`` or ``{{else}}``."""

    word: str
    item: Item


@dataclass(slots=True)
class _Parser:
    items: list[Item]
    source: Source
    funcs: Container[str]
    trees: dict[str, Tree] = field(default_factory=dict)
    i: int = 0
    vars: list[str] = field(default_factory=lambda: ["$"])
    range_depth: int = 0

    # --- item access ---------------------------------------------------------------
    def next(self) -> Item:
        it = self.items[self.i]
        if it.kind is Kind.ERROR:
            raise self.error(it.value, it)
        if it.kind is not Kind.EOF:
            self.i += 1
        return it

    def peek(self) -> Item:
        it = self.items[self.i]
        if it.kind is Kind.ERROR:
            raise self.error(it.value, it)
        return it

    def next_non_space(self) -> Item:
        it = self.next()
        while it.kind is Kind.SPACE:
            it = self.next()
        return it

    def peek_non_space(self) -> Item:
        j = self.i
        while self.items[j].kind is Kind.SPACE:
            j += 1
        if self.items[j].kind is Kind.ERROR:
            raise self.error(self.items[j].value, self.items[j])
        return self.items[j]

    def error(self, msg: str, item: Item | None = None) -> ParseError:
        line = (item or self.items[max(self.i - 1, 0)]).line
        return ParseError(f"template: {self.source.name}:{line}: {msg}")

    def unexpected(self, item: Item, context: str) -> ParseError:
        if item.kind is Kind.EOF:
            return self.error("unexpected EOF", item)
        desc = "<" + item.text + ">" if item.kind is Kind.KEYWORD else repr_item(item)
        return self.error(f"unexpected {desc} in {context}", item)

    # --- top level ---------------------------------------------------------------------
    def parse_root(self) -> list[Node]:
        body: list[Node] = []
        while self.peek().kind is not Kind.EOF:
            it = self.peek()
            if it.kind is Kind.LEFT:
                j = self.i + 1
                while self.items[j].kind is Kind.SPACE:
                    j += 1
                if self.items[j].kind is Kind.KEYWORD and self.items[j].text == "define":
                    self.i = j + 1
                    self.parse_define()
                    continue
            node = self.text_or_action()
            if isinstance(node, _Term):
                raise self.error(f"unexpected {{{{{node.word}}}}}", node.item)
            body.append(node)
        return body

    def parse_define(self) -> None:
        name_item = self.next_non_space()
        if name_item.kind is not Kind.STRING:
            raise self.unexpected(name_item, "define clause")
        close = self.next_non_space()
        if close.kind is not Kind.RIGHT:
            raise self.unexpected(close, "define clause")
        saved = self.vars
        self.vars = ["$"]
        body, term = self.item_list()
        self.vars = saved
        if term.word != "end":
            raise self.error("unexpected {{else}}", term.item)
        self.add_tree(name_item.value, body)

    def add_tree(self, name: str, body: list[Node]) -> None:
        tree = Tree(name, body, self.source)
        old = self.trees.get(name)
        if old is not None and tree.is_empty() and not old.is_empty():
            return
        self.trees[name] = tree

    def item_list(self) -> tuple[list[Node], _Term]:
        body: list[Node] = []
        while True:
            if self.peek_non_space().kind is Kind.EOF and self.peek().kind is not Kind.LEFT:
                raise self.error("unexpected EOF", self.peek())
            node = self.text_or_action()
            if isinstance(node, _Term):
                return body, node
            body.append(node)

    def text_or_action(self) -> Node | _Term:
        it = self.next()
        if it.kind is Kind.TEXT:
            return TextNode(it.value)
        if it.kind is Kind.LEFT:
            return self.action()
        raise self.unexpected(it, "input")

    # --- actions -----------------------------------------------------------------------
    def action(self) -> Node | _Term:
        it = self.peek_non_space()
        if it.kind is Kind.KEYWORD:
            self.next_non_space()
            word = it.text
            if word in ("end", "else"):
                if word == "else" and self.peek_non_space().text in ("if", "with"):
                    return _Term("else", it)
                self.expect_right(word)
                return _Term(word, it)
            if word in ("if", "with", "range"):
                return self.control(word, it)
            if word in ("template", "block"):
                return self.template_call(word, it)
            if word in ("break", "continue"):
                if self.range_depth == 0:
                    raise self.error(f"{{{{{word}}}}} outside {{{{range}}}}", it)
                self.expect_right(word)
                return BreakNode(it.pos) if word == "break" else ContinueNode(it.pos)
            raise self.unexpected(it, "command")
        return ActionNode(it.pos, self.pipeline("command", Kind.RIGHT))

    def expect_right(self, context: str) -> None:
        it = self.next_non_space()
        if it.kind is not Kind.RIGHT:
            raise self.unexpected(it, context)

    def control(self, word: str, it: Item) -> Node:
        mark = len(self.vars)
        if word == "range":
            self.range_depth += 1
        pipe = self.pipeline(word, Kind.RIGHT)
        body, term = self.item_list()
        if word == "range":
            self.range_depth -= 1
        else_body: list[Node] | None = None
        if term.word == "else":
            nxt = self.peek_non_space()
            if word in ("if", "with") and nxt.kind is Kind.KEYWORD and nxt.text == word:
                self.next_non_space()
                else_body = [self.control(word, nxt)]
            else:
                if nxt.kind is Kind.KEYWORD and nxt.text in ("if", "with"):
                    raise self.unexpected(nxt, "else")
                else_body, term = self.item_list()
                if term.word != "end":
                    raise self.error("expected end; found {{else}}", term.item)
        del self.vars[mark:]
        if word == "if":
            return IfNode(it.pos, pipe, body, else_body)
        if word == "with":
            return WithNode(it.pos, pipe, body, else_body)
        return RangeNode(it.pos, pipe, body, else_body)

    def template_call(self, word: str, it: Item) -> Node:
        name_item = self.next_non_space()
        if name_item.kind is not Kind.STRING:
            raise self.unexpected(name_item, f"{word} clause")
        pipe: PipeNode | None = None
        if self.peek_non_space().kind is not Kind.RIGHT:
            pipe = self.pipeline(f"{word} clause", Kind.RIGHT)
        else:
            self.next_non_space()
        if word == "block":
            saved = self.vars
            self.vars = ["$"]
            body, term = self.item_list()
            self.vars = saved
            if term.word != "end":
                raise self.error("unexpected {{else}}", term.item)
            self.add_tree(name_item.value, body)
        return TemplateNode(name_item.pos, name_item.value, pipe)

    # --- pipelines -----------------------------------------------------------------------
    def pipeline(self, context: str, end: Kind) -> PipeNode:
        start = self.peek_non_space()
        pipe = PipeNode(start.pos)
        self.declarations(pipe, context)
        while True:
            it = self.peek_non_space()
            if it.kind is end:
                self.next_non_space()
                break
            if it.kind in (Kind.BOOL, Kind.CHAR, Kind.DOT, Kind.FIELD, Kind.IDENT, Kind.NUMBER,
                           Kind.NIL, Kind.STRING, Kind.VARIABLE, Kind.LPAREN):
                pipe.cmds.append(self.command())
            else:
                raise self.unexpected(it, context)
        if not pipe.cmds:
            raise self.error(f"missing value for {context}", self.items[self.i - 1])
        for n, cmd in enumerate(pipe.cmds[1:], start=2):
            if isinstance(cmd.args[0], (BoolNode, DotNode, NilNode, NumberNode, StringNode)):
                raise self.error(f"non executable command in pipeline stage {n}")
        return pipe

    def declarations(self, pipe: PipeNode, context: str) -> None:
        save = self.i
        first = self.next_non_space()
        if first.kind is not Kind.VARIABLE:
            self.i = save
            return
        op = self.next_non_space()
        names = [first.text]
        if op.kind is Kind.COMMA and context == "range":
            second = self.next_non_space()
            if second.kind is not Kind.VARIABLE:
                raise self.error(f"range can only initialize variables, found {repr_item(second)}")
            names.append(second.text)
            op = self.next_non_space()
        elif op.kind is Kind.COMMA:
            raise self.error("too many declarations in " + context)
        if op.kind is Kind.DECLARE:
            pipe.decl = names
            self.vars.extend(names)
        elif op.kind is Kind.ASSIGN:
            for n in names:
                if n not in self.vars:
                    raise self.error(f'undefined variable "{n}"', first)
            pipe.decl, pipe.is_assign = names, True
        else:
            self.i = save

    def command(self) -> CommandNode:
        cmd = CommandNode(self.peek_non_space().pos)
        while True:
            self.skip_space()
            cmd.args.append(self.operand())
            it = self.peek()
            if it.kind is Kind.SPACE:
                nxt = self.peek_non_space()
                if nxt.kind in (Kind.RIGHT, Kind.RPAREN, Kind.PIPE):
                    self.skip_space()
                    it = nxt
                else:
                    continue
            if it.kind in (Kind.RIGHT, Kind.RPAREN):
                return cmd
            if it.kind is Kind.PIPE:
                self.next()
                return cmd
            raise self.unexpected(it, "operand")

    def skip_space(self) -> None:
        while self.peek().kind is Kind.SPACE:
            self.next()

    def operand(self) -> Node:
        node = self.term()
        fields: list[str] = []
        chain_pos = self.peek().pos
        while self.peek().kind is Kind.FIELD:
            fields.append(self.next().text[1:])
        if not fields:
            return node
        # Go positions a field chain at its second element.
        if isinstance(node, FieldNode):
            return FieldNode(chain_pos, node.idents + tuple(fields))
        if isinstance(node, VariableNode):
            return VariableNode(chain_pos, node.idents + tuple(fields))
        if isinstance(node, (BoolNode, StringNode, NumberNode, NilNode, DotNode)):
            raise self.error(f"unexpected . after term {str(node)!r}")
        return ChainNode(getattr(node, "pos", chain_pos), node, tuple(fields))

    def term(self) -> Node:
        it = self.next_non_space()
        k = it.kind
        if k is Kind.IDENT:
            if it.text not in self.funcs:
                raise self.error(f'function "{it.text}" not defined', it)
            return IdentifierNode(it.pos, it.text)
        if k is Kind.DOT:
            return DotNode(it.pos)
        if k is Kind.NIL:
            return NilNode(it.pos)
        if k is Kind.VARIABLE:
            if it.text not in self.vars:
                raise self.error(f'undefined variable "{it.text}"', it)
            return VariableNode(it.pos, (it.text,))
        if k is Kind.FIELD:
            return FieldNode(it.pos, (it.text[1:],))
        if k is Kind.BOOL:
            return BoolNode(it.pos, it.text == "true")
        if k is Kind.STRING:
            return StringNode(it.pos, it.text, it.value)
        if k is Kind.CHAR:
            if len(it.value) != 1:
                raise self.error(f"malformed character constant: {it.text}", it)
            return NumberNode(it.pos, it.text, ord(it.value))
        if k is Kind.NUMBER:
            return NumberNode(it.pos, it.text, self.number(it))
        if k is Kind.LPAREN:
            return self.pipeline("parenthesized pipeline", Kind.RPAREN)
        raise self.unexpected(it, "operand")

    def number(self, it: Item) -> int | float:
        text = it.text.replace("_", "")
        body = text.lstrip("+-")
        is_hex = body[:2].lower() == "0x"
        try:
            if "." in body or (not is_hex and ("e" in body or "E" in body)) or "p" in body.lower():
                return float.fromhex(text) if is_hex else float(text)
            low = body[:2].lower()
            if low in ("0x", "0o", "0b"):
                return int(text, 0)
            if len(body) > 1 and body[0] == "0":
                return int(text, 8)
            return int(text)
        except ValueError:
            raise self.error(f"bad number syntax: {it.text!r}", it) from None


def repr_item(item: Item) -> str:
    if item.kind is Kind.RIGHT:
        return "}}" if item.text.endswith("}}") and "-" not in item.text else item.text.strip()
    return '"' + item.text + '"' if item.kind is not Kind.STRING else item.text


def parse(name: str, text: str, funcs: Container[str]) -> tuple[list[Node], dict[str, Tree]]:
    """Parse ``text`` as template ``name``: its body and the templates it defines."""
    try:
        items = lex(text)
    except LexError as e:
        raise ParseError(f"template: {name}:{e.line}: {e.message}") from None
    p = _Parser(items, Source(name, text), funcs)
    return p.parse_root(), p.trees
