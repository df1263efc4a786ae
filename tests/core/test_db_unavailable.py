"""A lost database answers 503 with a Chinese page and Retry-After, never a 500 or half a save."""

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError, connection

from proposals.models import Suggestion
from tests.builders import field as subject_field

REFUSED = OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


def _assert_unavailable_page(response):
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    text = response.content.decode()
    assert "服务暂时不可用" in text and "平台暂时无法连接数据库" in text
    assert "Traceback" not in text


@pytest.mark.django_db
def test_a_public_page_without_its_database_answers_503_in_chinese(client):
    with mock.patch.object(connection, "cursor", side_effect=REFUSED):
        response = client.get("/proposals/")
    _assert_unavailable_page(response)


@pytest.mark.django_db
def test_a_logged_in_page_whose_session_cannot_be_read_answers_503(deputy_client):
    """The session (and the user behind it) is read in a middleware: still 503, not 500."""
    deputy_client.raise_request_exception = False  # as a real server: the answer, not the traceback
    with mock.patch.object(connection, "cursor", side_effect=InterfaceError("connection already closed")):
        response = deputy_client.get("/portal/")
    _assert_unavailable_page(response)


@pytest.mark.django_db
def test_a_cut_in_the_middle_of_a_save_leaves_no_half_written_suggestion(deputy_client, deputy):
    """GIVEN a deputy saving a new draft WHEN the connection is terminated right after the
    suggestion row is inserted (before its history event) THEN 503, and no suggestion is left."""
    field = subject_field("交通出行")
    seen = {"suggestion_inserted": False}

    def cut_after_the_insert(execute, sql, params, many, context):
        if seen["suggestion_inserted"] and sql.lstrip().upper().startswith("INSERT"):
            raise OperationalError("terminating connection due to administrator command")
        result = execute(sql, params, many, context)
        if 'INSERT INTO "proposals_suggestion"' in sql:
            seen["suggestion_inserted"] = True
        return result

    with connection.execute_wrapper(cut_after_the_insert):
        response = deputy_client.post(
            "/portal/suggestions/new/",
            {"kind": "suggestion", "title": "关于增设公交线路的建议", "body": "建议增设公交线路。", "field": field.pk},
        )
    assert seen["suggestion_inserted"], "the save never reached the insert: the test checks nothing"
    _assert_unavailable_page(response)
    assert not Suggestion.objects.filter(title="关于增设公交线路的建议").exists()


@pytest.mark.django_db
def test_other_errors_are_not_dressed_up_as_503(client, settings):
    from core.middleware import DatabaseUnavailableMiddleware

    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    assert middleware.process_exception(None, ValueError("a bug")) is None
