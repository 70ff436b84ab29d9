"""The compliance endpoints."""

from ninja import Router

router = Router(tags=["compliance"])
public_router = Router(tags=["public"])
