"""The TAXII 2.1 server, checked against the MUSTs of the OASIS TAXII 2.1 specification."""

from __future__ import annotations

import json

import pytest

from cybercommons.security import services
from cybercommons.security.kernel.stix_timestamps import parse_timestamp
from cybercommons.security.kernel.tlp import Tlp
from cybercommons.security.models import StixObject
from tests.security.cast import (
    TAXII,
    World,
    basic,
    envelope,
    indicator,
    objects_url,
    taxii_client,
)

pytestmark = pytest.mark.django_db

STIX = "application/stix+json;version=2.1"


def post(world: World, *objects: dict, user=None):
    client = taxii_client(basic(user or world.alice))
    return client.post(objects_url(world), envelope(*objects), content_type=TAXII)


def test_discovery_lists_the_api_roots_in_the_taxii_media_type(world: World) -> None:
    response = taxii_client().get("/taxii2/")
    assert response.status_code == 200
    assert response["Content-Type"] == TAXII
    body = response.json()
    assert body["api_roots"] == ["http://testserver/taxii2/community/"]
    assert body["default"] == body["api_roots"][0]


def test_api_root_states_version_and_max_content_length(world: World) -> None:
    body = taxii_client().get("/taxii2/community/").json()
    assert body["versions"] == [TAXII]
    assert body["max_content_length"] == world.root.max_content_length


def test_an_accept_header_the_server_cannot_produce_is_refused_with_406(world: World) -> None:
    response = taxii_client().get("/taxii2/", HTTP_ACCEPT="application/json")
    assert response.status_code == 406
    assert response["Content-Type"] == TAXII
    assert response.json()["http_status"] == "406"


def test_the_manifest_also_accepts_the_stix_media_type(world: World) -> None:
    response = taxii_client(basic(world.alice)).get(
        f"/taxii2/community/collections/{world.collection.pk}/manifest/", HTTP_ACCEPT=STIX)
    assert response.status_code == 200


def test_a_post_in_another_media_type_is_refused_with_415(world: World) -> None:
    response = taxii_client(basic(world.alice)).post(
        objects_url(world), envelope(indicator(1)), content_type="application/json")
    assert response.status_code == 415
    assert StixObject.objects.count() == 0


def test_a_body_over_max_content_length_is_refused_with_413(world: World) -> None:
    world.root.max_content_length = 2048
    world.root.save()
    big = envelope(*[indicator(n) for n in range(20)])
    assert len(big) > 2048
    response = taxii_client(basic(world.alice)).post(objects_url(world), big,
                                                     content_type=TAXII)
    assert response.status_code == 413
    assert response.json()["http_status"] == "413"
    assert StixObject.objects.count() == 0


def test_malformed_json_is_a_400_in_the_taxii_error_format(world: World) -> None:
    response = taxii_client(basic(world.alice)).post(objects_url(world), '{"objects": [',
                                                     content_type=TAXII)
    assert response.status_code == 400
    assert set(response.json()) >= {"title", "description", "http_status"}


def test_unknown_api_root_and_collection_are_404(world: World) -> None:
    client = taxii_client(basic(world.alice))
    assert client.get("/taxii2/nowhere/").status_code == 404
    assert client.get("/taxii2/community/collections/nope/objects/").status_code == 404
    response = client.get("/taxii2/community/something/else/")
    assert response.status_code == 404
    assert response["Content-Type"] == TAXII


def test_add_objects_answers_202_with_a_status_resource(world: World) -> None:
    response = post(world, indicator(1), indicator(2))
    assert response.status_code == 202
    status = response.json()
    assert status["status"] == "complete"
    assert status["total_count"] == 2
    assert status["success_count"] == 2
    assert status["pending_count"] == 0
    again = taxii_client(basic(world.alice)).get(f"/taxii2/community/status/{status['id']}/")
    assert again.status_code == 200
    assert again.json()["success_count"] == 2


