"""Transcript import and WebVTT export (archive.transcripts): pure functions, no database."""

import codecs
from pathlib import Path

from django.utils import translation

import pytest

from archive.transcripts import (
    DEFAULT_MAX_BYTES,
    OPEN_END_CUE_MS,
    Segment,
    TranscriptError,
    format_timestamp,
    parse_transcript,
    to_webvtt,
)

DATA = Path(__file__).parent / "data" / "transcripts"

# The start of a real PNG file: signature, then the IHDR chunk, whose length field holds NULs.
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05"
)


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def parse_file(name: str, **kwargs) -> list[Segment]:
    return parse_transcript(read(name), filename_hint=name, **kwargs)


def error_for(data, **kwargs) -> TranscriptError:
    with translation.override("en"), pytest.raises(TranscriptError) as caught:
        parse_transcript(data, **kwargs)
    return caught.value


# --- WebVTT -----------------------------------------------------------------------------------

VOICES_SEGMENTS = [
    Segment(1000, 4500, "Marie Dupont", "Bonjour, je suis entrée\nà la filature en 1957."),
    Segment(4500, 9250, "Jean Muller", "Vous aviez quel âge ?"),
    Segment(9250, 12000, "Marie Dupont", "Quinze ans & demi."),
    Segment(9250, 12000, "Jean Muller", "Si jeune !"),
    Segment(3_598_000, 3_603_040, "", "Le bruit des métiers <inaudible>"),
]


def test_webvtt_voices_cue_ids_multiline_cues_and_settings():
    # Header metadata, NOTE and STYLE blocks, cue ids ("intro-1", "2") and cue settings are not
    # text; voice spans name the speaker; tags are stripped and entities decoded; a cue whose
    # lines start with two different voices becomes two segments.
    assert parse_file("interview_voices.vtt") == VOICES_SEGMENTS


def test_webvtt_with_utf8_bom_reads_the_same():
    data = codecs.BOM_UTF8 + read("interview_voices.vtt")
    assert parse_transcript(data) == VOICES_SEGMENTS


def test_webvtt_as_str_and_with_crlf_line_endings():
    text = read("interview_voices.vtt").decode("utf-8").replace("\n", "\r\n")
    assert parse_transcript(text) == VOICES_SEGMENTS


def test_webvtt_leading_name_gives_the_speaker_when_there_is_no_voice():
    text = (
        "WEBVTT\n\n"
        "00:00:01.000 --> 00:00:02.000\nMarie : Bonjour.\n\n"
        "00:00:02.000 --> 00:00:03.000\n<v Paul>Marie: ce n'est pas un nom ici.\n"
    )
    assert parse_transcript(text) == [
        Segment(1000, 2000, "Marie", "Bonjour."),
        Segment(2000, 3000, "Paul", "Marie: ce n'est pas un nom ici."),
    ]


def test_webvtt_short_timestamps_are_read_as_webvtt_readers_do():
    # Minutes-only timestamps and short fractions (".5" is half a second) are common.
    text = "WEBVTT\n\n01:02.5 --> 1:01:02.25\nHello\n"
    assert parse_transcript(text) == [Segment(62_500, 3_662_250, "", "Hello")]


def test_webvtt_without_cues_is_an_empty_transcript_not_an_error():
    assert parse_transcript("WEBVTT\n\nNOTE nothing yet\n") == []


# --- SRT --------------------------------------------------------------------------------------


def test_srt_with_comma_timestamps_tags_and_leading_speaker():
    assert parse_file("interview.srt") == [
        Segment(500, 3000, "", "The mill opened in 1911."),
        Segment(3000, 6750, "JOHN SMITH", "I started there\nas a bobbin boy."),
        # SRT has no character references: "&" is text.
        Segment(3_723_004, 3_725_000, "", "Tom & Jerry were my foremen."),
    ]


# --- Speaker turns ----------------------------------------------------------------------------


def test_french_speaker_turns_with_french_spacing_and_inline_timestamps():
    assert parse_file("entretien_fr.txt") == [
        # Metadata lines are not speakers.
        Segment(None, None, "", "Titre : Entretien avec Marie Dupont\nDate : 14 mars 1998"),
        Segment(None, None, "Speaker #1", "Bonjour Madame Dupont."),
        # "Marie\u202f:" (narrow no-break space before the colon); "Note :" stays text.
        Segment(
            None,
            None,
            "Marie",
            "Bonjour. J'ai travaillé\ntrente ans à l'aciérie.\nNote : ceci n'est pas un "
            "intervenant.",
        ),
        # A blank line starts a paragraph, not a turn.
        Segment(None, None, "Marie", "Cette phrase reste à Marie."),
        Segment(754_000, None, "Intervenant 2", "Et le syndicat ?"),
        Segment(3_723_000, None, "Marie Dupont", "Nous étions tous syndiqués."),
    ]


