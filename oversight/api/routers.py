"""Registers every domain router on the API."""

from oversight.api.api import api
from oversight.api.auth import router as auth_router
from oversight.api.complaints import public_router as complaints_public_router
from oversight.api.complaints import router as complaints_router
from oversight.api.compliance import router as compliance_router
from oversight.api.directives import router as directives_router
from oversight.api.enrollment import public_router as enrollment_public_router
from oversight.api.enrollment import router as enrollment_router
from oversight.api.inspections import public_router as inspections_public_router
from oversight.api.inspections import router as inspections_router
from oversight.api.program_parts import router as program_parts_router
from oversight.api.programs import public_router
from oversight.api.programs import router as programs_router
from oversight.api.registry import router as registry_router

api.add_router("/auth", auth_router)
api.add_router("/", registry_router)
api.add_router("/", programs_router)
api.add_router("/", program_parts_router)
api.add_router("/public", public_router)
api.add_router("/", enrollment_router)
api.add_router("/public", enrollment_public_router)
api.add_router("/", compliance_router)
api.add_router("/", complaints_router)
api.add_router("/public", complaints_public_router)
api.add_router("/", directives_router)
api.add_router("/", inspections_router)
api.add_router("/public", inspections_public_router)
