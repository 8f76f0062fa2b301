"""Reading customers' mail (x8.channel_adapters.email_parsing): new text only, HTML made text, attachments
recorded, any charset, automatic mail recognised, and replies that thread."""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import pytest

from x8.channel_adapters.email_parsing import (
    MAX_TEXT_CHARS,
    PLATFORM_HEADER,
    ThreadRef,
    build_reply,
    html_to_text,
    parse_email,
    reply_references,
    reply_subject,
    strip_quoted,
)


def mail(body: str, *, headers: dict[str, str] | None = None, sender: str = "Jane Doe <Jane.Doe@Example.com>") -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "Shop <shop@bakery.test>"
    message["Subject"] = "Sourdough"
    message["Message-ID"] = "<CAF=abc123@mail.gmail.com>"
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return bytes(message)


def test_a_plain_mail_gives_sender_ids_and_text() -> None:
    parsed = parse_email(
        mail(
            "Hi, how much is the sourdough?\n",
            headers={"In-Reply-To": "<x2@bakery.test>", "References": "<x1@bakery.test> <x2@bakery.test>"},
        )
    )
    assert parsed.sender == "jane.doe@example.com" and parsed.sender_name == "Jane Doe"
    assert parsed.message_id == "<CAF=abc123@mail.gmail.com>"
    assert parsed.in_reply_to == "<x2@bakery.test>"
    assert parsed.references == ("<x1@bakery.test>", "<x2@bakery.test>")
    assert parsed.recipients == ("shop@bakery.test",)
    assert parsed.text == "Hi, how much is the sourdough?"
    assert parsed.automatic is None and not parsed.from_platform


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (  # Gmail, attribution wrapped over two lines
            "Yes please, two loaves.\n\nOn Mon, 4 Nov 2024 at 10:02, Bakery <shop@bakery.test>\nwrote:\n\n"
            "> Would you like two?\n> Bakery\n",
            "Yes please, two loaves.",
        ),
        (  # Apple Mail
            "Thanks!\n\nOn 4 Nov 2024, at 10:02, Bakery <shop@bakery.test> wrote:\n\n> Hello\n",
            "Thanks!",
        ),
        (  # Russian Gmail / Yandex / Mail.ru
            "Да, давайте.\n\nпн, 4 нояб. 2024 г. в 10:02, Пекарня <shop@bakery.test>:\n> Привет\n",
            "Да, давайте.",
        ),
        ('Спасибо!\n\n04.11.2024, 10:02, "Пекарня" <shop@bakery.test> написал(а):\n> Привет\n', "Спасибо!"),
        ("Хорошо\n\nИван Петров пишет:\n> текст\n", "Хорошо"),
        (  # Outlook
            "Fine by me.\n\n________________________________\n"
            "From: Bakery <shop@bakery.test>\nSent: Monday\nTo: Jane\n",
            "Fine by me.",
        ),
        ("Fine.\n\nFrom: Bakery <shop@bakery.test>\nSent: Monday, 4 November 2024 10:02\nSubject: Re\n\nold", "Fine."),
        ("Okay.\n\n-----Original Message-----\nFrom: Bakery\nold text", "Okay."),
        ("Ок.\n\n-------- Исходное сообщение --------\nОт: Пекарня\n", "Ок."),
        ("Order two.\n\n-- \nJane Doe\nCEO, Example Ltd", "Order two."),
        ("Order three.\n\nSent from my iPhone", "Order three."),
        ("Беру.\n\nОтправлено с iPhone", "Беру."),
        ("Top line\n> quoted in the middle\nbottom line", "Top line\nbottom line"),
        ("> only quotes\n> nothing new", "> only quotes\n> nothing new"),  # nothing new: kept as it was
    ],
)
def test_quoted_history_and_signatures_are_cut(body: str, expected: str) -> None:
    assert strip_quoted(body) == expected
    assert parse_email(mail(body)).text == expected


