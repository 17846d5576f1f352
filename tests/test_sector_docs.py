"""Each sector's block of equations in docs/model.md matches its code (issue 17, item 5).

Convention: a marker `<!-- sector: module.function -->` (module of `flywheel/model/sectors/`)
stands on the line before a fenced block of maths; a function may have several blocks. In a
block, `# ...` is a comment and `[...]` a unit (both skipped); `s.name` is a stock, `ref.name`
a week-0 reference, `ex.name` an exogenous driver, other names are levers, intermediate
quantities, equations or the maths words in `MATHS`. The test checks, with `ast` on the code
and a regex on the block, that

- every name a block uses exists in the sector's code: its identifiers (stocks, levers,
  references, locals, results' fields) and those of the equations and helpers it calls; a
  lever may also be named through the lever-only terms the code reads (`terms.lever_terms`,
  found by moving each lever and seeing which terms change);
- every quantity the sector computes appears in its blocks: each local it computes (not a mere
  read of a stock or lever), each field of the NamedTuple it returns, and each stock,
  reference or decision row it writes.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from functools import cache
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from flywheel.model import equations as eq
from flywheel.model.state import lever_arrays
from flywheel.model.terms import lever_terms
from flywheel.scenario.loading import Scenario

ROOT = Path(__file__).resolve().parent.parent
MODEL_MD = ROOT / "docs" / "model.md"
SECTORS = ROOT / "flywheel" / "model" / "sectors"
MARKER = re.compile(r"<!-- sector: (\w+)\.(\w+) -->\n```[^\n]*\n(.*?)\n```", re.DOTALL)
NAME = re.compile(r"(?<![\w.])(?:(s|ref|held|ex)\.)?([A-Za-z_]\w*)")
MATHS = frozenset(
    "exp log log2 log1p sqrt min max clip ceil floor round if else and or not with week smooth"
    " Poisson next".split()
)
# Sector functions without a block, and why.
UNDOCUMENTED = {
    "outputs.record_outputs": "copies the sectors' results into output rows",
    "gains.loop_gains": "its definitions are model.md's loop-gain table, checked in test_gains",
    "experience.weighted_cx": "passes the CX weight levers to equations.customer_experience",
}
READS = (ast.Subscript, ast.Attribute, ast.Name, ast.Constant)  # a value merely read
WRITTEN_ROWS = frozenset({"Stock", "Ref", "Held", "Decision", "Out"})


def _blocks() -> dict[str, str]:
    """Each documented sector function (`module.function`) -> its blocks, comments and units
    removed."""
    blocks: dict[str, str] = {}
    for module, function, body in MARKER.findall(MODEL_MD.read_text(encoding="utf-8")):
        text = re.sub(r"\[[^\]\n]*\]", " ", re.sub(r"#[^\n]*", " ", body))
        key = f"{module}.{function}"
        blocks[key] = blocks.get(key, "") + "\n" + text
    return blocks


def _sector_functions() -> list[str]:
    """Every compiled function of the sectors package, as `module.function`."""
    found = []
    for path in sorted(SECTORS.glob("*.py")):
        if path.stem == "__init__":
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef):
                found.append(f"{path.stem}.{node.name}")
    return found


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"flywheel.model.sectors.{name}")


def _tree(function: object) -> ast.FunctionDef:
    source = inspect.getsource(getattr(function, "py_func", function))
    node = ast.parse(inspect.cleandoc("\n" + source) if source[0] == " " else source).body[0]
    assert isinstance(node, ast.FunctionDef)
    return node


@cache
def _levers_behind_terms() -> dict[str, frozenset[str]]:
    """Lever-only term -> the levers it is computed from (each lever moved in turn, from
    defaults moved off their special values: an andon cord share of 0 hides the defect rate)."""
    levers = {name: values * 1.05 + 0.02 for name, values in lever_arrays(Scenario(), 1).items()}
    base = lever_terms(levers)
    behind: dict[str, set[str]] = {term: set() for term in base}
    for lever, values in levers.items():
        moved = dict(levers)
        moved[lever] = values * 1.1 + 0.01
        for term, value in lever_terms(moved).items():
            if not np.array_equal(value, base[term]):
                behind[term].add(lever)
    return {term: frozenset(names) for term, names in behind.items()}


def _identifiers(function: object, seen: set[int]) -> set[str]:
    """Names in `function`'s code and in the equations and sector helpers it calls; the levers
    behind the lever-only terms it reads; the fields of the NamedTuples it uses."""
    if id(function) in seen:
        return set()
    seen.add(id(function))
    tree = _tree(function)
    names = {tree.name, *(arg.arg for arg in tree.args.args)}
    namespace = inspect.getmodule(getattr(function, "py_func", function)).__dict__  # type: ignore[union-attr]
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
            if isinstance(node.value, ast.Name) and node.value.id == "Term":
                names |= _levers_behind_terms()[node.attr]
    for name in list(names):
        target = namespace.get(name)
        if hasattr(target, "_fields"):  # a sector's result type: its fields
            names |= set(target._fields)
        callee = getattr(target, "py_func", target)
        if inspect.isfunction(callee) and callee.__module__.startswith(
            ("flywheel.model.sectors", eq.__name__)
        ):
            names |= _identifiers(callee, seen)
    return names


def _computed(module: ModuleType, function: object) -> set[str]:
    """Quantities `function` computes: locals assigned from an operation, the fields of the
    NamedTuple it returns, the stock/reference/decision rows it writes."""
    tree = _tree(function)
    computed: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                values = [node.value]
                names = [target]
                if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                    names, values = list(target.elts), list(node.value.elts)
                elif isinstance(target, ast.Tuple):
                    names, values = list(target.elts), [node.value] * len(target.elts)
                for name, value in zip(names, values, strict=True):
                    if isinstance(name, ast.Name) and not isinstance(value, READS):
                        computed.add(name.id)
                    elif (
                        isinstance(name, ast.Subscript)
                        and isinstance(name.slice, ast.Attribute)
                        and isinstance(name.slice.value, ast.Name)
                        and name.slice.value.id in WRITTEN_ROWS
                    ):
                        computed.add(name.slice.attr)
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Call):
            result = getattr(module, getattr(node.value.func, "id", ""), None)
            computed |= set(getattr(result, "_fields", ()))
    return computed


def _used(block: str) -> set[tuple[str, str]]:
    """(prefix, name) of every name in a block (prefix '' for a bare name)."""
    return {(prefix, name) for prefix, name in NAME.findall(block)}


def _mentions(block: str, name: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", block) is not None


def test_every_sector_function_has_a_block_or_a_reason() -> None:
    documented = set(_blocks())
    functions = set(_sector_functions())
    missing = functions - documented - set(UNDOCUMENTED)
    assert not missing, f"no <!-- sector: ... --> block in docs/model.md for {sorted(missing)}"
    assert documented <= functions, f"blocks name no sector function: {documented - functions}"


@pytest.mark.parametrize("key", sorted(set(_sector_functions()) - set(UNDOCUMENTED)))
def test_a_blocks_names_exist_in_its_sector(key: str) -> None:
    module_name, function_name = key.split(".")
    function = getattr(_module(module_name), function_name)
    known = _identifiers(function, set()) | MATHS
    block = _blocks().get(key, "")
    unknown = sorted(f"{p}.{n}" if p else n for p, n in _used(block) if n not in known)
    assert not unknown, f"docs/model.md's block for {key} uses names not in its code: {unknown}"


@pytest.mark.parametrize("key", sorted(set(_sector_functions()) - set(UNDOCUMENTED)))
def test_a_sectors_quantities_appear_in_its_block(key: str) -> None:
    module_name, function_name = key.split(".")
    module = _module(module_name)
    block = _blocks().get(key, "")
    missing = sorted(
        q for q in _computed(module, getattr(module, function_name)) if not _mentions(block, q)
    )
    assert not missing, f"docs/model.md's block for {key} does not show {missing}"


def test_the_checks_catch_a_stray_name_and_a_missing_quantity() -> None:
    """The two checks fail where they should: a name not in the code, a result left out."""
    from flywheel.model.sectors import fulfillment

    function = fulfillment.fulfillment_week
    known = _identifiers(function, set()) | MATHS
    assert "capacity" in known and "comfortable_utilisation_share" in known
    assert "overload" in known  # from equations.delivery_days, which it calls
    assert "made_up_rate" not in known
    computed = _computed(fulfillment, function)
    assert {"open_centers", "capacity", "utilisation", "days"} <= computed
    assert not _mentions("utilisation_share = 1", "utilisation")
    assert _used("x = s.fc_out_of_service * rate  # fc_capacity\n") >= {("s", "fc_out_of_service")}