def test_english_speaker_turns_one_per_line_and_prose_note():
    assert parse_file("interview_en.txt") == [
        # "Note:" inside a prose paragraph is not a speaker; text before any label has none.
        Segment(
            None,
            None,
            "",
            "Recorded at the steelworks canteen, 12 May 1998.\nNote: the first minutes were lost.",
        ),
        Segment(65_000, None, "Interviewer", "When did you start?"),
        Segment(None, None, "John Smith", "In 1952, at fifteen.\nI swept the rolling mill."),
        Segment(None, None, "Interviewer", "And your father?"),
        Segment(None, None, "John Smith", "He was a smelter."),
        Segment(150_000, None, "John Smith", "We lived in the company houses."),
    ]


def test_german_speaker_turns():
    assert parse_file("gespraech_de.txt") == [
        Segment(None, None, "Sprecher 1", "Wie lange haben Sie in der Hütte gearbeitet?"),
        Segment(
            None,
            None,
            "Sprecher 2",
            "Zweiunddreißig Jahre, bis zur Schließung.\nDanach kam die Frühpension.",
        ),
        Segment(None, None, "Frau Müller", "Das war eine harte Zeit für uns alle."),
    ]


def test_untimed_text_without_any_speaker_is_one_segment_per_paragraph():
    text = "The furnace was lit in 1870.\nIt burned for a century.\n\n\nThen it stopped.\n"
    assert parse_transcript(text) == [
        Segment(None, None, "", "The furnace was lit in 1870.\nIt burned for a century."),
        Segment(None, None, "", "Then it stopped."),
    ]


@pytest.mark.parametrize(
    "paragraph",
    [
        "Note: the furnace was relit in 1920.",
        "Remarque : la date est incertaine.",
        "the director said: no.",
        "At 10:30 we stopped.",
        "See https://example.org for the plans.",
        "Jean Paul Marie Louis Dupont: five words are too many for a name.",
        "Maximiliane Wilhelmina Konstantinopolitanische Hochberger: over 40 characters.",
        "Conclusion: the mill closed.",
    ],
)
def test_things_that_are_not_speaker_labels(paragraph):
    assert parse_transcript(paragraph) == [Segment(None, None, "", paragraph)]


@pytest.mark.parametrize(
    "name",
    ["Jeanne d’Arc", "Marie de Vries", "Anna von Trier", "J.-P. Schmit", "Speaker #12", "Q"],
)
def test_names_with_particles_initials_and_numbers_are_speaker_labels(name):
    assert parse_transcript(f"{name}: Oui.") == [Segment(None, None, name, "Oui.")]


def test_name_label_mid_paragraph_of_prose_is_text():
    text = "We met the engineer.\nMarie Dupont: she ran the lab.\n"
    assert parse_transcript(text) == [Segment(None, None, "", text.strip())]


def test_blank_line_ends_a_dialogue_block_so_prose_after_it_keeps_its_colons():
    text = "Anna: Hello.\n\nWe then visited the mill.\nMarie Dupont: a label only in dialogue.\n"
    assert parse_transcript(text) == [
        Segment(None, None, "Anna", "Hello."),
        Segment(
            None, None, "Anna", "We then visited the mill.\nMarie Dupont: a label only in dialogue."
        ),
    ]


def test_speaker_label_alone_then_text_and_timestamp_after_the_label():
    text = "Speaker 1 (00:03)\nHello.\nSpeaker 2 00:07\nHi.\n[Anna Schmit]: Good morning.\n"
    assert parse_transcript(text) == [
        Segment(3000, None, "Speaker 1", "Hello."),
        Segment(7000, None, "Speaker 2", "Hi."),
        Segment(None, None, "Anna Schmit", "Good morning."),
    ]


def test_a_timestamp_on_its_own_line_times_the_next_paragraph():
    text = "[00:00:10]\n\nAnna: First.\n\n00:20\nSecond.\n"
    assert parse_transcript(text) == [
        Segment(10_000, None, "Anna", "First."),
        Segment(20_000, None, "Anna", "Second."),
    ]


def test_cp1252_text_is_read_when_it_is_not_utf8():
    data = "Marie : Ça coûte 5 € — déjà.\n".encode("cp1252")
    assert parse_transcript(data) == [Segment(None, None, "Marie", "Ça coûte 5 € — déjà.")]


