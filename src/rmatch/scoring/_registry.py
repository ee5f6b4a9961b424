"""Named factories of criteria and rules: built-in, registered, or shipped by a package.

A [`Registry`][rmatch.scoring.Registry] maps a name (the ``type`` of a TOML entry) to a
factory that takes the entry's parameters and returns the object. Names are looked up
among the built-in ones, then among those registered in Python, then among the entry
points of the registry's group (``rmatch.criteria`` or ``rmatch.rules``), so an
installed package can ship named criteria and rules.
"""

from __future__ import annotations

import copy
import importlib.metadata
import os
import sys
from collections.abc import Callable, Mapping
from typing import Any

from rmatch.errors import ConfigError
from rmatch.scoring._criterion import Criterion
from rmatch.scoring._schedule import Schedule
from rmatch.scoring._sets import Goals, Interests, SetSimilarity
from rmatch.scoring._skills import Skills
from rmatch.scoring._text import TextSimilarity

__all__ = [
    "BUILTIN_CRITERIA",
    "CRITERIA",
    "Registry",
    "factory_of",
    "register_criterion",
]


#: group -> (environment key, the group's entry points); see `_entry_points`.
_ENTRY_POINTS: dict[str, tuple[tuple[Any, ...], tuple[Any, ...]]] = {}


def _mtime(folder: str) -> int | None:
    try:
        return os.stat(folder or ".").st_mtime_ns
    except OSError:
        return None


def _entry_points(group: str) -> tuple[Any, ...]:
    """The entry points of ``group``, read again only when the environment changed.

    Reading them opens every installed distribution's metadata (about 4 ms with a
    few hundred installed: a custom criterion's ``to_dict`` asks on every call).
    The environment is ``importlib.metadata.entry_points`` itself (a replaced
    function is asked again), ``sys.path`` and the modification time of each of
    its folders: installing or removing a distribution adds or removes a folder
    there, which is how ``importlib.metadata`` itself notices new distributions.
    Not noticed: an installed distribution's ``entry_points.txt`` rewritten in
    place (a legacy ``setup.py egg_info`` re-run); a new Python process sees it.
    """
    find = importlib.metadata.entry_points
    key = (find, tuple(sys.path), tuple(_mtime(p) for p in sys.path))
    cached = _ENTRY_POINTS.get(group)
    if cached is not None and cached[0] == key:
        return cached[1]
    found = tuple(find(group=group))
    _ENTRY_POINTS[group] = (key, found)
    return found


class Registry:
    """Named factories of one kind of object (criteria or rules).

    Parameters
    ----------
    kind : str
        ``"criterion"`` or ``"rule"`` (used in messages).
    group : str
        Entry-point group searched for names not registered in Python.
    builtins : mapping
        Built-in names and their classes; they cannot be replaced.
    register_hint : str
        How to register, e.g. ``"rmatch.register_criterion(name, obj)"``.
    """

    def __init__(
        self,
        kind: str,
        group: str,
        builtins: Mapping[str, Callable[..., Any]],
        register_hint: str,
    ) -> None:
        self.kind = kind
        self.group = group
        self.builtins = dict(builtins)
        self.register_hint = register_hint
        self.registered: dict[str, Callable[..., Any]] = {}

    def register(self, name: str, factory: Callable[..., Any]) -> None:
        """Register ``factory`` under ``name`` (a later call replaces it).

        Parameters
        ----------
        name : str
            Not a built-in name.
        factory : callable
            ``factory(**params)`` returns the object.
        """
        if not isinstance(name, str) or not name.isidentifier():
            raise ConfigError(
                f"a {self.kind} name must be an identifier (letters, digits, _); "
                f"got {name!r}"
            )
        if name in self.builtins:
            raise ConfigError(
                f"{name!r} is a built-in {self.kind}; register yours under another name"
            )
        if not callable(factory):
            raise ConfigError(
                f"register a {self.kind} class, factory or object; got {factory!r}"
            )
        self.registered[name] = factory

    def unregister(self, name: str) -> None:
        """Forget a registered name (no error if unknown)."""
        self.registered.pop(name, None)

    def entry_point(self, name: str) -> Any | None:
        """Load the entry point ``name`` of the group, or None if there is none."""
        for ep in _entry_points(self.group):
            if ep.name == name:
                try:
                    return ep.load()
                except Exception as exc:
                    raise ConfigError(
                        f"{self.kind} {name!r}: the entry point {ep.value!r} of "
                        f"group {self.group!r} failed to load: {exc}"
                    ) from exc
        return None

    def get(self, name: str) -> Callable[..., Any] | None:
        """Return the factory of ``name``, or None if no one knows it."""
        if name in self.builtins:
            return self.builtins[name]
        if name not in self.registered:
            found = self.entry_point(name)
            if found is None:
                return None
            self.registered[name] = self.adapt(found)
        return self.registered[name]

    def adapt(self, obj: Any) -> Callable[..., Any]:
        """Turn a registered class, factory or object into a factory."""
        return factory_of(obj)

    def names(self) -> list[str]:
        """Built-in and registered names, sorted (entry points once looked up)."""
        return sorted({*self.builtins, *self.registered})

    def unknown(self, name: str, extra: tuple[str, ...] = ()) -> ConfigError:
        """Return the error for an unknown name: the known ones and how to register.

        Parameters
        ----------
        name : str
        extra : tuple of str
            Other names valid where the name was read (e.g. constraint types).
        """
        known = ", ".join(sorted({*self.names(), *extra}))
        return ConfigError(
            f"unknown {self.kind} {name!r}; known {self.kind} names are {known}. "
            f"Register your own with {self.register_hint}, the decorator's name= "
            f"argument, or an entry point in the {self.group!r} group."
        )


