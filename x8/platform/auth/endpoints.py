"""Accounts: registration by email code, login, tokens, password reset, magic links (R-A1 … R-A3, R-A6)."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from sqlalchemy.ext.asyncio import AsyncSession

from x8.kit.client import client_ip
from x8.kit.clock import utcnow
from x8.kit.db import SessionDep
from x8.kit.deps import DatabaseDep, SettingsDep
from x8.kit.errors import BadRequest, Conflict, RateLimited, ServiceUnavailable, Unauthorized, error_responses
from x8.kit.i18n import Message, as_language, language_of, msg
from x8.kit.ratelimit import hit, refuse_if_over
from x8.kit.security import DUMMY_PASSWORD_HASH, hash_password, verify_password
from x8.platform.audit.service import audit
from x8.platform.auth import codes
from x8.platform.auth.deps import CurrentPrincipal, CurrentUser, UserPrincipal, authenticate
from x8.platform.auth.schemas import (
    ChangePasswordIn,
    CodeIn,
    CodeSentOut,
    CompleteRegistrationIn,
    EmailIn,
    LoginIn,
    MagicLinkIn,
    Me,
    MessageOut,
    RefreshIn,
    ResetPasswordIn,
    TokenPair,
    VerifiedOut,
)
from x8.platform.auth.sessions import revoke, revoke_all, rotate, start_session
from x8.platform.deletion.service import running_for
from x8.platform.mail import letters
from x8.platform.mail.sender import send_mail
from x8.platform.users.models import User
from x8.platform.users.repository import create_user, get_by_email
from x8.platform.users.views import me_view
from x8.settings import Settings

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])

_CODE_MINUTES = int(codes.CODE_TTL.total_seconds() // 60)
_MAGIC_MINUTES = int(codes.MAGIC_TTL.total_seconds() // 60)


async def _limit_codes(db: DatabaseDep, settings: Settings, request: Request, email: str) -> None:
    await hit(
        db,
        keys=[
            (f"code:email:{email}", settings.rate_limit_codes_per_email),
            (f"code:ip:{client_ip(request)}", settings.rate_limit_codes_per_ip),
        ],
        window_seconds=settings.rate_limit_window_seconds,
        what=msg("code requests"),
    )


def _said(request: Request, message: Message) -> MessageOut:
    return MessageOut(message=message.render(language_of(request)))


async def _account(db: DatabaseDep, email: str) -> User | None:
    """A short read of its own: the request's session opens no transaction before the mail is sent."""
    async with db.sessions() as session:
        return await get_by_email(session, email)


async def _send_deletion_code(session: AsyncSession, settings: Settings, user: User) -> CodeSentOut:
    code = codes.new_code()
    language = as_language(user.language)
    await send_mail(
        session, settings, to=user.email, letter=letters.deletion_code(code, _CODE_MINUTES), language=language
    )
    await codes.store_code(session, settings.secret_key, user.email, codes.Purpose.DELETE_ACCOUNT, code)
    return CodeSentOut(
        message=msg("We sent a 6-digit code to your email.").render(language),
        expires_in=int(codes.CODE_TTL.total_seconds()),
    )


@router.post(
    "/send-verification-code",
    response_model=CodeSentOut,
    responses=error_responses(Conflict, RateLimited, ServiceUnavailable),
)
async def send_verification_code(
    body: EmailIn,
    request: Request,
    session: SessionDep,
    db: DatabaseDep,
    settings: SettingsDep,
) -> CodeSentOut:
    """Email a 6-digit registration code (valid 10 minutes, single use, five tries). Signed in, for the account's
    own address: the code that confirms deleting the account (``DELETE /api/v1/users/me {"code"}``)."""
    await _limit_codes(db, settings, request, body.email)
    # Read by hand, not as a dependency: signing in is optional here, and the schema must not say it is required.
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token:
        principal = await authenticate(session, settings.secret_key, access_token=token)
        if isinstance(principal, UserPrincipal) and principal.user.email == body.email:
            return await _send_deletion_code(session, settings, principal.user)
    if await _account(db, body.email) is not None:
        raise Conflict(msg("An account with this email already exists. Sign in or reset your password."))
    code = codes.new_code()
    # No account yet: the letter is in the language the registration page asks in.
    await send_mail(
        session,
        settings,
        to=body.email,
        letter=letters.verification_code(code, _CODE_MINUTES),
        language=language_of(request),
    )
    await codes.store_code(session, settings.secret_key, body.email, codes.Purpose.REGISTER, code)
    return CodeSentOut(
        message=msg("We sent a 6-digit code to your email.").render(language_of(request)),
        expires_in=int(codes.CODE_TTL.total_seconds()),
    )


