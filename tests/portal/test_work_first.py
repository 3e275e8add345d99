"""Each role's dashboard opens on the work waiting for it: every number is the rows of the list it links to."""

import pytest
from django.urls import reverse

ROLES = ("teacher", "coordinator", "company", "prefecture", "ministry")


@pytest.mark.parametrize("persona", ROLES)
def test_smoke(client, demo, persona):
    client.force_login(demo.users[persona])
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 200
    for item in response.context["work"]:
        print(persona, item.key, item.count, item.url, item.note)
