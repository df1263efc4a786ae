"""Architecture rules, checked by reading the source with ``ast`` (no database, no Django setup).

Two rules from the design hold here. First, the apps form layers and each module imports only its own app and
the apps strictly below it, so that a lower app can be understood, tested and changed without the ones built on it;
every import counts, lazy ones inside functions and string imports (``import_module``, ``import_string``,
``apps.get_model``) included, because a hidden import is still a dependency. Second, a ``status`` field changes only
through the workflow engine (``core/workflow.py``), so that every transition is checked, locked and recorded in one
place; creating a row in its first state is allowed. Neither rule has an exemptions list: fix the code, not the test.
The checkers take a root folder and return their violations, so the self-tests at the bottom can run them on
snippets written to ``tmp_path``.
"""

import ast
import functools
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Bottom to top; apps in the same tuple share a rank and may not import each other. Same order as README's design
# section (its Layout, in ../shared/design/ARCHITECTURE.md: "layers, bottom to top").
LAYERS = (
    ("core",),
    ("notifications",),
    ("accounts",),
    ("dataio",),
    ("deputies",),
    ("activities",),
    ("proposals", "liaison", "livelihood", "training"),
    ("publicity",),
    ("archive", "portal"),
    ("overview", "reports"),
    ("demo",),
    ("config",),
)
LAYER_OF = {app: rank for rank, apps in enumerate(LAYERS) for app in apps}

WORKFLOW_ENGINE = "core/workflow.py"


@functools.cache
def _source_files(root):
    """Every ``.py`` file of the apps under ``root``, as (relative path, parsed tree, source lines); parsed once."""
    return tuple(_parse_files(root))


def _parse_files(root):
    for app in LAYER_OF:
        folder = root / app
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.py")):
            relative = path.relative_to(root)
            if "migrations" in relative.parts or "tests" in relative.parts:
                continue
            source = path.read_text(encoding="utf-8")
            yield relative, ast.parse(source, filename=str(relative)), source.splitlines()


def _package_parts(relative):
    """The dotted package a file's relative imports start from: ``a/b/c.py`` -> a.b, ``a/b/__init__.py`` -> a.b."""
    return list(relative.parent.parts)


def _resolve_from(relative, node):
    """Absolute module names that ``from ... import ...`` reaches (empty when it climbs above the root)."""
    if node.level == 0:
        return [node.module]
    package = _package_parts(relative)
    up = node.level - 1
    if up > len(package):
        return []
    base = package[: len(package) - up]
    if node.module:
        return [".".join([*base, node.module])]
    return [".".join([*base, alias.name]) for alias in node.names]


def _string_arg(call, index, keyword):
    """The literal string passed to ``call`` at position ``index`` or as ``keyword``, else None."""
    value = call.args[index] if len(call.args) > index else None
    for kw in call.keywords:
        if kw.arg == keyword:
            value = kw.value
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return value.value
    return None


def _func_name(call):
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def _string_imports(call):
    """Modules imported by ``import_module``/``import_string``/``get_model`` calls with literal arguments."""
    name = _func_name(call)
    if name == "import_module":
        module = _string_arg(call, 0, "name")
        if module and module.startswith("."):
            package = _string_arg(call, 1, "package")
            if not package:
                return []
            stripped = module.lstrip(".")
            parts = package.split(".")
            up = len(module) - len(stripped) - 1
            if up > len(parts):
                return []
            module = ".".join([*parts[: len(parts) - up], *([stripped] if stripped else [])])
        return [module] if module else []
    if name == "import_string":
        dotted = _string_arg(call, 0, "dotted_path")
        return [dotted.rpartition(".")[0] or dotted] if dotted else []
    if name == "get_model":
        label = _string_arg(call, 0, "app_label")
        if label is None:
            return []
        if "." in label:
            return [label.partition(".")[0]]
        return [label] if _string_arg(call, 1, "model_name") is not None else []
    return []


def _imports(root):
    """Every project-app import under ``root``: (path, line, importing app, imported module, imported app)."""
    found = []
    for relative, tree, _ in _source_files(root):
        app = relative.parts[0]
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = _resolve_from(relative, node)
            elif isinstance(node, ast.Call):
                modules = _string_imports(node)
            else:
                continue
            for module in modules:
                target = module.split(".")[0]
                if target in LAYER_OF:
                    found.append((relative.as_posix(), node.lineno, app, module, target))
    return found


