package qbobooks

import (
	"context"
	"slices"
	"testing"

	"billbot/internal/qbo"
	"billbot/internal/workflow"
)

// TestWorkflowVocabularyIsQBOs: the names the use cases compare with are
// the ones this adapter's client reads and writes.
func TestWorkflowVocabularyIsQBOs(t *testing.T) {
	if workflow.EmailSent != qbo.EmailSent {
		t.Errorf("workflow.EmailSent = %q, QBO says %q", workflow.EmailSent, qbo.EmailSent)
	}
	if workflow.RetainerItem != qbo.RetainerItemKey {
		t.Errorf("workflow.RetainerItem = %q, the mapping writes %q", workflow.RetainerItem, qbo.RetainerItemKey)
	}
}

// TestWebhookSinkKeepsEveryEvent: a delivery reaches the queue with its id
// and each event's key, entity and id, in order.
func TestWebhookSinkKeepsEveryEvent(t *testing.T) {
	var got workflow.Delivery
	sink := WebhookSink(func(_ context.Context, d workflow.Delivery) error { got = d; return nil })
	err := sink(context.Background(), qbo.Delivery{ID: "d1", Events: []qbo.Event{
		{Key: "k1", RealmID: "r", Entity: "Invoice", ID: "7", Operation: "Update"},
		{Key: "k2", RealmID: "r", Entity: "Payment", ID: "9", Operation: "Create"},
	}})
	want := []workflow.DeliveryEvent{{Key: "k1", Entity: "Invoice", ID: "7"}, {Key: "k2", Entity: "Payment", ID: "9"}}
	if err != nil || got.ID != "d1" || !slices.Equal(got.Events, want) {
		t.Errorf("delivery %+v (%v), want d1 with %+v", got, err, want)
	}
}