def test_an_invalid_object_is_a_failure_and_never_blocks_its_neighbours(world: World) -> None:
    bad = indicator(3, modified="2023-01-01T00:00:00.000Z")  # modified before created
    future = indicator(4, modified="2999-01-01T00:00:00.000Z")
    response = post(world, indicator(1), bad, future, {"no": "type"}, indicator(2))
    status = response.json()
    assert status["success_count"] == 2
    assert status["failure_count"] == 3
    failed_ids = {f["id"] for f in status["failures"]}
    assert bad["id"] in failed_ids
    assert future["id"] in failed_ids
    assert all(f["message"] for f in status["failures"])
    assert StixObject.objects.count() == 2


def test_a_duplicate_version_is_accepted_once(world: World) -> None:
    post(world, indicator(1))
    response = post(world, indicator(1), indicator(1))
    assert response.json()["success_count"] == 2
    assert StixObject.objects.count() == 1


def test_the_raw_json_is_returned_exactly_as_received(world: World) -> None:
    text = ('{"objects":[  {"type":"indicator","spec_version":"2.1","id":'
            '"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":'
            '"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z",'
            '"pattern":"[domain-name:value = \'example.org\']","pattern_type":"stix",'
            '"valid_from":"2024-01-01T00:00:00Z","x_score":1.50}  ]}')
    taxii_client(basic(world.alice)).post(objects_url(world), text, content_type=TAXII)
    body = taxii_client(basic(world.alice)).get(objects_url(world)).content.decode()
    assert '"x_score":1.50}' in body


def test_get_objects_filters_by_type_and_id(world: World) -> None:
    identity = {"type": "identity", "spec_version": "2.1",
                "id": "identity--0b0a2b8e-8b0c-4b51-9f0e-4b1a7a2d4f11",
                "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z",
                "name": "Example CERT", "identity_class": "organization"}
    post(world, indicator(1), indicator(2), identity)
    client = taxii_client(basic(world.alice))
    types = client.get(objects_url(world), {"match[type]": "identity"}).json()
    assert [o["id"] for o in types["objects"]] == [identity["id"]]
    ids = client.get(objects_url(world), {"match[id]": indicator(2)["id"]}).json()
    assert [o["id"] for o in ids["objects"]] == [indicator(2)["id"]]
    both = client.get(objects_url(world), {"match[type]": "indicator,identity"}).json()
    assert len(both["objects"]) == 3


def test_match_version_selects_first_last_all_and_timestamps(world: World) -> None:
    stamps = ["2024-01-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z", "2024-03-01T00:00:00.000Z"]
    post(world, indicator(1, modified=stamps[1]))
    post(world, indicator(1, modified=stamps[2]))
    post(world, indicator(1, modified=stamps[0]))
    client = taxii_client(basic(world.alice))

    def versions(value: str | None) -> list[str]:
        params = {"match[version]": value} if value else {}
        body = client.get(objects_url(world), params).json()
        return sorted(o["modified"] for o in body.get("objects", []))

    assert versions(None) == [stamps[2]]
    assert versions("last") == [stamps[2]]
    assert versions("first") == [stamps[0]]
    assert versions("all") == stamps
    assert versions("first,last") == [stamps[0], stamps[2]]
    assert versions(stamps[1]) == [stamps[1]]
    assert client.get(objects_url(world), {"match[version]": "newest"}).status_code == 400


def test_match_spec_version_other_than_2_1_selects_nothing(world: World) -> None:
    post(world, indicator(1))
    client = taxii_client(basic(world.alice))
    assert client.get(objects_url(world), {"match[spec_version]": "2.0"}).json() == {}
    assert len(client.get(objects_url(world),
                          {"match[spec_version]": "2.0,2.1"}).json()["objects"]) == 1


def test_added_after_returns_only_later_additions(world: World) -> None:
    post(world, indicator(1))
    client = taxii_client(basic(world.alice))
    first = client.get(objects_url(world))
    last_added = first["X-TAXII-Date-Added-Last"]
    post(world, indicator(2))
    later = client.get(objects_url(world), {"added_after": last_added}).json()
    assert [o["id"] for o in later["objects"]] == [indicator(2)["id"]]
    assert client.get(objects_url(world), {"added_after": "yesterday"}).status_code == 400


