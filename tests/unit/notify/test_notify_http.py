import httpx
import pytest

from alertmanager.notify.http import check_response, new_client, post_json, redact_url
from alertmanager.notify.notifier import NotifyError


def resp(status, text=""):
    return httpx.Response(status, text=text)


@pytest.mark.parametrize(
    ("status", "extra", "outcome"),
    [(200, (), None), (204, (), None), (299, (), None), (301, (), False), (400, (), False), (404, (), False),
     (429, (), False), (429, (429,), True), (500, (), True), (503, (), True), (599, (), True)],
    ids=["200", "204", "299", "301", "400", "404", "429", "429-listed", "500", "503", "599"],
)
def test_check_response(status, extra, outcome):
    if outcome is None:
        check_response(resp(status), extra)
        return
    with pytest.raises(NotifyError) as info:
        check_response(resp(status, "details"), extra)
    assert info.value.retryable is outcome
    assert str(info.value) == f"unexpected status code {status}: details"


def test_check_response_without_body():
    with pytest.raises(NotifyError, match=r"^unexpected status code 502$"):
        check_response(resp(502))


def test_redact_url():
    assert redact_url('Post "http://x/?k=secret": refused', "http://x/?k=secret") == 'Post "<redacted>": refused'
    assert redact_url("plain", "") == "plain"


class Capture:
    def __init__(self):
        self.requests = []

    def __call__(self, request):
        self.requests.append(request)
        return httpx.Response(200)


async def send(http_config, url="https://hook.example/x"):
    cap = Capture()
    async with new_client(http_config, transport=httpx.MockTransport(cap)) as client:
        await post_json(client, url, b"{}")
    return cap.requests[0]


@pytest.mark.parametrize(
    ("http_config", "header"),
    [
        ({}, None),
        ({"basic_auth": {"username": "user", "password": "pass"}}, "Basic dXNlcjpwYXNz"),
        ({"authorization": {"credentials": "tok"}}, "Bearer tok"),
        ({"authorization": {"type": "Token", "credentials": "tok"}}, "Token tok"),
        ({"bearer_token": "legacy"}, "Bearer legacy"),
    ],
    ids=["none", "basic", "authorization-default-bearer", "authorization-type", "legacy-bearer"],
)
async def test_auth_headers(http_config, header):
    req = await send(http_config)
    assert req.headers.get("Authorization") == header


async def test_secret_files_are_reread_per_request(tmp_path):
    f = tmp_path / "cred"
    f.write_text("one\n")
    cap = Capture()
    cfg = {"authorization": {"credentials_file": str(f)}}
    async with new_client(cfg, transport=httpx.MockTransport(cap)) as client:
        await post_json(client, "http://h/", b"{}")
        f.write_text("two")
        await post_json(client, "http://h/", b"{}")
    assert [r.headers["Authorization"] for r in cap.requests] == ["Bearer one", "Bearer two"]


async def test_basic_auth_password_file(tmp_path):
    (tmp_path / "pw").write_text("pass")
    req = await send({"basic_auth": {"username": "user", "password_file": str(tmp_path / "pw")}})
    assert req.headers["Authorization"] == "Basic dXNlcjpwYXNz"


async def test_server_name_is_used_for_tls():
    req = await send({"tls_config": {"server_name": "internal.example"}})
    assert req.extensions["sni_hostname"] == "internal.example"


@pytest.mark.parametrize(("follow", "expected"), [(None, 200), (True, 200), (False, 302)],
                         ids=["default-follows", "follows", "no-follow"])
async def test_follow_redirects(follow, expected):
    def handler(request):
        if request.url.path == "/old":
            return httpx.Response(302, headers={"Location": "/new"})
        return httpx.Response(200)

    cfg = {} if follow is None else {"follow_redirects": follow}
    async with new_client(cfg, transport=httpx.MockTransport(handler)) as client:
        r = await post_json(client, "http://h/old", b"{}")
    assert r.status_code == expected


async def test_transport_errors_are_retryable_and_hide_the_url():
    def boom(request):
        raise httpx.ConnectError(f"cannot reach {request.url}", request=request)

    async with new_client({}, transport=httpx.MockTransport(boom)) as client:
        with pytest.raises(NotifyError) as info:
            await post_json(client, "http://h/?token=secret", b"{}")
    assert info.value.retryable and "secret" not in str(info.value)


async def test_typed_http_config_from_the_config_loader(tmp_path):
    from alertmanager.config.httpconfig import Authorization, HTTPClientConfig, HTTPHeader
    from alertmanager.config.values import Secret

    (tmp_path / "h").write_text("from-file")
    cfg = HTTPClientConfig(
        authorization=Authorization(type="Bearer", credentials=Secret("tok")),
        http_headers={"X-Team": HTTPHeader(values=("a",), secrets=(Secret("b"),), files=(str(tmp_path / "h"),))},
    )
    req = await send(cfg)
    assert req.headers["Authorization"] == "Bearer tok"
    assert req.headers.get_list("X-Team") == ["a", "b", "from-file"]
