"""Exceptions raised by cbrec_lab.

Every error the library raises on purpose derives from :class:`CbrecError`, so a notebook or a script can
catch the library's errors without also catching programming mistakes. Messages say what was wrong, repeat
the offending value, and say what to do.
"""

__all__ = ["CbrecError", "ParameterError", "ParameterTypeError", "NotebookError", "DataHomeError"]


class CbrecError(Exception):
    """Root of all errors raised deliberately by cbrec_lab."""


class ParameterError(CbrecError, ValueError):
    """A function received a value it cannot work with (bad profile name, wrong shape, ...)."""


class ParameterTypeError(ParameterError, TypeError):
    """An argument of the wrong type (a float or a bool where a count is expected, a string for a number)."""


class NotebookError(CbrecError):
    """A course notebook is malformed or failed to execute."""


class DataHomeError(CbrecError):
    """The data home cannot take what is asked of it: not writable, or not enough free disk space."""
