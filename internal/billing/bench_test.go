package billing

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"billbot/internal/money"
)

// benchInput is a large firm: nEng engagements (hourly, fixed-fee, retainer
// and mixed; monthly cycles) and nEntries eligible entries in October 2026,
// all drafted on 2026-10-31.
func benchInput(nEng, nEntries int) Input {
	tasks := []string{"Tax Prep", "Bookkeeping", "Advisory", "Audit", "Payroll"}
	in := Input{
		Firm:      Firm{Name: "Bench", Location: time.UTC, HomeCurrency: "USD", DefaultItem: "Services", UnapprovedAlertDays: 7},
		Today:     MustDate("2026-11-01"),
		PeriodEnd: MustDate("2026-10-31"),
		Retainers: map[string]RetainerUsage{},
	}
	kinds := []Kind{Hourly, Hourly, Hourly, FixedFee, Retainer, Mixed}
	for i := range nEng {
		name := fmt.Sprintf("Client %04d", i)
		in.Clients = append(in.Clients, Client{Name: name, LedgerCustomerID: fmt.Sprint(i + 1), Currency: "USD"})
		e := Engagement{
			Key: fmt.Sprintf("eng-%04d", i), Client: name, SourceProjectID: int64(10000 + i), Kind: kinds[i%len(kinds)],
			StartsOn: MustDate("2026-01-01"), Cycle: Monthly, TermsDays: 30, Partner: "UP1", Manager: fmt.Sprintf("UM%d", i%20),
			Rates:     map[string]money.Amount{"*": 19500, "Bookkeeping": 9500},
			TaskItems: map[string]string{"Tax Prep": "Tax Preparation"},
			FixedFee:  150000, DiscountPercent: money.Percent(i % 3 * 5 * money.PercentScale),
		}
		if e.Kind == Retainer {
			e.Retainer = &RetainerTerms{Hours: 100000 * money.HoursScale, Amount: 780000}
		}
		in.Engagements = append(in.Engagements, e)
	}
	in.Entries = make([]TimeEntry, nEntries)
	approved := time.Date(2026, 10, 31, 12, 0, 0, 0, time.UTC)
	for i := range in.Entries {
		ei := i % nEng
		in.Entries[i] = TimeEntry{
			ID: int64(i + 1), Source: "harvest", ProjectID: int64(10000 + ei), Client: in.Clients[ei].Name,
			Task: tasks[i%len(tasks)], SpentDate: Date{2026, time.October, 1 + i%31}, Hours: money.Hours(2500 * (1 + i%16)),
			Rate: 19500, Currency: "USD", Billable: true, Approved: true, ApprovedAt: approved,
		}
	}
	return in
}

// benchMemoryLimit is the soft memory limit the engine benchmark runs
// under (GOMEMLIMIT): the garbage collector then works to stay under it
// instead of letting the heap double past a large live set.
const benchMemoryLimit = 290 << 20

// BenchmarkAssess1M drafts one cycle of a million eligible entries over
// 5,000 engagements, under benchMemoryLimit; peak-MB is the process's peak
// resident memory, input included.
func BenchmarkAssess1M(b *testing.B) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(benchMemoryLimit))
	in := benchInput(5000, 1_000_000)
	runtime.GC()
	b.ReportAllocs()
	b.ResetTimer()
	var r Result
	for b.Loop() {
		r = Assess(in)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(in.Entries)), "ns/entry")
	if mb, ok := peakRSSMB(); ok {
		b.ReportMetric(mb, "peak-MB")
	}
	if len(r.Invoices) < 5000 {
		b.Fatalf("got %d invoices", len(r.Invoices))
	}
}

// peakRSSMB reads the process's peak resident set size (VmHWM) from Linux's
// /proc/self/status, in megabytes; false elsewhere.
func peakRSSMB() (float64, bool) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024, err == nil
		}
	}
	return 0, false
}
