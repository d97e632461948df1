"""local/console.py: the local terminal without the functions' EMF metric documents."""

from __future__ import annotations

import io
import json
import threading

from local.console import WithoutMetrics, is_metric_document, metrics_shown

EMF = {"_aws": {"Timestamp": 1, "CloudWatchMetrics": [{"Namespace": "N", "Dimensions": [["service"]], "Metrics": []}]}, "service": "x"}
LOG = {"level": "INFO", "message": "retrieved passages", "service": "local"}


def test_given_lines_then_only_emf_documents_are_recognised():
    assert is_metric_document(json.dumps(EMF))
    assert is_metric_document(json.dumps(EMF, separators=(",", ":")) + "\n")
    assert not is_metric_document(json.dumps(LOG))
    assert not is_metric_document(json.dumps({"_aws": "not a metric", "message": "x"}))
    assert not is_metric_document('{"_aws": {"CloudWatchMetrics": [')  # cut short: not a document
    assert not is_metric_document('plain text mentioning "_aws"')


def test_given_threads_printing_at_once_then_every_other_line_arrives_whole_and_no_metric_document_does():
    target = io.StringIO()
    stream = WithoutMetrics(target)
    start = threading.Barrier(8)

    def worker(number: int) -> None:
        start.wait()
        for line in range(200):  # print(): the text and its newline are two writes
            print(json.dumps({**LOG, "thread": number, "line": line}), file=stream)
            print(json.dumps(EMF, separators=(",", ":")), file=stream)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    lines = target.getvalue().splitlines()
    assert len(lines) == 8 * 200
    assert {(json.loads(line)["thread"], json.loads(line)["line"]) for line in lines} == {(n, i) for n in range(8) for i in range(200)}


def test_given_a_partial_line_then_flush_shows_it_unless_it_may_be_a_document():
    target = io.StringIO()
    stream = WithoutMetrics(target)
    stream.write("waiting for the stack... ")
    stream.flush()
    assert target.getvalue() == "waiting for the stack... "
    stream.write('{"_aws": ')
    stream.flush()
    stream.write('{"CloudWatchMetrics": []}}\n')
    assert target.getvalue() == "waiting for the stack... "


def test_given_local_metrics_then_only_yes_words_show_them():
    assert metrics_shown({"LOCAL_METRICS": "1"})
    assert metrics_shown({"LOCAL_METRICS": " On "})
    assert not metrics_shown({"LOCAL_METRICS": "0"})
    assert not metrics_shown({"LOCAL_METRICS": ""})
    assert not metrics_shown({})
