"""The one exception every reader raises for a file that cannot become report text."""


class ReadError(Exception):
    """A raw file that cannot become report text; the message is one sentence saying why."""
