"""The format reference pages list every field the code accepts (so they cannot fall behind).

If this fails after you added a field to a detector-file section, document it in
docs/reference/detector-file.md (a table row with the field name in backticks).
"""

from __future__ import annotations

import inspect
from pathlib import Path

from pydantic import BaseModel

from cevns.detectors import schema

ROOT = Path(__file__).resolve().parents[2]


def _section_models() -> list[type[BaseModel]]:
    return [
        obj for _, obj in inspect.getmembers(schema, inspect.isclass)
        if issubclass(obj, BaseModel) and obj.__module__ == schema.__name__
        and obj.__name__ != "_Section"
    ]


def test_every_detector_file_field_is_documented() -> None:
    page = (ROOT / "docs" / "reference" / "detector-file.md").read_text(encoding="utf-8")
    missing = sorted(
        f"{model.__name__}.{name}"
        for model in _section_models()
        for name in model.model_fields
        if f"`{name}`" not in page and f"`[{name}]`" not in page
    )
    assert missing == [], f"document these fields in docs/reference/detector-file.md: {missing}"


def test_every_kind_is_documented() -> None:
    page = (ROOT / "docs" / "reference" / "detector-file.md").read_text(encoding="utf-8")
    kinds = set()
    for model in _section_models():
        field = model.model_fields.get("kind")
        if field is not None and field.annotation is not None:
            kinds.update(getattr(field.annotation, "__args__", ()))
    missing = sorted(k for k in kinds if f'kind = "{k}"' not in page)
    assert missing == [], f"document these kinds in docs/reference/detector-file.md: {missing}"


def test_the_models_were_found() -> None:
    assert len(_section_models()) > 15
