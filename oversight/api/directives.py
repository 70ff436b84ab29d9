"""The directives endpoints."""

from ninja import Router

router = Router(tags=["directives"])
public_router = Router(tags=["public"])
