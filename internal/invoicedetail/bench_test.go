package invoicedetail_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"billbot/internal/invoicedetail"
)

// BenchmarkDetailPage2000 serves the page of an invoice of 2,000 entries
// through the handler (signature check, render, write) and reports the
// p99 latency; the target is under 50 ms.
func BenchmarkDetailPage2000(b *testing.B) {
	d := sample(2000)
	s, err := invoicedetail.NewSigner(testKey, "http://billbot.test", func() time.Time { return t0 })
	if err != nil {
		b.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /invoices/{number}", invoicedetail.Handler(source{d}, s, nil))
	link, _ := s.Link(d.Number)
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, link, nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
		_, _ = io.Copy(io.Discard, rec.Body)
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	p99 := lat[min(len(lat)-1, len(lat)*99/100)]
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
}
