"""Probe addresses by hand for ONVIF devices: cameras WS-Discovery cannot reach (other subnets, VLANs).

For each address and port (:mod:`.targets` parses what the integrator typed):

1. a TCP connect (:mod:`.portscan`, many at once, a short timeout);
2. on an open port, ``GetSystemDateAndTime`` to ``/onvif/device_service`` with no login (ONVIF
   Core requires every device to answer it so): a SOAP answer means an ONVIF device; an HTML page,
   a 404, a non-HTTP reply or silence is reported with the reason;
3. with a user name and password, ``GetServices``/``GetCapabilities``, ``GetDeviceInformation``
   and ``GetScopes`` through :class:`OnvifClient`, for the model, name and location.

Every step is bounded (timeouts, ``workers`` conversations at once) and ``cancel`` ends the probe
within a moment; a device still talking then is left to finish on its own and is not reported.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from enum import Enum
from threading import Event

import requests

from app.adapters.onvif.client import OnvifClient, OnvifEndpoint
from app.adapters.onvif.discovery import DiscoveredDevice, ProblemFn
from app.adapters.onvif.errors import OnvifAuthError, OnvifError, camera_words
from app.adapters.onvif.portscan import PortResult, PortState, scan
from app.adapters.onvif.problems import DiscoveryProblem, ProblemKind
from app.adapters.onvif.targets import DEFAULT_PORTS, Target
from app.adapters.onvif.wsdl import NS_DEVICE, SOAP11_ENV, SOAP12_ENV

log = logging.getLogger(__name__)

DEVICE_PATH = "/onvif/device_service"
MAX_ANSWER = 64 * 1024
ProbeProgressFn = Callable[[float, tuple[DiscoveredDevice, ...]], None]
_REQUEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<s:Envelope xmlns:s="{SOAP12_ENV}"><s:Body>'
    f'<GetSystemDateAndTime xmlns="{NS_DEVICE}"/>'
    "</s:Body></s:Envelope>"
).encode()
_TITLE = re.compile(rb"<title[^>]*>(.{0,120}?)</title>", re.IGNORECASE | re.DOTALL)


class Answer(Enum):
    ONVIF = "onvif"  # answered GetSystemDateAndTime
    LOGIN_FIRST = "login-first"  # a SOAP NotAuthorized fault: ONVIF, but wants a login for everything
    HTTP_LOGIN = "http-login"  # HTTP 401/403 without SOAP: a login page, or a camera asking digest
    NOT_ONVIF = "not-onvif"
    NOT_HTTP = "not-http"
    TIMEOUT = "timeout"


@dataclass(frozen=True)
class ProbeResult:
    devices: tuple[DiscoveredDevice, ...]
    silent: int  # addresses of ranges where no port took a connection (not listed one by one)
    cancelled: bool


def ask_device_service(
    url: str, *, timeout_s: float = 2.0, session: requests.Session | None = None
) -> tuple[Answer, str]:
    """(what answered at ``url``, the detail) for an unauthenticated GetSystemDateAndTime."""
    http = session or _session()
    headers = {
        "Content-Type": f'application/soap+xml; charset=utf-8; action="{NS_DEVICE}/GetSystemDateAndTime"'
    }
    try:
        with http.post(
            url, data=_REQUEST, headers=headers, timeout=timeout_s, allow_redirects=False, stream=True
        ) as response:
            body = response.raw.read(MAX_ANSWER, decode_content=True) or b""
            status = response.status_code
            kind = response.headers.get("Content-Type", "").split(";")[0].strip() or "no content type"
            server = response.headers.get("Server", "")
    except requests.Timeout:
        return Answer.TIMEOUT, f"{timeout_s:g} s"
    except requests.RequestException as exc:
        return Answer.NOT_HTTP, _reason(exc)
    finally:
        if session is None:
            http.close()
    return _classify(status, kind, server, body)


def _classify(status: int, kind: str, server: str, body: bytes) -> tuple[Answer, str]:
    described = f"HTTP {status}, {kind}" + (f", Server: {server}" if server else "")
    try:
        root = ET.fromstring(body.lstrip())
    except ET.ParseError:
        root = None
    if root is not None and root.tag in (f"{{{SOAP12_ENV}}}Envelope", f"{{{SOAP11_ENV}}}Envelope"):
        soap = root.tag.partition("}")[0][1:]
        answer = root.find(f"{{{soap}}}Body/{{{NS_DEVICE}}}GetSystemDateAndTimeResponse")
        if answer is not None:
            return Answer.ONVIF, described
        fault = root.find(f"{{{soap}}}Body/{{{soap}}}Fault")
        words = " ".join(t.strip() for t in fault.itertext() if t.strip()) if fault is not None else ""
        if fault is not None and ("NotAuthorized" in words or "not authorized" in words.lower()):
            return Answer.LOGIN_FIRST, f"{described}, SOAP fault: {words}"
        what = f"SOAP fault: {words}" if fault is not None else "SOAP answer without GetSystemDateAndTime"
        return Answer.NOT_ONVIF, f"{described}, {what}"
    if status in (401, 403):
        return Answer.HTTP_LOGIN, described
    title = _TITLE.search(body)
    if title:
        described += f", page “{title[1].decode('utf-8', 'replace').strip()}”"
    elif not body.strip():
        described += ", empty body"
    return Answer.NOT_ONVIF, described


def _reason(exc: requests.RequestException) -> str:
    text = str(exc)
    for marker in ("BadStatusLine", "RemoteDisconnected", "Connection reset", "Connection aborted"):
        if marker in text:
            return f"{marker}: the port does not speak HTTP"
    return camera_words(text, 200)


def _session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no proxies from the environment: the camera network is local
    session.headers["User-Agent"] = "CityWall-ONVIF/1"
    return session


def _device_url(netloc: str) -> str:
    return f"http://{netloc}{DEVICE_PATH}"


class _Probe:
    """The state of one probe run; callbacks stop the moment it is cancelled."""

    def __init__(
        self,
        targets: Sequence[Target],
        ports: Sequence[int],
        progress: ProbeProgressFn | None,
        on_problem: ProblemFn | None,
        cancel: Event,
    ) -> None:
        self.pairs = [(t.host, p) for t in targets for p in ((t.port,) if t.port else ports)]
        self.named = {t.host for t in targets if t.named}
        self.progress, self.on_problem, self.cancel = progress, on_problem, cancel
        self.lock = threading.Lock()
        self.scanned = 0
        self.asked = 0
        self.to_ask = 0
        self.reported = 0.0
        self.devices: dict[str, DiscoveredDevice] = {}
        self.open_hosts: set[str] = set()
        self.closed: dict[str, list[PortResult]] = {}

    def report(self) -> None:
        if self.cancel.is_set() or self.progress is None:
            return
        with self.lock:
            done = self.scanned + self.asked
            total = len(self.pairs) + self.to_ask
            self.reported = max(self.reported, done / total if total else 1.0)  # never goes back
            fraction, devices = min(self.reported, 1.0), self.found_devices()
        self.progress(fraction, devices)

    def problem(self, address: str, kind: ProblemKind, detail: str) -> None:
        item = DiscoveryProblem.of(address, kind, detail)
        log.info("probe: %s not understood (%s): %s", address, kind.value, item.detail)
        if self.on_problem is not None and not self.cancel.is_set():
            self.on_problem(item)

    def found_devices(self) -> tuple[DiscoveredDevice, ...]:
        """In address order, whichever answered first (call with the lock held)."""
        return tuple(sorted(self.devices.values(), key=_address_order))

    def found(self, device: DiscoveredDevice) -> None:
        with self.lock:
            self.devices[device.device_url or device.endpoint_reference] = device


def probe_addresses(
    targets: Sequence[Target],
    *,
    ports: Sequence[int] = DEFAULT_PORTS,
    username: str | None = None,
    password: str | None = None,
    connect_timeout_s: float = 1.0,
    timeout_s: float = 2.5,
    window: int = 128,
    workers: int = 8,
    progress: ProbeProgressFn | None = None,
    on_problem: ProblemFn | None = None,
    cancel: Event | None = None,
    client_factory: Callable[[OnvifEndpoint], OnvifClient] = OnvifClient,
) -> ProbeResult:
    """Probe ``targets`` (blocking: run it off the GUI thread); see the module's description."""
    cancel = cancel or Event()
    run = _Probe(targets, ports, progress, on_problem, cancel)
    run.report()
    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="onvif-probe")
    futures: list[Future[None]] = []
    login = (username, password) if username and password else None

    def identify(host: str, port: int) -> None:
        try:
            if not cancel.is_set():
                _identify(run, host, port, login, timeout_s, client_factory)
        except Exception:  # one odd device must not end the probe of the others
            log.exception("probe of %s:%s failed", host, port)
        finally:
            with run.lock:
                run.asked += 1
            run.report()

    try:
        for result in scan(run.pairs, timeout_s=connect_timeout_s, window=window, cancel=cancel):
            with run.lock:
                run.scanned += 1
                if result.state is PortState.OPEN:
                    run.to_ask += 1
                    run.open_hosts.add(result.host)
                else:
                    run.closed.setdefault(result.host, []).append(result)
            if result.state is PortState.OPEN:
                futures.append(pool.submit(identify, result.host, result.port))
            run.report()
        while not cancel.is_set() and not all(f.done() for f in futures):
            cancel.wait(0.05)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    if cancel.is_set():
        with run.lock:
            return ProbeResult(run.found_devices(), 0, cancelled=True)
    silent = 0
    for host, results in run.closed.items():
        if host in run.open_hosts:
            continue
        if host in run.named:
            _nothing_there(run, host, results)
        elif all(r.state is PortState.BLOCKED for r in results):
            run.problem(host, ProblemKind.BLOCKED, results[0].detail)
        else:
            silent += 1
    run.report()
    with run.lock:
        return ProbeResult(run.found_devices(), silent, cancelled=False)


