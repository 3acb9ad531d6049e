"""The weekly PDF by mail, received by a local SMTP server (aiosmtpd) the test starts: the PDF arrives
intact, the Chinese subject and body decode, a week is not sent twice unless asked, and a
refused login fails the command with the server's reason while the PDF stays on disk."""
from __future__ import annotations

import argparse
import datetime as dt
import email
import email.policy
import io

import pypdf
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from e2e_helpers import free_port
from pipeline.__main__ import main
from pipeline.snapshot import mail
from pipeline.snapshot.render import Changes, check_cjk_font

USER, PASSWORD = "secretariat@assoc.org.cn", "correct horse"


class Inbox:
    """aiosmtpd handler keeping every message it accepts, with its envelope."""

    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos),
                              email.message_from_bytes(envelope.content, policy=email.policy.default)))
        return "250 OK"


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login.decode() == USER and auth_data.password.decode() == PASSWORD
    return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself


@pytest.fixture
def smtp_server(monkeypatch, tmp_path):
    """A local SMTP server that wants a login, and the environment pointing the snapshot at it."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=authenticate,
                            auth_require_tls=False, auth_exclude_mechanism=["CRAM-MD5"])
    controller.start()
    monkeypatch.chdir(tmp_path)  # no .streamlit/secrets.toml here: the environment alone
    for name, value in {"HOST": "127.0.0.1", "PORT": str(port), "SECURITY": "none", "USER": USER,
                        "PASSWORD": PASSWORD}.items():
        monkeypatch.setenv(f"TRACKER_SMTP_{name}", value)
    monkeypatch.setenv("TRACKER_MAIL_FROM", USER)
    monkeypatch.delenv("TRACKER_MAIL_TO", raising=False)
    try:
        yield inbox
    finally:
        controller.stop()


def week_context() -> dict:
    """What the mail step reads from a snapshot's context (the real one comes from build_context)."""
    return {"week_label": "2026-W21", "as_of": dt.date(2026, 5, 20), "overdue_count": 2,
            "soon": {"count": 3}, "soon_end": dt.date(2026, 6, 16), "changes": Changes(previous=None)}


def test_the_snapshot_command_mails_the_pdf(seed_db, smtp_server, tmp_path, capsys):
    try:
        check_cjk_font()
    except Exception as error:
        pytest.skip(str(error))
    pdf = tmp_path / "snapshots" / "2026-W21.pdf"
    code = main(["snapshot", "--db", str(seed_db), "--as-of", "2026-05-20", "--out", str(pdf),
                 "--mail-to", "a@x.org, b@y.org"])
    assert code == 0, capsys.readouterr().err
    assert "mailed 2026-W21.pdf to a@x.org, b@y.org" in capsys.readouterr().out
    ((rcpt, message),) = smtp_server.messages
    assert rcpt == ["a@x.org", "b@y.org"] and message["To"] == "a@x.org, b@y.org" and message["From"] == USER
    assert message["Subject"].startswith("政策目标与期限周报 2026-W21：逾期未办 ")
    body = message.get_body(("plain",)).get_content()
    assert "附件是 2026-W21 的政策目标与期限周报（基准日期 2026-05-20）" in body
    assert "· 逾期未办：" in body and "· 未来4周截止（至 2026-06-16）：" in body
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "2026-W21.pdf"
    data = attachment.get_content()
    assert data == pdf.read_bytes()  # the very file on disk, byte for byte
    assert "逾期" in "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_headers_travel_encoded(smtp_server, tmp_path):
    """On the wire the subject is RFC 2047 and the body UTF-8 in base64 or quoted-printable: no raw
    non-ASCII byte in the headers, which old servers would mangle."""
    pdf = tmp_path / "2026-W21.pdf"
    pdf.write_bytes(b"%PDF-1.7 test")
    settings = mail.load_settings()
    subject, body = mail.summary(week_context(), "http://localhost:8501")
    raw = mail.compose(settings, ["a@x.org"], subject, body, pdf).as_bytes()
    headers = raw.split(b"\n\n", 1)[0]
    assert headers.isascii() and b"Subject: =?utf-8?" in headers
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Subject"] == "政策目标与期限周报 2026-W21：逾期未办 2 项，未来4周截止 3 项"
    body = parsed.get_body(("plain",)).get_content()
    assert "本期没有上周的简报可比较。" in body and "http://localhost:8501/app/static/calendar/all.ics" in body


