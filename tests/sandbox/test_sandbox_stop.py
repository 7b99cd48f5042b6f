"""Stopping a farm: requests in flight are answered before the database closes."""

import json
import socket
import threading
import time

import requests

from rayvision_api import signature
from rayvision_sandbox import Sandbox

PROFILE = "/api/render/user/queryUserProfile"


def _slow_profile_request(farm, answers):
    """POST a signed queryUserProfile (no SDK retries) and keep what came back."""
    headers = signature.sign_headers(signature.build_headers(farm.access_id, farm.platform),
                                     farm.access_key, farm.domain, PROFILE, {})
    try:
        answers.append(requests.post(farm.url + PROFILE, data=json.dumps({}), headers=headers,
                                     timeout=30))
    except requests.RequestException as exc:
        answers.append(exc)


def _start_in_flight(farm, latency):
    farm.faults.set(latency=latency)
    answers = []
    client = threading.Thread(target=_slow_profile_request, args=(farm, answers))
    client.start()
    deadline = time.time() + 10
    while not farm._server.in_flight() and time.time() < deadline:
        time.sleep(0.01)
    assert farm._server.in_flight() == 1
    return client, answers


def _port_is_free(port):
    """Nothing listens on the port and a server may take it again (as a farm binds)."""
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            return False
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def test_stop_answers_a_request_in_flight_then_closes():
    # stop() cut the connections and closed the database while a request was still being
    # handled: the client lost its answer (or got a 500 from the closed database).
    farm = Sandbox(seconds_per_frame=0.01).start()
    port = farm.port
    client, answers = _start_in_flight(farm, 0.8)
    started = time.time()
    farm.stop()
    client.join(10)
    assert len(answers) == 1 and isinstance(answers[0], requests.Response), answers
    assert answers[0].status_code == 200 and answers[0].json()["code"] == 200
    assert answers[0].json()["data"]["userName"] == "sandbox"
    assert time.time() - started < 5
    assert _port_is_free(port)
    assert farm.store is None


def test_stop_waits_for_requests_in_flight_only_a_bounded_time():
    farm = Sandbox(seconds_per_frame=0.01).start()
    farm.stop_grace = 0.5
    client, answers = _start_in_flight(farm, 3.0)
    started = time.time()
    farm.stop()
    assert time.time() - started < 2.5
    client.join(10)
    assert len(answers) == 1