def _layer_violations(root):
    """Imports of an app that is neither the importer's own app nor strictly below it."""
    violations = []
    for path, line, app, module, target in _imports(root):
        if target != app and LAYER_OF[target] >= LAYER_OF[app]:
            violations.append((path, line, f"{app} imports {module} (layer {LAYER_OF[app]} -> {LAYER_OF[target]})"))
    return [f"{path}:{line}: {text}" for path, line, text in sorted(violations)]


def _core_violations(root):
    """Imports of any other project app from ``core``, which must stay domain-free."""
    violations = [
        (path, line, f"core imports {module}: core is domain-free and may import no project app")
        for path, line, app, module, target in _imports(root)
        if app == "core" and target != "core"
    ]
    return [f"{path}:{line}: {text}" for path, line, text in sorted(violations)]


def _names_status(target):
    """Whether an assignment target (possibly a tuple/list/starred) writes an attribute called ``status``."""
    if isinstance(target, ast.Attribute):
        return target.attr == "status"
    if isinstance(target, ast.Tuple | ast.List):
        return any(_names_status(element) for element in target.elts)
    if isinstance(target, ast.Starred):
        return _names_status(target.value)
    return False


def _literal_has_status(node):
    """Whether a list/tuple/set literal holds the string "status"."""
    return isinstance(node, ast.List | ast.Tuple | ast.Set) and any(
        isinstance(element, ast.Constant) and element.value == "status" for element in node.elts
    )


def _dict_has_status(node):
    """Whether a dict literal (``{...}`` or ``dict(...)``) has the key "status"."""
    if isinstance(node, ast.Dict):
        return any(isinstance(key, ast.Constant) and key.value == "status" for key in node.keys)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
        return any(kw.arg == "status" for kw in node.keywords)
    return False


def _keyword(call, name):
    return next((kw.value for kw in call.keywords if kw.arg == name), None)


def _writes_status(node):
    """Whether one AST node moves a ``status`` field (as opposed to creating a row in its first state)."""
    if isinstance(node, ast.Assign):
        return any(_names_status(target) for target in node.targets)
    if isinstance(node, ast.AugAssign):
        return _names_status(node.target)
    if isinstance(node, ast.AnnAssign):
        return node.value is not None and _names_status(node.target)
    if isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):
        return _names_status(node.target)
    if isinstance(node, ast.withitem):
        return node.optional_vars is not None and _names_status(node.optional_vars)
    if not isinstance(node, ast.Call):
        return False
    name = _func_name(node)
    if name == "update":
        return any(kw.arg == "status" or (kw.arg is None and _dict_has_status(kw.value)) for kw in node.keywords)
    if name in ("update_or_create", "get_or_create"):
        return _dict_has_status(_keyword(node, "defaults"))
    if name == "bulk_update":
        fields = node.args[1] if len(node.args) > 1 else _keyword(node, "fields")
        return _literal_has_status(fields)
    if name == "save":
        return _literal_has_status(_keyword(node, "update_fields"))
    if name == "setattr" and isinstance(node.func, ast.Name):
        return len(node.args) > 1 and isinstance(node.args[1], ast.Constant) and node.args[1].value == "status"
    return False


def _status_writes(root):
    """Every place outside the workflow engine that writes a ``status`` field, as ``path:line: source``."""
    violations = []
    for relative, tree, lines in _source_files(root):
        if relative.as_posix() == WORKFLOW_ENGINE:
            continue
        for node in ast.walk(tree):
            if _writes_status(node):
                where = node.target if isinstance(node, ast.comprehension) else node
                lineno = getattr(where, "lineno", None) or node.optional_vars.lineno  # withitem has no line
                violations.append((relative.as_posix(), lineno, lines[lineno - 1].strip()))
    return [f"{path}:{line}: {text}" for path, line, text in sorted(set(violations))]


def _report(title, violations):
    return f"{title} ({len(violations)}):\n" + "\n".join(violations)


# --- the rules, on the real tree -------------------------------------------------------------------------------------


def test_apps_import_only_downward():
    violations = _layer_violations(ROOT)
    assert not violations, _report("Imports of a same-rank or higher app (see LAYERS)", violations)


def test_core_imports_no_project_app():
    violations = _core_violations(ROOT)
    assert not violations, _report("core imports a project app", violations)


def test_status_is_changed_only_by_the_workflow_engine():
    violations = _status_writes(ROOT)
    assert not violations, _report(f"status written outside {WORKFLOW_ENGINE}", violations)


# --- self-tests: the checkers catch what they should -----------------------------------------------------------------


