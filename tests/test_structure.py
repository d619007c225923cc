"""The code stays in rooms a newcomer can read: no module of absher_web over 500 lines, and
no circle among its modules' imports (read from the source with ast, nothing imported)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import absher_web

# Those of these tests that ask for no database run once, in the SQLite run.
pytestmark = pytest.mark.database_free

PACKAGE = Path(absher_web.__file__).parent
MAX_LINES = 500


def modules() -> dict[str, Path]:
    """Every module of the package by its dotted name (a package by its __init__)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


# Functions that put the app together once every module is loaded: the factory imports
# the blueprints and the commands, the console script imports the factory. Their imports
# run when called, never while a module is half loaded, and the app factory pattern needs
# them. Any other import inside a function counts: deferring an import to dodge a circle
# (as page_cache once did with flow) hides the circle, it does not remove it.
ASSEMBLY = {("absher_web", "create_app"), ("absher_web.web", "register_blueprints"),
            ("absher_web.cli", "app_or_exit")}


def imports_of(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The package's modules this one imports, at the top or inside a function (not in
    ASSEMBLY, nor under `if __name__ == "__main__":`, which never runs on import).
    `from package import name` counts as importing the submodule when name is one."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    imported: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.FunctionDef) and (name, node.name) in ASSEMBLY:
            return
        if isinstance(node, ast.If) and ast.unparse(node.test) == "__name__ == '__main__'":
            return
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                imported.add(submodule if submodule in known else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return {module for module in imported if module in known and module != name}


def test_no_module_is_over_500_lines():
    long = {str(path.relative_to(PACKAGE)): count for path in PACKAGE.rglob("*.py")
            if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, long


def test_no_import_circle():
    known = modules()
    graph = {name: imports_of(name, path, known) for name, path in known.items()}
    circles = []
    state: dict[str, str] = {}

    def walk(module: str, trail: list[str]) -> None:
        state[module] = "open"
        for imported in sorted(graph[module]):
            if state.get(imported) == "open":
                circles.append(" -> ".join([*trail[trail.index(imported):], imported]))
            elif imported not in state:
                walk(imported, [*trail, imported])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            walk(module, [module])
    assert not circles, circles


def test_the_circle_check_sees_a_circle(tmp_path):
    # The check above finds what it looks for: two modules importing each other.
    (tmp_path / "a.py").write_text("from absher_web import b\n")
    # A deferred import is still an import.
    (tmp_path / "b.py").write_text("def later():\n    import absher_web.a\n")
    known = {"absher_web.a": tmp_path / "a.py", "absher_web.b": tmp_path / "b.py"}
    assert imports_of("absher_web.a", known["absher_web.a"], known) == {"absher_web.b"}
    assert imports_of("absher_web.b", known["absher_web.b"], known) == {"absher_web.a"}
