"""JavaScript identifiers chosen by users (class and global names): validated, never escaped."""

from __future__ import annotations

import re

_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")

# ECMAScript 2017 reserved words, strict-mode and module reserved words, and the literals a
# binding may not shadow.
RESERVED_WORDS = frozenset(
    """
    await break case catch class const continue debugger default delete do else enum export
    extends false finally for function if implements import in instanceof interface let new null
    package private protected public return static super switch this throw true try typeof var
    void while with yield arguments eval undefined NaN Infinity
    """.split()
)

# Globals the generated module itself uses: a class of the same name would shadow them inside
# the module and break it (`class EventTarget extends EventTarget` cannot even load).
GLOBALS_USED_BY_MODULE = frozenset(
    """
    DOMException Date Event EventTarget Math Object Promise clearTimeout globalThis module
    exports setTimeout window document navigator self WebSocket TypeError String Symbol
    Blob URL WeakMap MessageEvent CloseEvent BroadcastChannel AbortController crypto JSON Map
    Infinity
    """.split()
)

# Names the module declares at its top level (constants, functions, the types of the ts format
# and the .d.ts, and the JSDoc types that checkJs reads in the JavaScript): a class of the same
# name would be declared twice. A test renders every format with every feature and checks this
# list is exactly what they declare.
NAMES_DECLARED_BY_MODULE = frozenset(
    """
    NORMAL_CLOSURE NO_STATUS_RECEIVED ABNORMAL_CLOSURE CONNECTING OPEN CLOSING CLOSED DEFAULTS
    CLOSE_POLICY define absoluteUrl closeAction listenForWake withDefaults detach
    release CloseAction ClosePolicy SendData WebSocketClass Settings Options ReconnectingEvent
    ReconnectingEventFields SocketEventMap SocketBase SocketMembers GlobalClass GlobalInstance
    UrlProvider CloseInfo GOING_AWAY SHARING_SCOPE
    """.split()
)


def check_identifier(name: str) -> str:
    """Return `name` when it can name a class or global; raise ValueError saying why not."""
    if not _IDENTIFIER.fullmatch(name):
        raise ValueError(
            f"expected a JavaScript identifier (letters, digits, _ or $, not starting with a "
            f"digit), got {name!r}"
        )
    if name in RESERVED_WORDS:
        raise ValueError(f"{name!r} is a reserved word in JavaScript")
    if name in GLOBALS_USED_BY_MODULE:
        raise ValueError(f"{name!r} would shadow a global the module uses")
    if name in NAMES_DECLARED_BY_MODULE:
        raise ValueError(f"{name!r} is a name the module declares itself")
    return name


# The names Node's CommonJS wrapper passes to every module: a class of the same name in a .cjs
# file collides with the wrapper's parameter (`class require` does not even parse).
COMMONJS_WRAPPER_NAMES = frozenset("require module exports __filename __dirname".split())

# TypeScript's primitive type names (a class cannot be called `string`) and the library types
# the ts format and the .d.ts refer to: a class of the same name would shadow them, and tsc
# fails on the file.
TYPESCRIPT_TYPE_NAMES = frozenset(
    """
    any unknown never object string number boolean symbol bigint
    AddEventListenerOptions Array ArrayBuffer ArrayBufferLike ArrayBufferView BinaryType Blob
    Boolean CloseEvent DataView Error EventListener EventListenerObject EventListenerOptions
    EventListenerOrEventListenerObject Exclude Extract Function InstanceType Iterable K Map
    MessageEvent NonNullable Number Omit Parameters Partial Pick PromiseLike Readonly Record
    Required ReturnType Set Symbol Uint8Array WebSocketEventMap
    """.split()
)

# Properties of `window` that a classic script's top-level `var` would assign rather than
# declare: `var location = ...` navigates away, `var name` turns the class into a string,
# `top` and `self` cannot be replaced at all. The iife format defines its global with `var`.
BROWSER_GLOBALS = frozenset(
    """
    window self document location top parent frames opener name status length closed origin
    history navigator screen frameElement customElements localStorage sessionStorage indexedDB
    crypto performance event external toolbar menubar personalbar scrollbars statusbar
    locationbar visualViewport caches isSecureContext crossOriginIsolated scheduler
    """.split()
)


def check_for_format(name: str, format: str, *, typed: bool) -> str | None:
    """Why `name` (already a valid identifier) cannot be the class or global name in `format`
    (`typed`: TypeScript sees it too, as the ts format or a .d.ts); None when it can."""
    if format == "cjs" and name in COMMONJS_WRAPPER_NAMES:
        return f"{name!r} is a name CommonJS passes to every module; it cannot name the class"
    if typed and name in TYPESCRIPT_TYPE_NAMES:
        return f"{name!r} is a TypeScript type the typed output refers to; tsc would fail"
    return None


def check_iife_global(name: str) -> str | None:
    """Why `name` cannot be the global a classic script defines; None when it can."""
    if name in BROWSER_GLOBALS:
        return (
            f"{name!r} is a property of the browser's window; a script's `var {name}` "
            f"would clobber it"
        )
    if re.fullmatch(r"on[a-z]+", name):
        return f"{name!r} looks like a window event handler (onload, onerror...); pick another"
    return None
