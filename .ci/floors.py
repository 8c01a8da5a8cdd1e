"""Print the declared lower bounds as exact pins (`name==floor`), for the lowest-versions job.

    python .ci/floors.py [EXTRA ...] > floors.txt

The base dependencies and those of the named extras, from pyproject.toml: every `>=X` becomes
`==X` (a requirement without a floor is left out). Used as a pip constraints file, so the
job installs exactly the versions the metadata promises to work with.
"""

import re
import sys
import tomllib
from pathlib import Path

project = tomllib.loads(Path(__file__).resolve().parents[1].joinpath("pyproject.toml")
                        .read_text())["project"]
reqs = list(project["dependencies"])
for extra in sys.argv[1:]:
    reqs += project["optional-dependencies"][extra]
pins = {}
for req in reqs:
    m = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*>=\s*([0-9][0-9A-Za-z.]*)\s*", req)
    if m:
        pins[m.group(1).lower()] = m.group(2)
for name, floor in sorted(pins.items()):
    print(f"{name}=={floor}")
