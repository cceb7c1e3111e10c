import numpy as np
import pytest

from app.media.frame_board import BoardLayout, FrameBoard


@pytest.fixture
def board():
    board = FrameBoard.create(BoardLayout(((64, 48), (32, 32)), workers=2))
    yield board
    board.close()


def frame(value: int, w: int = 40, h: int = 30) -> np.ndarray:
    return np.full((h, w, 4), value, np.uint8)


def test_reader_gets_the_newest_frame_only(board: FrameBoard) -> None:
    assert board.read(0) is None
    for value in (10, 20, 30):
        assert board.write(0, frame(value))
    got = board.read(0)
    assert got is not None
    image, meta = got
    assert image.shape == (30, 40, 4) and int(image[0, 0, 0]) == 30
    assert meta.count == 3 and (meta.width, meta.height) == (40, 30)
    assert board.read(0, newer_than=meta.count) is None  # nothing new: nothing copied


def test_destination_buffer_is_reused_when_the_size_matches(board: FrameBoard) -> None:
    board.write(0, frame(1))
    first = board.read(0)
    assert first is not None
    board.write(0, frame(2))
    second = board.read(0, dest=first[0], newer_than=first[1].count)
    assert second is not None and second[0] is first[0] and int(second[0][5, 5, 2]) == 2
    board.write(0, frame(3, w=20, h=10))  # the tile got smaller: a new buffer of the new size
    third = board.read(0, dest=first[0])
    assert third is not None and third[0] is not first[0] and third[0].shape == (10, 20, 4)


def test_the_newest_frame_is_read_in_place_and_stays_put_for_a_frame_period(board: FrameBoard) -> None:
    assert board.latest(0) is None and board.newer([0, 1], [0, 0]) == []
    board.write(0, frame(10))
    ref = board.latest(0)
    assert ref is not None and int(ref.pixels[0, 0, 0]) == 10 and ref.meta.count == 1
    # One read tells a wall which of its tiles have something new, and gives it in place.
    (index, got), *rest = board.newer([-1, 1, 0], [0, 0, 0])
    assert (index, rest) == (2, []) and got.pixels is ref.pixels and got.meta == ref.meta
    assert board.newer([1, 0], [0, 1]) == []  # seen already
    board.write(0, frame(20))  # the writer fills the other buffer first: the frame read stays
    assert board.holds(ref) and int(ref.pixels[0, 0, 0]) == 10
    newer = board.latest(0)
    assert newer is not None and int(newer.pixels[0, 0, 0]) == 20 and newer.meta.count == 2
    board.write(0, frame(30))  # now the first buffer is reused: the old reference knows it
    assert not board.holds(ref) and board.holds(newer)
    again = board.latest(0)
    assert again is not None and again.pixels is ref.pixels  # same view of the same buffer, reused


def test_a_board_closed_while_a_frame_is_held_stays_mapped_for_it() -> None:
    board = FrameBoard.create(BoardLayout(((64, 48),), workers=1))
    board.write(0, frame(42))
    ref = board.latest(0)
    assert ref is not None
    board.close()  # a wall may still paint from it: the mapping must not go away under it
    assert int(ref.pixels[29, 39, 3]) == 42


def test_frames_larger_than_the_slot_are_refused(board: FrameBoard) -> None:
    assert not board.write(1, frame(1, w=33, h=32))
    assert board.count(1) == 0


def test_a_frame_being_written_is_never_returned(board: FrameBoard) -> None:
    board.write(0, frame(5))
    ctl = board._ctl[0]
    latest = int(ctl[0])
    ctl[2 + latest] += 1  # pretend a writer is inside this buffer (odd sequence)
    assert board.read(0) is None
    ctl[2 + latest] += 1
    assert board.read(0) is not None


def test_only_the_token_holder_writes_a_reassigned_slot(board: FrameBoard) -> None:
    board.set_token(1, 7)
    assert not board.write(1, frame(1, 16, 16), token=6)
    assert board.write(1, frame(1, 16, 16), token=7)


def test_workers_attach_by_name_and_share_frames_and_heartbeats(board: FrameBoard) -> None:
    other = FrameBoard.attach(board.name, board.layout)
    try:
        other.write(0, frame(99))
        other.beat(1)
        got = board.read(0)
        assert got is not None and int(got[0][0, 0, 0]) == 99
        assert board.last_beat_ns(1) > 0 and board.last_beat_ns(0) == 0
    finally:
        other.close()


def test_attaching_to_foreign_memory_is_refused() -> None:
    from multiprocessing import shared_memory

    foreign = shared_memory.SharedMemory(create=True, size=1 << 16)
    try:
        with pytest.raises(RuntimeError, match="not a CityWall frame board"):
            FrameBoard.attach(foreign.name, BoardLayout(((8, 8),), workers=1))
    finally:
        foreign.close()
        foreign.unlink()
