"""The house's layering, read from the import graph, so that it stays true as the code grows.

meister (the core) → partners → accounts, sso → curricula → programme, assessments, showcase → reports → portal;
devtools sits beside, on top of everything, and no product module imports it. An app imports only the layers below
it; the core names no app except in the root URLconf.
"""

import ast
from pathlib import Path

from django.conf import settings

LAYERS = {
    "meister": 0,
    "partners": 1,
    "accounts": 2,
    "sso": 2,
    "curricula": 3,
    "programme": 4,
    "assessments": 4,
    "showcase": 4,
    "reports": 5,
    "portal": 6,
    "devtools": 7,
}
ROOT_URLCONF = Path("meister/urls.py")
MAX_LINES = 600


def modules():
    base = Path(settings.BASE_DIR)
    for package in LAYERS:
        for path in sorted((base / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(base)


def imports(path: Path) -> set[str]:
    tree = ast.parse((Path(settings.BASE_DIR) / path).read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def arrows():
    for path in modules():
        source = path.parts[0]
        for name in imports(path):
            target = name.split(".")[0]
            if target in LAYERS and target != source:
                yield path, source, target, name


def test_every_arrow_points_down():
    upward = [
        f"{path} imports {name}"
        for path, source, target, name in arrows()
        if LAYERS[target] >= LAYERS[source] and path != ROOT_URLCONF
    ]
    assert upward == []


def test_no_product_module_imports_the_tooling():
    assert [f"{path} imports {name}" for path, _source, target, name in arrows() if target == "devtools"] == []


def test_the_core_names_no_app_but_in_the_root_urlconf():
    named = [f"{path} imports {name}" for path, source, _target, name in arrows() if source == "meister"]
    assert all(line.startswith(str(ROOT_URLCONF)) for line in named), named


def test_no_module_grows_past_the_limit():
    base = Path(settings.BASE_DIR)
    long = [str(path) for path in modules() if len((base / path).read_text(encoding="utf-8").splitlines()) > MAX_LINES]
    assert long == []