def test_utf16_text_with_bom_is_read():
    data = "Sprecher 1\nGrüß Gott.\n".encode("utf-16")
    assert data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    assert parse_transcript(data) == [Segment(None, None, "Sprecher 1", "Grüß Gott.")]


# --- Detection by content ---------------------------------------------------------------------


def test_txt_name_holding_webvtt_is_read_as_webvtt():
    assert parse_file("captions_named.txt") == [
        Segment(2000, 3500, "Anna", "This file says .txt but holds WebVTT.")
    ]


def test_vtt_name_holding_turns_is_read_as_turns():
    assert parse_file("turns_named.vtt") == [
        Segment(None, None, "Speaker #1", "This file says .vtt but holds plain turns."),
        Segment(None, None, "Speaker #2", "Quite so."),
    ]


def test_srt_content_under_a_vtt_name_is_read_as_srt():
    data = read("interview.srt")
    assert parse_transcript(data, filename_hint="x.vtt") == parse_file("interview.srt")
    assert parse_transcript(data, filename_hint="x.vtt")[0].start_ms == 500


# --- Errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", "", b"  \n\r\n\t\n", codecs.BOM_UTF8, "\ufeff\n"])
def test_empty_input_is_refused(data):
    assert "empty" in error_for(data).message


@pytest.mark.parametrize(
    "data",
    [
        PNG_BYTES,
        # No NUL byte, not UTF-8, decodable as cp1252, but full of control characters.
        bytes(range(1, 9)) + b"\xff\xfe\xfd" * 10,
        "text with a \x00 NUL",
    ],
)
def test_binary_input_is_refused(data):
    assert "binary" in error_for(data).message


def test_bytes_that_are_neither_utf8_nor_cp1252_are_refused():
    # 0x81 and 0x8D are undefined in cp1252.
    assert "could not be read as text" in error_for(b"Marie: \x81\x8d caf\xe9").message


def test_malformed_webvtt_timestamp_reports_its_line():
    lines = ["WEBVTT", ""] + [
        "00:00:01.000 --> 00:00:02.000",
        "Fine.",
        "",
        "00:00:03.000 --> 00:00:04.000",
        "Fine too.",
        "",
        "00:00:05.000 --> 00:00:06.000",
        "Still fine.",
        "",
        "00:00:07,000 --> 00:00:08,000",  # line 12: SRT commas in a WebVTT file
        "Broken.",
    ]
    error = error_for("\n".join(lines))
    assert error.line == 12
    assert "Line 12" in error.message
    assert "00:00:07,000" in error.message


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("WEBVTT\n\n00:00:61.000 --> 00:01:02.000\nSeconds out of range.\n", 3),
        ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nA --> B is not allowed in text.\n", 4),
        ("1\n00:00:01,000 --> 00:00:02,000\nOk.\n\n2\n00:00:03,0 --> 00:00:04,000\nNo.\n", 6),
    ],
)
def test_other_malformed_timings_report_their_line(text, line):
    assert error_for(text).line == line


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("WEBVTT\n\n00:00:05.000 --> 00:00:04.999\nBackwards.\n", 3),
        ("1\n00:00:01,000 --> 00:00:02,000\nOk.\n\n2\n01:00:00,000 --> 00:59:59,000\nNo.\n", 6),
    ],
)
def test_cue_ending_before_it_starts_reports_its_line(text, line):
    error = error_for(text)
    assert error.line == line
    assert "before it starts" in error.message


def test_caption_file_without_header_is_refused_rather_than_read_as_turns():
    error = error_for("Hello\n\n00:00:01.000 --> 00:00:02.000\nHello\n")
    assert error.line == 3
    assert "WEBVTT" in error.message


def test_an_arrow_in_plain_text_is_just_text():
    text = "Anna: Les salaires ont doublé.\n1950 --> 1960, en dix ans.\n"
    assert parse_transcript(text) == [
        Segment(None, None, "Anna", "Les salaires ont doublé.\n1950 --> 1960, en dix ans.")
    ]


def test_single_srt_cue_without_text_is_an_empty_transcript():
    assert parse_transcript("1\n00:00:01,000 --> 00:00:02,000") == []


def test_transcript_over_the_size_limit_is_refused():
    data = b"Speaker 1\nHello.\n"
    assert parse_transcript(data, max_bytes=len(data))  # at the limit: accepted
    error = error_for(data, max_bytes=len(data) - 1)
    assert "too large" in error.message
    assert "too large" in error_for(b"a" * (DEFAULT_MAX_BYTES + 1)).message
    # Characters are counted as UTF-8 bytes: 3 bytes each here.
    assert "too large" in error_for("€" * 10, max_bytes=29).message


