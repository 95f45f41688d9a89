"""Editable installs (`pip install -e .`) import the source folder generator/ as `wsgen`, the
name the wheel installs it under (pyproject.toml's `sources`).

hatchling cannot rename a package in an editable install by itself, so this hook adds the
import redirect of the `editables` library (which hatchling's own editable installs use): an
import of `wsgen` or `wsgen.cli` loads generator/ and generator/cli.py, edits included.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

IMPORT_NAME = "wsgen"
SOURCE_FOLDER = "generator"


class EditableImportName(BuildHookInterface):  # type: ignore[type-arg]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version != "editable":
            return
        from editables import EditableProject

        project = EditableProject(IMPORT_NAME, self.root)
        project.map(IMPORT_NAME, str(Path(self.root) / SOURCE_FOLDER))
        # The files live until the build ends; the wheel holds its own copies.
        self._files = tempfile.TemporaryDirectory(prefix="wsgen-editable-")
        for name, content in project.files():
            path = Path(self._files.name) / name
            path.write_text(content, encoding="utf-8")
            build_data["force_include_editable"][str(path)] = name
        build_data["dependencies"].extend(project.dependencies())
