package harvest

import (
	"context"
	"net/url"

	"billbot/internal/pipeline"
)

// Links are the pagination URLs of a list response; empty when null.
type Links struct {
	First    string `json:"first"`
	Next     string `json:"next"`
	Previous string `json:"previous"`
	Last     string `json:"last"`
}

// Pagination is the metadata of every Harvest list response
// (help.getharvest.com/api-v2/introduction/overview/pagination/). Page,
// NextPage and PreviousPage are null mid-stream on cursor-paginated
// endpoints, so only Links.Next decides whether there is more.
type Pagination struct {
	PerPage      int   `json:"per_page"`
	TotalPages   int   `json:"total_pages"`
	TotalEntries int   `json:"total_entries"`
	NextPage     *int  `json:"next_page"`
	PreviousPage *int  `json:"previous_page"`
	Page         *int  `json:"page"`
	Links        Links `json:"links"`
}

func (p Pagination) pageInfo() Pagination { return p }

// MaxPerPage is the largest page Harvest serves, and its default
// (help.getharvest.com/api-v2/introduction/overview/pagination/ "per_page").
const MaxPerPage = 2000

// walk fetches path?q and then every links.next until it is null, calling fn
// with each decoded page. Page numbers are never computed: Harvest's docs ask
// clients to follow the links because some endpoints switch to cursors.
func walk[P any, PP interface {
	*P
	pageInfo() Pagination
}](ctx context.Context, c *Client, path string, q url.Values, fn func(*P) error) error {
	next := path
	if len(q) > 0 {
		next += "?" + q.Encode()
	}
	for next != "" {
		req, err := c.newRequest(ctx, next)
		if err != nil {
			return err
		}
		p := new(P)
		if err := c.do(req, p); err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
		next = PP(p).pageInfo().Links.Next
	}
	return nil
}

// walkAhead is walk with read-ahead: while fn handles page n (a database
// write), pages n+1 and n+2 are already being fetched, so the consumer and
// the rate limiter's waits overlap instead of adding up. fn still sees
// pages one at a time, in order; an error of either side stops the other.
func walkAhead[P any, PP interface {
	*P
	pageInfo() Pagination
}](ctx context.Context, c *Client, path string, q url.Values, fn func(*P) error) error {
	return pipeline.Ahead(ctx, ReadAhead, func(ctx context.Context, emit func(*P) error) error {
		return walk[P, PP](ctx, c, path, q, emit)
	}, fn)
}

// ReadAhead is how many pages a paginated list fetches ahead of the one
// its caller is handling: at Harvest's 2000 entries a page, a few MB.
const ReadAhead = 2