def test_paging_returns_every_object_exactly_once_while_objects_arrive(world: World) -> None:
    post(world, *[indicator(n) for n in range(25)])
    client = taxii_client(basic(world.alice))
    seen: list[str] = []
    response = client.get(objects_url(world), {"limit": "10"})
    body = response.json()
    added = 0
    while True:
        seen.extend(o["id"] for o in body.get("objects", []))
        if not body.get("more"):
            break
        if added < 3:  # objects keep arriving while the client pages
            post(world, indicator(100 + added))
            added += 1
        assert "next" in body
        body = client.get(objects_url(world), {"limit": "10", "next": body["next"]}).json()
    assert len(seen) == len(set(seen))
    assert added == 2
    assert set(seen) == {indicator(n)["id"] for n in [*range(25), 100, 101]}


def test_paging_headers_name_the_first_and_last_date_added_of_the_page(world: World) -> None:
    post(world, *[indicator(n) for n in range(5)])
    rows = list(StixObject.objects.order_by("seq"))
    response = taxii_client(basic(world.alice)).get(objects_url(world), {"limit": "2"})
    assert parse_timestamp(response["X-TAXII-Date-Added-First"]) == rows[0].date_added
    assert parse_timestamp(response["X-TAXII-Date-Added-Last"]) == rows[1].date_added
    assert response.json()["more"] is True


def test_a_forged_or_foreign_next_token_is_refused(world: World) -> None:
    post(world, *[indicator(n) for n in range(5)])
    client = taxii_client(basic(world.alice))
    token = client.get(objects_url(world), {"limit": "2"}).json()["next"]
    assert client.get(objects_url(world), {"next": token[:-3] + "AAA"}).status_code == 400
    other = client.get(objects_url(world), {"next": token, "match[type]": "identity"})
    assert other.status_code == 400


def test_manifest_lists_versions_with_date_added_and_media_type(world: World) -> None:
    post(world, indicator(1), indicator(2))
    body = taxii_client(basic(world.alice)).get(
        f"/taxii2/community/collections/{world.collection.pk}/manifest/").json()
    assert len(body["objects"]) == 2
    record = body["objects"][0]
    assert record["media_type"] == STIX
    assert record["version"] == "2024-01-01T00:00:00.000Z"
    parse_timestamp(record["date_added"])


def test_object_by_id_and_its_versions(world: World) -> None:
    post(world, indicator(1, modified="2024-02-01T00:00:00.000Z"))
    post(world, indicator(1, modified="2024-03-01T00:00:00.000Z"))
    client = taxii_client(basic(world.alice))
    url = objects_url(world) + indicator(1)["id"] + "/"
    body = client.get(url).json()
    assert [o["modified"] for o in body["objects"]] == ["2024-03-01T00:00:00.000Z"]
    assert len(client.get(url, {"match[version]": "all"}).json()["objects"]) == 2
    versions = client.get(url + "versions/").json()["versions"]
    assert sorted(versions) == ["2024-02-01T00:00:00.000Z", "2024-03-01T00:00:00.000Z"]
    assert client.get(objects_url(world) + indicator(9)["id"] + "/").status_code == 404


def test_delete_removes_the_chosen_versions_and_the_last_becomes_the_previous(
        world: World) -> None:
    post(world, indicator(1, modified="2024-02-01T00:00:00.000Z"))
    post(world, indicator(1, modified="2024-03-01T00:00:00.000Z"))
    client = taxii_client(basic(world.alice))
    url = objects_url(world) + indicator(1)["id"] + "/"
    response = client.delete(url + "?match[version]=2024-03-01T00:00:00.000Z")
    assert response.status_code == 200
    body = client.get(url).json()
    assert [o["modified"] for o in body["objects"]] == ["2024-02-01T00:00:00.000Z"]


def test_a_reader_without_write_rights_gets_403_on_post(world: World) -> None:
    services.update_collection(world.alice, world.collection, community_write=False)
    response = post(world, indicator(1), user=world.carol)
    assert response.status_code == 403
    assert response["Content-Type"] == TAXII


