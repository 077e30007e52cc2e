"""Transcripts: reading WebVTT, SRT and plain speaker-turn text into ordered segments, and writing
timed segments back out as WebVTT captions.

Pure functions, no database: the archive models store what `parse_transcript` returns, the public
item page serves `to_webvtt`, and search reads the segments' start times.

Times are whole milliseconds (`start_ms`, `end_ms`), never float seconds: caption timestamps are
written to the millisecond, and integers compare and round-trip exactly. A segment may be
untimed (`None`), as plain-text transcripts usually are.

The format is chosen by content, never by file name: uploads are routinely misnamed.

- WebVTT: the first non-blank line starts with ``WEBVTT``.
- SRT: the first non-blank line is a cue number and the next one holds ``-->``.
- Anything else is speaker-turn text (see `_parse_turns` for the heuristic).

Cue timings are checked line by line before webvtt-py reads the cues, because webvtt-py silently
drops a cue it cannot read and its errors carry no line number; an editor needs "line 12".
"""

from __future__ import annotations

import codecs
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_SEGMENTS",
    "OPEN_END_CUE_MS",
    "Segment",
    "TranscriptError",
    "format_timestamp",
    "parse_transcript",
    "to_webvtt",
]

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_SEGMENTS = 20_000
# How long a caption lasts in `to_webvtt` when its segment has a start but no end and no later
# segment starts after it.
OPEN_END_CUE_MS = 5_000


