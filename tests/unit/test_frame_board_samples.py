"""Detection samples through the frame board: request blocks, detect slots, tokens, the decoder's answer."""

from __future__ import annotations

import av
import numpy as np
import pytest

from app.media.frame_board import BoardLayout, FrameBoard
from app.media.protocol import CameraSpec, Output, SecretUrl
from app.media.pull import StreamPull

TILE, FOCUS = (192, 108), (320, 240)


@pytest.fixture
def board():
    layout = BoardLayout(
        (TILE, TILE, FOCUS), workers=1, detect_slots=2, detect_capacity=(64, 48), request_slots=2
    )
    board = FrameBoard.create(layout)
    yield board
    board.close()


def bgra(value: int, w: int, h: int) -> np.ndarray:
    return np.full((h, w, 4), value, np.uint8)


def test_a_layout_without_samples_is_laid_out_as_before() -> None:
    plain = BoardLayout((TILE, FOCUS), workers=2)
    ctl, starts = plain.offsets()
    assert ctl == (8 + 2) * 8 and plain.all_capacities == (TILE, FOCUS)
    assert starts[0] == 4096 and plain.total_bytes() == starts[1] + 2 * plain.buffer_bytes(1)


def test_detect_slots_follow_the_ordinary_slots() -> None:
    layout = BoardLayout((TILE, FOCUS), workers=1, detect_slots=3, request_slots=1)
    assert [layout.detect_slot(j) for j in range(3)] == [2, 3, 4]
    assert layout.all_capacities[2:] == ((640, 480),) * 3
    with pytest.raises(IndexError):
        layout.detect_slot(3)
    with pytest.raises(ValueError):
        BoardLayout((TILE,), workers=1, request_slots=2)  # more request blocks than slots


def test_a_request_is_seen_by_the_decoder_and_answered_into_the_detect_slot(board: FrameBoard) -> None:
    assert board.request_token(1) == 0 and board.sample_request(1) is None
    token = board.request_sample(1, 0, (64, 48))
    assert board.request_token(1) == token and board.request_token(0) == 0
    request = board.sample_request(1)
    assert request is not None and request.token == token
    assert request.detect_slot == board.layout.detect_slot(0) and request.size == (64, 48)
    assert board.read_sample(0, token) is None  # not answered yet
    assert board.write(request.detect_slot, bgra(7, 40, 30), request.token)
    got = board.read_sample(0, token)
    assert got is not None
    image, meta = got
    assert image.shape == (30, 40, 4) and int(image[0, 0, 0]) == 7 and meta.token == token


def test_the_worker_converts_an_answer_straight_from_shared_memory(board: FrameBoard) -> None:
    token = board.request_sample(0, 1, (64, 48))
    assert board.samples_written() == 0 and not board.sample_ready(1, token)
    assert board.convert_sample(1, token, lambda view: view.copy()) is None
    image = bgra(0, 40, 30)
    image[..., 2] = 200  # red
    assert board.write(board.layout.detect_slot(1), image, token)
    assert board.samples_written() == 1 and board.sample_ready(1, token)
    assert not board.sample_ready(1, token + 1) and not board.sample_ready(0, token)
    got = board.convert_sample(1, token, lambda view: view[..., :3].copy())
    assert got is not None
    bgr, meta = got
    assert bgr.shape == (30, 40, 3) and int(bgr[0, 0, 2]) == 200 and meta.token == token
    assert board.convert_sample(1, token + 1, lambda view: view.copy()) is None


def test_the_requested_size_is_capped_at_the_detect_capacity(board: FrameBoard) -> None:
    board.request_sample(0, 1, (640, 480))
    request = board.sample_request(0)
    assert request is not None and request.size == (64, 48)
    assert not board.write(request.detect_slot, bgra(1, 65, 48), request.token)  # too big: refused
    with pytest.raises(ValueError):
        board.request_sample(0, 1, (1, 1))


def test_a_late_answer_to_a_replaced_request_never_lands(board: FrameBoard) -> None:
    old = board.request_sample(0, 0, (64, 48))
    new = board.request_sample(1, 0, (64, 48))  # the same detect slot, now for another camera
    assert new != old
    slot = board.layout.detect_slot(0)
    assert not board.write(slot, bgra(1, 40, 30), old)  # camera 0's decoder answers too late
    assert board.read_sample(0, old) is None and board.read_sample(0, new) is None
    assert board.write(slot, bgra(2, 40, 30), new)
    got = board.read_sample(0, new)
    assert got is not None and int(got[0][0, 0, 0]) == 2
    assert board.read_sample(0, old) is None


