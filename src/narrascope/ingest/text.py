"""Plain text files: the title on the first line, then the body (as in the seeds and in
SemEval data)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from ..errors import InputError
from .base import IngestOptions, ItemOrError, decode, read_capped, register_reader
from ..model import RawItem


@register_reader("text", (".txt", ".text"))
def read_text(path: Path, opts: IngestOptions) -> Iterator[ItemOrError]:
    try:
        text = decode(read_capped(path, opts.max_bytes), str(path))
    except InputError as e:
        yield e
        return
    if not text.strip():
        yield InputError(str(path), "file holds only whitespace", "empty")
        return
    yield RawItem(source=str(path), text=text, scraped=True, title_first_line=True)
