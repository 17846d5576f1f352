"""scipy's special functions `gammaln` and `gammaincc`, callable from numba-compiled code.

The Erlang C wait (`equations.erlang_c_wait_hours`) calls `scipy.special.gammaln` and
`scipy.special.gammaincc`. Numba cannot compile those ufuncs itself, so this module teaches it
to (`numba.extending.overload`): inside compiled code, a call with floats goes straight to the
C function scipy exports for Cython (`scipy.special.cython_special`, found with
`numba.extending.get_cython_function_address`, numba's documented way). The equation keeps one
source, run by Python and compiled into the week (`parts`), and both give the same bits.

Why an LLVM symbol and not a ctypes pointer: numba freezes a ctypes function's address into
the machine code, and refuses to cache such a function on disk ("dynamic globals"); the
weekly kernel would then compile for ~6 s in every process. A named external symbol
(`llvmlite.binding.add_symbol`, registered again at every import) is resolved when the cached
code is loaded, in each process at its own address.

Importing this module registers the overloads; `parts` does before compiling anything.
"""

from __future__ import annotations

import llvmlite.binding as llvm
import scipy.special
import scipy.special.cython_special
from numba import types
from numba.extending import get_cython_function_address, overload

CYTHON_MODULE = "scipy.special.cython_special"
SYMBOL_PREFIX = "flywheel_cython_special_"


def _external(name: str, arguments: int) -> types.ExternalFunction:
    """`cython_special.<name>` (float64 arguments, a float64 result) as a compiled-code
    function. Its C signature ends with Cython's `int __pyx_skip_dispatch` (see
    `cython_special.__pyx_capi__`), which callers pass as 0; another signature (a scipy that
    changed it) is refused here rather than called wrongly."""
    signature = f"double ({'double, ' * arguments}int __pyx_skip_dispatch)"
    exported = repr(scipy.special.cython_special.__pyx_capi__.get(name))
    if f'"{signature}"' not in exported:
        raise ImportError(
            f"scipy.special.cython_special.{name} is {exported}, not {signature!r}: "
            "flywheel/model/special.py does not know how to call it"
        )
    address = get_cython_function_address(CYTHON_MODULE, name)
    symbol = SYMBOL_PREFIX + name
    llvm.add_symbol(symbol, address)
    return types.ExternalFunction(symbol, types.float64(*([types.float64] * arguments), types.intc))


_gammaln = _external("gammaln", 1)
_gammaincc = _external("gammaincc", 2)


@overload(scipy.special.gammaln)
def _gammaln_of_float(x):  # type: ignore[no-untyped-def]
    """log |Gamma(x)| of a float, in compiled code."""
    if isinstance(x, types.Float):
        return lambda x: _gammaln(x, 0)
    return None


@overload(scipy.special.gammaincc)
def _gammaincc_of_floats(a, x):  # type: ignore[no-untyped-def]
    """The regularised upper incomplete gamma function Q(a, x) of floats, in compiled code."""
    if isinstance(a, types.Float) and isinstance(x, types.Float):
        return lambda a, x: _gammaincc(a, x, 0)
    return None