@router.post("/verify-code", response_model=VerifiedOut, responses=error_responses(BadRequest))
async def verify_code(body: CodeIn, db: DatabaseDep, settings: SettingsDep) -> VerifiedOut:
    await codes.check_code(db, settings.secret_key, body.email, codes.Purpose.REGISTER, body.code, mark_verified=True)
    return VerifiedOut(verified=True)


@router.post(
    "/complete-registration",
    response_model=TokenPair,
    status_code=201,
    responses=error_responses(BadRequest, Conflict),
)
async def complete_registration(
    body: CompleteRegistrationIn, request: Request, session: SessionDep, settings: SettingsDep
) -> TokenPair:
    """Create the account once the email is verified. The business starts a 7-day trial."""
    if await get_by_email(session, body.email) is not None:
        raise Conflict(msg("An account with this email already exists. Sign in or reset your password."))
    await codes.take_verified_registration(session, body.email)
    user = await create_user(session, email=body.email, password=body.password, full_name=body.full_name)
    user.language = body.language
    return await start_session(session, settings.secret_key, user, request)


@router.post("/login", response_model=TokenPair, responses=error_responses(Unauthorized, RateLimited))
async def login(
    body: LoginIn, request: Request, session: SessionDep, db: DatabaseDep, settings: SettingsDep
) -> TokenPair:
    """Every attempt counts against the caller's address; only failed ones against the email, so a person who
    signs in often is never locked out, while guessing one account's password still is."""
    window = settings.rate_limit_window_seconds
    email_key = (f"login:email:{body.email}", settings.rate_limit_logins_per_email)
    await refuse_if_over(db, keys=[email_key], window_seconds=window, what=msg("failed sign-in attempts"))
    await hit(
        db,
        keys=[(f"login:ip:{client_ip(request)}", settings.rate_limit_logins_per_ip)],
        window_seconds=window,
        what=msg("sign-in attempts"),
    )
    user = await get_by_email(session, body.email)
    if user is None or not verify_password(
        body.password, user.hashed_password if user is not None else DUMMY_PASSWORD_HASH
    ):
        await hit(db, keys=[email_key], window_seconds=window, what=msg("failed sign-in attempts"))
        raise Unauthorized(msg("Incorrect email or password."))
    if not user.is_active:
        if await running_for(session, user.id) is not None:
            raise Unauthorized(msg("This account is being deleted."))
        raise Unauthorized(msg("This account is disabled. Contact support."))
    return await start_session(session, settings.secret_key, user, request)


@router.post("/refresh", response_model=TokenPair, responses=error_responses(Unauthorized))
async def refresh(body: RefreshIn, db: DatabaseDep, settings: SettingsDep) -> TokenPair:
    """Rotate tokens: the refresh token given stops working; reusing it signs the session out."""
    return await rotate(db, settings.secret_key, body.refresh_token)


@router.get("/me", response_model=Me, responses=error_responses(Unauthorized))
async def me(user: CurrentUser) -> Me:
    return me_view(user)


@router.post("/logout", response_model=MessageOut, responses=error_responses(Unauthorized))
async def logout(request: Request, principal: CurrentPrincipal, session: SessionDep) -> MessageOut:
    """End this session: its refresh token and access tokens stop working."""
    await revoke(session, principal.session_id, "logout")
    return _said(request, msg("Signed out."))