def _write(root, relative, source):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")


def test_import_checker_catches_lazy_and_relative_imports(tmp_path):
    _write(tmp_path, "deputies/services.py", "def f():\n    from proposals.models import Suggestion\n")
    _write(tmp_path, "deputies/views/__init__.py", "")
    _write(tmp_path, "deputies/selectors.py", "from ..proposals import x\nfrom . import models\n")
    _write(tmp_path, "deputies/tests/test_x.py", "import portal\n")
    _write(tmp_path, "deputies/migrations/0001.py", "import portal\n")

    assert _layer_violations(tmp_path) == [
        "deputies/selectors.py:1: deputies imports proposals (layer 4 -> 6)",
        "deputies/services.py:2: deputies imports proposals.models (layer 4 -> 6)",
    ]


def test_import_checker_catches_string_imports(tmp_path):
    _write(
        tmp_path,
        "deputies/scans.py",
        "from django.apps import apps\n"
        "import importlib\n"
        "A = apps.get_model('proposals', 'Suggestion')\n"
        "B = apps.get_model('liaison.Station')\n"
        "C = importlib.import_module('training.models')\n"
        "D = import_string('archive.sections.Section')\n",
    )

    assert _layer_violations(tmp_path) == [
        "deputies/scans.py:3: deputies imports proposals (layer 4 -> 6)",
        "deputies/scans.py:4: deputies imports liaison (layer 4 -> 6)",
        "deputies/scans.py:5: deputies imports training.models (layer 4 -> 6)",
        "deputies/scans.py:6: deputies imports archive.sections (layer 4 -> 8)",
    ]


def test_import_checker_accepts_downward_and_rejects_same_rank_and_core_imports(tmp_path):
    _write(tmp_path, "proposals/services.py", "import django\nfrom deputies.models import Deputy\nimport core.x\n")
    _write(tmp_path, "proposals/views.py", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import liaison\n")
    _write(tmp_path, "core/workflow.py", "try:\n    from notifications import notify\nexcept ImportError:\n    pass\n")

    assert _layer_violations(tmp_path) == [
        "core/workflow.py:2: core imports notifications (layer 0 -> 1)",
        "proposals/views.py:3: proposals imports liaison (layer 6 -> 6)",
    ]
    assert _core_violations(tmp_path) == [
        "core/workflow.py:2: core imports notifications: core is domain-free and may import no project app",
    ]


def test_status_checker_catches_assignments_and_update(tmp_path):
    _write(
        tmp_path,
        "proposals/views.py",
        "def f(p, a, b, qs):\n"
        "    p.status, p.reason = a, b\n"
        "    qs.filter(pk=1).update(status=a)\n"
        "    setattr(p, 'status', b)\n"
        "    Suggestion.objects.update_or_create(pk=1, defaults={'status': a})\n",
    )

    assert _status_writes(tmp_path) == [
        "proposals/views.py:2: p.status, p.reason = a, b",
        "proposals/views.py:3: qs.filter(pk=1).update(status=a)",
        "proposals/views.py:4: setattr(p, 'status', b)",
        "proposals/views.py:5: Suggestion.objects.update_or_create(pk=1, defaults={'status': a})",
    ]


def test_status_checker_catches_field_lists(tmp_path):
    _write(
        tmp_path,
        "deputies/tasks.py",
        "def f(p, ps):\n    p.save(update_fields=['status', 'changed_at'])\n    Deputy.objects.bulk_update(ps, ('status',))\n",
    )
    _write(tmp_path, "core/workflow.py", "def move(p, to):\n    p.status = to\n    p.save(update_fields=['status'])\n")

    assert _status_writes(tmp_path) == [
        "deputies/tasks.py:2: p.save(update_fields=['status', 'changed_at'])",
        "deputies/tasks.py:3: Deputy.objects.bulk_update(ps, ('status',))",
    ]


def test_status_checker_accepts_creating_a_row_in_its_first_state(tmp_path):
    _write(
        tmp_path,
        "proposals/services.py",
        "def f(a):\n"
        "    s = Suggestion.objects.create(status=a)\n"
        "    Suggestion.objects.bulk_create([Suggestion(status=a)])\n"
        "    s.save(update_fields=['title'])\n"
        "    return s.status == a\n",
    )
    _write(tmp_path, "proposals/forms.py", "class F(forms.ModelForm):\n    status = forms.ChoiceField()\n")

    assert _status_writes(tmp_path) == []