def _address_order(device: DiscoveredDevice) -> tuple[int, str, str]:
    try:
        ip = ipaddress.ip_address(device.responder)
    except ValueError:
        return (2, device.responder, device.endpoint_reference)
    return (ip.version, f"{int(ip):040d}", device.endpoint_reference)


def _nothing_there(run: _Probe, host: str, results: list[PortResult]) -> None:
    states = {r.state for r in results}
    if states == {PortState.BLOCKED}:
        run.problem(host, ProblemKind.BLOCKED, results[0].detail)
    elif PortState.UNKNOWN_HOST in states:
        run.problem(host, ProblemKind.UNKNOWN_HOST, results[0].detail)
    else:
        ports = ", ".join(f"{r.port} {r.state.value}" for r in sorted(results, key=lambda r: r.port))
        run.problem(host, ProblemKind.NO_ANSWER, ports)


def _identify(
    run: _Probe,
    host: str,
    port: int,
    login: tuple[str, str] | None,
    timeout_s: float,
    client_factory: Callable[[OnvifEndpoint], OnvifClient],
) -> None:
    netloc = Target(host).netloc(port)
    url = _device_url(netloc)
    answer, detail = ask_device_service(url, timeout_s=timeout_s)
    if answer is Answer.TIMEOUT:
        return run.problem(netloc, ProblemKind.TIMEOUT, detail)
    if answer is Answer.NOT_HTTP:
        return run.problem(netloc, ProblemKind.NOT_HTTP, detail)
    if answer is Answer.NOT_ONVIF:
        return run.problem(netloc, ProblemKind.NOT_ONVIF, detail)
    if login is None and answer is not Answer.ONVIF:
        return run.problem(netloc, ProblemKind.AUTH_REQUIRED, detail)
    device = DiscoveredDevice(
        endpoint_reference=f"urn:citywall:probe:{url}",
        xaddrs=(url,),
        responder=host,
        found_by="probe",
    )
    if login is not None:
        sure = answer is Answer.ONVIF
        checked = _logged_in(run, device, netloc, login, timeout_s, client_factory, sure=sure)
        if checked is None:
            return None
        device = checked
    run.found(device)
    return None


