"""wsgen: generate a drop-in reconnecting WebSocket module for the browser and Node."""

__version__ = "0.1.0"