class TranscriptError(ValueError):
    """A transcript that cannot be read. `message` is translated and meant for the uploader;
    `line` is the 1-based line at fault, when one is."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class Segment:
    """One stretch of a transcript: a caption cue, or a paragraph of one speaker's turn.

    `start_ms`/`end_ms` are milliseconds from the start of the recording, or None when unknown
    (a plain-text paragraph has no end; an untimed one has neither). `speaker` is "" when nobody
    is named. `text` is plain text (never markup); its lines are separated by "\\n".
    """

    start_ms: int | None
    end_ms: int | None
    speaker: str
    text: str

    def __post_init__(self) -> None:
        for name in ("start_ms", "end_ms"):
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"Segment.{name} must be an int of milliseconds or None")
            if value < 0:
                raise TranscriptError(_("A segment cannot start or end before 00:00."))
        if not isinstance(self.speaker, str) or not isinstance(self.text, str):
            raise TypeError("Segment.speaker and Segment.text must be strings")
        if "\n" in self.speaker or "\r" in self.speaker:
            raise TranscriptError(_("A speaker's name must fit on one line."))
        if self.start_ms is not None and self.end_ms is not None and self.end_ms < self.start_ms:
            raise TranscriptError(_("A segment cannot end before it starts."))

    @property
    def is_timed(self) -> bool:
        """Whether the segment has both a start and an end."""
        return self.start_ms is not None and self.end_ms is not None


# --- Public API -------------------------------------------------------------------------------


def parse_transcript(
    data: bytes | str,
    *,
    filename_hint: str = "",
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_segments: int = DEFAULT_MAX_SEGMENTS,
) -> list[Segment]:
    """Read a WebVTT, SRT or speaker-turn transcript into its segments, in file order.

    `filename_hint` is accepted so upload code can pass what it has, but is deliberately never
    used to pick the format. Segments with no text are left out, so a WebVTT file without cues
    gives an empty list. Raises `TranscriptError` for empty or binary input, input over
    `max_bytes` (counted as UTF-8 for a str) or over `max_segments` segments, and malformed cue
    timings (with the line number).
    """
    text = _decode(data, max_bytes=max_bytes)
    lines = _split_lines(text)
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise TranscriptError(_("The transcript is empty."))
    if _is_webvtt_header(lines[first]):
        return _parse_captions(lines, first, _VTT, max_segments=max_segments)
    if lines[first].strip().isdigit() and first + 1 < len(lines) and "-->" in lines[first + 1]:
        return _parse_captions(lines, first, _SRT, max_segments=max_segments)
    return _parse_turns(lines, max_segments=max_segments)


def to_webvtt(segments: Iterable[Segment]) -> str:
    """Serialise the segments that have a start time as WebVTT captions, one cue per segment,
    the speaker as a ``<v Speaker>`` voice span. Untimed segments and empty texts are skipped.

    A segment with a start but no end (a timestamped plain-text turn) lasts until the next cue
    starts, or `OPEN_END_CUE_MS` when no later cue does. Text is escaped, so markup in a
    transcript is shown as written, never interpreted. For fully timed segments as
    `parse_transcript` produces them, ``parse_transcript(to_webvtt(s))`` gives `s` back, with one
    exception: a segment without speaker whose text starts like ``Name: ...`` is read back with
    that speaker.
    """
    cues = [
        (segment, lines)
        for segment in segments
        if segment.start_ms is not None and (lines := _text_lines(segment.text))
    ]
    blocks = []
    for index, (segment, lines) in enumerate(cues):
        start = segment.start_ms
        end = segment.end_ms
        if end is None:
            following = cues[index + 1][0].start_ms if index + 1 < len(cues) else None
            end = following if following is not None and following > start else None
            if end is None:
                end = start + OPEN_END_CUE_MS
        body = [_escape_cue_text(line) for line in lines]
        speaker = " ".join(segment.speaker.split())
        if speaker:
            body[0] = f"<v {_escape_cue_text(speaker)}>{body[0]}"
        blocks.append("\n".join([f"{_vtt_time(start)} --> {_vtt_time(end)}", *body]))
    if not blocks:
        return "WEBVTT\n"
    return "WEBVTT\n\n" + "\n\n".join(blocks) + "\n"


def format_timestamp(ms: int) -> str:
    """A start time for display: "MM:SS" under an hour ("02:05"), "H:MM:SS" from an hour on
    ("1:02:05"). Milliseconds are dropped, not rounded, so the time shown is never later than the
    moment it links to."""
    if isinstance(ms, bool) or not isinstance(ms, int):
        raise TypeError("format_timestamp expects an int of milliseconds")
    if ms < 0:
        raise ValueError("format_timestamp expects a time of 0 ms or more")
    hours, rest = divmod(ms // 1000, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes:02d}:{seconds:02d}"


# --- Decoding ---------------------------------------------------------------------------------

# C0 controls and DEL, less tab, line feed, form feed and carriage return: text never has them.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _decode(data: bytes | str, *, max_bytes: int) -> str:
    """The text of an upload: UTF-8 with or without BOM, UTF-16 with BOM (Windows "Unicode"
    exports), else Windows-1252; refused when too large, empty or not text."""
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise TranscriptError(
            _("The transcript is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes)}
        )
    if isinstance(data, str):
        text = data
    elif data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise _not_text_error() from None
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            # Older Windows tools save "ANSI" text; cp1252 leaves five bytes undefined, so
            # binary data usually fails here or on the control-character check below.
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise _not_text_error() from None
    text = text.removeprefix("\ufeff")
    # A DOS end-of-file marker is a leftover of old editors, not binary content.
    text = text.removesuffix("\x1a")
    # NUL bytes and other control characters: binary data (an image, a word-processor file).
    if _CONTROL_CHARS.search(text):
        raise _binary_error()
    if not text.strip():
        raise TranscriptError(_("The transcript is empty."))
    return text


def _binary_error() -> TranscriptError:
    return TranscriptError(_("This file is not a text transcript: it contains binary data."))


def _not_text_error() -> TranscriptError:
    return TranscriptError(_("This file could not be read as text. Save it as UTF-8 and retry."))


def _split_lines(text: str) -> list[str]:
    # Only CR, LF and CRLF end a line, as in WebVTT and in the editors that report line numbers;
    # str.splitlines would also break on form feeds and U+2028.
    return _LINE_BREAK.split(text)


# --- WebVTT and SRT ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _CaptionFormat:
    name: str
    timing: re.Pattern[str]
    example: str
    # WebVTT text escapes "&" and "<" as HTML character references; SRT has no escapes.
    unescape: bool


_VTT_TIME = r"(?:(\d{1,10}):)?(\d{1,2}):(\d{1,2})\.(\d{1,3})"
_SRT_TIME = r"(\d{1,10}):(\d{1,2}):(\d{1,2})[,.](\d{3})"
_VTT = _CaptionFormat(
    name="vtt",
    timing=re.compile(rf"\s*{_VTT_TIME}\s*-->\s*{_VTT_TIME}(?=\s|$)"),
    example="00:01:02.500 --> 00:01:05.000",
    unescape=True,
)
_SRT = _CaptionFormat(
    name="srt",
    timing=re.compile(rf"\s*{_SRT_TIME}\s*-->\s*{_SRT_TIME}(?=\s|$)"),
    example="00:01:02,500 --> 00:01:05,000",
    unescape=False,
)
# SubStation override codes such as {\an8} that some SRT files carry.
_SRT_OVERRIDE = re.compile(r"\{\\[^{}]*\}")
_VOICE_SPAN = webvtt.Caption.VOICE_SPAN_PATTERN


def _is_webvtt_header(line: str) -> bool:
    return line.startswith("WEBVTT") and line[6:7] in ("", " ", "\t")


def _parse_captions(
    lines: list[str], first: int, fmt: _CaptionFormat, *, max_segments: int
) -> list[Segment]:
    cue_count = 0
    for number, line in enumerate(lines, start=1):
        if "-->" not in line:
            continue
        _check_timing(line, number, fmt)
        cue_count += 1
        if cue_count > max_segments:
            raise _too_many_segments(max_segments)
    try:
        # The closing empty line lets webvtt-py accept an SRT file of a single cue without text,
        # which it would otherwise refuse as too short.
        captions = webvtt.from_buffer([*lines[first:], ""], format=fmt.name)
    except (MalformedFileError, MalformedCaptionError) as error:
        # Not expected once the timings are checked; kept so that a change in the library
        # cannot leak its own exception types to callers.
        raise TranscriptError(_("The captions could not be read.")) from error

    segments = _SegmentList(max_segments)
    for caption in captions:
        segments.extend(
            _cue_segments(
                caption.lines,
                caption.start_time.in_milliseconds(),
                caption.end_time.in_milliseconds(),
                fmt,
            )
        )
    return segments.items


def _check_timing(line: str, number: int, fmt: _CaptionFormat) -> None:
    match = fmt.timing.match(line)
    times = None
    if match:
        start = _time_ms(*match.groups()[0:4])
        end = _time_ms(*match.groups()[4:8])
        if start is not None and end is not None:
            times = (start, end)
    if times is None:
        raise TranscriptError(
            _("Line %(line)d: malformed timestamp in “%(timing)s”; expected “%(example)s”.")
            % {"line": number, "timing": _shorten(line.strip()), "example": fmt.example},
            line=number,
        )
    start, end = times
    if end < start:
        raise TranscriptError(
            _("Line %(line)d: the cue ends (%(end)s) before it starts (%(start)s).")
            % {"line": number, "start": _vtt_time(start), "end": _vtt_time(end)},
            line=number,
        )


def _time_ms(hours: str | None, minutes: str, seconds: str, fraction: str) -> int | None:
    """Milliseconds of a matched timestamp, or None when minutes or seconds are out of range.
    A fraction is read as a decimal fraction, so ".5" is 500 ms, as webvtt-py does."""
    if int(minutes) > 59 or int(seconds) > 59:
        return None
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(
        fraction.ljust(3, "0")
    )


def _cue_segments(
    raw_lines: Sequence[str], start_ms: int, end_ms: int, fmt: _CaptionFormat
) -> list[Segment]:
    """The segments of one cue: usually one; one per voice when lines start with different
    ``<v>`` spans. Without a voice, a leading speaker label ("Marie: ...") names the speaker."""
    groups: list[tuple[str | None, list[str]]] = []
    for raw in raw_lines:
        voice_match = _VOICE_SPAN.match(raw.lstrip())
        voice = _clean_name(_cue_text(voice_match.group(1), fmt)) if voice_match else None
        if voice is not None and (not groups or groups[-1][0] != voice):
            groups.append((voice, []))
        elif not groups:
            groups.append((None, []))
        line = _cue_text(_strip_tags(raw), fmt).strip()
        if line:
            groups[-1][1].append(line)

    segments = []
    for voice, texts in groups:
        speaker = voice or ""
        if voice is None and texts:
            label = _match_label(texts[0], names_allowed=True)
            if label and (label.text or len(texts) > 1):
                speaker = label.speaker
                texts = [label.text, *texts[1:]] if label.text else texts[1:]
        if texts:
            segments.append(Segment(start_ms, end_ms, speaker, "\n".join(texts)))
    return segments


def _cue_text(text: str, fmt: _CaptionFormat) -> str:
    if fmt.unescape:
        return html.unescape(text)
    return _SRT_OVERRIDE.sub("", text)


def _strip_tags(line: str) -> str:
    """Remove cue tags (<v Name>, <i>, <c.class>, <00:00:01.000>...). A "<" without a ">" after
    it is text. Scans with str.find: a regex would rescan the rest of the line from every
    unclosed "<", which is quadratic on hostile input."""
    parts = []
    pos = 0
    while (start := line.find("<", pos)) >= 0:
        end = line.find(">", start + 1)
        if end < 0:
            break
        parts.append(line[pos:start])
        pos = end + 1
    parts.append(line[pos:])
    return "".join(parts)


# --- Speaker-turn text ------------------------------------------------------------------------


def _word_set(*groups: str) -> frozenset[str]:
    return frozenset(word for group in groups for word in group.split())


# Role words that make a speaker label on their own line, optionally numbered ("Speaker #1",
# "Intervenant 2", "Sprecher 1", "Spreker A"), in the site languages and common export tools.
_ROLE_WORDS = _word_set(
    "speaker interviewer interviewee moderator narrator host guest",
    "intervenant intervenante locuteur locutrice orateur oratrice intervieweur intervieweuse",
    "interviewé interviewée enquêteur enquêtrice modérateur modératrice narrateur narratrice",
    "invité invitée",
    "sprecher sprecherin interviewerin befragter befragte moderatorin erzähler erzählerin gast",
    "spreker interviewster geïnterviewde verteller spriecher spriecherin",
)
# Sorted so the pattern is the same on every run (set order depends on the hash seed).
_ROLE_ALTERNATIVES = "|".join(sorted(_ROLE_WORDS))
_ROLE = re.compile(
    rf"(?:{_ROLE_ALTERNATIVES})(?:\s*#\s*\d{{1,3}}|\s*\d{{1,3}}|\s+[^\W\d_])?", re.IGNORECASE
)
# First words that end in a colon at the start of a paragraph without naming a speaker: notes,
# headings and the metadata lines that open many oral-history transcripts ("Date : ...").
_NOT_SPEAKERS = _word_set(
    "note notes nota nb n.b ps p.s remarque remarques remark anmerkung hinweis opmerking",
    "attention warning achtung important wichtig belangrijk",
    "summary résumé zusammenfassung samenvatting conclusion fazit conclusie",
    "title titre titel subject sujet objet betreff onderwerp theme thème thema topic",
    "date datum time heure zeit tijd place lieu ort plaats location",
    "duration durée dauer duur language langue sprache taal source sources quelle bron",
    "transcript transcription transkription transcriptie interview entretien gespräch",
    "project projet projekt reference référence referenz cote copyright licence license",
    "participants teilnehmer deelnemers keywords tags example exemple beispiel voorbeeld",
    "see voir siehe zie re fw tel tél email e-mail url http https www",
    "inaudible unverständlich onverstaanbaar laughter laughs rires lachen",
    "applause applaudissements applaus music musique musik muziek pause silence crosstalk",
)
# Lowercase words that may sit inside a name ("Marie de Vries", "Anna von Trier").
_NAME_PARTICLES = _word_set(
    "de du des la le van von der den da di del della dos das zu ten ter y bin ibn al el"
)
_NAME_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’.\-])*")
_NUMBER_WORD = re.compile(r"#?\d{1,3}")
# A name, optional spaces (French puts one, often non-breaking, before the colon), the colon,
# then the turn's text after a space, or nothing. The colon must not be followed directly by a
# character, which keeps "12:34" and "http://" out.
_COLON_LABEL = re.compile(r"([^:]{1,40}?)\s*:(?:\s+(.*))?")
_INLINE_TIME = r"(?:(\d{1,2}):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?"
_LEADING_TIMESTAMP = re.compile(rf"(?:\[{_INLINE_TIME}\]|\({_INLINE_TIME}\)|{_INLINE_TIME}$)\s*")
_TRAILING_TIMESTAMP = re.compile(rf"\s+(?:\[{_INLINE_TIME}\]|\({_INLINE_TIME}\)|{_INLINE_TIME})$")
# A WebVTT or SRT cue timing, to catch caption files that lack their header.
_CUE_TIME = r"(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}"
_TIMING_LIKE = re.compile(rf"\s*{_CUE_TIME}\s*-->\s*{_CUE_TIME}")
_MAX_LABEL_LINE = 80


@dataclass(frozen=True)
class _Label:
    speaker: str
    text: str
    start_ms: int | None


def _parse_turns(lines: list[str], *, max_segments: int) -> list[Segment]:
    """Read plain text made of speaker turns; each paragraph becomes one segment.

    The heuristic, line by line:

    - A speaker label starts a turn; the turn's text follows on the same line or the next lines.
      Labels are: a role word, optionally numbered, alone on its line ("Speaker #1",
      "Intervenant 2", "Interviewer"); a bracketed name alone on its line ("[Marie Dupont]");
      or a name and a colon ("Marie: ...", "Marie : ..." with French spacing).
    - A role or bracketed label is recognised on any line. A "Name:" label only at the start of a
      paragraph, or on any line of a paragraph that itself opened with a label (dialogue written
      one turn per line). Elsewhere "Note: ..." stays prose.
    - Name-like means 1-4 words, at most 40 characters, the first capitalised, each word
      capitalised, a number ("#1") or a name particle ("de", "von"), and a first word that is not
      a known heading or metadata key ("Note", "Date", "Titre"...).
    - Consecutive lines belong to the current paragraph. A blank line ends the paragraph but not
      the turn: the next paragraph keeps the speaker. Text before any label has speaker "".
    - A timestamp at the start of a turn or paragraph, "[00:12:34]", "(12:34)" or alone on its
      line, or after a label on its line ("Speaker 1 (00:12)"), sets the segment's start.
      Plain-text segments have no end.
    """
    segments = _SegmentList(max_segments)
    speaker = ""
    paragraph: list[str] = []
    paragraph_start: int | None = None
    pending_start: int | None = None
    in_dialogue = False

    def flush() -> None:
        nonlocal paragraph, paragraph_start
        if paragraph:
            segments.append(Segment(paragraph_start, None, speaker, "\n".join(paragraph)))
        paragraph = []
        paragraph_start = None

    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            flush()
            in_dialogue = False
            continue
        if _TIMING_LIKE.match(line):
            raise TranscriptError(
                _(
                    "Line %(line)d looks like a cue timing, but the file has neither a WEBVTT "
                    "header nor SRT cue numbers."
                )
                % {"line": number},
                line=number,
            )
        at_start = not paragraph
        timestamp, rest = _split_leading_timestamp(line)
        label = _match_label(rest, names_allowed=at_start or in_dialogue)
        if label:
            flush()
            speaker = label.speaker
            start = next(
                (t for t in (timestamp, label.start_ms, pending_start) if t is not None), None
            )
            pending_start = None
            in_dialogue = True
            if label.text:
                paragraph, paragraph_start = [label.text], start
            else:
                pending_start = start
        elif not at_start:
            paragraph.append(line)
        elif timestamp is not None and not rest:
            pending_start = timestamp
        else:
            paragraph_start = timestamp if timestamp is not None else pending_start
            paragraph = [rest if timestamp is not None else line]
            pending_start = None
    flush()
    return segments.items


def _split_leading_timestamp(line: str) -> tuple[int | None, str]:
    match = _LEADING_TIMESTAMP.match(line)
    if match:
        ms = _inline_time_ms(match.groups())
        if ms is not None:
            return ms, line[match.end() :]
    return None, line


def _inline_time_ms(groups: Sequence[str | None]) -> int | None:
    """The time of the one alternative of an inline-timestamp match that took part: two fields
    are minutes and seconds, three are hours, minutes and seconds. None when out of range."""
    for i in range(0, len(groups), 4):
        hours, minutes, seconds, fraction = groups[i : i + 4]
        if minutes is not None and seconds is not None:
            if int(seconds) > 59 or (hours is not None and int(minutes) > 59):
                return None
            total = (int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)
            return total * 1000 + int((fraction or "0").ljust(3, "0"))
    return None


def _match_label(line: str, *, names_allowed: bool) -> _Label | None:
    """The speaker label that `line` starts with, if any (see `_parse_turns`)."""
    # A label alone on its line: a role word or a bracketed name, perhaps followed by a time.
    core, start_ms = line, None
    # Labels are short; the length test also spares the search a quadratic scan of long runs of
    # spaces in a hostile file.
    trailing = _TRAILING_TIMESTAMP.search(line) if len(line) <= _MAX_LABEL_LINE else None
    if trailing and (start_ms := _inline_time_ms(trailing.groups())) is not None:
        core = line[: trailing.start()]
    name, bracketed = _unbracket(core)
    if _ROLE.fullmatch(name) or (bracketed and _is_name_like(name)):
        return _Label(_clean_name(name), "", start_ms)
    # A name and a colon, the text following on the same line.
    colon = _COLON_LABEL.fullmatch(line)
    if colon:
        name, bracketed = _unbracket(colon.group(1).strip())
        if _ROLE.fullmatch(name) or ((names_allowed or bracketed) and _is_name_like(name)):
            return _Label(_clean_name(name), (colon.group(2) or "").strip(), None)
    return None


def _unbracket(text: str) -> tuple[str, bool]:
    if text.startswith("[") and text.endswith("]") and "[" not in text[1:-1]:
        return text[1:-1].strip(), True
    return text, False


def _is_name_like(name: str) -> bool:
    words = name.split()
    if not 1 <= len(words) <= 4 or len(name) > 40:
        return False
    if words[0].casefold().rstrip(".") in _NOT_SPEAKERS:
        return False
    for position, word in enumerate(words):
        bare = re.sub(r"^[dl]['’]", "", word) if position else word
        if _NAME_WORD.fullmatch(bare) and bare[0].isupper():
            continue
        if position and (word in _NAME_PARTICLES or _NUMBER_WORD.fullmatch(word)):
            continue
        return False
    return True


def _clean_name(name: str) -> str:
    return " ".join(name.split())


# --- Helpers ----------------------------------------------------------------------------------


class _SegmentList:
    """A list of segments that refuses to grow past the limit, so a hostile file fails fast
    instead of building millions of objects first."""

    def __init__(self, limit: int) -> None:
        self.items: list[Segment] = []
        self.limit = limit

    def append(self, segment: Segment) -> None:
        if len(self.items) >= self.limit:
            raise _too_many_segments(self.limit)
        self.items.append(segment)

    def extend(self, segments: Iterable[Segment]) -> None:
        for segment in segments:
            self.append(segment)


def _too_many_segments(limit: int) -> TranscriptError:
    return TranscriptError(
        _("The transcript has more than %(limit)d segments; split it into smaller files.")
        % {"limit": limit}
    )


def _text_lines(text: str) -> list[str]:
    # A blank line would end the cue, so text lines are written without blank ones.
    return [stripped for line in _split_lines(text) if (stripped := line.strip())]


def _escape_cue_text(text: str) -> str:
    # ">" too: it keeps "-->", which would end the cue text, out of the file.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _vtt_time(ms: int) -> str:
    seconds, millis = divmod(ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
