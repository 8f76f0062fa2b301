"""Imports every control-plane model so metadata is complete (alembic, tests)."""

from x8.kit.db import Base
from x8.kit.ratelimit_models import RateLimitHit
from x8.n8n_bridge.models import N8nBinding
from x8.platform.activity.models import ActivityEntry
from x8.platform.assistant.models import AssistantSettings
from x8.platform.audit.models import AuditEntry
from x8.platform.billing.models import BillingInvoice, BillingSubscription, TrialNotice
from x8.platform.channels.models import Channel, ConversationRef
from x8.platform.companies.models import Company
from x8.platform.deletion.models import AccountDeletion, AccountDeletionStep
from x8.platform.inbox.models import WebhookEvent
from x8.platform.knowledge_base.models import KnowledgeBase
from x8.platform.mail.models import DevMail
from x8.platform.meta_apps.models import MetaApp, MetaAppAssignment, MetaDataDeletion
from x8.platform.orders.models import OrderRef
from x8.platform.payments.models import ConnectedAccount
from x8.platform.support.models import ManagerAvailabilityRow, SetupCall, SupportMessage
from x8.platform.tenant_keys.models import TenantApiKey
from x8.platform.tiktok.models import TrackingLink
from x8.platform.users.models import AuthSession, EmailCode, User
from x8.platform.vault.models import VaultSecret
from x8.tenancy.models import LedgerEntry

__all__ = [
    "AccountDeletion",
    "AccountDeletionStep",
    "ActivityEntry",
    "AssistantSettings",
    "AuditEntry",
    "AuthSession",
    "Base",
    "BillingInvoice",
    "BillingSubscription",
    "Channel",
    "Company",
    "ConnectedAccount",
    "ConversationRef",
    "DevMail",
    "EmailCode",
    "KnowledgeBase",
    "LedgerEntry",
    "ManagerAvailabilityRow",
    "MetaApp",
    "MetaAppAssignment",
    "MetaDataDeletion",
    "N8nBinding",
    "OrderRef",
    "RateLimitHit",
    "SetupCall",
    "SupportMessage",
    "TenantApiKey",
    "TrackingLink",
    "TrialNotice",
    "User",
    "VaultSecret",
    "WebhookEvent",
]
