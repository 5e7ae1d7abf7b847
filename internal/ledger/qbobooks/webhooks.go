package qbobooks

import (
	"context"

	"billbot/internal/qbo"
	"billbot/internal/workflow"
)

// WebhookSink hands each verified Intuit delivery (qbo.WebhookHandler) to
// take in billbot's terms — workflow.WebhookQueue's Take.
func WebhookSink(take func(ctx context.Context, d workflow.Delivery) error) qbo.WebhookSink {
	return func(ctx context.Context, d qbo.Delivery) error {
		evs := make([]workflow.DeliveryEvent, len(d.Events))
		for i, e := range d.Events {
			evs[i] = workflow.DeliveryEvent{Key: e.Key, Entity: e.Entity, ID: e.ID}
		}
		return take(ctx, workflow.Delivery{ID: d.ID, Events: evs})
	}
}
