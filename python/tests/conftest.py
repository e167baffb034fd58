"""Shared fixtures: the repository's vector files, the generated 1M-row table, and the npm
package's hashes of the same rows (computed by node over the built pkg/)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import rows

REPO = Path(__file__).resolve().parents[2]
VECTORS = REPO / "tests" / "vectors"
NPM_SCRIPT = Path(__file__).with_name("npm_hashes.mjs")

#: Rows of the cross-check table; TIKHASH_PY_ROWS makes a quick local run smaller.
TABLE_ROWS = int(os.environ.get("TIKHASH_PY_ROWS", "1000000"))
PHONE_OPTIONS = {"default_country": "US"}


def camel(options: dict) -> dict:
    """snake_case Python options as the JS API names them."""
    return {"".join(w if i == 0 else w.title() for i, w in enumerate(k.split("_"))): v
            for k, v in options.items()}


def npm_hash_jobs(jobs: list[dict], workdir: Path) -> list[dict]:
    """Runs ``[{kind, options (snake_case), values}]`` through the npm package. Each result
    is ``{hashes: [str|None], rejected: [(row, code)]}``, with null rows taken out of
    ``rejected`` and left null, as Python does."""
    if not (REPO / "pkg" / "node.js").exists():
        pytest.fail("pkg/ is not built: run `bash scripts/build-pkg.sh` first")
    src, dst = workdir / "npm-in.json", workdir / "npm-out.json"
    src.write_text(json.dumps([dict(j, options=camel(j["options"])) for j in jobs]))
    subprocess.run(["node", str(NPM_SCRIPT), str(src), str(dst)], check=True)
    results = []
    for job, out in zip(jobs, json.loads(dst.read_text())):
        width, packed = out["width"], out["packed"]
        hashes = [None if packed[i * width] == "-" else packed[i * width:(i + 1) * width]
                  for i in range(len(job["values"]))]
        rejected = [(r, c) for r, c in out["rejected"] if job["values"][r] is not None]
        results.append({"hashes": hashes, "rejected": rejected})
    return results


@pytest.fixture(scope="session")
def identifier_vectors() -> list[dict]:
    return json.loads((VECTORS / "identifiers.json").read_text())


@pytest.fixture(scope="session")
def phone_vectors() -> list[dict]:
    return json.loads((VECTORS / "phone.json").read_text())


@pytest.fixture(scope="session")
def table(tmp_path_factory) -> dict:
    """The generated table (as Arrow and as a Parquet file) and the npm package's hashes of
    it: ``{"arrow", "parquet", "email": {hashes, rejected}, "phone": {...}}``."""
    workdir = tmp_path_factory.mktemp("table")
    email, phone = rows.emails(TABLE_ROWS), rows.phones(TABLE_ROWS)
    arrow = pa.table({
        "id": pa.array(range(TABLE_ROWS), type=pa.int64()),
        "email": pa.array(email, type=pa.string()),
        "phone": pa.array(phone, type=pa.string()),
    })
    parquet = workdir / "customers.parquet"
    pq.write_table(arrow, parquet, row_group_size=250_000)
    npm_email, npm_phone = npm_hash_jobs(
        [{"kind": "email", "options": {}, "values": email},
         {"kind": "phone", "options": PHONE_OPTIONS, "values": phone}],
        workdir,
    )
    return {"arrow": arrow, "parquet": parquet, "email": npm_email, "phone": npm_phone}


def pytest_configure(config):
    # Spark's Python workers must be this interpreter, with this venv's tikhash.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
