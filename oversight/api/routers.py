"""Registers every domain router on the API."""

from oversight.api.api import api
from oversight.api.auth import router as auth_router
from oversight.api.registry import router as registry_router

api.add_router("/auth", auth_router)
api.add_router("/", registry_router)
