"""Pages: list and search with facets, work page, forms, exhibitions, moderation."""

from __future__ import annotations

import pytest
from django.test import Client

from cybercommons.exchange import services
from cybercommons.exchange.kernel import pdq
from cybercommons.exchange.models import Work, WorkStatus
from cybercommons.exchange.services import TextInput
from tests.exchange.conftest import drawn_image

pytestmark = pytest.mark.django_db


def login(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def public_work(cast, title="Songs of the coast"):  # type: ignore[no-untyped-def]
    return services.create_work(
        cast.owner, cast.organisation, kind="article", licence="cc-by-4.0", creator="Wanjiru",
        texts=[TextInput("en", title, "<p>Taarab</p>"),
               TextInput("ar", "أغاني الساحل", "<p>طرب</p>", "Nour")], publish=True)


def test_the_work_list_shows_public_works_and_facets(cast, client):
    public_work(cast)
    services.create_work(cast.owner, cast.organisation, kind="article", licence="cc0-1.0",
                         texts=[TextInput("en", "Hidden draft")])
    page = client.get("/exchange/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Songs of the coast" in html
    assert "Hidden draft" not in html
    assert "CC BY 4.0" in html  # the licence facet


def test_a_search_in_arabic_finds_the_work_and_says_where(cast, client):
    public_work(cast)
    html = client.get("/exchange/", {"q": "الساحل"}).content.decode()
    assert "Songs of the coast" in html
    assert "ar" in html.split("Found in:")[1][:40]


def test_a_facet_filter_narrows_the_list(cast, client):
    public_work(cast)
    html = client.get("/exchange/", {"licence": "cc0-1.0"}).content.decode()
    assert "Songs of the coast" not in html


def test_htmx_gets_only_the_results(cast, client):
    public_work(cast)
    page = client.get("/exchange/", {"q": "songs"}, HTTP_HX_REQUEST="true")
    assert page.status_code == 200
    assert b"<html" not in page.content
    assert b"Songs of the coast" in page.content


def test_the_work_page_shows_every_translation_and_the_attribution(cast, client):
    work = public_work(cast)
    html = client.get(f"/exchange/works/{work.uuid}/").content.decode()
    assert "أغاني الساحل" in html
    assert "Translated by Nour" in html
    assert 'rel="license"' in html
    assert "Wanjiru" in html


def test_the_attribution_follows_the_page_language(cast, client):
    work = public_work(cast)
    client.cookies["cybercommons_language"] = "fr"
    html = client.get(f"/exchange/works/{work.uuid}/").content.decode()
    assert "par <bdi>Wanjiru</bdi>, sous licence" in html


def test_a_draft_page_is_404_for_outsiders_and_200_for_members(cast, client):
    draft = services.create_work(cast.owner, cast.organisation, kind="article",
                                 licence="cc0-1.0", texts=[TextInput("en", "Draft")])
    assert client.get(f"/exchange/works/{draft.uuid}/").status_code == 404
    assert login(cast.outsider).get(f"/exchange/works/{draft.uuid}/").status_code == 404
    assert login(cast.teammate).get(f"/exchange/works/{draft.uuid}/").status_code == 200


def test_an_unknown_work_is_404(cast, client):
    assert client.get("/exchange/works/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_an_editor_uploads_a_work_with_an_image(cast):
    client = login(cast.owner)
    assert client.get("/exchange/works/new/").status_code == 200
    from django.core.files.uploadedfile import SimpleUploadedFile

    answer = client.post("/exchange/works/new/", {
        "organisation": cast.organisation.pk, "kind": "image", "language": "fr",
        "title": "Le port", "licence": "cc-by-4.0", "age_rating": "all",
        "visibility": "public", "publish": "on",
        "file": SimpleUploadedFile("port.png", drawn_image(5), "image/png")})
    assert answer.status_code == 302
    work = Work.objects.get()
    assert work.status == WorkStatus.PUBLISHED
    assert work.media.get().pdq_hash


def test_an_upload_matching_a_list_says_only_held_for_review(cast):
    image = drawn_image(5)
    services.import_hash_list(cast.moderator, name="l", lines=[pdq.hash_image(image).hex])
    client = login(cast.owner)
    from django.core.files.uploadedfile import SimpleUploadedFile

    answer = client.post("/exchange/works/new/", {
        "organisation": cast.organisation.pk, "kind": "image", "language": "fr",
        "title": "Le port", "licence": "cc-by-4.0", "age_rating": "all",
        "visibility": "public", "publish": "on",
        "file": SimpleUploadedFile("port.png", image, "image/png")}, follow=True)
    html = answer.content.decode()
    assert "held for review" in html
    assert "list" not in html.split("held for review")[0][-200:].lower()
    assert "distance" not in html.lower()


def test_outsiders_cannot_open_the_upload_form(cast):
    assert login(cast.outsider).get("/exchange/works/new/").status_code == 403


def test_a_member_adds_a_translation(cast):
    work = public_work(cast)
    client = login(cast.teammate)
    assert client.get(f"/exchange/works/{work.uuid}/translate/").status_code == 200
    answer = client.post(f"/exchange/works/{work.uuid}/translate/", {
        "language": "zh-hans", "title": "海岸之歌", "description": "", "translator": "Li"})
    assert answer.status_code == 302
    assert work.texts.filter(language="zh-hans").exists()


def test_the_moderation_queue_is_for_moderators_only_and_blurs_images(cast):
    image = drawn_image(5)
    services.import_hash_list(cast.moderator, name="l", lines=[pdq.hash_image(image).hex])
    work = services.create_work(cast.owner, cast.organisation, kind="image",
                                licence="cc-by-4.0", texts=[TextInput("en", "Held one")])
    services.add_media(cast.owner, work, data=image, filename="x.png")
    assert login(cast.owner).get("/exchange/moderation/").status_code == 403
    assert login(cast.outsider).get("/exchange/moderation/").status_code == 403
    html = login(cast.moderator).get("/exchange/moderation/").content.decode()
    assert "Held one" in html
    assert 'class="blurred' in html
    case = work.cases.get()
    page = login(cast.moderator).get(f"/exchange/moderation/cases/{case.pk}/")
    assert page.status_code == 200
    answer = login(cast.moderator).post(f"/exchange/moderation/cases/{case.pk}/",
                                        {"outcome": "remove", "reason": "Listed"})
    assert answer.status_code == 302
    work.refresh_from_db()
    assert work.status == WorkStatus.REMOVED


def test_hash_lists_page_imports_and_reports_bad_lines(cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(cast.moderator)
    answer = client.post("/exchange/moderation/hash-lists/", {
        "name": "L", "source": "test",
        "file": SimpleUploadedFile("l.txt", ("ab" * 32 + "\nzz\n").encode())})
    html = answer.content.decode()
    assert "1 added" in html
    assert "Line 2" in html
    assert "not a PDQ hash (64 hexadecimal digits): “zz”" in html
    assert login(cast.owner).get("/exchange/moderation/hash-lists/").status_code == 403


def test_a_user_report_reaches_the_queue(cast):
    work = public_work(cast)
    client = login(cast.outsider)
    answer = client.post(f"/exchange/works/{work.uuid}/report/", {"reason": "spam",
                                                                  "comment": "ads"})
    assert answer.status_code == 302
    assert work.cases.get().reports.get().comment == "ads"


def test_an_exhibition_page_shows_items_in_order_with_narrative(cast, client):
    first = public_work(cast, "First work")
    second = public_work(cast, "Second work")
    draft = services.create_work(cast.owner, cast.organisation, kind="article",
                                 licence="cc0-1.0", texts=[TextInput("en", "Unseen draft")])
    services.save_exhibition(
        cast.owner, cast.organisation, slug="coast", title={"en": "The coast"},
        items=[{"work": str(second.uuid), "narrative": {"en": "<p>Start here.</p>"}},
               {"work": str(draft.uuid)}, {"work": str(first.uuid)}], publish=True)
    html = client.get("/exchange/exhibitions/coast/").content.decode()
    assert html.index("Start here.") < html.index("Second work") < html.index("First work")
    assert "Unseen draft" not in html
    assert client.get("/exchange/exhibitions/").status_code == 200
    assert client.get("/exchange/exhibitions/nowhere/").status_code == 404


def test_an_editor_creates_an_exhibition_through_the_form(cast):
    work = public_work(cast)
    client = login(cast.owner)
    answer = client.post("/exchange/exhibitions/new/", {
        "organisation": cast.organisation.pk, "slug": "tour", "language": "en",
        "title": "Tour", "introduction": "Hello",
        "items": f"> Look at this\nhttp://testserver/exchange/works/{work.uuid}/",
        "publish": "on"})
    assert answer.status_code == 302
    html = client.get("/exchange/exhibitions/tour/").content.decode()
    assert "Look at this" in html


def test_the_country_page_shows_the_country_panel(cast, client):
    work = public_work(cast)
    services.update_work(cast.owner, work, country="KE")
    html = client.get("/countries/KE/").content.decode()
    assert "Songs of the coast" in html


def test_the_pages_render_in_arabic_right_to_left(cast, client):
    public_work(cast)
    client.cookies["cybercommons_language"] = "ar"
    html = client.get("/exchange/").content.decode()
    assert 'dir="rtl"' in html
    assert "أغاني الساحل" in html


def test_files_are_served_through_policy(cast, client):
    work = services.create_work(cast.owner, cast.organisation, kind="image",
                                licence="cc0-1.0", texts=[TextInput("en", "Draft picture")])
    item = services.add_media(cast.owner, work, data=drawn_image(8), filename="p.png")
    assert client.get(f"/exchange/media/{item.pk}/").status_code == 404
    assert client.get(f"/exchange/media/{item.pk}/thumbnail/").status_code == 404
    member = login(cast.teammate)
    thumbnail = member.get(f"/exchange/media/{item.pk}/thumbnail/")
    assert thumbnail.status_code == 200
    assert thumbnail["Content-Type"] == "image/webp"
    assert member.get(f"/exchange/media/{item.pk}/").status_code == 200
    services.publish_work(cast.owner, work)
    assert client.get(f"/exchange/media/{item.pk}/").status_code == 200


def test_century_labels_read_naturally():
    from cybercommons.exchange.queries import century_label

    assert century_label(18) == "18th century"
    assert century_label(21) == "21st century"
    assert century_label(12) == "12th century"
    assert century_label(-2) == "2nd century BCE"


def test_moderators_set_server_policies_on_their_page(cast):
    from cybercommons.exchange.models import Instance

    assert login(cast.owner).get("/exchange/moderation/servers/").status_code == 403
    moderator = login(cast.moderator)
    answer = moderator.post("/exchange/moderation/servers/", {"domain": "Spam.Example",
                                                             "policy": "block", "note": "spam"})
    assert answer.status_code == 302
    assert Instance.objects.get().domain == "spam.example"
    assert "spam.example" in moderator.get("/exchange/moderation/servers/").content.decode()


def test_a_moderator_reports_a_received_work_from_the_page(cast):
    from cybercommons.exchange.models import RemoteActor, RemoteWork

    remote = RemoteActor.objects.create(ap_id="https://r.example/u", domain="r.example",
                                        inbox="https://r.example/u/inbox",
                                        key_id="https://r.example/u#k", public_key_pem="x")
    item = RemoteWork.objects.create(ap_id="https://r.example/n/1", actor=remote,
                                     name="Received one", data={})
    assert "Received one" in Client().get("/exchange/federated/").content.decode()
    assert login(cast.owner).post(f"/exchange/federated/{item.pk}/flag/",
                                  {"comment": "x"}).status_code == 403
    answer = login(cast.moderator).post(f"/exchange/federated/{item.pk}/flag/",
                                        {"comment": "Advert"})
    assert answer.status_code == 302
    assert "Received one" not in Client().get("/exchange/federated/").content.decode()


def test_hash_lists_come_in_pages_by_name_each_once_for_moderators_only(cast):
    from cybercommons.exchange.views import PAGE_SIZE

    count = PAGE_SIZE + 3
    # Made in an order their names do not sort in; the n-th holds n + 1 hashes.
    sizes = {}
    for n in range(count):
        name = f"list {(n * 97) % count:03d}"
        services.import_hash_list(cast.moderator, name=name, source="test",
                                  lines=[f"{n:02x}{k:062x}" for k in range(n + 1)])
        sizes[name] = n + 1
    moderator = login(cast.moderator)
    pages = [moderator.get("/exchange/moderation/hash-lists/", {"page": n}).content.decode()
             for n in (1, 2)]
    assert "Page 1 of 2" in pages[0]
    assert "Page 2 of 2" in pages[1]
    assert '?page=2"' in pages[0]
    assert 'aria-label="Pages of hash lists"' in pages[0]
    for name, size in sizes.items():
        row = f'<th scope="row">{name}</th><td>test</td><td class="num">{size}</td>'
        assert sorted(page.count(row) for page in pages) == [0, 1], name
    assert all(f">{name}<" in pages[0] for name in sorted(sizes)[:PAGE_SIZE])
    for user in (cast.outsider, cast.owner, cast.teammate):
        answer = login(user).get("/exchange/moderation/hash-lists/", {"page": 2})
        assert answer.status_code == 403
        assert "list 0" not in answer.content.decode()
    assert Client().get("/exchange/moderation/hash-lists/", {"page": 2}).status_code == 302


def servers(count: int) -> list:  # type: ignore[type-arg]
    """`count` servers with a policy, made in an order their domains do not sort in.
    Written directly: setting a policy through the page is tested above."""
    from cybercommons.exchange.models import Instance, InstancePolicy

    return [Instance.objects.create(domain=f"s{(n * 97) % count:03d}.example",
                                    policy=InstancePolicy.LIMIT, note=f"note {n}")
            for n in range(count)]


def test_servers_with_a_policy_come_in_pages_by_domain_each_once(cast):
    from cybercommons.exchange.views import PAGE_SIZE

    made = servers(PAGE_SIZE + 3)
    moderator = login(cast.moderator)
    pages = [moderator.get("/exchange/moderation/servers/", {"page": n}).content.decode()
             for n in (1, 2)]
    assert "Page 1 of 2" in pages[0]
    assert "Page 2 of 2" in pages[1]
    assert '?page=1"' in pages[1]
    assert 'aria-label="Pages of servers"' in pages[0]
    for server in made:
        row = f'<th scope="row">{server.domain}</th>'
        assert sorted(page.count(row) for page in pages) == [0, 1], server.domain
    domains = sorted(server.domain for server in made)
    assert all(f">{domain}<" in pages[0] for domain in domains[:PAGE_SIZE])
    assert all(f">{domain}<" in pages[1] for domain in domains[PAGE_SIZE:])
    for user in (cast.outsider, cast.owner, cast.teammate):
        answer = login(user).get("/exchange/moderation/servers/", {"page": 2})
        assert answer.status_code == 403
        assert ".example" not in answer.content.decode()
    assert Client().get("/exchange/moderation/servers/", {"page": 2}).status_code == 302


@pytest.mark.parametrize("number", ["0", "-1", "many", "99"])
def test_a_bad_page_number_of_servers_or_hash_lists_shows_a_real_page(cast, number):
    from cybercommons.exchange.views import PAGE_SIZE

    made = servers(PAGE_SIZE + 1)
    page = login(cast.moderator).get("/exchange/moderation/servers/",
                                     {"page": number}).content.decode()
    last = number != "many"  # as Django's get_page: out of range → last page; junk → first
    assert ("Page 2 of 2" if last else "Page 1 of 2") in page
    assert sum(f">{s.domain}<" in page for s in made) == (1 if last else PAGE_SIZE)
    lists = login(cast.moderator).get("/exchange/moderation/hash-lists/", {"page": number})
    assert lists.status_code == 200
    assert "No list yet." in lists.content.decode()
