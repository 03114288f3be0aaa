"""The Worker's one-line JSON logs (footfall.log), read back from pytest's captured output."""

import json


def log_records(capsys) -> list[dict]:
    """Every JSON log line printed since the last call (stdout and stderr)."""
    captured = capsys.readouterr()
    records = []
    for line in (captured.out + captured.err).splitlines():
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict) and "message" in value:
            records.append(value)
    return records