def test_html_only_mail_is_read_as_text_without_quotes_scripts_or_styles() -> None:
    message = EmailMessage()
    message["From"] = "jane@example.com"
    message["Subject"] = "Hello"
    html = (
        "<html><head><style>p{color:red}</style><title>t</title></head><body>"
        "<div>Do you deliver&nbsp;to <b>Berlin</b>?<br>Thanks</div><script>alert(1)</script>"
        "<div class='gmail_quote'><div>On Mon Bakery wrote:</div><blockquote>We bake daily.</blockquote></div>"
        "</body></html>"
    )
    message.set_content(html, subtype="html")
    parsed = parse_email(bytes(message))
    assert parsed.text == "Do you deliver to Berlin?\nThanks"


def test_outlook_html_stops_at_the_reply_header() -> None:
    html = '<p>See you then.</p><div id="divRplyFwdMsg"><b>From:</b> Bakery</div><p>old text</p>'
    assert html_to_text(html) == "See you then."


def test_broken_html_does_not_raise() -> None:
    assert html_to_text("<div><p>unclosed <b>bold <i>text</div></span></table>&#xZZ;").startswith("unclosed bold text")
    assert html_to_text("") == ""


def test_plain_part_is_preferred_and_attachments_are_recorded_not_read() -> None:
    message = EmailMessage()
    message["From"] = "jane@example.com"
    message["Subject"] = "Photo"
    message.set_content("Here is the cake I want.")
    message.add_alternative("<p>Here is the <i>cake</i> I want.</p>", subtype="html")
    message.add_attachment(b"\x89PNG" + b"0" * 1000, maintype="image", subtype="png", filename="cake.png")
    message.add_attachment(b"%PDF-1.4 ...", maintype="application", subtype="pdf", filename="order.pdf")
    parsed = parse_email(bytes(message))
    assert parsed.text == "Here is the cake I want."
    assert [(a.name, a.content_type, a.size) for a in parsed.attachments] == [
        ("cake.png", "image/png", 1004),
        ("order.pdf", "application/pdf", 12),
    ]
    assert parsed.summary().splitlines() == [
        "Here is the cake I want.",
        "[attachment: cake.png (image/png, 1004 bytes)]",
        "[attachment: order.pdf (application/pdf, 12 bytes)]",
    ]


@pytest.mark.parametrize(
    ("charset", "text"),
    [("koi8-r", "Сколько стоит хлеб?"), ("windows-1251", "Привет, магазин"), ("iso-8859-1", "Grüße aus Köln")],
)
def test_legacy_charsets_are_decoded(charset: str, text: str) -> None:
    raw = (
        f"From: a@example.com\r\nSubject: x\r\nContent-Type: text/plain; charset={charset}\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
    ).encode() + text.encode(charset)
    assert parse_email(raw).text == text


def test_an_unknown_or_lying_charset_does_not_crash() -> None:
    raw = b"From: a@example.com\r\nContent-Type: text/plain; charset=x-no-such-charset\r\n\r\nhello \xff\xfe there"
    assert parse_email(raw).text.startswith("hello")
    raw = b"From: a@example.com\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\xd0\xbf\xff broken"
    assert "broken" in parse_email(raw).text


def test_encoded_headers_and_garbage_headers() -> None:
    raw = (
        b"From: =?utf-8?B?0JjQstCw0L0g0J/QtdGC0YDQvtCy?= <ivan@example.ru>\r\n"
        b"Subject: =?koi8-r?Q?=F0=D2=C9=D7=C5=D4?=\r\nMessage-ID: not an id\r\n\r\nbody"
    )
    parsed = parse_email(raw)
    assert parsed.sender_name == "Иван Петров" and parsed.subject == "Привет"
    assert parsed.message_id is None
    assert parse_email(b"\x00\x01 not a mail at all").sender == ""


def test_a_long_mail_is_cut() -> None:
    assert len(parse_email(mail("word " * 10000)).text) <= MAX_TEXT_CHARS


