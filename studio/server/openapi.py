"""The rendering server's OpenAPI description (served at /v1/openapi.json)."""

from __future__ import annotations

from typing import Any

from studio import __version__
from studio.core.channels import CHANNEL_NAMES

_PROBLEM = {
    "type": "object",
    "description": "What went wrong, located in a file of the package (or the request) and a line",
    "properties": {
        "problem": {
            "type": "object",
            "properties": {
                "path": {"type": "string"},
                "line": {"type": "integer"},
                "col": {"type": "integer"},
                "severity": {"type": "string"},
                "message": {"type": "string"},
            },
            "required": ["path", "line", "col", "severity", "message"],
        },
        "field": {
            "type": ["string", "null"],
            "description": "the request field at fault, e.g. data.customer.name",
        },
    },
    "required": ["problem"],
}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


_AUTH_ERRORS = {"401": _error("no bearer token, or not the server's")}

_RENDER_REQUEST = {
    "type": "object",
    "required": ["template", "channel", "data"],
    "properties": {
        "template": {"type": "string"},
        "channel": {"type": "string", "enum": list(CHANNEL_NAMES)},
        "data": {"type": "object", "description": "the record, checked against the schema"},
        "locale": {"type": "string", "description": "default: the project's default locale"},
        "package": {"type": "string", "description": "a package id; default: the active one"},
        "send_date": {"type": "string", "description": "the day it goes out, YYYY-MM-DD (or "
                      "YYYY-MM-DDTHH:MM, local time): the letter's date, the email's Date and "
                      "Message-ID; default: today in the project's time zone"},
        "id": {"description": "batch only: echoed in the record's result"},
    },
}

_SUMMARY = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "project": {"type": "string"},
        "commit": {"type": "string"},
        "tag": {"type": ["string", "null"]},
        "time": {"type": "string"},
        "templates": {"type": "object"},
        "active": {"type": "boolean"},
        "signed_by": {"type": "string", "description": "with --trusted-signers: the trusted "
                      "principal whose key signed the manifest (upload answers)"},
    },
}

_BINARY = {"schema": {"type": "string", "format": "binary"}}

OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Missiva rendering server",
        "version": __version__,
        "description": "Renders the templates of verified Missiva packages: the same bytes as "
        "`missiva render` for the same package version, record and locale.",
    },
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Problem": _PROBLEM,
            "RenderRequest": _RENDER_REQUEST,
            "PackageSummary": _SUMMARY,
        },
    },
    "security": [{"bearer": []}],
    "paths": {
        "/v1/health": {
            "get": {
                "summary": "Liveness (no token needed)",
                "security": [],
                "responses": {"200": {"description": "the server is up"}},
            }
        },
        "/v1/openapi.json": {
            "get": {
                "summary": "This description (no token needed)",
                "security": [],
                "responses": {"200": {"description": "OpenAPI 3.1"}},
            }
        },
        "/v1/packages": {
            "get": {
                "summary": "The packages in the store, and the active one",
                "responses": {"200": {"description": "packages"}, **_AUTH_ERRORS},
            },
            "post": {
                "summary": "Upload a package (the bytes `missiva export` writes)",
                "requestBody": {"required": True, "content": {"application/zip": _BINARY}},
                "responses": {
                    "201": {
                        "description": "verified and stored ({id, created, …}; created is "
                        "false when the store already had it)",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/PackageSummary"}
                            }
                        },
                    },
                    "403": _error("with --trusted-signers: not signed by a trusted key "
                                  "(or altered after signing), or sign-off evidence that does "
                                  "not cover a regulatory block"),
                    "413": _error("over a size or member-count limit"),
                    "422": _error("refused: not a zip, unsafe member, hash mismatch, bad "
                                  "manifest, project errors"),
                    **_AUTH_ERRORS,
                },
            },
        },
        "/v1/packages/{id}": {
            "get": {
                "summary": "A package's manifest",
                "parameters": [{"name": "id", "in": "path", "required": True,
                                "schema": {"type": "string"}}],
                "responses": {"200": {"description": "manifest.json"},
                              "404": _error("no such package"), **_AUTH_ERRORS},
            }
        },
        "/v1/packages/{id}/activate": {
            "post": {
                "summary": "Make a package the one renders use by default",
                "parameters": [{"name": "id", "in": "path", "required": True,
                                "schema": {"type": "string"}}],
                "responses": {"200": {"description": "{active: id}"},
                              "403": _error("with --trusted-signers: a package the server "
                                            "cannot trace to an approved, signed export"),
                              "404": _error("no such package"), **_AUTH_ERRORS},
            }
        },
        "/v1/render": {
            "post": {
                "summary": "Render one record",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/RenderRequest"}
                        }
                    },
                },
                "responses": {
                    "200": {
                        "description": "the rendition; X-Missiva-Facts holds its facts as "
                        "JSON, X-Missiva-Package the package id",
                        "content": {
                            "application/pdf": _BINARY,
                            "message/rfc822": _BINARY,
                            "text/html; charset=utf-8": {"schema": {"type": "string"}},
                            "text/plain; charset=utf-8": {"schema": {"type": "string"}},
                        },
                    },
                    "400": _error("not a JSON object"),
                    "404": _error("no such package"),
                    "409": _error("no package given and none active"),
                    "422": _error("a bad field (template, channel, locale, data.…) or a "
                                  "template error, with file and line"),
                    **_AUTH_ERRORS,
                },
            }
        },
        "/v1/batch": {
            "post": {
                "summary": "Render many records: NDJSON in, one result per line out",
                "parameters": [
                    {"name": name, "in": "query", "required": False,
                     "schema": {"type": "string"},
                     "description": f"default {name} for lines that do not give one"}
                    for name in ("template", "channel", "locale", "package", "send_date")
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/x-ndjson": {
                            "schema": {"$ref": "#/components/schemas/RenderRequest"}
                        }
                    },
                },
                "responses": {
                    "200": {
                        "description": "NDJSON (default; one object a line, in input order: "
                        "line, ok, status, facts, content_base64 or problem and field — a line "
                        "that is not a JSON object is a 400 result, a bad record a 422 one) or, "
                        "with Accept: application/zip, a zip of the renditions and "
                        "results.ndjson",
                        "content": {"application/x-ndjson": {}, "application/zip": _BINARY},
                    },
                    "404": _error("no such package"),
                    "409": _error("no package given and none active"),
                    "413": _error("too many records or bytes"),
                    **_AUTH_ERRORS,
                },
            }
        },
    },
}
