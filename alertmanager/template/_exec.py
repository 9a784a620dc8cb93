"""Executes parsed Go templates against Python values with text/template's semantics."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from alertmanager.template._builtins import TypeMismatch, arity, is_true
from alertmanager.template._fmt import type_name, value_string
from alertmanager.template._gotypes import ANY, TIME_METHODS, assignable
from alertmanager.template._html import HtmlContext, strip_comments
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
from alertmanager.template._parser import Tree
from alertmanager.template.funcs import SIGNATURES

__all__ = ["ExecError", "execute"]

_MAX_DEPTH = 1000


class ExecError(Exception):
    """A Go-style execution error: ``template: NAME:LINE:COL: executing "T" at <node>: msg``."""


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class _Fail(Exception):
    """Raised inside evaluation; converted to ExecError with the node's location."""


class _State:
    __slots__ = ("depth", "funcs", "html", "node", "out", "trees", "tree_name", "source", "vars")

    def __init__(self, trees: Mapping[str, Tree], funcs: Mapping[str, Callable[..., Any]],
                 html: HtmlContext | None) -> None:
        self.trees = trees
        self.funcs = funcs
        self.html = html
        self.out: list[str] = []
        self.vars: list[tuple[str, Any]] = []
        self.depth = 0
        self.node: Node | None = None
        self.tree_name = ""
        self.source = Source("", "")

    def fail(self, msg: str, node: Node | None = None) -> ExecError:
        node = node or self.node
        pos = getattr(node, "pos", 0)
        loc = self.source.location(pos) if node is not None else self.source.name
        where = f" at <{_node_text(node)}>" if node is not None else ""
        return ExecError(f'template: {loc}: executing "{self.tree_name}"{where}: {msg}')

    # --- walking ------------------------------------------------------------------------
    def walk_list(self, dot: Any, nodes: list[Node]) -> None:
        for n in nodes:
            self.walk(dot, n)

    def walk(self, dot: Any, node: Node) -> None:
        if isinstance(node, TextNode):
            if self.html is not None:
                text = strip_comments(node.text)
                self.html.feed(text)
                self.out.append(text)
            else:
                self.out.append(node.text)
        elif isinstance(node, ActionNode):
            val = self.eval_pipe(dot, node.pipe)
            if not node.pipe.decl:
                self.print_value(node, val)
        elif isinstance(node, IfNode):
            self.walk_if_with(dot, node, is_with=False)
        elif isinstance(node, WithNode):
            self.walk_if_with(dot, node, is_with=True)
        elif isinstance(node, RangeNode):
            self.walk_range(dot, node)
        elif isinstance(node, TemplateNode):
            self.walk_template(dot, node)
        elif isinstance(node, BreakNode):
            raise _Break()
        elif isinstance(node, ContinueNode):
            raise _Continue()
        else:  # pragma: no cover - the parser emits nothing else at list level
            raise self.fail(f"unknown node: {node}")

    def print_value(self, node: ActionNode, val: Any) -> None:
        if self.html is not None:
            text = "" if val is None else value_string(val)
            # html/template keeps a pipeline's own trailing html/urlquery escaper.
            last = node.pipe.cmds[-1].args[0]
            pre = last.name if isinstance(last, IdentifierNode) and last.name in ("html", "urlquery") else ""
            self.out.append(self.html.escape(val, text, pre))
        else:
            self.out.append("<no value>" if val is None else value_string(val))

    def walk_if_with(self, dot: Any, node: IfNode | WithNode, *, is_with: bool) -> None:
        mark = len(self.vars)
        val = self.eval_pipe(dot, node.pipe)
        if is_true(val):
            self.walk_list(val if is_with else dot, node.body)
        elif node.else_body is not None:
            self.walk_list(dot, node.else_body)
        del self.vars[mark:]

    def walk_range(self, dot: Any, node: RangeNode) -> None:
        mark = len(self.vars)
        val = self.eval_pipe(dot, node.pipe)
        items: list[tuple[Any, Any]]
        if val is None:
            items = []
        elif isinstance(val, Mapping):
            items = [(k, val[k]) for k in sorted(val, key=_map_key)]
        elif isinstance(val, (list, tuple)) or (isinstance(val, Sequence) and not isinstance(val, str)):
            items = list(enumerate(val))
        elif isinstance(val, int) and not isinstance(val, bool):
            items = [(i, i) for i in range(val)]
        else:
            raise self.fail(f"range can't iterate over {value_string(val)}")
        decl = node.pipe.decl
        for key, elem in items:
            if len(decl) == 1:
                self.set_var(decl[0], elem, node.pipe.is_assign)
            elif len(decl) == 2:
                self.set_var(decl[0], key, node.pipe.is_assign)
                self.set_var(decl[1], elem, node.pipe.is_assign)
            inner = len(self.vars)
            try:
                self.walk_list(elem, node.body)
            except _Break:
                del self.vars[inner:]
                break
            except _Continue:
                pass
            del self.vars[inner:]
        if not items and node.else_body is not None:
            self.walk_list(dot, node.else_body)
        del self.vars[mark:]

    def walk_template(self, dot: Any, node: TemplateNode) -> None:
        tree = self.trees.get(node.name)
        if tree is None:
            raise self.fail(f'template "{node.name}" not defined', node)
        new_dot = dot if node.pipe is None else self.eval_pipe(dot, node.pipe)
        if node.pipe is None:
            new_dot = None
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise self.fail(f"exceeded maximum template depth ({_MAX_DEPTH})", node)
        saved = (self.vars, self.tree_name, self.source)
        self.vars = [("$", new_dot)]
        self.tree_name, self.source = tree.name, tree.source
        self.walk_list(new_dot, tree.body)
        self.vars, self.tree_name, self.source = saved
        self.depth -= 1

    # --- evaluation ---------------------------------------------------------------------
    def set_var(self, name: str, value: Any, assign: bool) -> None:
        if assign:
            for i in range(len(self.vars) - 1, -1, -1):
                if self.vars[i][0] == name:
                    self.vars[i] = (name, value)
                    return
        self.vars.append((name, value))

    def get_var(self, name: str) -> Any:
        for n, v in reversed(self.vars):
            if n == name:
                return v
        raise self.fail(f"undefined variable: {name}")

    def eval_pipe(self, dot: Any, pipe: PipeNode) -> Any:
        val: Any = None
        first = True
        for cmd in pipe.cmds:
            val = self.eval_command(dot, cmd, val, not first)
            first = False
        for name in pipe.decl:
            self.set_var(name, val, pipe.is_assign)
        return val

    def eval_command(self, dot: Any, cmd: CommandNode, final: Any, has_final: bool) -> Any:
        head = cmd.args[0]
        # Like Go, errors point at the field being evaluated or else at the command.
        self.node = head if isinstance(head, (FieldNode, ChainNode, VariableNode)) else cmd
        if isinstance(head, FieldNode):
            return self.eval_fields(dot, dot, head, head.idents, cmd.args, final, has_final)
        if isinstance(head, ChainNode):
            recv = self.eval_arg(dot, head.node)
            return self.eval_fields(dot, recv, head, head.fields, cmd.args, final, has_final)
        if isinstance(head, IdentifierNode):
            return self.eval_function(dot, head, cmd, final, has_final)
        if isinstance(head, VariableNode):
            val = self.get_var(head.idents[0])
            if len(head.idents) == 1:
                self.no_args(cmd, has_final)
                return val
            return self.eval_fields(dot, val, head, head.idents[1:], cmd.args, final, has_final)
        if isinstance(head, PipeNode):
            self.no_args(cmd, has_final)
            return self.eval_pipe(dot, head)
        self.no_args(cmd, has_final)
        return self.eval_arg(dot, head)

    def no_args(self, cmd: CommandNode, has_final: bool) -> None:
        if len(cmd.args) > 1 or has_final:
            raise self.fail(f"can't give argument to non-function {cmd.args[0]}", cmd)

    def eval_arg(self, dot: Any, node: Node) -> Any:
        if isinstance(node, DotNode):
            return dot
        if isinstance(node, NilNode):
            return None
        if isinstance(node, (BoolNode, NumberNode, StringNode)):
            return node.value
        if isinstance(node, FieldNode):
            return self.eval_fields(dot, dot, node, node.idents, [node], None, False)
        if isinstance(node, VariableNode):
            val = self.get_var(node.idents[0])
            if len(node.idents) == 1:
                return val
            return self.eval_fields(dot, val, node, node.idents[1:], [node], None, False)
        if isinstance(node, ChainNode):
            recv = self.eval_arg(dot, node.node)
            return self.eval_fields(dot, recv, node, node.fields, [node], None, False)
        if isinstance(node, PipeNode):
            return self.eval_pipe(dot, node)
        if isinstance(node, IdentifierNode):
            return self.call(dot, node, node.name, [], None, False, CommandNode(node.pos, [node]))
        raise self.fail(f"can't evaluate {node}", node)

    def eval_fields(self, dot: Any, recv: Any, node: Node, idents: Sequence[str], args: Sequence[Node],
                    final: Any, has_final: bool) -> Any:
        last = len(idents) - 1
        for i, name in enumerate(idents):
            if i < last:
                recv = self.eval_field(dot, recv, name, node, [], None, False)
            else:
                recv = self.eval_field(dot, recv, name, node, args[1:], final, has_final)
        return recv

    def eval_field(self, dot: Any, recv: Any, name: str, node: Node, args: Sequence[Node],
                   final: Any, has_final: bool) -> Any:
        if recv is None:
            raise self.fail(f"nil pointer evaluating interface {{}}.{name}", node)
        method: Any = None
        if isinstance(recv, datetime):
            fn = TIME_METHODS.get(name)
            if fn is not None:
                method = lambda *a: fn(recv, *a)  # noqa: E731
        elif not name.startswith("_") and name[:1].isupper():
            method = getattr(recv, name, None)
            if method is not None and not callable(method):
                if args or has_final:
                    raise self.fail(f"{name} has arguments but cannot be invoked as function", node)
                return method
        if callable(method):
            argv = [self.eval_arg(dot, a) for a in args]
            if has_final:
                argv.append(final)
            return self.invoke(method, name, argv, node)
        if isinstance(recv, Mapping):
            if args or has_final:
                raise self.fail(f"{name} is not a method but has arguments", node)
            if name in recv:
                return recv[name]
            return getattr(recv, "ZERO", None)
        raise self.fail(f"can't evaluate field {name} in type {type_name(recv)}", node)

    def eval_function(self, dot: Any, ident: IdentifierNode, cmd: CommandNode, final: Any,
                      has_final: bool) -> Any:
        name = ident.name
        if name in ("and", "or"):
            want = name == "or"
            val: Any = None
            arg_nodes = cmd.args[1:]
            if not arg_nodes and not has_final:
                raise self.fail(f"wrong number of args for {name}: want at least 1 got 0", cmd)
            for a in arg_nodes:
                val = self.eval_arg(dot, a)
                if is_true(val) == want:
                    return val
            if has_final:
                val = final
            return val
        return self.call(dot, ident, name, cmd.args[1:], final, has_final, cmd)

    def call(self, dot: Any, ident: Node, name: str, args: Sequence[Node], final: Any, has_final: bool,
             cmd: CommandNode) -> Any:
        fn = self.funcs.get(name)
        if fn is None:
            raise self.fail(f'"{name}" is not a defined function', ident)
        sig = SIGNATURES.get(name)
        if sig is None:
            need, variadic = arity(fn)
            types: list[str] = []
        else:
            need, variadic = len(sig[0]), sig[1] is not None
        got = len(args) + (1 if has_final else 0)
        if got < need or (not variadic and got != need):
            at_least = "at least " if variadic else ""
            raise self.fail(f"wrong number of args for {name}: want {at_least}{need} got {got}", ident)
        if sig is not None:
            types = list(sig[0]) + [sig[1] or ANY] * (got - need)
        argv = []
        for i, a in enumerate(args):
            if types:
                argv.append(self.typed_arg(dot, a, types[i]))
            else:
                argv.append(self.eval_arg(dot, a))
        if has_final:
            if types:
                self.check_type(final, types[-1], self.node)
            argv.append(final)
        self.node = cmd
        return self.invoke(fn, name, argv, cmd)

    def typed_arg(self, dot: Any, node: Node, typ: str) -> Any:
        """Evaluate an argument for a Go parameter type, failing as Go's evalArg does."""
        if isinstance(node, (StringNode, NumberNode, BoolNode, NilNode)) and typ != ANY:
            want = {"string": StringNode, "int": NumberNode, "float64": NumberNode, "bool": BoolNode}
            if typ in want:
                if not isinstance(node, want[typ]):
                    what = {"string": "string", "int": "integer", "float64": "float", "bool": "bool"}[typ]
                    raise self.fail(f"expected {what}; found {node}", node)
                return node.value  # type: ignore[union-attr]
            if isinstance(node, NilNode) and typ.startswith("[]"):
                return None
            raise self.fail(f"can't handle {node} for arg of type {typ}", node)
        val = self.eval_arg(dot, node)
        self.check_type(val, typ, node)
        return val

    def check_type(self, val: Any, typ: str, node: Node | None) -> None:
        if typ == ANY or assignable(val, typ):
            return
        if val is None:
            raise self.fail(f"invalid value; expected {typ}", node)
        raise self.fail(f"wrong type for value; expected {typ}; got {type_name(val)}", node)

    def invoke(self, fn: Callable[..., Any], name: str, argv: list[Any], node: Node) -> Any:
        if name not in SIGNATURES:
            need, variadic = arity(fn)
            if len(argv) < need or (not variadic and len(argv) != need):
                at_least = "at least " if variadic else ""
                raise self.fail(f"wrong number of args for {name}: want {at_least}{need} got {len(argv)}", node)
        try:
            return fn(*argv)
        except TypeMismatch as e:
            raise self.fail(str(e), node) from None
        except ExecError:
            raise
        except (_Break, _Continue):
            raise
        except Exception as e:  # a function failing must never take the caller down
            raise self.fail(f"error calling {name}: {e}", node) from None


def _map_key(k: Any) -> tuple[int, Any]:
    if isinstance(k, (int, float)) and not isinstance(k, bool):
        return (0, k)
    return (1, str(k))


def _node_text(node: Node | None) -> str:
    if isinstance(node, ActionNode):
        return str(node.pipe)
    return str(node)


def execute(trees: Mapping[str, Tree], funcs: Mapping[str, Callable[..., Any]], tree: Tree, data: Any,
            *, html: bool = False) -> str:
    """Run ``tree`` with dot = ``data``; ``trees`` resolves ``{{template}}`` calls."""
    st = _State(trees, funcs, HtmlContext() if html else None)
    st.vars = [("$", data)]
    st.tree_name, st.source = tree.name, tree.source
    try:
        st.walk_list(data, tree.body)
    except RecursionError:
        raise st.fail("exceeded maximum template depth") from None
    return "".join(st.out)
