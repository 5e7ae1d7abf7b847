package qbo

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"billbot/internal/qbo/qbosandbox"
)

// TestBackgroundLeavesRoomForInteractive: 30 background reads (a webhook
// storm) are waiting on the client's throttle when an interactive read (a
// partner's Approve) is issued; at most one background call may be served
// between its issue and its arrival. Counted, not timed.
func TestBackgroundLeavesRoomForInteractive(t *testing.T) {
	t.Parallel()
	var (
		mu        sync.Mutex
		bgServed  int // background requests the server has received
		fgIssued  = -1
		bgBeforeF = -1
		served    atomic.Int64
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
		mu.Lock()
		if id == "fg" {
			bgBeforeF = bgServed
		} else {
			bgServed++
		}
		mu.Unlock()
		served.Add(1)
		fmt.Fprintf(w, `{"Invoice":{"Id":%q,"SyncToken":"0"}}`, id)
	}))
	t.Cleanup(srv.Close)
	// 50 requests a second, all of them open to background calls too: the
	// share is not what holds them back here, the single background slot is.
	c, err := NewClient(srv.URL, "realm", srv.Client(), WithLimits(Limits{Requests: 50, BackgroundRequests: 50, Per: time.Second}))
	if err != nil {
		t.Fatal(err)
	}
	bg := Background(t.Context())
	var wg sync.WaitGroup
	for i := range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.GetInvoice(bg, fmt.Sprint("bg-", i)); err != nil {
				t.Error(err)
			}
		}()
	}
	for served.Load() < 2 {
		time.Sleep(time.Millisecond) // the storm is under way
	}
	mu.Lock()
	fgIssued = bgServed
	mu.Unlock()
	if _, err := c.GetInvoice(t.Context(), "fg"); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if queued := bgBeforeF - fgIssued; queued > 2 {
		t.Errorf("%d background calls were served between the interactive call's issue and its arrival, want at most 2", queued)
	}
}

// TestGetInvoicesBatched reads 450 invoices in three queries.
func TestGetInvoicesBatched(t *testing.T) {
	t.Parallel()
	srv := newSandbox(t, qbosandbox.Options{})
	cust, items := seed(srv)
	c := sandboxClient(t, srv, 5*time.Second)
	var ids []string
	for i := range 3 {
		inv, err := c.CreateInvoice(t.Context(), testInvoice(t, cust, items, fmt.Sprint("b", i)), RequestID("b", fmt.Sprint(i)))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, inv.ID)
	}
	for i := len(ids); i < 450; i++ {
		ids = append(ids, fmt.Sprint(900000+i)) // not in QBO (deleted)
	}
	before := srv.Calls()["GET query"]
	got, err := c.GetInvoices(t.Context(), ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].ID != ids[0] {
		t.Errorf("got %d invoices, want the 3 that exist", len(got))
	}
	if n := srv.Calls()["GET query"] - before; n != 3 {
		t.Errorf("%d queries for 450 ids, want 3", n)
	}
}
