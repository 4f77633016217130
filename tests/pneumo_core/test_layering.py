"""The package's layering, read from the code's own imports (AST), and what importing it loads.

Each subpackage says in its ``__init__`` docstring what it may import; ``ALLOWED`` below is that
rule, checked. A forbidden import added anywhere makes one of these tests fail.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pneumo_core.config import REPO_ROOT

PACKAGE = REPO_ROOT / "pneumo_core"
ML_STACK = {"keras", "tensorflow", "tf_keras_vis"}
# Which parts of pneumo_core each part may import ("." = its own part). Top-level modules are parts too.
ALLOWED = {
    "errors": set(),
    "config": set(),
    "decision": set(),
    "access": {"errors"},
    "imaging": {"errors", "decision"},
    "evaluation": {"errors", "decision"},
    "review": {"errors", "config", "decision", "imaging", "access"},
    "presentation": {"errors", "decision", "imaging", "evaluation", "review.records"},
    "model": {"errors", "config", "decision", "imaging", "evaluation"},
    "uploads": {"errors", "decision", "imaging", "model"},
    "archive": {"errors", "config", "decision", "imaging", "model"},
    "cli": {"errors", "config", "decision", "presentation", "model", "review", "training", "archive"},
    "training": {"errors", "config", "decision", "imaging", "evaluation", "model"},
    "__init__": {"errors", "config"},
    "__main__": {"cli"},
}
NO_ML_STACK = ("errors", "config", "decision", "access", "imaging", "evaluation", "review", "presentation", "uploads",
               "archive", "cli")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 2:
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(absolute module imported, whether the import is inside a function) for every import."""
    tree = ast.parse(path.read_text())
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = []

    def visit(node, in_function: bool):
        for child in ast.iter_child_nodes(node):
            lazy = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                found.extend((alias.name, in_function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = package[: len(package) - child.level + 1] if child.level else []
                module = ".".join(base + ([child.module] if child.module else []))
                if child.module is None or child.level and not child.module:
                    found.extend((f"{module}.{alias.name}", in_function) for alias in child.names)
                else:
                    found.append((module, in_function))
                    found.extend((f"{module}.{alias.name}", in_function) for alias in child.names
                                 if (REPO_ROOT / Path(*module.split("."), alias.name)).exists()
                                 or (REPO_ROOT / Path(*module.split("."), alias.name + ".py")).exists())
            visit(child, lazy)

    visit(tree, False)
    return found


def _part(module: str) -> str:
    """``pneumo_core.model.bundle`` -> ``model``; ``pneumo_core.cli`` -> ``cli``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _allowed(target: str, allowed: set[str]) -> bool:
    rest = target.split(".", 1)[1] if "." in target else "__init__"
    return any(rest == a or rest.startswith(a + ".") for a in allowed)


SOURCES = sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_each_module_imports_only_what_its_part_may(path):
    me = _module_name(path)
    part = _part(me)
    for target, lazy in _imports(path):
        if target.split(".")[0] in ML_STACK:
            assert part not in NO_ML_STACK, f"{me} imports {target}: its part ({part}) may not use the network"
            assert lazy or path.name == "architecture.py" or part == "training", (
                f"{me} imports {target} at module level: import it inside the function that needs it")
        if not target.startswith("pneumo_core.") or _part(target) == part:
            continue
        assert _allowed(target, ALLOWED[part]), f"{me} imports {target}; {part} may import only {sorted(ALLOWED[part])}"
        if _part(target) == "training":
            assert part == "cli" and lazy, f"{me} imports {target}: only the command line may, inside a function"


def test_no_circular_imports():
    graph = {_module_name(p): {t for t, _ in _imports(p) if t.startswith("pneumo_core.")} for p in SOURCES}
    graph = {m: {t for t in targets if t in graph and t != m} for m, targets in graph.items()}
    for m in graph:  # a package's __init__ importing its own modules is not a circle
        graph[m] = {t for t in graph[m] if not (m.count(".") == 0 or t.startswith(m + "."))}
    visiting, done, cycles = set(), set(), []

    def walk(node, trail):
        visiting.add(node)
        for nxt in graph[node]:
            if nxt in visiting:
                cycles.append(trail[trail.index(nxt):] + [nxt])
            elif nxt not in done:
                walk(nxt, trail + [nxt])
        visiting.discard(node)
        done.add(node)

    for node in graph:
        if node not in done:
            walk(node, [node])
    assert not cycles, f"import circles: {cycles}"


@pytest.mark.parametrize("package", sorted(p.parent for p in PACKAGE.glob("*/__init__.py")), ids=lambda p: p.name)
def test_each_subpackage_says_what_it_may_import(package):
    doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text())) or ""
    assert "May import" in doc or "may import" in doc.lower(), f"{package.name}/__init__.py must say what it may import"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_are_short(path):
    assert len(path.read_text().splitlines()) <= 250, f"{path.name}: split it by concept"


def test_only_config_reads_the_environment():
    for path in SOURCES:
        text = path.read_text()
        if path.name != "config.py":
            assert "os.environ" not in text and "getenv" not in text, path


def test_only_the_bundle_knows_a_models_file_names():
    for path in SOURCES:
        if path.name != "bundle.py":
            for name in (".report-", ".validation.json", "MODEL_CARD", 'with_suffix(".json")'):
                assert name not in path.read_text(), f"{path.relative_to(PACKAGE)} names {name!r}"


def _loaded_after(code: str) -> set[str]:
    script = textwrap.dedent(code) + "\nimport sys\nprint(' '.join(sorted(sys.modules)))\n"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO_ROOT,
                         timeout=300, check=True)
    return set(out.stdout.split())


@pytest.mark.parametrize("code", [
    "import pneumo_core",
    "import pneumo_core as p\np.ModelBundle.default().report('test').at(0.5)\np.texts.INTENDED_USE\np.charts",
    "import pneumo_core as p, tempfile\np.ReviewLog(f'sqlite:///{tempfile.mkdtemp()}/log.sqlite3').cases(p.Identity.demo('A'))",
    "from pneumo_core.cli import build_parser\nbuild_parser()",
], ids=["import", "report-and-charts", "review-log", "command-line-parser"])
def test_importing_and_reading_load_no_network(code):
    loaded = _loaded_after(code)
    assert not loaded & {"tensorflow", "keras", "tf_keras_vis", "pydicom", "streamlit", "ray"}
