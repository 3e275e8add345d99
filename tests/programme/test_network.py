"""The wide-area network as the ministry and prefectures see it: a picture drawn on the server, and a table."""

from django.urls import reverse


def test_the_ministry_sees_the_network_picture_and_table(client, demo):
    client.force_login(demo.users["ministry"])
    page = client.get(reverse("programme:network")).content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert demo.shiga_consortium.name in svg
    assert "嶺北ものづくり人材育成コンソーシアム" in svg
    assert "三重県" in svg
    assert svg.count("<line") == 2
    assert "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in svg
    assert "合同研修：コーディネーター育成（10月）" in page


def test_a_prefecture_sees_only_the_links_that_touch_it(client, demo):
    client.force_login(demo.users["prefecture-niigata"])
    page = client.get(reverse("programme:network")).content.decode()
    assert demo.shiga_consortium.name not in page
    assert page.count("<line") == 0


def test_events_count_their_attendance(client, demo):
    client.force_login(demo.users["coordinator"])
    page = client.get(reverse("programme:event_list")).content.decode()
    assert "コーディネーター育成研修" in page
    assert "マイスター・ハイスクール成果発表会" in page