def test_transcript_over_the_segment_limit_is_refused():
    turns = "A: one\n\nB: two\n\nC: three\n"
    assert len(parse_transcript(turns, max_segments=3)) == 3
    assert "more than 2 segments" in error_for(turns, max_segments=2).message
    vtt = "WEBVTT\n\n" + "".join(
        f"00:00:0{i}.000 --> 00:00:0{i}.500\nCue {i}\n\n" for i in range(3)
    )
    assert len(parse_transcript(vtt, max_segments=3)) == 3
    assert "more than 2 segments" in error_for(vtt, max_segments=2).message


# --- WebVTT export ----------------------------------------------------------------------------


def test_to_webvtt_round_trips_parsed_captions():
    for name in ("interview_voices.vtt", "interview.srt", "captions_named.txt"):
        segments = parse_file(name)
        assert parse_transcript(to_webvtt(segments)) == segments


def test_to_webvtt_writes_voices_and_timestamps():
    vtt = to_webvtt([Segment(1500, 3_723_004, "Marie Dupont", "Bonjour.\nÇa va ?")])
    assert vtt == ("WEBVTT\n\n00:00:01.500 --> 01:02:03.004\n<v Marie Dupont>Bonjour.\nÇa va ?\n")


def test_to_webvtt_escapes_markup_and_round_trips_it_as_text():
    segments = [
        Segment(0, 1000, "Tom & <Jerry>", "<script>alert('x')</script> & co"),
        Segment(1000, 2000, "", "a --> b, &amp; stays literal, <b>not bold</b>"),
    ]
    vtt = to_webvtt(segments)
    assert "<script" not in vtt
    assert "<b>" not in vtt
    assert "<v Tom &amp; &lt;Jerry&gt;>&lt;script&gt;alert('x')&lt;/script&gt; &amp; co" in vtt
    assert vtt.count("-->") == 2  # the text's arrow is escaped, only the two timings remain
    assert parse_transcript(vtt) == segments


def test_to_webvtt_skips_untimed_segments_and_blank_lines_in_text():
    segments = [
        Segment(None, None, "Anna", "Untimed."),
        Segment(2000, 4000, "Anna", "First line.\n\n   \nSecond line."),
        Segment(5000, 6000, "Anna", "   "),
    ]
    assert parse_transcript(to_webvtt(segments)) == [
        Segment(2000, 4000, "Anna", "First line.\nSecond line.")
    ]


def test_to_webvtt_without_timed_segments_is_a_valid_empty_file():
    vtt = to_webvtt([Segment(None, None, "Anna", "Untimed.")])
    assert vtt == "WEBVTT\n"
    assert to_webvtt([]) == "WEBVTT\n"
    assert parse_transcript(vtt) == []


def test_to_webvtt_gives_start_only_segments_an_end():
    # Timestamped plain-text turns last until the next cue starts, the last one a fixed time.
    segments = parse_transcript("[00:10] Anna: One.\n\n[00:25] Paul: Two.\n")
    assert parse_transcript(to_webvtt(segments)) == [
        Segment(10_000, 25_000, "Anna", "One."),
        Segment(25_000, 25_000 + OPEN_END_CUE_MS, "Paul", "Two."),
    ]


# --- Display and segment invariants -----------------------------------------------------------


@pytest.mark.parametrize(
    ("ms", "shown"),
    [
        (0, "00:00"),
        (5_999, "00:05"),
        (754_000, "12:34"),
        (3_599_999, "59:59"),
        (3_600_000, "1:00:00"),
        (3_723_004, "1:02:03"),
        (36_000_000, "10:00:00"),
    ],
)
def test_format_timestamp(ms, shown):
    assert format_timestamp(ms) == shown


def test_format_timestamp_refuses_negative_times():
    with pytest.raises(ValueError):
        format_timestamp(-1)


def test_segment_refuses_impossible_times():
    assert Segment(5, 5, "", "zero length is fine").is_timed
    assert not Segment(5, None, "", "start only").is_timed
    with pytest.raises(TranscriptError):
        Segment(10, 9, "", "ends before it starts")
    with pytest.raises(TranscriptError):
        Segment(-1, None, "", "before zero")
    with pytest.raises(TypeError):
        Segment(1.5, None, "", "seconds as float")
    with pytest.raises(TranscriptError):
        Segment(None, None, "Two\nlines", "speaker on two lines")