@pytest.mark.parametrize(
    ("headers", "sender", "reason"),
    [
        ({"Auto-Submitted": "auto-replied"}, "jane@example.com", "auto-submitted"),
        ({"Auto-Submitted": "auto-generated"}, "jane@example.com", "auto-submitted"),
        ({"Precedence": "bulk"}, "jane@example.com", "precedence"),
        ({"Precedence": "list"}, "jane@example.com", "precedence"),
        ({"Precedence": "junk"}, "jane@example.com", "precedence"),
        ({"List-Unsubscribe": "<mailto:unsub@news.test>"}, "news@news.test", "mailing list"),
        ({"List-Id": "<bakers.lists.test>"}, "jane@example.com", "mailing list"),
        ({"X-Autoreply": "yes"}, "jane@example.com", "auto-reply"),
        ({}, "noreply@shop.test", "no-reply sender"),
        ({}, "no-reply@accounts.google.com", "no-reply sender"),
        ({}, "do-not-reply@bank.test", "no-reply sender"),
        ({}, "MAILER-DAEMON@mx.example.com", "no-reply sender"),
        ({}, "postmaster@example.com", "no-reply sender"),
    ],
)
def test_automatic_mail_is_recognised(headers: dict[str, str], sender: str, reason: str) -> None:
    assert parse_email(mail("I am away until Monday.", headers=headers, sender=sender)).automatic == reason


def test_a_person_writing_auto_submitted_no_is_not_automatic() -> None:
    assert parse_email(mail("Hello", headers={"Auto-Submitted": "no"})).automatic is None


def test_a_bounce_report_is_automatic() -> None:
    raw = (
        b"From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\r\nSubject: Delivery Status Notification\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nAddress not found\r\n--b--\r\n"
    )
    assert parse_email(raw).automatic == "delivery report"


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Sourdough", "Re: Sourdough"),
        ("Re: Sourdough", "Re: Sourdough"),
        ("RE: re: Re[2]: Sourdough", "Re: Sourdough"),
        ("Fwd: Re: Sourdough", "Re: Sourdough"),
        ("AW: Brot", "Re: Brot"),
        ("Отв: Хлеб", "Re: Хлеб"),
        ("", "Re:"),
    ],
)
def test_reply_subjects_do_not_stack(subject: str, expected: str) -> None:
    assert reply_subject(subject) == expected


def test_references_keep_each_id_once_and_trim_long_threads() -> None:
    assert reply_references(("<a@x>", "<b@x>"), "<b@x>") == ["<a@x>", "<b@x>"]
    chain = reply_references(tuple(f"<{n}@x>" for n in range(40)), "<40@x>")
    assert len(chain) == 20 and chain[0] == "<0@x>" and chain[-1] == "<40@x>"


def test_a_reply_threads_with_the_customers_mail_and_is_marked() -> None:
    parsed = parse_email(mail("How much?", headers={"References": "<x1@bakery.test>"}))
    thread = ThreadRef(parsed.message_id, parsed.references, parsed.subject, "thread-1")
    reply = build_reply(
        sender="shop@bakery.test",
        sender_name="Bakery",
        to=parsed.sender,
        text="4 € — привет!",
        thread=thread,
        channel_marker="channel-1",
    )
    sent = BytesParser(policy=policy.default).parsebytes(bytes(reply))
    assert sent["To"] == "jane.doe@example.com"
    assert sent["Subject"] == "Re: Sourdough"
    assert sent["In-Reply-To"] == "<CAF=abc123@mail.gmail.com>"
    assert sent["References"] == "<x1@bakery.test> <CAF=abc123@mail.gmail.com>"
    assert sent["Auto-Submitted"] == "auto-replied"
    assert sent[PLATFORM_HEADER] == "channel-1"
    assert sent["Message-ID"].endswith("@bakery.test>")
    assert sent.get_content().strip() == "4 € — привет!"
    assert parse_email(bytes(reply)).from_platform