@router.post("/request-password-reset", response_model=MessageOut, responses=error_responses(RateLimited))
async def request_password_reset(
    body: EmailIn, request: Request, session: SessionDep, db: DatabaseDep, settings: SettingsDep
) -> MessageOut:
    """Email a reset code if the account exists. The answer is the same either way."""
    await _limit_codes(db, settings, request, body.email)
    user = await _account(db, body.email)
    if user is not None and user.is_active:
        code = codes.new_code()
        await send_mail(
            session,
            settings,
            to=body.email,
            letter=letters.password_reset_code(code, _CODE_MINUTES),
            language=as_language(user.language),
        )
        await codes.store_code(session, settings.secret_key, body.email, codes.Purpose.RESET, code)
    return _said(request, msg("If an account exists for this email, we sent it a reset code."))


@router.post("/verify-reset-code", response_model=VerifiedOut, responses=error_responses(BadRequest))
async def verify_reset_code(body: CodeIn, db: DatabaseDep, settings: SettingsDep) -> VerifiedOut:
    await codes.check_code(db, settings.secret_key, body.email, codes.Purpose.RESET, body.code, mark_verified=True)
    return VerifiedOut(verified=True)


@router.post("/reset-password", response_model=MessageOut, responses=error_responses(BadRequest))
async def reset_password(
    body: ResetPasswordIn, request: Request, session: SessionDep, db: DatabaseDep, settings: SettingsDep
) -> MessageOut:
    """Set a new password with a valid reset code. Every existing session is signed out."""
    code_id = await codes.check_code(
        db, settings.secret_key, body.email, codes.Purpose.RESET, body.code, mark_verified=True
    )
    user = await get_by_email(session, body.email)
    if user is None:
        raise BadRequest(msg("There is no active code for this email. Request a new one."))
    await codes.consume(session, code_id)
    user.hashed_password = hash_password(body.new_password)
    await revoke_all(session, user.id, "password_reset")
    await audit(session, request, user.id, "auth.password_reset", ("user", user.id))
    return _said(request, msg("Your password was changed. Sign in with the new password."))


@router.post("/change-password", response_model=MessageOut, responses=error_responses(BadRequest))
async def change_password(
    body: ChangePasswordIn, request: Request, principal: CurrentPrincipal, session: SessionDep
) -> MessageOut:
    """Change the password; other sessions are signed out, this one stays."""
    user = principal.user
    if user.hashed_password is not None and not verify_password(body.current_password, user.hashed_password):
        raise BadRequest(msg("The current password is incorrect."))
    user.hashed_password = hash_password(body.new_password)
    await revoke_all(session, user.id, "password_changed", keep=principal.session_id)
    await audit(session, request, user.id, "auth.password_changed", ("user", user.id))
    return _said(request, msg("Password changed."))


@router.post("/request-magic-link", response_model=MessageOut, responses=error_responses(RateLimited))
async def request_magic_link(
    body: EmailIn, request: Request, session: SessionDep, db: DatabaseDep, settings: SettingsDep
) -> MessageOut:
    """Email a one-time sign-in link (15 minutes) if the account exists. The answer is the same either way."""
    await _limit_codes(db, settings, request, body.email)
    user = await _account(db, body.email)
    if user is not None and user.is_active:
        token = codes.new_magic_token()
        link = f"{settings.frontend_url.rstrip('/')}/magic-link?{urlencode({'token': token})}"
        await send_mail(
            session,
            settings,
            to=body.email,
            letter=letters.magic_link(link, _MAGIC_MINUTES),
            language=as_language(user.language),
        )
        await codes.store_magic_token(session, settings.secret_key, body.email, token)
    return _said(request, msg("If an account exists for this email, we sent it a sign-in link."))


@router.post("/verify-magic-link", response_model=TokenPair, responses=error_responses(BadRequest, RateLimited))
async def verify_magic_link(
    body: MagicLinkIn, request: Request, session: SessionDep, db: DatabaseDep, settings: SettingsDep
) -> TokenPair:
    await hit(
        db,
        keys=[(f"magic:ip:{client_ip(request)}", settings.rate_limit_logins_per_ip)],
        window_seconds=settings.rate_limit_window_seconds,
        what=msg("sign-in attempts"),
    )
    email = await codes.take_magic_token(session, settings.secret_key, body.token)
    user = await get_by_email(session, email)
    if user is None or not user.is_active:
        raise BadRequest(msg("This sign-in link is invalid, was already used or has expired. Request a new one."))
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    return await start_session(session, settings.secret_key, user, request)
