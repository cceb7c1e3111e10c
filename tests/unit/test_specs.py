import pickle

from app.media.protocol import SecretUrl
from app.media.scrub import scrub
from app.media.specs import camera_spec, with_credentials
from camera_config.models import SiteConfig

PASSWORD = "Zx9#secret:@/pw"


def site() -> SiteConfig:
    return SiteConfig.model_validate(
        {
            "site": {"name": "示范区"},
            "cameras": [
                {
                    "id": "cam001",
                    "name": "人民路口",
                    "source": {
                        "kind": "rtsp",
                        "main": "rtsp://10.0.0.5:554/main",
                        "sub": "rtsp://10.0.0.5/sub",
                    },
                    "credentials": {"username": "admin", "password_env": "CAM_PW"},
                }
            ],
        },
        context={"env": {"CAM_PW": PASSWORD}},
    )


def test_credentials_are_percent_encoded_into_the_url() -> None:
    url = with_credentials("rtsp://10.0.0.5:554/a?b=1", "ad min", "p@ss:/#")
    assert url == "rtsp://ad%20min:p%40ss%3A%2F%23@10.0.0.5:554/a?b=1"


def test_spec_carries_both_streams_and_never_shows_the_password() -> None:
    spec = camera_spec(site().cameras[0], site().ingest)
    assert spec.sub_url.reveal().endswith("@10.0.0.5/sub")
    assert spec.main_url is not None and spec.main_url.reveal().endswith("@10.0.0.5:554/main")
    for text in (repr(spec), str(spec), repr(spec.sub_url), repr(site()), str(site().cameras[0])):
        assert PASSWORD not in text and "secret" not in text
    restored = pickle.loads(pickle.dumps(spec))  # crosses to the worker process intact
    assert restored.sub_url == spec.sub_url


def test_error_text_from_ffmpeg_is_scrubbed() -> None:
    url = with_credentials("rtsp://10.0.0.5/sub", "admin", PASSWORD)
    message = f"Server returned 401 Unauthorized: '{url}' (password {PASSWORD})"
    cleaned = scrub(message, [PASSWORD], url)
    assert PASSWORD not in cleaned and "Zx9" not in cleaned
    assert "rtsp://admin:***@10.0.0.5/sub" in cleaned
    assert repr(SecretUrl(url)) == "SecretUrl('rtsp://admin:***@10.0.0.5/sub')"
