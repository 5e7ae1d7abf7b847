package toggl

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// Paging headers of the detailed search: "Supports pagination via X-Next-ID
// and X-Next-Row-Number headers returned in the response"
// (engineering.toggl.com/docs/reports/detailed_reports). Their values go
// back as first_id and first_row_number (and X-Next-Timestamp, when sent,
// as first_timestamp) in the same search; no header means the last page.
const (
	HeaderNextID        = "X-Next-ID"
	HeaderNextRowNumber = "X-Next-Row-Number"
	HeaderNextTimestamp = "X-Next-Timestamp"
)

// DefaultPageSize is the page_size billbot asks of the detailed search. The
// reference lists page_size without a default or a maximum; 50 is the
// detailed report's page in Toggl's own reports, and the sandbox caps
// pages there.
const DefaultPageSize = 50

// SearchRequest is the body of POST
// /workspace/{workspace_id}/search/time_entries. Dates are YYYY-MM-DD
// ("example time.DateOnly"), filtering on the entries' start.
type SearchRequest struct {
	StartDate      string `json:"start_date"`
	EndDate        string `json:"end_date"`
	PageSize       int    `json:"page_size,omitempty"`
	FirstID        int64  `json:"first_id,omitempty"`
	FirstRowNumber int64  `json:"first_row_number,omitempty"`
	FirstTimestamp int64  `json:"first_timestamp,omitempty"`
	OrderBy        string `json:"order_by,omitempty"`
	OrderDir       string `json:"order_dir,omitempty"`
	Grouped        bool   `json:"grouped"`
}

// SearchRow is one row of the detailed search: one user's entries with the
// same project, task, description and billable flag (one entry per row
// when grouped is false). Amounts are in cents of Currency;
// HourlyRateInCents is null when no rate applies.
type SearchRow struct {
	UserID                int64        `json:"user_id"`
	Username              string       `json:"username"`
	ProjectID             *int64       `json:"project_id"`
	TaskID                *int64       `json:"task_id"`
	Billable              bool         `json:"billable"`
	Description           string       `json:"description"`
	TagIDs                []int64      `json:"tag_ids"`
	BillableAmountInCents *int64       `json:"billable_amount_in_cents"`
	HourlyRateInCents     *int64       `json:"hourly_rate_in_cents"`
	Currency              string       `json:"currency"`
	RowNumber             int64        `json:"row_number"`
	TimeEntries           []SearchItem `json:"time_entries"`
}

// SearchItem is one time entry of a row. Seconds is negative and Stop null
// while the entry runs; At is its last change.
type SearchItem struct {
	ID      int64      `json:"id"`
	Seconds int64      `json:"seconds"`
	Start   time.Time  `json:"start"`
	Stop    *time.Time `json:"stop"`
	At      time.Time  `json:"at"`
}

// SearchTimeEntries lists every member's time entries of the workspace
// that started on days from through to (inclusive), page by page, calling
// fn with each page's rows. pageSize ≤ 0 means DefaultPageSize.
func (c *Client) SearchTimeEntries(ctx context.Context, from, to time.Time, pageSize int, fn func(rows []SearchRow) error) error {
	if pageSize <= 0 {
		pageSize = DefaultPageSize
	}
	req := SearchRequest{
		StartDate: from.Format(time.DateOnly),
		EndDate:   to.Format(time.DateOnly),
		PageSize:  pageSize,
		OrderBy:   "date",
		OrderDir:  "asc",
	}
	ref := "workspace/" + strconv.FormatInt(c.workspaceID, 10) + "/search/time_entries"
	for {
		var rows []SearchRow
		hdr, err := c.postReports(ctx, ref, req, &rows)
		if err != nil {
			return fmt.Errorf("toggl: search time entries %s..%s: %w", req.StartDate, req.EndDate, err)
		}
		if err := fn(rows); err != nil {
			return err
		}
		id, okID := headerInt(hdr, HeaderNextID)
		row, okRow := headerInt(hdr, HeaderNextRowNumber)
		if !okID || !okRow {
			return nil
		}
		req.FirstID, req.FirstRowNumber = id, row
		if ts, ok := headerInt(hdr, HeaderNextTimestamp); ok {
			req.FirstTimestamp = ts
		}
	}
}
