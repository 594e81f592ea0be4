"""Fortnox bridge: pull a company's books over the Fortnox API and post the closing back.

Client side: ``config``, ``errors``, ``auth``, ``tokens``, ``ratelimit``, ``client``, ``reads``.
The local API emulator lives in ``fortnox_bridge.sandbox`` and imports nothing from the client.
"""
