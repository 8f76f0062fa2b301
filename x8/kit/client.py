from fastapi import Request


def client_ip(request: Request) -> str | None:
    """The caller's address (uvicorn applies trusted proxy headers before this)."""
    return request.client.host if request.client else None