def test_a_week_is_mailed_once_unless_asked(smtp_server, tmp_path):
    pdf = tmp_path / "2026-W21.pdf"
    pdf.write_bytes(b"%PDF-1.7 test")
    settings = mail.load_settings()
    first = mail.send_snapshot(pdf, week_context(), ["a@x.org"], settings)
    again = mail.send_snapshot(pdf, week_context(), ["a@x.org"], settings)
    assert first.startswith("mailed") and "nothing sent" in again and len(smtp_server.messages) == 1
    mail.send_snapshot(pdf, week_context(), ["a@x.org", "c@z.org"], settings)  # only the new address
    assert smtp_server.messages[-1][0] == ["c@z.org"]
    mail.send_snapshot(pdf, week_context(), ["a@x.org"], settings, resend=True)
    assert smtp_server.messages[-1][0] == ["a@x.org"] and len(smtp_server.messages) == 3


def test_a_refused_login_fails_and_keeps_the_pdf(smtp_server, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TRACKER_SMTP_PASSWORD", "wrong")
    pdf = tmp_path / "2026-W21.pdf"
    pdf.write_bytes(b"%PDF-1.7 test")
    args = argparse.Namespace(mail_to="a@x.org", mail=False, resend=False)
    assert mail.mail_from_args(args, pdf, week_context()) == 1
    err = capsys.readouterr().err
    assert f"refused the login of '{USER}': 535" in err and f"The PDF is kept at {pdf}" in err
    assert pdf.exists() and not smtp_server.messages and not mail.mail_log_path(pdf).exists()


def test_settings_from_secrets_file_and_environment(tmp_path, monkeypatch):
    for name in ("HOST", "PORT", "SECURITY", "USER", "PASSWORD"):
        monkeypatch.delenv(f"TRACKER_SMTP_{name}", raising=False)
    monkeypatch.delenv("TRACKER_MAIL_FROM", raising=False)
    monkeypatch.delenv("TRACKER_MAIL_TO", raising=False)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[mail]\nhost = "smtp.example.cn"\nsecurity = "ssl"\nuser = "u@example.cn"\n'
                       'password = "p"\nto = ["a@x.org", "b@y.org"]\n', encoding="utf-8")
    settings = mail.load_settings(secrets)
    assert (settings.host, settings.port, settings.security, settings.sender) == ("smtp.example.cn", 465, "ssl",
                                                                                   "u@example.cn")
    assert settings.recipients == ["a@x.org", "b@y.org"]
    monkeypatch.setenv("TRACKER_SMTP_SECURITY", "starttls")
    monkeypatch.setenv("TRACKER_MAIL_TO", "c@z.org; d@z.org")
    settings = mail.load_settings(secrets)
    assert settings.port == 587 and settings.recipients == ["c@z.org", "d@z.org"]
    monkeypatch.setenv("TRACKER_SMTP_SECURITY", "tls13")
    with pytest.raises(mail.MailError, match="starttls, ssl or none"):
        mail.load_settings(secrets)


def test_starttls_is_required_when_asked(smtp_server, tmp_path, monkeypatch):
    """security = starttls never falls back to sending the password in clear text."""
    monkeypatch.setenv("TRACKER_SMTP_SECURITY", "starttls")
    pdf = tmp_path / "2026-W21.pdf"
    pdf.write_bytes(b"%PDF-1.7 test")
    with pytest.raises(mail.MailError, match="STARTTLS"):
        mail.send_snapshot(pdf, week_context(), ["a@x.org"], mail.load_settings())
    assert not smtp_server.messages