def factory_of(obj: Any) -> Callable[..., Any]:
    """Return ``factory(**params)`` for a class, a factory or a configured object.

    A class or a plain function is its own factory. An object (e.g. a decorated
    function) is copied; its ``configured(**params)`` method builds the copy when it
    has one, else the parameters are set as attributes of the copy.

    Parameters
    ----------
    obj : class, callable or object
    """
    if isinstance(obj, type) or not hasattr(obj, "to_dict"):
        return obj  # type: ignore[no-any-return]
    configured = getattr(obj, "configured", None)
    if callable(configured):
        return configured  # type: ignore[no-any-return]

    def copy_with(**params: Any) -> Any:
        made = copy.copy(obj)
        for key, value in params.items():
            if not hasattr(made, key):
                raise TypeError(f"unexpected parameter {key!r}")
            setattr(made, key, value)
        return made

    return copy_with


BUILTIN_CRITERIA: dict[str, type[Criterion]] = {
    "skills": Skills,
    "interests": Interests,
    "goals": Goals,
    "schedule": Schedule,
    "set_similarity": SetSimilarity,
    "text": TextSimilarity,
}

#: The criteria known by name: built-in, registered, and entry points.
CRITERIA = Registry(
    "criterion",
    "rmatch.criteria",
    BUILTIN_CRITERIA,
    "rmatch.register_criterion(name, cls_or_factory)",
)


def register_criterion(name: str, obj: Any) -> None:
    """Make a criterion usable by name in a program file (``[criteria] name = ...``).

    Parameters
    ----------
    name : str
        The ``type`` used in TOML;
        [`Criterion.to_dict()`][rmatch.scoring.Criterion.to_dict] should write it (a
        subclass sets ``name`` to it; a decorated function gets it).
    obj : Criterion subclass, factory or Criterion
        ``obj(**params)`` builds the criterion from the TOML parameters; an object (e.g.
        from [`criterion()`][rmatch.scoring.criterion]) is copied with the parameters.

    Examples
    --------
    >>> import numpy as np
    >>> from rmatch.scoring import Criterion, criterion_from_dict, register_criterion
    >>> class Seniority(Criterion):
    ...     name = "seniority_gap"
    ...     def score(self, block):
    ...         s = block.people.seniority
    ...         gap = s[block.mentors][:, None] - s[block.mentees][None, :]
    ...         return np.clip(gap / 10, 0, 1)
    >>> register_criterion("seniority_gap", Seniority)
    >>> criterion_from_dict("seniority_gap", {"weight": 2})
    Seniority(weight=2)
    """
    if isinstance(obj, Criterion):
        obj.check()
    CRITERIA.register(name, factory_of(obj))
