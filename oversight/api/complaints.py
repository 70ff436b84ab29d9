"""The complaints endpoints."""

from ninja import Router

router = Router(tags=["complaints"])
public_router = Router(tags=["public"])
