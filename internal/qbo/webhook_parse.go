package qbo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// legacyPayload is {"eventNotifications":[{"realmId","dataChangeEvent":{"entities":[...]}}]}.
// Entities stay raw so that one malformed entity is skipped, not the
// delivery.
type legacyPayload struct {
	EventNotifications []struct {
		RealmID         string `json:"realmId"`
		DataChangeEvent struct {
			Entities []json.RawMessage `json:"entities"`
		} `json:"dataChangeEvent"`
	} `json:"eventNotifications"`
}

type legacyEntity struct {
	Name        string `json:"name"`
	ID          string `json:"id"`
	Operation   string `json:"operation"`
	LastUpdated string `json:"lastUpdated"`
}

// cloudEvent is one element of the CloudEvents array
// (blogs.a.intuit.com/2025/11/12/upcoming-change-to-webhooks-payload-structure).
type cloudEvent struct {
	SpecVersion     string `json:"specversion"`
	ID              string `json:"id"`
	Type            string `json:"type"` // qbo.invoice.updated.v1
	Time            string `json:"time"`
	IntuitEntityID  string `json:"intuitentityid"`
	IntuitAccountID string `json:"intuitaccountid"`
}

// ErrUnknownEventType marks a skipped CloudEvent whose type is not
// qbo.<entity>.<operation>.v<N>.
var ErrUnknownEventType = errors.New("unknown event type")

// ParseWebhook decodes a delivery in the legacy eventNotifications object
// format or the CloudEvents array format into events. An event that is
// malformed or of a type billbot does not know is left out and described in
// skipped (ErrUnknownEventType for the latter); the rest are returned. err
// is set only when the body as a whole is in neither format.
func ParseWebhook(body []byte) (events []Event, skipped []error, err error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, nil, errors.New("qbo: webhook: empty body")
	}
	switch trimmed[0] {
	case '{':
		var p legacyPayload
		if err := json.Unmarshal(trimmed, &p); err != nil {
			return nil, nil, fmt.Errorf("qbo: webhook: decode legacy payload: %w", err)
		}
		for i, n := range p.EventNotifications {
			for j, raw := range n.DataChangeEvent.Entities {
				ev, err := legacyEvent(n.RealmID, raw)
				if err != nil {
					skipped = append(skipped, fmt.Errorf("eventNotifications[%d].entities[%d]: %w", i, j, err))
					continue
				}
				events = append(events, ev)
			}
		}
	case '[':
		var raws []json.RawMessage
		if err := json.Unmarshal(trimmed, &raws); err != nil {
			return nil, nil, fmt.Errorf("qbo: webhook: decode cloudevents: %w", err)
		}
		for i, raw := range raws {
			ev, err := cloudEventOf(raw)
			if err != nil {
				skipped = append(skipped, fmt.Errorf("event[%d]: %w", i, err))
				continue
			}
			events = append(events, ev)
		}
	default:
		return nil, nil, errors.New("qbo: webhook: body is neither a JSON object nor an array")
	}
	return events, skipped, nil
}

func legacyEvent(realm string, raw json.RawMessage) (Event, error) {
	var e legacyEntity
	if err := json.Unmarshal(raw, &e); err != nil {
		return Event{}, fmt.Errorf("malformed entity: %w", err)
	}
	if e.Name == "" || e.ID == "" {
		return Event{}, errors.New("entity without name or id")
	}
	at, err := parseWebhookTime(e.LastUpdated)
	if err != nil {
		return Event{}, fmt.Errorf("entity %s %s: lastUpdated: %w", e.Name, e.ID, err)
	}
	// Legacy events carry no id: the change itself (realm, entity, id,
	// operation, when) identifies one, so a redelivery has the same key.
	key := strings.Join([]string{"legacy", realm, e.Name, e.ID, e.Operation, at.UTC().Format(time.RFC3339Nano)}, "|")
	return Event{Key: key, RealmID: realm, Entity: e.Name, ID: e.ID, Operation: e.Operation, At: at}, nil
}

func cloudEventOf(raw json.RawMessage) (Event, error) {
	var e cloudEvent
	if err := json.Unmarshal(raw, &e); err != nil {
		return Event{}, fmt.Errorf("malformed event: %w", err)
	}
	if e.ID == "" {
		return Event{}, errors.New("event without id")
	}
	entity, op, err := splitCloudType(e.Type)
	if err != nil {
		return Event{}, fmt.Errorf("event %s: %w", e.ID, err)
	}
	if e.IntuitEntityID == "" {
		return Event{}, fmt.Errorf("event %s: no intuitentityid", e.ID)
	}
	at, err := parseWebhookTime(e.Time)
	if err != nil {
		return Event{}, fmt.Errorf("event %s: time: %w", e.ID, err)
	}
	// A CloudEvent's id is unique per source (CloudEvents 1.0, "id").
	return Event{Key: "ce|" + e.ID, RealmID: e.IntuitAccountID, Entity: entity, ID: e.IntuitEntityID, Operation: op, At: at}, nil
}

// webhookTimeLayouts accept RFC 3339 ("Z" or "-07:00") and the offset
// without a colon ("-0700") that Intuit's documented legacy sample uses
// ("lastUpdated": "2015-10-05T14:42:19-0700",
// developer.intuit.com/app/developer/qbo/docs/develop/webhooks). A
// fractional second is accepted by both.
var webhookTimeLayouts = []string{"2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05Z0700"}

func parseWebhookTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, errors.New("missing")
	}
	for _, l := range webhookTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a timestamp", s)
}

// cloudType is "qbo.<entity>.<operation>.v<N>".
var cloudType = regexp.MustCompile(`^qbo\.([A-Za-z]+)\.([A-Za-z]+)\.v[0-9]+$`)

// splitCloudType maps "qbo.invoice.updated.v1" to ("Invoice", "Update"), the
// names the legacy format uses.
func splitCloudType(t string) (string, string, error) {
	m := cloudType.FindStringSubmatch(t)
	if m == nil {
		return "", "", fmt.Errorf("%w %q", ErrUnknownEventType, t)
	}
	return entityName(m[1]), operationName(m[2]), nil
}

func entityName(s string) string {
	switch strings.ToLower(s) {
	case "invoice":
		return "Invoice"
	case "payment":
		return "Payment"
	case "customer":
		return "Customer"
	case "item":
		return "Item"
	case "creditmemo":
		return "CreditMemo"
	case "salesreceipt":
		return "SalesReceipt"
	case "estimate":
		return "Estimate"
	case "billpayment":
		return "BillPayment"
	case "journalentry":
		return "JournalEntry"
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func operationName(s string) string {
	switch strings.ToLower(s) {
	case "created":
		return "Create"
	case "updated":
		return "Update"
	case "deleted":
		return "Delete"
	case "merged":
		return "Merge"
	case "voided":
		return "Void"
	case "emailed":
		return "Emailed"
	}
	return s
}
