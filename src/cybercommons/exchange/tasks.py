"""Background work of the exchange module: federation deliveries and inbox processing,
bulk imports with progress."""

from __future__ import annotations

from django_tasks import task


@task()
def deliver_activity(delivery_id: int) -> str:
    """Post one queued activity; a failure schedules the next attempt with backoff."""
    from cybercommons.exchange.federation import outbound
    from cybercommons.exchange.models import Delivery

    delivery = Delivery.objects.select_related("sender").filter(pk=delivery_id).first()
    if delivery is None:
        return "gone"
    return outbound.deliver(delivery).status


@task()
def process_inbox_item(item_id: int) -> str:
    """Run the handler of one verified activity."""
    from cybercommons.exchange.federation import inbound
    from cybercommons.exchange.models import InboxItem

    item = InboxItem.objects.filter(pk=item_id).first()
    if item is None:
        return "gone"
    inbound.process(item)
    return item.error or "ok"
