"""R-E6: health, docs, OpenAPI; the error body shape for unknown routes; the dashboard fallback."""

from __future__ import annotations

import httpx

from tests.conftest import sql


async def test_health_is_ok_once_migrated(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/health")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


async def test_docs_and_openapi(client: httpx.AsyncClient) -> None:
    assert (await client.get("/docs")).status_code == 200
    schema = (await client.get("/openapi.json")).json()
    for path in [
        "/api/v1/auth/send-verification-code",
        "/api/v1/auth/login",
        "/api/v1/companies/",
        "/api/v1/companies/{company_id}",
        "/api/v1/admin/assignments",
        "/api/v1/oauth/{provider}/login",
    ]:
        assert path in schema["paths"], path


async def test_unknown_api_path_uses_the_error_shape(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/does-not-exist")
    assert r.status_code == 404
    assert r.json() == {"error": "NotFound", "detail": "No such API endpoint."}
    r = await client.put("/api/v1/auth/login")
    assert r.status_code == 405 and r.json()["error"] == "MethodNotAllowed"


async def test_dashboard_routes_fall_back_to_the_app(client: httpx.AsyncClient) -> None:
    r = await client.get("/companies/new")
    assert r.status_code == 200
    assert "text/html" in r.headers["content-type"]


async def test_dashboard_cannot_serve_files_outside_its_folder(client: httpx.AsyncClient) -> None:
    r = await client.get("/..%2F..%2Fpyproject.toml")
    assert "x8-network" not in r.text


async def test_runtime_role_is_not_privileged(owner_url: str) -> None:
    rows = sql(
        owner_url,
        "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolcanlogin FROM pg_roles WHERE rolname = 'x8_app'",
    )
    assert rows == [(False, False, False, False, True)]
    owned = sql(
        owner_url,
        "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = 'x8_app'",
    )
    assert owned == [(0,)]


async def test_a_wrong_method_is_405_and_an_unknown_api_path_404(client: httpx.AsyncClient) -> None:
    """R-R5: the dashboard's catch-all answers GETs, but a GET to a POST-only endpoint is still a 405."""
    r = await client.get("/api/v1/auth/refresh")
    assert r.status_code == 405 and r.headers["Allow"] == "POST" and r.json()["error"] == "MethodNotAllowed"
    assert (await client.put("/api/v1/auth/refresh")).status_code == 405
    assert (await client.get("/api/v1/no-such-thing")).status_code == 404


async def test_a_405_names_every_method_of_the_path(client: httpx.AsyncClient) -> None:
    """R-R5: Starlette's 405 names the first route that matched the path; ours lists all of them, for any method
    (OPTIONS too), and a fixed path beside an id path is not taken for an id."""
    for method, path, allow in [
        ("OPTIONS", "/api/v1/companies/", "GET, POST"),
        ("PUT", "/api/v1/companies/00000000-0000-0000-0000-000000000000", "DELETE, GET, PATCH"),
        ("TRACE", "/api/v1/knowledge-base/00000000-0000-0000-0000-000000000000/rows/x", "DELETE, PATCH"),
        ("DELETE", "/api/v1/knowledge-base/list", "GET"),
        ("GET", "/api/v1/knowledge-base/upload-csv", "POST"),
        ("DELETE", "/api/v1/conversations/events", "GET"),
    ]:
        r = await client.request(method, path)
        assert (r.status_code, r.headers.get("Allow")) == (405, allow), (method, path, r.text)
        assert r.json()["error"] == "MethodNotAllowed"
    # Not an id, and no endpoint has the path: 404 whatever the method.
    assert (await client.delete("/api/v1/knowledge-base/not-an-id")).status_code == 404


async def test_the_schema_documents_what_the_server_enforces(client: httpx.AsyncClient) -> None:
    """R-R5: a body that cannot be read is a 400 for every operation that takes one; the rules validators enforce
    (time zones, channels, passwords) are in the schema; a created company's id is what company_id takes."""
    schema = (await client.get("/openapi.json")).json()
    operations = [(m, p, op) for p, item in schema["paths"].items() for m, op in item.items()]
    assert [f"{m} {p}" for m, p, op in operations if "requestBody" in op and "400" not in op["responses"]] == []
    r = await client.post("/api/v1/auth/login", content=b"\xff{", headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    components = schema["components"]["schemas"]
    assert "Europe/Berlin" in components["TimeZone"]["enum"] and "localtime" not in components["TimeZone"]["enum"]
    assert "web" not in components["SelectableChannel"]["enum"]
    channels = components["CompanyCreate"]["properties"]["channels"]
    assert channels["uniqueItems"] and channels["items"] == {"$ref": "#/components/schemas/SelectableChannel"}
    password = components["CompleteRegistrationIn"]["properties"]["password"]
    assert (password["minLength"], password["maxLength"]) == (8, 128) and "pattern" in password
    links = schema["paths"]["/api/v1/companies/"]["post"]["responses"]["201"]["links"]
    assert {"path.company_id": "$response.body#/id"} in [link["parameters"] for link in links.values()]


async def test_every_authenticated_operation_documents_401(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    missing = [
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if operation.get("security") and "401" not in operation["responses"]
    ]
    assert missing == []
