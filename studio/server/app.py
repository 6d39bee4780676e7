"""The reference rendering server: a Starlette application over the store and the render pool."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hmac
import json
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import BrokenExecutor, Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio.to_thread
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from studio import __version__
from studio.core.batch import BatchSpec, Item, Produced, render_partition
from studio.core.channels import CHANNEL_NAMES
from studio.core.limits import (
    DEFAULT_MEMORY_MB,
    MAX_DEPTH,
    depth_message,
    json_depth,
    may_hold_unencodable,
    text_problem,
)
from studio.core.package import (
    MANIFEST,
    Limits,
    Package,
    PackageTooLarge,
    deterministic_zip,
    read_package,
)
from studio.core.problems import Problem, ProblemError, error
from studio.core.provenance import ProvenanceError, check_evidence, package_signer
from studio.core.senddate import SendDateError, parse_send_date
from studio.server.openapi import OPENAPI
from studio.server.rendering import (
    Outcome,
    default_workers,
    executor,
    outcome_of,
    request_item,
    stop_pool,
)
from studio.server.store import Store, valid_id

_MIB = 1024 * 1024
Handler = Callable[[Request], Awaitable[Response]]
Job = tuple[BatchSpec, Item]  # one rendition to ask of a worker (studio.core.batch)
NOT_AN_OBJECT = "data: the record must be a JSON object"


@dataclass(frozen=True)
class ServerSettings:
    store: Path
    token: str
    workers: int = field(default_factory=default_workers)
    limits: Limits = field(default_factory=Limits)
    max_request_bytes: int = 4 * _MIB  # one /v1/render body
    max_batch_bytes: int = 64 * _MIB  # one /v1/batch body
    max_batch_records: int = 100_000
    # A Dask scheduler (tcp://HOST:8786): /v1/batch sends its chunks there, as `missiva batch
    # --scheduler` does; single renders stay in the server's own workers.
    scheduler: str | None = None
    # An allowed-signers file (`--trusted-signers`): packages must be signed by one of its keys
    # and carry sign-off evidence covering their regulatory blocks. None: any consistent
    # package is accepted, as before.
    trusted_signers: Path | None = None
    time_limit: float | None = None  # seconds a rendition may take (None: the package's limits)
    memory_mb: int = DEFAULT_MEMORY_MB  # address space a render worker may add after start-up


class Refused(Exception):
    """Answer the request with this status and problem."""

    def __init__(self, status: int, problem: Problem, field: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(problem.message)
        self.status, self.problem, self.field, self.headers = status, problem, field, headers


def _refused(status: int, message: str, field: str | None = None, where: str = "(request)",
             line: int = 0, col: int = 0) -> Refused:
    return Refused(status, error(where, line, col, message), field)


def problem_response(status: int, problem: Problem, field: str | None = None,
                     headers: dict[str, str] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"problem": problem.as_json()}
    if field is not None:
        body["field"] = field
    return JSONResponse(body, status_code=status, headers=headers)


class Server:
    """The application's state: settings, store and the executor renders run in."""

    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        self.store = Store(settings.store)
        self.pool: Executor | None = None
        self.dask: Any = None  # a distributed.Client when settings.scheduler is set
        # Provenance verdicts per package id (a package never changes), for the trusted-signers
        # file as it was when judged: editing the file judges again.
        self._trusted: dict[str, tuple[tuple[int, int], str | ProblemError]] = {}

    # Plumbing -----------------------------------------------------------------------------

    def authorize(self, request: Request) -> None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        challenge = {"WWW-Authenticate": 'Bearer realm="missiva"'}
        if scheme.lower() != "bearer" or not token.strip():
            raise Refused(401, error("(request)", 0, 0, "a bearer token is required "
                                     "(Authorization: Bearer <token>)"), headers=challenge)
        if not hmac.compare_digest(token.strip().encode(), self.settings.token.encode()):
            raise Refused(401, error("(request)", 0, 0, "the token is not valid"),
                          headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})

    async def body(self, request: Request, limit: int, what: str) -> bytes:
        """The request body, up to LIMIT bytes; past it the rest is read and dropped (so the
        client, still sending, gets a clean 413 rather than a broken connection)."""
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size <= limit:
                chunks.append(chunk)
        if size > limit:
            raise Refused(413, error("(request)", 0, 0,
                                     f"{what} of {size} bytes is over the limit of {limit}"))
        return b"".join(chunks)

    def package_for(self, requested: Any) -> str:
        if requested is not None:
            if not isinstance(requested, str) or not self.store.has(requested):
                raise _refused(404, f"no package {requested!r} in the store", "package")
            return requested
        active = self.store.active()
        if active is None:
            raise _refused(409, "no package is active: activate one, or name it (package)",
                           "package")
        return active

    # Provenance (--trusted-signers) ----------------------------------------------------------

    def _signers_stamp(self) -> tuple[int, int]:
        assert self.settings.trusted_signers is not None
        try:
            found = self.settings.trusted_signers.stat()
        except OSError:
            return (0, 0)
        return (found.st_mtime_ns, found.st_size)

    def signer_of(self, package: Package) -> str | None:
        """The trusted principal who signed an uploaded package (None: no trusted signers are
        configured); ProvenanceError when it is not signed by one."""
        if self.settings.trusted_signers is None:
            return None
        return package_signer(package.manifest_bytes, package.signature,
                              self.settings.trusted_signers)

    def stored_signer(self, package_id: str) -> str | None:
        """The same judgement for a package in the store (activation, rendering by id), cached
        per package id and trusted-signers file; Refused with 403 when it cannot be trusted."""
        if self.settings.trusted_signers is None:
            return None
        stamp = self._signers_stamp()
        known = self._trusted.get(package_id)
        if known is None or known[0] != stamp:
            from studio.core.project import load_project

            folder = self.store.folder(package_id)
            try:
                manifest_bytes = (folder / MANIFEST).read_bytes()
                signer = package_signer(manifest_bytes, self.store.signature(package_id),
                                        self.settings.trusted_signers)
                check_evidence(load_project(folder), self.store.manifest(package_id))
                verdict: str | ProblemError = signer
            except ProblemError as exc:
                verdict = exc
            known = (stamp, verdict)
            self._trusted[package_id] = known
        if isinstance(known[1], ProblemError):
            raise Refused(403, known[1].problem)
        return known[1]

    async def require_trusted(self, package_id: str) -> None:
        if self.settings.trusted_signers is not None:
            await anyio.to_thread.run_sync(self.stored_signer, package_id)

    async def render(self, job: Job) -> Outcome:
        [outcome] = await self.render_many([job])
        return outcome

    async def render_many(self, jobs: list[Job], *, batch: bool = False) -> list[Outcome]:
        """Render JOBS with the batch's worker task, `render_partition`, a task for each run of
        jobs with the same template, channel and locale (a batch sends records in chunks: one
        process hop for several light renditions). A batch's chunks go to the Dask cluster when
        there is one: a partition a task, never a record a task, as `missiva batch` does."""
        partitions: list[tuple[BatchSpec, list[Item]]] = []
        for spec, item in jobs:
            if partitions and partitions[-1][0] == spec:
                partitions[-1][1].append(item)
            else:
                partitions.append((spec, [item]))
        if batch and self.dask is not None:
            return await self._on_dask(partitions, len(jobs))
        loop = asyncio.get_running_loop()
        pool = self.pool
        assert pool is not None
        try:
            produced = await asyncio.gather(*(
                loop.run_in_executor(pool, render_partition, spec, items)
                for spec, items in partitions))
        except BrokenExecutor:
            # A worker died (killed, out of memory): these requests fail, the next get a
            # fresh pool rather than the same error for ever.
            if self.pool is pool:
                self.pool = executor(self.settings.workers, self.settings.memory_mb)
                pool.shutdown(wait=False, cancel_futures=True)
            problem = error("(server)", 0, 0, "a render worker stopped; try again")
            return [Outcome(503, problem=problem) for _ in jobs]
        except ProblemError as exc:  # the package's project does not load
            return [Outcome(422, problem=exc.problem) for _ in jobs]
        except Exception as exc:  # noqa: BLE001 - a bug must not take the server down
            problem = error("(server)", 0, 0, f"internal error: {exc!r}")
            return [Outcome(500, problem=problem) for _ in jobs]
        return [outcome_of(p) for part in produced for p in part]

    async def _on_dask(self, partitions: list[tuple[BatchSpec, list[Item]]],
                       count: int) -> list[Outcome]:
        futures = [self.dask.submit(render_partition, spec, items, pure=False)
                   for spec, items in partitions]
        try:
            produced: list[list[Produced]] = await anyio.to_thread.run_sync(
                self.dask.gather, futures)
        except Exception as exc:  # noqa: BLE001 - a lost worker or scheduler: say so per record
            problem = error("(server)", 0, 0, f"the Dask cluster did not render: {exc}")
            return [Outcome(503, problem=problem) for _ in range(count)]
        return [outcome_of(p) for part in produced for p in part]

    def batch_workers(self) -> int:
        if self.dask is not None:
            return max(1, len(self.dask.scheduler_info().get("workers", {})))
        return max(1, self.settings.workers)

    # Endpoints ----------------------------------------------------------------------------

    async def health(self, request: Request) -> Response:
        return JSONResponse({"status": "ok", "version": __version__})

    async def openapi(self, request: Request) -> Response:
        return JSONResponse(OPENAPI)

    async def upload(self, request: Request) -> Response:
        self.authorize(request)
        data = await self.body(request, self.settings.limits.max_package_bytes, "package")
        try:
            package = await anyio.to_thread.run_sync(read_package, data, self.settings.limits)
            signer = await anyio.to_thread.run_sync(self.signer_of, package)
            check = (None if self.settings.trusted_signers is None
                     else lambda project: check_evidence(project, package.manifest))
            created = await anyio.to_thread.run_sync(self.store.add, package, check)
            if (signer is not None and package.signature is not None
                    and package.signature != self.store.signature(package.id)):
                # Stored before, unsigned or signed otherwise: keep the signature just checked.
                await anyio.to_thread.run_sync(self.store.set_signature, package.id,
                                               package.signature)
        except PackageTooLarge as exc:
            raise Refused(413, exc.problem) from None
        except ProvenanceError as exc:
            raise Refused(403, exc.problem) from None
        except ProblemError as exc:
            raise Refused(422, exc.problem) from None
        except (OSError, RecursionError, MemoryError) as exc:
            # Verified bytes this system still cannot lay out as files: the package's problem.
            raise _refused(422, f"the package cannot be extracted: {exc}") from None
        self._trusted.pop(package.id, None)
        summary = {**package.summary(), "created": created}
        if signer is not None:
            summary["signed_by"] = signer
        return JSONResponse(summary, status_code=201)

    def _summary(self, package_id: str, active: str | None) -> dict[str, Any]:
        manifest = self.store.manifest(package_id)
        return {
            "id": package_id,
            "project": manifest.get("project"),
            "commit": manifest.get("commit"),
            "tag": manifest.get("tag"),
            "time": manifest.get("time"),
            "templates": manifest.get("templates"),
            "active": package_id == active,
        }

    async def packages(self, request: Request) -> Response:
        self.authorize(request)
        active = self.store.active()
        listed = [self._summary(i, active) for i in self.store.ids()]
        return JSONResponse({"active": active, "packages": listed})

    async def manifest(self, request: Request) -> Response:
        self.authorize(request)
        package_id = request.path_params["id"]
        if not self.store.has(package_id):
            raise _refused(404, f"no package {package_id!r} in the store", "id")
        return JSONResponse(self.store.manifest(package_id))

    async def activate(self, request: Request) -> Response:
        self.authorize(request)
        package_id = request.path_params["id"]
        if not self.store.has(package_id):
            raise _refused(404, f"no package {package_id!r} in the store", "id")
        await self.require_trusted(package_id)
        await anyio.to_thread.run_sync(self.store.activate, package_id)
        return JSONResponse({"active": package_id})

    async def render_one(self, request: Request) -> Response:
        self.authorize(request)
        data = await self.body(request, self.settings.max_request_bytes, "request")
        if json_depth(data, MAX_DEPTH + 1) is not None:
            # The record may nest MAX_DEPTH levels inside the request object; more would only
            # take a parser or a validator's recursion down.
            raise _refused(422, f"data: {depth_message()}", "data")
        try:
            body = json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            line, col = getattr(exc, "lineno", 0), getattr(exc, "colno", 0)
            raise _refused(400, f"the request is not JSON: {exc}", None, "(request)",
                           line, col) from None
        if not isinstance(body, dict):
            raise _refused(400, "the request must be a JSON object")
        for name in ("template", "channel", "data"):
            if name not in body:
                raise _refused(422, f"{name}: missing", name)
        unusable = _unusable_field(data, body)
        if unusable is not None:
            raise _refused(422, unusable[1], unusable[0])
        if body["channel"] not in CHANNEL_NAMES:
            raise _refused(422, f"channel: {body['channel']!r} is not one of "
                           f"{', '.join(CHANNEL_NAMES)}", "channel")
        package_id = self.package_for(body.get("package"))
        await self.require_trusted(package_id)
        if not isinstance(body["data"], dict):
            raise _refused(422, NOT_AN_OBJECT, "data", "(record)", 1)
        sent, wrong = _send_date(body.get("send_date"))
        if wrong is not None:
            raise _refused(422, wrong, "send_date")
        outcome = await self.render(request_item(
            str(self.store.root), package_id, body["template"], body["channel"],
            body["data"], body.get("locale"), time_limit=self.settings.time_limit,
            send_date=sent))
        if not outcome.ok:
            assert outcome.problem is not None
            return problem_response(outcome.status, outcome.problem, outcome.field)
        facts = json.dumps(outcome.facts, ensure_ascii=True, default=str)
        return Response(outcome.content, media_type=outcome.media_type, headers={
            "X-Missiva-Package": package_id,
            "X-Missiva-Facts": facts,
        })

    async def batch(self, request: Request) -> Response:
        self.authorize(request)
        settings = self.settings
        data = await self.body(request, settings.max_batch_bytes, "batch")
        defaults = {k: request.query_params.get(k)
                    for k in ("template", "channel", "locale", "send_date")}
        wrong = _send_date(defaults["send_date"])[1]
        if wrong is not None:
            raise _refused(422, wrong, "send_date")
        package_id = self.package_for(request.query_params.get("package"))
        await self.require_trusted(package_id)
        lines = [(n, text) for n, text in enumerate(data.split(b"\n"), 1) if text.strip()]
        if len(lines) > settings.max_batch_records:
            raise _refused(413, f"{len(lines)} records: over the limit of "
                           f"{settings.max_batch_records} a batch")
        jobs = await anyio.to_thread.run_sync(  # parsing up to the batch limit: off the loop
            lambda: [self._batch_job(package_id, n, text, defaults) for n, text in lines])
        as_zip = "application/zip" in request.headers.get("accept", "")
        workers = self.batch_workers()
        window = 2 * workers
        # Chunks big enough to save process hops, small enough to keep every worker busy.
        size = max(1, min(16, len(jobs) // (4 * workers)))
        if as_zip:
            results = [r async for r in self._in_order(jobs, window, size)]
            archive = await anyio.to_thread.run_sync(_batch_zip, results)
            return Response(archive, media_type="application/zip",
                            headers={"X-Missiva-Package": package_id})
        return StreamingResponse(
            (json.dumps(_result_json(line, given, o, with_content=True),
                        ensure_ascii=False) + "\n"
             async for line, given, o in self._in_order(jobs, window, size)),
            media_type="application/x-ndjson",
            headers={"X-Missiva-Package": package_id},
        )

    def _batch_job(self, package_id: str, line: int, text: bytes,
                   defaults: dict[str, str | None]) -> tuple[int, Any, Job | Outcome]:
        if json_depth(text, MAX_DEPTH + 1) is not None:
            return line, None, Outcome(422, problem=error("(batch)", line, 0,
                                                          f"data: {depth_message()}"),
                                       field="data")
        try:
            value = json.loads(text)
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            return line, None, Outcome(400, problem=error("(batch)", line, 0,
                                                          f"not JSON: {exc}"))
        if not isinstance(value, dict):
            return line, None, Outcome(400, problem=error("(batch)", line, 0,
                                                          "a line must be a JSON object"))
        unusable = _unusable_field(text, value)
        if unusable is not None:
            return line, None, Outcome(422, problem=error("(batch)", line, 0, unusable[1]),
                                       field=unusable[0])
        given = value.get("id")
        for name in ("template", "channel", "data"):
            if value.get(name, defaults.get(name)) is None:
                return line, given, Outcome(422, problem=error("(batch)", line, 0,
                                                               f"{name}: missing"), field=name)
        if not isinstance(value["data"], dict):
            return line, given, Outcome(422, problem=error("(batch)", line, 0, NOT_AN_OBJECT),
                                        field="data")
        sent, wrong = _send_date(value.get("send_date", defaults["send_date"]))
        if wrong is not None:
            return line, given, Outcome(422, problem=error("(batch)", line, 0, wrong),
                                        field="send_date")
        return line, given, request_item(
            str(self.store.root), package_id,
            value.get("template", defaults["template"]),
            value.get("channel", defaults["channel"]),
            value["data"], value.get("locale", defaults["locale"]), "(batch)", line,
            self.settings.time_limit, sent)

    async def _in_order(
        self, jobs: list[tuple[int, Any, Job | Outcome]], window: int, size: int
    ) -> AsyncIterator[tuple[int, Any, Outcome]]:
        """Run the jobs in chunks of SIZE, at most WINDOW chunks in flight; results in input
        order."""
        Chunk = list[tuple[int, Any, Job | Outcome]]
        pending: deque[tuple[Chunk, asyncio.Future[list[Outcome]]]] = deque()

        async def emit(chunk: Chunk, future: asyncio.Future[list[Outcome]]) -> list[Any]:
            outcomes = iter(await future)
            return [(line, given, job if isinstance(job, Outcome) else next(outcomes))
                    for line, given, job in chunk]

        try:
            for start in range(0, len(jobs), size):
                chunk = jobs[start : start + size]
                requests = [job for _, _, job in chunk if not isinstance(job, Outcome)]
                pending.append((chunk, asyncio.ensure_future(
                    self.render_many(requests, batch=True))))
                while len(pending) >= window:
                    for result in await emit(*pending.popleft()):
                        yield result
            while pending:
                for result in await emit(*pending.popleft()):
                    yield result
        finally:
            for _, future in pending:  # the client went away: drop what is queued
                future.cancel()


def _send_date(value: Any) -> tuple[str | None, str | None]:
    """A request's send_date as (ISO date, None), or (None, the message refusing it); none
    given is today where the package is rendered (its project's time zone)."""
    if value is None:
        return None, None
    try:
        return parse_send_date(value if isinstance(value, str) else repr(value)), None
    except SendDateError as exc:
        return None, f"send_date: {exc}"


def _unusable_field(text: bytes, body: dict[str, Any]) -> tuple[str, str] | None:
    """(field, message) for a request field holding text no answer can carry (a lone
    surrogate): "data.customer.name", "id" … Only text that may hold one is walked."""
    if not may_hold_unencodable(text):
        return None
    found = text_problem(body)
    return None if found is None else (found[0], f"{found[0]}: {found[1]}")


def _result_json(line: int, given: Any, outcome: Outcome, *,
                 with_content: bool) -> dict[str, Any]:
    result: dict[str, Any] = {"line": line}
    if given is not None:
        result["id"] = given
    result.update(ok=outcome.ok, status=outcome.status)
    if outcome.ok:
        result.update(template=outcome.template, channel=outcome.channel,
                      locale=outcome.locale, media_type=outcome.media_type,
                      facts=dict(outcome.facts), warnings=list(outcome.warnings))
        if with_content:
            result["content_base64"] = base64.b64encode(outcome.content).decode("ascii")
    else:
        assert outcome.problem is not None
        result["problem"] = outcome.problem.as_json()
        if outcome.field is not None:
            result["field"] = outcome.field
    return result


def _batch_zip(results: list[tuple[int, Any, Outcome]]) -> bytes:
    members: list[tuple[str, bytes]] = []
    index: list[str] = []
    for line, given, outcome in results:
        entry = _result_json(line, given, outcome, with_content=False)
        if outcome.ok:
            name = (f"{line:06d}-{outcome.template.replace('/', '_')}-{outcome.channel}."
                    f"{outcome.extension}")
            members.append((name, outcome.content))
            entry["file"] = name
        index.append(json.dumps(entry, ensure_ascii=False))
    members.append(("results.ndjson", ("\n".join(index) + "\n").encode("utf-8")))
    return deterministic_zip(members)


def create_app(settings: ServerSettings) -> Starlette:
    server = Server(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        server.pool = executor(settings.workers, settings.memory_mb)
        if settings.scheduler:
            from distributed import Client

            server.dask = await anyio.to_thread.run_sync(
                lambda: Client(settings.scheduler, timeout="30s", set_as_default=False))
        try:
            yield
        finally:
            if server.dask is not None:
                await anyio.to_thread.run_sync(server.dask.close)
            # Stop the workers whatever they are doing (a runaway rendition must not hold the
            # exit), and wait for them: exiting first would leave workers behind.
            pool = server.pool
            await anyio.to_thread.run_sync(lambda: stop_pool(pool))

    def guarded(handler: Handler) -> Handler:
        async def run(request: Request) -> Response:
            try:
                return await handler(request)
            except Refused as exc:
                return problem_response(exc.status, exc.problem, exc.field, exc.headers)
        return run

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        detail = exc.detail if isinstance(exc, HTTPException) else "internal error"
        return problem_response(status, error("(request)", 0, 0, str(detail)))

    routes = [
        Route("/v1/health", guarded(server.health), methods=["GET"]),
        Route("/v1/openapi.json", guarded(server.openapi), methods=["GET"]),
        Route("/v1/packages", guarded(server.packages), methods=["GET"]),
        Route("/v1/packages", guarded(server.upload), methods=["POST"]),
        Route("/v1/packages/{id}", guarded(server.manifest), methods=["GET"]),
        Route("/v1/packages/{id}/activate", guarded(server.activate), methods=["POST"]),
        Route("/v1/render", guarded(server.render_one), methods=["POST"]),
        Route("/v1/batch", guarded(server.batch), methods=["POST"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={HTTPException: http_error, Exception: http_error})
    app.state.server = server
    return app


__all__ = ["ServerSettings", "create_app", "valid_id"]
