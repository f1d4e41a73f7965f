"""A mypy plugin: a Reflex state var read on its class is a Var, as it is at run time.

Pages write `PodsState.pods` and `PodDetailState.pod.name` to put a state var into a component.
Reflex makes each annotated field of a state class a descriptor that gives the value on an
instance and a Var (`ArrayVar`, `ObjectVar`, ...) on the class, but mypy reads a plain annotation
(`pods: list[PodTableRow] = []`) as the value in both places. Reflex's own typed spelling,
`rx.Field[T] = rx.field(...)`, has `__get__` overloads that mypy resolves to `ArrayVar[Never]`
for any dataclass or list, and `ObjectVar.__getattr__` types every field of an object var as a
bare `Var`. This plugin gives both reads the Var class Reflex builds for them, chosen by the
declared Python type the same way (`_var_class_name`), and reports a field an object var's
dataclass does not have.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from mypy.errorcodes import ATTR_DEFINED
from mypy.nodes import MemberExpr, TypeInfo, Var
from mypy.plugin import AttributeContext, Plugin
from mypy.types import (
    CallableType,
    Instance,
    NoneType,
    Type,
    TypeType,
    UnionType,
    get_proper_type,
)

_PROJECT = "kube_console."
_STATE_BASE = "reflex.state.BaseState"
_OBJECT_VAR = "reflex_base.vars.object.ObjectVar"
_ARRAY_VAR = "reflex_base.vars.sequence.ArrayVar"
_STRING_VAR = "reflex_base.vars.sequence.StringVar"
_NUMBER_VAR = "reflex_base.vars.number.NumberVar"
_BOOLEAN_VAR = "reflex_base.vars.number.BooleanVar"
_SEQUENCES = {"builtins.list", "builtins.tuple", "builtins.set", "typing.Sequence"}
_MAPPINGS = {"builtins.dict", "typing.Mapping"}
_NUMBERS = {"builtins.int", "builtins.float"}


def _without_none(declared: Type) -> Type:
    """`X | None` as `X`: the Var of an optional field is the Var of its type."""
    proper = get_proper_type(declared)
    if isinstance(proper, UnionType):
        kept = [item for item in proper.items if not isinstance(get_proper_type(item), NoneType)]
        if len(kept) == 1:
            return kept[0]
    return declared


def _is_dataclass(value_type: Instance) -> bool:
    return value_type.type.get("__dataclass_fields__") is not None


def _var_class_name(value_type: Instance) -> str | None:
    """The Var class Reflex builds for a field holding `value_type`."""
    name = value_type.type.fullname
    if name == "builtins.bool":
        return _BOOLEAN_VAR
    if name in _NUMBERS:
        return _NUMBER_VAR
    if name == "builtins.str":
        return _STRING_VAR
    if name in _SEQUENCES:
        return _ARRAY_VAR
    if name in _MAPPINGS or _is_dataclass(value_type):
        return _OBJECT_VAR
    return None


def _var_for(plugin: Plugin, declared: Type) -> Type | None:
    """The Var Reflex builds for a field declared as `declared`, or None to leave mypy's type."""
    value_type = get_proper_type(_without_none(declared))
    if not isinstance(value_type, Instance):
        return None
    class_name = _var_class_name(value_type)
    symbol = plugin.lookup_fully_qualified(class_name) if class_name else None
    if symbol is None or not isinstance(symbol.node, TypeInfo):
        return None
    var_class = symbol.node
    return Instance(var_class, [value_type] if var_class.type_vars else [])


def _attribute_name(ctx: AttributeContext) -> str:
    return ctx.context.name if isinstance(ctx.context, MemberExpr) else ""


def _declared_field(info: TypeInfo, name: str) -> Var | None:
    """The annotated field `name` of a state class, if it is one sent to the browser."""
    symbol = info.get(name)
    node = symbol.node if symbol else None
    if not isinstance(node, Var) or node.type is None or node.is_classvar or name.startswith("_"):
        return None
    return node


def _state_var_on_class(plugin: Plugin, ctx: AttributeContext) -> Type:
    """`SomeState.field` (or `cls.field` in a class method): the field's Var."""
    owner = get_proper_type(ctx.type)
    if isinstance(owner, CallableType) and owner.is_type_obj():
        state_class = owner.type_object()
    elif isinstance(owner, TypeType) and isinstance(item := get_proper_type(owner.item), Instance):
        state_class = item.type
    else:
        return ctx.default_attr_type
    if ctx.is_lvalue or not state_class.has_base(_STATE_BASE):
        return ctx.default_attr_type
    field = _declared_field(state_class, _attribute_name(ctx))
    if field is None or field.type is None:
        return ctx.default_attr_type
    return _var_for(plugin, field.type) or ctx.default_attr_type


def _field_of_object_var(plugin: Plugin, ctx: AttributeContext) -> Type:
    """`object_var.field` on an `ObjectVar` of a dataclass: the field's Var, or an error for a
    name the dataclass has no field for."""
    object_var = get_proper_type(ctx.type)
    if not isinstance(object_var, Instance) or not object_var.args:
        return ctx.default_attr_type
    value_type = get_proper_type(_without_none(object_var.args[0]))
    if not isinstance(value_type, Instance):
        return ctx.default_attr_type
    name = _attribute_name(ctx)
    symbol = value_type.type.get(name)
    if symbol is None and _is_dataclass(value_type):
        # Reflex's own typing lets any name through; a misspelt field fails only when the
        # page is built.
        message = f'"{value_type.type.name}" has no field "{name}"'
        ctx.api.fail(message, ctx.context, code=ATTR_DEFINED)
        return ctx.default_attr_type
    node = symbol.node if symbol else None
    if not isinstance(node, Var) or node.type is None:
        return ctx.default_attr_type
    return _var_for(plugin, node.type) or ctx.default_attr_type


class ReflexVarsPlugin(Plugin):
    def get_class_attribute_hook(self, fullname: str) -> Callable[[AttributeContext], Type] | None:
        if fullname.startswith(_PROJECT):
            return functools.partial(_state_var_on_class, self)
        return None

    def get_attribute_hook(self, fullname: str) -> Callable[[AttributeContext], Type] | None:
        if fullname.startswith(f"{_OBJECT_VAR}."):
            return functools.partial(_field_of_object_var, self)
        return None


def plugin(version: str) -> type[Plugin]:
    return ReflexVarsPlugin