def test_a_cancelled_request_is_neither_seen_nor_answered(board: FrameBoard) -> None:
    token = board.request_sample(0, 1, (64, 48))
    board.cancel_sample(0, 1, token)
    assert board.request_token(0) == 0 and board.sample_request(0) is None
    assert not board.write(board.layout.detect_slot(1), bgra(1, 8, 8), token)
    other = board.request_sample(0, 1, (32, 24))
    board.cancel_sample(0, 1, token)  # cancelling a request that is already replaced changes nothing
    assert board.request_token(0) == other


def test_detect_slots_take_no_frames_before_any_request(board: FrameBoard) -> None:
    slot = board.layout.detect_slot(0)
    assert not board.write(slot, bgra(1, 8, 8))  # no token: only an answer may land
    assert not board.write(slot, bgra(1, 8, 8), 12345)


def test_the_detection_worker_and_the_decoders_share_requests_by_name(board: FrameBoard) -> None:
    worker = FrameBoard.attach(board.name, board.layout)
    try:
        token = worker.request_sample(1, 1, (64, 48))
        request = board.sample_request(1)  # the decoder's view of the same segment
        assert request is not None and request.token == token
        assert board.write(request.detect_slot, bgra(9, 20, 10), token)
        got = worker.read_sample(1, token)
        assert got is not None and got[0].shape == (10, 20, 4)
    finally:
        worker.close()


def test_attaching_with_a_layout_larger_than_the_segment_is_refused(board: FrameBoard) -> None:
    bigger = BoardLayout(board.layout.capacities, workers=1, detect_slots=50, request_slots=2)
    with pytest.raises(RuntimeError, match="smaller than the board layout"):
        FrameBoard.attach(board.name, bigger)


# --- the decoder's side: StreamPull._publish --------------------------------------------------------
def pull_on(board: FrameBoard, sample_slot: int | None) -> StreamPull:
    spec = CameraSpec("cam", SecretUrl("rtsp://127.0.0.1:1/cam"), None)
    pull = StreamPull("cam/sub", spec.sub_url, spec, board, lambda _: None, sample_slot=sample_slot)
    pull.configure([Output(0, TILE)], keyframes_only=False)
    return pull  # never started: _publish is called by hand


def video_frame(w: int = 352, h: int = 288) -> av.VideoFrame:
    img = np.zeros((h, w, 3), np.uint8)
    img[:, : w // 2] = (0, 0, 255)  # left half red
    return av.VideoFrame.from_ndarray(img, format="bgr24").reformat(format="yuv420p")


def test_a_decoded_frame_answers_a_pending_request_once_fitted_into_the_asked_size(board: FrameBoard) -> None:
    pull = pull_on(board, sample_slot=0)
    pull._publish(video_frame())
    assert pull.samples == 0 and board.count(0) == 1  # no request: only the tile
    token = board.request_sample(0, 0, (64, 48))
    pull._publish(video_frame())
    got = board.read_sample(0, token)
    assert got is not None and pull.samples == 1
    image, _ = got
    assert image.shape == (48, 58, 4)  # CIF 11:9 fitted into 64x48 (even width)
    assert image[24, 5, 2] > 200 and image[24, 50, 2] < 50  # red on the left, as decoded
    slot = board.layout.detect_slot(0)
    pull._publish(video_frame())
    assert board.count(slot) == 1 and pull.samples == 1  # answered once, not on every frame


def test_a_pull_without_a_sample_slot_never_answers(board: FrameBoard) -> None:
    pull = pull_on(board, sample_slot=None)
    token = board.request_sample(0, 0, (64, 48))
    pull._publish(video_frame())
    assert board.read_sample(0, token) is None and pull.samples == 0


def test_a_request_withdrawn_between_frames_is_not_answered(board: FrameBoard) -> None:
    pull = pull_on(board, sample_slot=0)
    token = board.request_sample(0, 1, (64, 48))
    board.cancel_sample(0, 1, token)
    pull._publish(video_frame())
    assert board.count(board.layout.detect_slot(1)) == 0 and pull.samples == 0
    again = board.request_sample(0, 1, (64, 48))
    pull._publish(video_frame())
    assert board.read_sample(1, again) is not None
