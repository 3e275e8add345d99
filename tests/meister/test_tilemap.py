"""The tile map of Japan: one tile per prefecture, values printed on the tiles, hidden ones hatched."""

import re

from meister.tilemap import TILES, shade, tile_map, tile_rows


def test_every_prefecture_has_a_tile_of_its_own():
    assert sorted(TILES) == [f"{n:02d}" for n in range(1, 48)]
    assert len(set(TILES.values())) == 47, "no two prefectures share a tile"


def test_values_are_printed_not_carried_by_shade_alone():
    names = {"01": "北海道", "13": "東京都", "47": "沖縄県"}
    svg = tile_map({"01": 120, "13": 3000, "47": "x"}, names, title="確認済み時間")
    assert "3,000" in svg and "120" in svg and 'aria-label="確認済み時間"' in svg
    assert 'fill="url(#hidden)"' in svg, "a hidden value is hatched, and its mark printed"
    assert len(re.findall(r"<rect x=", svg)) == 47
    assert shade(3000, 3000) == 4 and shade(0, 3000) == 0 and shade(120, 3000) == 1
    assert tile_rows({"01": 120, "13": 3000}, names) == [("北海道", 120), ("東京都", 3000)]


def test_a_romanised_name_keeps_enough_letters_to_tell_neighbours_apart():
    from meister.tilemap import short

    assert [short(n) for n in ("滋賀県", "Shiga", "Shizuoka", "Shimane")] == ["滋賀県", "Shiga", "Shizuo", "Shiman"]
