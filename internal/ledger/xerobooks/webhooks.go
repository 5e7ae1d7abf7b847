package xerobooks

import (
	"context"
	"strings"

	"billbot/internal/workflow"
	"billbot/internal/xero"
)

// WebhookSink hands each verified Xero delivery (xero.WebhookHandler) to
// take in billbot's terms — workflow.WebhookQueue's Take. An event's key is
// its tenant, category, resource, type and time, the same on a redelivery.
func WebhookSink(take func(ctx context.Context, d workflow.Delivery) error) xero.WebhookSink {
	return func(ctx context.Context, d xero.Delivery) error {
		evs := make([]workflow.DeliveryEvent, len(d.Events))
		for i, e := range d.Events {
			entity := e.EventCategory
			if entity != "" {
				entity = entity[:1] + strings.ToLower(entity[1:]) // INVOICE → Invoice
			}
			evs[i] = workflow.DeliveryEvent{
				Key:    strings.Join([]string{e.TenantID, e.EventCategory, e.ResourceID, e.EventType, e.EventDateUTC}, "|"),
				Entity: entity, ID: e.ResourceID,
			}
		}
		return take(ctx, workflow.Delivery{ID: d.ID, Events: evs})
	}
}
