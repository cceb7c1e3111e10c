"""Camera search: name, id, grid code, pinyin and pinyin initials, no match (app.services.camera_search)."""

from __future__ import annotations

from app.services.camera_search import (
    CameraIndex,
    area_names,
    matches,
    pinyin_keys,
    query_words,
    search_keys,
)

SITE = CameraIndex(
    [
        ("cam-jfl-e", "解放路口东", "370102001001001"),
        ("cam-rmgc", "人民广场北门", "370102002003004"),
        ("cam-cq", "重庆路银行", "370103009000001"),
        ("gate-3", "Gate 3 东侧", None),
        ("cam-hp", "和平路3号杆", "370104000000077"),
    ]
)


def test_pinyin_initials_find_the_camera() -> None:
    assert SITE.find("jfl") == ["cam-jfl-e"]
    assert SITE.find("JFL") == ["cam-jfl-e"]  # capitals as typed with caps lock on
    assert SITE.find("rmgc") == ["cam-rmgc"]


def test_full_pinyin_and_its_beginning_find_the_camera() -> None:
    assert SITE.find("jiefanglu") == ["cam-jfl-e"]
    assert SITE.find("jiefang") == ["cam-jfl-e"]
    assert SITE.find("renmin") == ["cam-rmgc"]


def test_phrase_readings_are_the_ones_people_say() -> None:
    # 重庆 is chóngqìng, not zhòngqìng; 银行 is yínháng, not yínxíng.
    assert SITE.find("cq") == ["cam-cq"]
    assert SITE.find("chongqing") == ["cam-cq"]
    assert SITE.find("yinhang") == ["cam-cq"]
    assert SITE.find("zhongqing") == []


def test_name_id_and_grid_code_still_find_the_camera() -> None:
    assert SITE.find("解放") == ["cam-jfl-e"]
    assert SITE.find("cam-rmgc") == ["cam-rmgc"]
    assert SITE.find("002003") == ["cam-rmgc"]  # a part of the grid code
    assert SITE.find("gate") == ["gate-3"]


def test_every_word_must_match_somewhere() -> None:
    assert SITE.find("jfl 370102") == ["cam-jfl-e"]  # initials and a grid code together
    assert SITE.find("jfl rmgc") == []  # two cameras' initials: no camera has both


def test_nothing_matches_an_unknown_text() -> None:
    assert SITE.find("xyzq") == []
    assert SITE.find("不存在的路") == []


def test_an_empty_search_lists_every_camera_in_site_order() -> None:
    assert SITE.find("") == ["cam-jfl-e", "cam-rmgc", "cam-cq", "gate-3", "cam-hp"]
    assert SITE.find("   ") == SITE.find("")


def test_digits_and_latin_letters_in_a_name_stay_in_its_pinyin() -> None:
    assert pinyin_keys("和平路3号杆") == ("hepinglu3haogan", "hpl3hg")
    assert SITE.find("hpl3") == ["cam-hp"]
    assert pinyin_keys("Gate 3 东侧") == ("gate3dongce", "gate3dc")


def test_a_word_never_matches_across_two_keys() -> None:
    """'dong' + the id would read "...dongcam" if keys were glued together."""
    keys = search_keys("解放路口东", "cam-jfl-e")
    assert matches(keys, query_words("dong"))
    assert not matches(keys, query_words("dongcam"))


def test_names_without_chinese_get_no_pinyin_keys() -> None:
    assert search_keys("North Gate", "cam-1", None) == "north gate\ncam-1"


def test_the_areas_a_camera_is_in_find_it() -> None:
    groups = [
        ("d1", "历下区", None),
        ("s1", "解放路街道", "d1"),
        ("s2", "泉城路街道", "d1"),
        ("d2", "市中区", None),
    ]
    areas = area_names(groups)
    assert areas["s1"] == ("历下区", "解放路街道") and areas["d2"] == ("市中区",)
    site = CameraIndex(
        [("cam-jfl-e", "解放路口东", None), ("cam-qc", "泉城广场", None), ("cam-sz", "市中区政府", None)],
        {"cam-jfl-e": areas["s1"], "cam-qc": areas["s2"]},
    )
    assert site.find("历下区") == ["cam-jfl-e", "cam-qc"]  # the district: cameras of both its streets
    assert site.find("lxq") == ["cam-jfl-e", "cam-qc"]
    assert site.find("泉城路街道") == ["cam-qc"]
    assert site.find("lixia 东") == ["cam-jfl-e"]  # an area and a word of the camera's name
    assert site.find("市中区") == ["cam-sz"]  # by its own name; it is in no group


def test_a_loop_in_the_groups_parents_does_not_hang() -> None:
    assert area_names([("a", "甲", "b"), ("b", "乙", "a")]) == {"a": ("乙", "甲"), "b": ("甲", "乙")}
