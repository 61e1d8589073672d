"""colab/'s packages import down the layers only, and no module imports itself back through others.

protocol/ -> transport/ and model/ -> sampling/ -> worker/ and train/ -> tools/: each package may import
the ones before it, never one after it or a sibling of its own rank (src/ keeps the same rule).
"""
import ast
import os

from colab.tests.conftest import ROOT

RANK = {"protocol": 0, "transport": 1, "model": 1, "sampling": 2, "worker": 3, "train": 3, "tools": 4}
COLAB = os.path.join(ROOT, "colab")


def imports():
    """{module: {modules of colab it imports}}, tests left out."""
    found = {}
    for folder, _, files in os.walk(COLAB):
        for file in files:
            path = os.path.join(folder, file)
            parts = os.path.relpath(path, ROOT)[: -len(".py")].split(os.sep)
            if not file.endswith(".py") or parts[1] == "tests":
                continue
            module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            with open(path, encoding="utf-8") as f:
                tree = ast.parse(f.read())
            found[module] = {
                node.module
                for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("colab.")
            }
    return found


def test_every_package_has_a_rank():
    packages = {name for name in os.listdir(COLAB) if os.path.isfile(os.path.join(COLAB, name, "__init__.py"))}
    assert packages - {"tests"} == set(RANK)


def test_packages_import_down_the_layers_only():
    upward = []
    for module, targets in imports().items():
        package = module.split(".")[1] if module.count(".") else None
        for target in targets:
            other = target.split(".")[1]
            if package in RANK and other != package and RANK[other] >= RANK[package]:
                upward.append(f"{module} imports {target}")
    assert upward == []


def test_no_module_imports_itself_back():
    graph, done = imports(), set()
    cycles = []

    def visit(module, path):
        if module in path:
            cycles.append(" -> ".join(path[path.index(module) :] + [module]))
            return
        if module in done:
            return
        for target in graph.get(module, ()):
            visit(target, path + [module])
        done.add(module)

    for module in graph:
        visit(module, [])
    assert cycles == []
