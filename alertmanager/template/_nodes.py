"""Parse-tree nodes of Go's text/template; ``str(node)`` matches Go's rendering in errors."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "ActionNode", "BoolNode", "BreakNode", "ChainNode", "CommandNode", "ContinueNode",
    "DotNode", "FieldNode", "IdentifierNode", "IfNode", "Node", "NilNode", "NumberNode",
    "PipeNode", "RangeNode", "Source", "StringNode", "TemplateNode", "TextNode",
    "VariableNode", "WithNode",
]


@dataclass(frozen=True, slots=True)
class Source:
    """The text a tree was parsed from, to turn a byte position into ``line:col``."""

    name: str
    text: str

    def location(self, pos: int) -> str:
        before = self.text[:pos]
        last_nl = before.rfind("\n")
        col = pos if last_nl < 0 else pos - last_nl - 1
        return f"{self.name}:{before.count(chr(10)) + 1}:{col}"


@dataclass(slots=True)
class TextNode:
    text: str

    def __str__(self) -> str:
        return repr(self.text)


@dataclass(slots=True)
class DotNode:
    pos: int

    def __str__(self) -> str:
        return "."


@dataclass(slots=True)
class NilNode:
    pos: int

    def __str__(self) -> str:
        return "nil"


@dataclass(slots=True)
class BoolNode:
    pos: int
    value: bool

    def __str__(self) -> str:
        return "true" if self.value else "false"


@dataclass(slots=True)
class NumberNode:
    pos: int
    text: str
    value: int | float

    def __str__(self) -> str:
        return self.text


@dataclass(slots=True)
class StringNode:
    pos: int
    quoted: str
    value: str

    def __str__(self) -> str:
        return self.quoted


@dataclass(slots=True)
class FieldNode:
    pos: int
    idents: tuple[str, ...]

    def __str__(self) -> str:
        return "".join("." + i for i in self.idents)


@dataclass(slots=True)
class VariableNode:
    pos: int
    idents: tuple[str, ...]  # idents[0] is the variable name with "$"

    def __str__(self) -> str:
        return ".".join(self.idents)


@dataclass(slots=True)
class IdentifierNode:
    pos: int
    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(slots=True)
class ChainNode:
    pos: int
    node: Node
    fields: tuple[str, ...]

    def __str__(self) -> str:
        inner = f"({self.node})" if isinstance(self.node, PipeNode) else str(self.node)
        return inner + "".join("." + f for f in self.fields)


@dataclass(slots=True)
class CommandNode:
    pos: int
    args: list[Node] = field(default_factory=list)

    def __str__(self) -> str:
        return " ".join(f"({a})" if isinstance(a, PipeNode) else str(a) for a in self.args)


@dataclass(slots=True)
class PipeNode:
    pos: int
    decl: list[str] = field(default_factory=list)
    is_assign: bool = False
    cmds: list[CommandNode] = field(default_factory=list)

    def __str__(self) -> str:
        head = ""
        if self.decl:
            head = ", ".join(self.decl) + (" = " if self.is_assign else " := ")
        return head + " | ".join(str(c) for c in self.cmds)


@dataclass(slots=True)
class ActionNode:
    pos: int
    pipe: PipeNode

    def __str__(self) -> str:
        return "{{" + str(self.pipe) + "}}"


@dataclass(slots=True)
class IfNode:
    pos: int
    pipe: PipeNode
    body: list[Node]
    else_body: list[Node] | None

    def __str__(self) -> str:
        return "{{if " + str(self.pipe) + "}}"


@dataclass(slots=True)
class WithNode:
    pos: int
    pipe: PipeNode
    body: list[Node]
    else_body: list[Node] | None

    def __str__(self) -> str:
        return "{{with " + str(self.pipe) + "}}"


@dataclass(slots=True)
class RangeNode:
    pos: int
    pipe: PipeNode
    body: list[Node]
    else_body: list[Node] | None

    def __str__(self) -> str:
        return "{{range " + str(self.pipe) + "}}"


@dataclass(slots=True)
class TemplateNode:
    pos: int
    name: str
    pipe: PipeNode | None

    def __str__(self) -> str:
        arg = "" if self.pipe is None else " " + str(self.pipe)
        return "{{template " + _go_quote(self.name) + arg + "}}"


@dataclass(slots=True)
class BreakNode:
    pos: int

    def __str__(self) -> str:
        return "{{break}}"


@dataclass(slots=True)
class ContinueNode:
    pos: int

    def __str__(self) -> str:
        return "{{continue}}"


Node = (
    TextNode | DotNode | NilNode | BoolNode | NumberNode | StringNode | FieldNode | VariableNode
    | IdentifierNode | ChainNode | CommandNode | PipeNode | ActionNode | IfNode | WithNode
    | RangeNode | TemplateNode | BreakNode | ContinueNode
)


def _go_quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
