"""How many times reconciliation asks the farm after a lost answer (``reconcile.settle``).

After a read timeout the farm may still be running the request, so "not done" is believed
only once the client has waited as long again; after any other loss one look is enough.
"""

import time

import pytest
import requests

from helpers.api_reference import ACCESS_ID, ACCESS_KEY, DOMAIN
from rayvision_api.connect import Connect
from rayvision_api.reconcile import Verdict, settle


def scripted_check(states):
    """A check answering ``states`` in turn (the last one repeats), and its call list."""
    calls = []

    def check(lookup, body):
        calls.append(body)
        return Verdict(states[min(len(calls), len(states)) - 1])

    return check, calls


def lost(kind):
    error = RuntimeError("answer lost")
    error.__cause__ = kind("lost")
    return error


def test_after_a_reset_one_look_decides():
    connect = Connect(ACCESS_ID, ACCESS_KEY, "https", DOMAIN, "2", timeout=30)
    waits = []
    connect._sleep = waits.append
    check, calls = scripted_check([Verdict.NOT_DONE, Verdict.DONE])
    verdict = settle(connect, None, check, {}, lost(requests.exceptions.ConnectionError))
    assert verdict.state == Verdict.NOT_DONE
    assert len(calls) == 1 and waits == []


def test_after_a_timeout_it_asks_until_the_change_shows():
    connect = Connect(ACCESS_ID, ACCESS_KEY, "https", DOMAIN, "2", timeout=30)
    waits = []
    connect._sleep = waits.append
    check, calls = scripted_check([Verdict.NOT_DONE] * 3 + [Verdict.DONE])
    verdict = settle(connect, None, check, {}, lost(requests.exceptions.ReadTimeout))
    assert verdict.state == Verdict.DONE
    assert len(calls) == 4 and len(waits) == 3
    assert all(0 < wait <= connect.backoff_max for wait in waits)


@pytest.mark.timeout(30)
def test_after_a_timeout_not_done_is_believed_after_one_more_timeout():
    connect = Connect(ACCESS_ID, ACCESS_KEY, "https", DOMAIN, "2", timeout=0.4,
                      backoff_factor=0.1, backoff_max=0.2)
    check, calls = scripted_check([Verdict.NOT_DONE])
    started = time.monotonic()
    verdict = settle(connect, None, check, {}, lost(requests.exceptions.ReadTimeout))
    elapsed = time.monotonic() - started
    assert verdict.state == Verdict.NOT_DONE
    assert 0.4 <= elapsed < 2.0
    # Waits of 0.05-0.2 s within 0.4 s: at least 3 looks, and no more than one a 0.05 s wait
    # (plus the last look at the deadline).
    assert 3 <= len(calls) <= 0.4 / 0.05 + 2
