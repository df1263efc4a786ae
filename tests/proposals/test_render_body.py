from core.templatetags.core_tags import render_body


def test_paragraphs_and_lists():
    html = render_body("第一段\n\n建议如下：\n1. 增设公交线路\n2. 延长运营时间\n\n- 甲\n- 乙")
    assert html == (
        "<p>第一段</p><p>建议如下：</p><ol><li>增设公交线路</li><li>延长运营时间</li></ol>"
        "<ul><li>甲</li><li>乙</li></ul>"
    )


def test_markup_is_escaped():
    html = render_body('<script>alert(1)</script>\n- <img src=x onerror="alert(1)">')
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&lt;img" in html


def test_working_days_fall_back_to_weekdays_for_an_unknown_year():
    import datetime

    from core.workdays import KNOWN_YEARS, is_workday

    assert 2026 in KNOWN_YEARS
    assert not is_workday(datetime.date(2026, 10, 1))  # National Day, from the package
    later = max(KNOWN_YEARS) + 1
    monday = datetime.date(later, 3, 1) + datetime.timedelta(days=(7 - datetime.date(later, 3, 1).weekday()) % 7)
    assert is_workday(monday) and not is_workday(monday + datetime.timedelta(days=5))
    assert not is_workday(monday, {monday: False})  # the office's override wins
