"""MkDocs hook: show docstring examples (``>>>`` lines and their output) as code blocks.

The docstrings carry doctests in plain reST style; without this, Markdown reads
``[p.code for p in ...]`` followed by ``['62290']`` as a reference link. Lines inside fenced
blocks (the docs pages' own examples) are left alone.
"""

from __future__ import annotations

import re
from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

_FENCE = re.compile(r"^\s*(```|~~~)")
_PROMPT = re.compile(r"^(\s*)>>> ")


class _DoctestBlocks(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        fenced = in_example = False
        indent = ""
        for line in lines:
            if in_example and (not line.strip() or not line.startswith(indent)):
                out.append(f"{indent}```")
                in_example = False
            if _FENCE.match(line) and not in_example:
                fenced = not fenced
            elif not fenced and not in_example and (match := _PROMPT.match(line)):
                indent = match.group(1)
                out.append(f"{indent}```pycon")
                in_example = True
            out.append(line)
        if in_example:
            out.append(f"{indent}```")
        return out


class DoctestBlocks(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.register(_DoctestBlocks(md), "doctest_blocks", 40)


def on_config(config: Any) -> Any:
    config.markdown_extensions.append(DoctestBlocks())
    return config
