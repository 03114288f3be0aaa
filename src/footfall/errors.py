"""The ways the core says no: a rejected request, a request accepted and not stored, and a
broken configuration."""


class Rejection(Exception):
    """A request footfall refuses: carries the HTTP status, a stable code and a message.

    The message is written for the person debugging their site and never contains the
    input that was rejected (it may be hostile).
    """

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class Ignored(Exception):
    """A beacon footfall accepts and does not store (the wire contract's 202); the message
    says why and goes out in the `X-Footfall-Ignored` header."""


class ConfigError(Exception):
    """A Worker variable holds a value footfall cannot use; names the variable."""

    def __init__(self, setting: str, message: str):
        super().__init__(f"{setting}: {message}")
        self.setting = setting
