"""The package stays readable in pieces: no function over 120 lines, no module over 450 lines
(issue 17), and the weekly model is split into its sectors."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "flywheel"
MAX_FUNCTION_LINES = 120
MAX_MODULE_LINES = 450
MODULES = sorted(PACKAGE.rglob("*.py"))


def _functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Every function and method of a module, nested ones included."""
    return [
        node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]


def _lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines of a function from its first decorator to its last line."""
    first = min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])
    assert node.end_lineno is not None
    return node.end_lineno - first + 1


def test_the_walk_sees_the_package() -> None:
    names = {path.relative_to(PACKAGE).as_posix() for path in MODULES}
    assert {"model/kernel.py", "model/sectors/customers.py", "cli/commands.py"} <= names


@pytest.mark.parametrize("path", MODULES, ids=lambda path: path.relative_to(PACKAGE).as_posix())
def test_no_module_over_450_lines(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.name} has {lines} lines (at most {MAX_MODULE_LINES})"


@pytest.mark.parametrize("path", MODULES, ids=lambda path: path.relative_to(PACKAGE).as_posix())
def test_no_function_over_120_lines(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    long = {f.name: _lines(f) for f in _functions(tree) if _lines(f) > MAX_FUNCTION_LINES}
    assert not long, f"{path.name}: functions over {MAX_FUNCTION_LINES} lines: {long}"


def test_the_line_count_counts_decorators_and_body() -> None:
    source = "@decorator\ndef f():\n" + "    x = 1\n" * 5 + "\n\ndef g():\n    pass\n"
    lengths = {f.name: _lines(f) for f in _functions(ast.parse(source))}
    assert lengths == {"f": 7, "g": 2}
