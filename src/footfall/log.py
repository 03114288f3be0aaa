"""One-line JSON logs: `wrangler tail` and the Workers dashboard show them as they are."""

import json
import sys


def log(level: str, message: str, **fields) -> None:
    record = {"level": level, "message": message, **fields}
    print(json.dumps(record, default=str), file=sys.stderr if level == "error" else sys.stdout)
