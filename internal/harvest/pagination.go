package harvest

import (
	"context"
	"net/url"

	"golang.org/x/sync/errgroup"
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

// walkAhead is walk with one page of read-ahead: while fn handles page n,
// page n+1 is already being fetched, so a slow consumer (a database write)
// and the rate limiter's waits overlap instead of adding up. fn still sees
// pages one at a time, in order.
func walkAhead[P any, PP interface {
	*P
	pageInfo() Pagination
}](ctx context.Context, c *Client, path string, q url.Values, fn func(*P) error) error {
	g, gctx := errgroup.WithContext(ctx)
	pages := make(chan *P, 1)
	g.Go(func() error {
		defer close(pages)
		return walk[P, PP](gctx, c, path, q, func(p *P) error {
			select {
			case pages <- p:
				return nil
			case <-gctx.Done():
				return gctx.Err()
			}
		})
	})
	g.Go(func() error {
		for p := range pages {
			if err := fn(p); err != nil {
				return err
			}
		}
		return nil
	})
	return g.Wait()
}