def _logged_in(
    run: _Probe,
    device: DiscoveredDevice,
    netloc: str,
    login: tuple[str, str],
    timeout_s: float,
    client_factory: Callable[[OnvifEndpoint], OnvifClient],
    *,
    sure: bool,
) -> DiscoveredDevice | None:
    """The device with its information and scopes; None when it is not (known to be) an ONVIF device."""
    url = device.xaddrs[0]
    with client_factory(OnvifEndpoint(url, login[0], login[1], timeout_s=timeout_s, label=netloc)) as client:
        try:
            info = client.device_info()
        except OnvifAuthError as exc:
            if not sure:  # an HTTP login page that refused us: nothing says it is a camera
                run.problem(netloc, ProblemKind.AUTH_REFUSED, exc.detail)
                return None
            return replace(device, login_refused=True)
        except OnvifError as exc:
            if not sure:
                run.problem(netloc, ProblemKind.NOT_ONVIF, exc.detail or exc.message)
                return None
            log.info("probe: %s answered, but not its device information (%s)", netloc, exc.detail or exc)
            return device
        try:
            scopes = tuple(client.scopes())
        except OnvifError as exc:
            log.info("probe: %s gave no scopes (%s)", netloc, exc.detail or exc)
            scopes = ()
    return replace(device, info=info, scopes=scopes)
