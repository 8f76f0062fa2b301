"""The job queue's app with every task registered: the one place that knows all ``tasks.py`` modules.

The worker runs inside ``x8 serve`` or on its own as ``x8 worker``; anything that defers jobs does so through the
tasks registered here. Task names are explicit (``<namespace>:<name>``), so queued jobs survive code moving.
"""

from __future__ import annotations

import functools

import procrastinate

from x8.kit import job_pruning
from x8.kit.job_alarm import hear_every_notice
from x8.kit.jobs import connector


@functools.cache
def build_app(app_url: str) -> procrastinate.App:
    """One procrastinate app per process and database: adding a blueprint renames its tasks in place
    (namespacing), so blueprints must be added exactly once."""
    from x8.n8n_bridge import tasks as n8n_tasks
    from x8.platform.activity import tasks as activity_tasks
    from x8.platform.auth import tasks as auth_tasks
    from x8.platform.billing import tasks as billing_tasks
    from x8.platform.booking import tasks as booking_tasks
    from x8.platform.channels import (
        email_idle,
        email_tasks,  # also registers the Gmail push's inbox handler
        ingest,  # registers the channels' inbox handlers
        meta_ingest,  # registers the Meta platforms' inbox handlers
    )
    from x8.platform.channels import tasks as channel_tasks
    from x8.platform.conversations import tasks as conversation_tasks
    from x8.platform.deletion import tasks as deletion_tasks
    from x8.platform.inbox import tasks as inbox_tasks
    from x8.platform.knowledge_base import tasks as kb_tasks
    from x8.platform.metrics import tasks as metrics_tasks
    from x8.platform.payments import stripe_events  # registers the Stripe sources' inbox handler
    from x8.platform.payments import tasks as payment_tasks
    from x8.platform.support import tasks as support_tasks

    assert ingest.channel_event is not None and stripe_events.dispatch is not None
    assert meta_ingest.PLATFORMS
    app = procrastinate.App(connector=connector(app_url))
    app.add_tasks_from(auth_tasks.blueprint, namespace="auth")
    app.add_tasks_from(kb_tasks.blueprint, namespace="kb")
    app.add_tasks_from(conversation_tasks.blueprint, namespace="conversations")
    app.add_tasks_from(inbox_tasks.blueprint, namespace="inbox")
    app.add_tasks_from(channel_tasks.blueprint, namespace="channels")
    app.add_tasks_from(payment_tasks.blueprint, namespace="payments")
    app.add_tasks_from(booking_tasks.blueprint, namespace="booking")
    app.add_tasks_from(billing_tasks.blueprint, namespace="billing")
    app.add_tasks_from(n8n_tasks.blueprint, namespace="n8n")
    app.add_tasks_from(activity_tasks.blueprint, namespace="activity")
    app.add_tasks_from(email_tasks.blueprint, namespace="email")
    app.add_tasks_from(support_tasks.blueprint, namespace="support")
    app.add_tasks_from(deletion_tasks.blueprint, namespace="deletion")
    app.add_tasks_from(metrics_tasks.blueprint, namespace="metrics")
    app.add_tasks_from(job_pruning.blueprint, namespace="queue")
    hear_every_notice(app)
    email_idle.listen_beside_worker(app, app_url)  # IMAP IDLE while a long-lived worker runs
    return app
