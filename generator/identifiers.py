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
    TextEncoder URL WeakMap MessageEvent CloseEvent
    """.split()
)

# Names the module declares at its top level (constants, functions, and the types of the ts
# format and the .d.ts): a class of the same name would be declared twice. A test renders every
# format and checks this list is complete.
NAMES_DECLARED_BY_MODULE = frozenset(
    """
    NORMAL_CLOSURE ABNORMAL_CLOSURE DEFAULTS CLOSE_POLICY READY_STATES EVENT_TYPES noop
    createEvent closeAction reconnectDelay detach release CloseAction ClosePolicy SendData
    WebSocketClass Settings Options ReconnectingEvent SocketEventMap GlobalClass
    GlobalInstance listenForWake UrlProvider CloseInfo withDefaults
    HANDLERS SocketEvent runHandler absoluteUrl clampCode utf8Length likeWebSocket
    restartSpread hintedDelay NO_STATUS_RECEIVED
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
