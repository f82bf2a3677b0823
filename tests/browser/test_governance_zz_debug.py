import pytest
pytestmark = [pytest.mark.django_db(transaction=True)]
def test_dbg(live_server, page):
    r = page.goto(live_server.url + "/accounts/login/")
    print("STATUS", r.status)
    c = page.content(); i = c.find("<main"); print(c[i:i+3000])
