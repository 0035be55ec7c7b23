"""Analysers: one module or package per analysis, registered by name and version."""

from .base import (Analyser, AnalyserSpec, get_spec, load_analyser, register, registry,
                   resolve_order, stored_version)

__all__ = ["Analyser", "AnalyserSpec", "get_spec", "load_analyser", "register", "registry",
           "resolve_order", "stored_version"]
