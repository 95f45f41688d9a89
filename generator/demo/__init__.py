"""`wsgen demo`: a live playground for the generated module, installed by the `demo` extra.

`page` assembles the site (the page from `assets/`, the module the flags generate); `server`
serves it on 127.0.0.1 and needs `websockets`, so only `server` imports it.
"""
