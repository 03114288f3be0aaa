"""The Worker's variables (wrangler.toml [vars], .dev.vars, secrets) read from `env` and parsed
into Settings, once per isolate: the Worker's fetch and scheduled handlers and the Durable
Object's alarm all take them from here.
"""

from footfall.settings import VARIABLES, Settings, parse_settings

# Parsed settings, kept for the isolate's life: a Worker's variables are fixed per deployment
# (a new deploy starts new isolates), and reading a dozen of them per request costs CPU.
_settings: Settings | None = None


def load_settings(env) -> Settings:
    global _settings
    if _settings is None:
        values = {}
        for name in VARIABLES:
            value = getattr(env, name, None)
            values[name] = None if value is None else str(value)
        # A bad ORIGIN_URL or ORIGIN_TIMEOUT_MS raises and leaves this unset: every request
        # then reports it again, until the variable is fixed and the Worker redeployed.
        _settings = parse_settings(values)
    return _settings
