"""What the prompt editor tells the operator: sources, and every failure of the library, in words."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication

from app.adapters.json_store import StoreBusy, StoreConflict
from app.adapters.voice.clip_import import MAX_CLIP_S, ClipImportError, ImportProblem
from app.adapters.voice.tts import MAX_TEXT, TtsError, TtsLanguage, TtsProblem
from app.services.prompt_library import LibraryProblem, PromptError, PromptSource

translate = QCoreApplication.translate


def source_label(source: PromptSource) -> str:
    return {
        PromptSource.SHIPPED: translate("PromptWords", "Standard"),
        PromptSource.TTS: translate("PromptWords", "From text"),
        PromptSource.IMPORTED: translate("PromptWords", "Imported"),
        PromptSource.RECORDED: translate("PromptWords", "Recorded"),
    }[source]


def language_label(language: TtsLanguage) -> str:
    return {
        TtsLanguage.ZH: translate("PromptWords", "Mandarin"),
        TtsLanguage.EN: translate("PromptWords", "English"),
    }[language]


def seconds(value: float) -> str:
    return translate("PromptWords", "{0:.1f} s").format(value)


def tts_problem(error: TtsError) -> str:
    words = {
        TtsProblem.NOT_INSTALLED: translate(
            "PromptWords",
            "eSpeak NG is not installed, so prompts cannot be made from text. The standard prompts "
            "still play; recorded and imported prompts can be added.",
        ),
        TtsProblem.NO_VOICE: translate("PromptWords", "eSpeak NG has no voice for this language."),
        TtsProblem.EMPTY_TEXT: translate("PromptWords", "Type what the loudspeaker should say."),
        TtsProblem.TEXT_TOO_LONG: translate(
            "PromptWords", "The text is too long: at most {0} characters."
        ).format(MAX_TEXT),
        TtsProblem.FAILED: translate("PromptWords", "eSpeak NG could not speak this text."),
        TtsProblem.TIMEOUT: translate("PromptWords", "eSpeak NG did not finish in time."),
        TtsProblem.NO_SOUND: translate("PromptWords", "eSpeak NG produced no sound for this text."),
    }[error.problem]
    return words + (
        f" ({error.detail})" if error.detail and error.problem is not TtsProblem.EMPTY_TEXT else ""
    )


def import_problem(error: ClipImportError) -> str:
    name = Path(error.path).name
    words = {
        ImportProblem.NOT_FOUND: translate("PromptWords", "{0}: the file does not exist."),
        ImportProblem.UNREADABLE: translate("PromptWords", "{0}: the file cannot be read."),
        ImportProblem.NOT_AUDIO: translate("PromptWords", "{0}: not a sound file that can be played."),
        ImportProblem.SILENT: translate("PromptWords", "{0}: there is nothing to hear in it."),
        ImportProblem.TOO_LONG: translate(
            "PromptWords", "{0}: too long for a prompt (at most {1:g} seconds)."
        ),
    }[error.problem]
    return words.format(name, MAX_CLIP_S) + (f" ({error.detail})" if error.detail else "")


def library_problem(error: PromptError) -> str:
    return {
        LibraryProblem.UNKNOWN: translate("PromptWords", "This prompt no longer exists."),
        LibraryProblem.EMPTY_NAME: translate("PromptWords", "Give the prompt a name."),
        LibraryProblem.NAME_TAKEN: translate("PromptWords", "Another prompt is already named “{0}”.").format(
            error.detail
        ),
        LibraryProblem.SHIPPED: translate("PromptWords", "Standard prompts cannot be deleted."),
        LibraryProblem.NO_TTS: translate(
            "PromptWords", "Prompts cannot be made from text on this workstation."
        ),
        LibraryProblem.AUDIO_MISSING: translate(
            "PromptWords", "The sound file of this prompt is missing: {0}"
        ).format(error.detail),
        LibraryProblem.AUDIO_DAMAGED: translate(
            "PromptWords", "The sound file of this prompt is damaged: {0}"
        ).format(error.detail),
    }[error.problem]


def failure(error: BaseException) -> str:
    """Any failure of an editor action, worded for the operator."""
    if isinstance(error, TtsError):
        return tts_problem(error)
    if isinstance(error, ClipImportError):
        return import_problem(error)
    if isinstance(error, PromptError):
        return library_problem(error)
    if isinstance(error, StoreConflict):
        return translate(
            "PromptWords", "Another workstation changed this prompt at the same time; its version is shown."
        )
    if isinstance(error, StoreBusy):
        return translate("PromptWords", "The prompt list is being saved by another workstation; try again.")
    if isinstance(error, OSError):
        return translate("PromptWords", "Not saved: the prompt folder cannot be written ({0}).").format(
            error.strerror or error
        )
    return translate("PromptWords", "Not done: {0}").format(error)
