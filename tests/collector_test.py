"""The cycle collector is paused while diff and cascade hold their documents,
and is left as it was found."""

from __future__ import annotations

import gc

import pytest

from pcontract.cli.collector import paused


def test_the_collector_is_paused_within_and_running_after() -> None:
    assert gc.isenabled()
    with paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_runs_again_after_an_error() -> None:
    with pytest.raises(ValueError), paused():
        raise ValueError("boom")
    assert gc.isenabled()


def test_a_collector_already_off_stays_off() -> None:
    gc.disable()
    try:
        with paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
