package workflow

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"billbot/internal/billing"
	"billbot/store"
)

// BatchCreator is a QBO that creates up to BatchSize invoices in one call
// (QBO's batch endpoint). The whole batch carries one requestid derived from
// batchKey, so sending the same batch again returns what the first attempt
// created.
type BatchCreator interface {
	CreateDrafts(ctx context.Context, batchKey string, drafts []DraftRequest, items map[string]string) (map[string]Remote, map[string]error, error)
}

// DraftRequest is one invoice of a batch create, with its client.
type DraftRequest struct {
	Invoice billing.Invoice
	Client  billing.Client
}

// BatchSize is QBO's limit of operations per batch request (docs/vendors.md §2.7).
const BatchSize = 30

// Cursor names of the batch write-ahead intent.
const (
	cursorBatchOf      = "qbo:batch-of:"      // + invoice key → batch key
	cursorBatchMembers = "qbo:batch-members:" // + batch key → member invoice keys, one a line
)

// createInBatches creates drafts in QBO thirty at a time. A batch's
// requestid covers its members, so the members must be exactly the same if
// the batch is sent again after a crash or a lost response: before sending,
// billbot records the batch (its key and members) as an intent, and a run
// that finds an intent re-sends that very batch — QBO then replays the
// original response instead of creating anything twice. The intent is
// cleared once every answer is recorded.
func (w *Workflow) createInBatches(ctx context.Context, firm *Firm, bc BatchCreator, drafts []store.Invoice, items map[string]string) []error {
	var errs []error
	byKey := make(map[string]store.Invoice, len(drafts))
	for _, inv := range drafts {
		byKey[inv.Key] = inv
	}
	// Batches a previous run began and did not finish, first.
	inBatch := map[string]bool{}
	resumed := map[string]bool{}
	for _, inv := range drafts {
		batchKey, err := w.store.Cursor(ctx, cursorBatchOf+inv.Key)
		if err != nil {
			return append(errs, err)
		}
		if batchKey == "" || resumed[batchKey] {
			continue
		}
		resumed[batchKey] = true
		list, err := w.store.Cursor(ctx, cursorBatchMembers+batchKey)
		if err != nil {
			return append(errs, err)
		}
		var members []store.Invoice
		for _, key := range strings.Split(list, "\n") {
			if key == "" {
				continue
			}
			m, ok := byKey[key]
			if !ok { // recorded already: its payload is still needed for the replay
				if m, err = w.store.InvoiceByKey(ctx, key); err != nil {
					return append(errs, fmt.Errorf("resume %s batch %s: %w", w.ledgerShort(), batchKey, err))
				}
			}
			members = append(members, m)
			inBatch[key] = true
		}
		errs = append(errs, w.sendBatch(ctx, firm, bc, batchKey, members, items)...)
	}
	var fresh []store.Invoice
	for _, inv := range drafts {
		if !inBatch[inv.Key] {
			fresh = append(fresh, inv)
		}
	}
	sort.Slice(fresh, func(i, j int) bool { return fresh[i].Key < fresh[j].Key })
	for start := 0; start < len(fresh); start += BatchSize {
		members := fresh[start:min(start+BatchSize, len(fresh))]
		keys := make([]string, len(members))
		for i, m := range members {
			keys[i] = m.Key
		}
		sum := sha256.Sum256([]byte(strings.Join(keys, "\n")))
		batchKey := hex.EncodeToString(sum[:12])
		// The intent: members first, so that any invoice pointing at the
		// batch finds the whole list.
		if err := w.store.SetCursor(ctx, cursorBatchMembers+batchKey, strings.Join(keys, "\n")); err != nil {
			return append(errs, err)
		}
		for _, k := range keys {
			if err := w.store.SetCursor(ctx, cursorBatchOf+k, batchKey); err != nil {
				return append(errs, err)
			}
		}
		errs = append(errs, w.sendBatch(ctx, firm, bc, batchKey, members, items)...)
	}
	return errs
}

// sendBatch sends one batch, records each created invoice still a draft,
// and clears the batch's intent once the answer is recorded. An item QBO
// refused stays a draft and goes into a new batch on the next run.
func (w *Workflow) sendBatch(ctx context.Context, firm *Firm, bc BatchCreator, batchKey string, members []store.Invoice, items map[string]string) []error {
	reqs := make([]DraftRequest, 0, len(members))
	for _, m := range members {
		client, err := firm.InvoiceClient(m)
		if err != nil {
			return []error{err}
		}
		reqs = append(reqs, DraftRequest{Invoice: m.Billing(), Client: client})
	}
	w.failPoint("qbo:before_create")
	created, failed, err := bc.CreateDrafts(ctx, batchKey, reqs, items)
	if err != nil {
		return []error{fmt.Errorf("create %s batch of %d invoices: %w", w.ledgerShort(), len(members), err)} // the intent stays: re-sent as is
	}
	w.failPoint("qbo:after_create")
	var errs []error
	for _, m := range members {
		if m.State != store.StateDraft || m.LedgerID != "" {
			continue // recorded by the run that crashed
		}
		if ferr := failed[m.Key]; ferr != nil {
			errs = append(errs, fmt.Errorf("create invoice %s in %s: %w", m.Key, w.ledgerShort(), ferr))
			continue
		}
		remote, ok := created[m.Key]
		if !ok {
			errs = append(errs, fmt.Errorf("create invoice %s in %s: no answer in the batch", m.Key, w.ledgerShort()))
			continue
		}
		if err := w.recordCreated(ctx, m, remote); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 && len(errs) == len(members) {
		return errs // nothing recorded: keep the intent for an identical retry
	}
	for _, m := range members {
		if err := w.store.SetCursor(ctx, cursorBatchOf+m.Key, ""); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}
