"""The way in for a visitor without a login: the login page leads to the public pages and the public library,
the library's list agrees with its items on who may see them, and public pages lead back."""

from django.urls import reverse

from showcase.models import Material, PublicationStatus, UsageTerms


def test_the_root_leads_a_visitor_to_the_login_page_and_on_to_the_public_pages(client, demo):
    response = client.get("/", follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    for url in (reverse("showcase:index"), reverse("library:list"), reverse("password_reset")):
        assert f'href="{url}"' in html
    assert 'data-testid="visitor-doors"' in html


def test_a_visitor_sees_the_public_materials_in_the_list_and_opens_them(client, demo):
    public = Material.objects.filter(usage=UsageTerms.PUBLIC, status=PublicationStatus.PUBLISHED)
    hidden = Material.objects.exclude(usage=UsageTerms.PUBLIC)
    assert public.exists() and hidden.exists()
    response = client.get(reverse("library:list"))
    html = response.content.decode()
    assert response.status_code == 200
    for material in public:
        assert material.get_absolute_url() in html
        assert client.get(material.get_absolute_url()).status_code == 200
    for material in hidden:
        assert material.get_absolute_url() not in html
        assert client.get(material.get_absolute_url()).status_code == 404
    assert reverse("library:create") not in html


def test_public_pages_lead_back_to_each_other(client, demo):
    showcase = client.get(reverse("showcase:index")).content.decode()
    assert f'href="{reverse("library:list")}"' in showcase and f'href="{reverse("login")}"' in showcase
    library = client.get(reverse("library:list")).content.decode()
    assert f'href="{reverse("showcase:index")}"' in library and f'href="{reverse("login")}"' in library
    material = Material.objects.filter(usage=UsageTerms.PUBLIC, status=PublicationStatus.PUBLISHED).first()
    detail = client.get(material.get_absolute_url()).content.decode()
    assert f'href="{reverse("library:list")}"' in detail and f'href="{reverse("showcase:index")}"' in detail