def test_wrong_credentials_get_401_with_a_challenge(world: World) -> None:
    response = taxii_client("Basic " + "bWFsbG9yeTp3cm9uZw==").get("/taxii2/")
    assert response.status_code == 401
    assert "Basic" in response["WWW-Authenticate"]
    assert taxii_client("Bearer nope").get("/taxii2/").status_code == 401


def test_bearer_tokens_authenticate_and_a_read_token_cannot_write(world: World) -> None:
    read_token = world.token(world.alice, ("read",))
    client = taxii_client("Bearer " + read_token)
    assert client.get(objects_url(world)).status_code == 200
    refused = client.post(objects_url(world), envelope(indicator(1)), content_type=TAXII)
    assert refused.status_code == 403
    write = taxii_client("Bearer " + world.token(world.alice))
    assert write.post(objects_url(world), envelope(indicator(1)),
                      content_type=TAXII).status_code == 202


def test_anonymous_writes_need_credentials(world: World) -> None:
    response = taxii_client().post(objects_url(world), envelope(indicator(1)),
                                   content_type=TAXII)
    assert response.status_code == 404  # the collection is not public: it does not exist
    services.update_collection(world.alice, world.collection, public_read=True)
    response = taxii_client().post(objects_url(world), envelope(indicator(1)),
                                   content_type=TAXII)
    assert response.status_code == 401


def test_an_unsupported_method_is_405_in_taxii_format(world: World) -> None:
    response = taxii_client().put("/taxii2/")
    assert response.status_code == 405
    assert json.loads(response.content)["http_status"] == "405"


def test_tlp_marking_from_the_object_sets_the_audience(world: World) -> None:
    post(world, indicator(1, tlp=Tlp.GREEN), indicator(2, tlp=Tlp.RED))
    carol = taxii_client(basic(world.carol)).get(objects_url(world)).json()
    assert [o["id"] for o in carol["objects"]] == [indicator(1)["id"]]


def test_an_envelope_without_objects_is_a_400(world: World) -> None:
    response = taxii_client(basic(world.alice)).post(objects_url(world), '{"more": false}',
                                                     content_type=TAXII)
    assert response.status_code == 400


def test_malformed_filters_are_400_naming_the_parameter(world: World) -> None:
    client = taxii_client(basic(world.alice))
    for params in ({"limit": "0"}, {"limit": "ten"}, {"match[id]": "not-an-id"},
                   {"match[spec_version]": "two"}, {"match[version]": "all,last"}):
        response = client.get(objects_url(world), params)
        assert response.status_code == 400, params
        assert response.json()["http_status"] == "400"


def test_a_two_factor_account_must_use_a_token_not_a_password(world: World) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=world.alice, name="phone", confirmed=True)
    refused = taxii_client(basic(world.alice)).get(objects_url(world))
    assert refused.status_code == 401
    assert "token" in refused.json()["description"]
    allowed = taxii_client("Bearer " + world.token(world.alice)).get(objects_url(world))
    assert allowed.status_code == 200


def test_a_microsecond_version_is_kept_to_the_microsecond(world: World) -> None:
    post(world, indicator(1, modified="2024-02-01T00:00:00.123456Z"))
    body = taxii_client(basic(world.alice)).get(
        f"/taxii2/community/collections/{world.collection.pk}/manifest/").json()
    assert body["objects"][0]["version"] == "2024-02-01T00:00:00.123456Z"


def test_added_after_pages_with_next_cover_every_later_object_once(world: World) -> None:
    post(world, *[indicator(n) for n in range(5)])
    client = taxii_client(basic(world.alice))
    mark = client.get(objects_url(world))["X-TAXII-Date-Added-Last"]
    post(world, *[indicator(n) for n in range(10, 17)])
    seen: list[str] = []
    body = client.get(objects_url(world), {"added_after": mark, "limit": "3"}).json()
    while True:
        seen.extend(o["id"] for o in body.get("objects", []))
        if not body.get("more"):
            break
        body = client.get(objects_url(world), {"added_after": mark, "limit": "3",
                                               "next": body["next"]}).json()
    assert seen == [indicator(n)["id"] for n in range(10, 17)]
