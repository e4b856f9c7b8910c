"""Fixtures shared by the unit tests."""

from .read_only import read_only

# ``read_only`` (a folder that cannot be written to) is available to every unit test without an import: a test
# module that imported it would shadow the name with its test functions' parameter.
__all__ = ["read_only"]
