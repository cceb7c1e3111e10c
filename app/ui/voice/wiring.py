"""What the composition root gives the window for voice: the voice service, the escalation ladder's
driver, the prompt library (as a :class:`PromptCatalogue`), and which prompt each rule plays.

The window builds a :class:`~app.ui.voice.hub.VoiceHub` from it (the keys, the 喊话 menu, the
tile badges, the ladder on the alert rows); without it the window has no voice at all.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from app.core.alerts import Alert, Rule
from app.services.prompt_library import PromptLibrary
from app.services.voice import VoiceService
from app.services.voice_ladder import LadderDriver
from app.ui.voice.microphone import Microphone

# The prompt an alert of each rule plays when an operator pushes it (the library's ids).
RULE_PROMPTS: dict[str, str] = {Rule.VENDING.value: "no_vending", Rule.BIN_OVERFLOW.value: "litter"}


class PromptCatalogue(Protocol):
    """The prompt library as the operator picks from it (satisfied by the library service)."""

    def prompts(self) -> list[tuple[str, str]]:
        """(id, name) of every prompt, in the order to offer them."""
        ...


class LibraryCatalogue:
    """The prompt library as a :class:`PromptCatalogue`: (id, name) in the library's order."""

    def __init__(self, library: PromptLibrary) -> None:
        self._library = library

    def prompts(self) -> list[tuple[str, str]]:
        return [(p.id, p.name) for p in self._library.prompts()]


@dataclass(frozen=True)
class VoiceTarget:
    """What a voice key is about: the selected tile's camera, or the selected alert (and its camera)."""

    camera_id: str | None
    alert: Alert | None = None


@dataclass
class VoiceWiring:
    service: VoiceService
    ladder: LadderDriver | None = None
    prompts: PromptCatalogue | None = None  # None: only the rule prompts and the default, by id
    default_prompt: str = "no_vending"  # a tile without an alert
    rule_prompts: Mapping[str, str] = field(default_factory=lambda: dict(RULE_PROMPTS))
    emergency_prompt: str | None = None  # offered first in the emergency broadcast dialog
    tick_ladder: bool = True  # the window's one-second timer calls ``ladder.tick()``
    microphone: Callable[[], Microphone] | None = None  # None: the computer's default input
    clock: Callable[[], float] = time.time  # the clock the ladder's times are on (its countdowns)
    library: PromptLibrary | None = None  # the prompt library's editor (None: no editor offered)

    def prompt_for(self, alert: Alert | None) -> str:
        if alert is None:
            return self.default_prompt
        return self.rule_prompts.get(alert.rule.value, self.default_prompt)

    def prompt_list(self) -> list[tuple[str, str]]:
        """Every prompt to offer: the library's, else the ones this wiring names (by id)."""
        if self.prompts is not None:
            listed = self.prompts.prompts()
            if listed:
                return listed
        ids = [self.default_prompt, *self.rule_prompts.values()]
        if self.emergency_prompt:
            ids.append(self.emergency_prompt)
        return [(i, i) for i in dict.fromkeys(ids)]

    def prompt_name(self, prompt_id: str) -> str:
        return dict(self.prompt_list()).get(prompt_id, prompt_id)
