"""Model names: readable, unique, safe as a folder name on the DL server and the Nano."""
from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Iterable


def suggest_model_name(workspace_root: Path, now: datetime | None = None,
                       existing: Iterable[str] = ()) -> str:
    """A unique, readable model name: `<workspace folder slug>-<YYYYMMDD-HHMMSS>`.

    The slug is ASCII letters, digits and '-', so the name is safe as a remote folder.
    `existing` lists names already taken (e.g. the models on the DL server); a suffix
    `-2`, `-3`, ... is added until the name is free.
    """
    folder = Path(workspace_root).expanduser().resolve().name
    ascii_name = unicodedata.normalize("NFKD", folder).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40].strip("-") or "model"
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    base = f"{slug}-{stamp}"
    taken = set(existing)
    name, number = base, 2
    while name in taken:
        name = f"{base}-{number}"
        number += 1
    return name
