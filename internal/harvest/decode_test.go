package harvest

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"billbot/internal/billing"
)

// decodeBoth decodes data with encoding/json and with decodeFrom.
func decodeBoth(data []byte) (std, fast TimeEntriesPage, stdErr, fastErr error) {
	stdErr = json.Unmarshal(data, &std)
	fastErr = fast.decodeFrom(data)
	return
}

func TestDecodeMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	fixture, err := os.ReadFile(filepath.Join("testdata", "time_entries.json"))
	if err != nil {
		t.Fatal(err)
	}
	inputs := [][]byte{fixture}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		b, err := json.Marshal(randomPage(rng))
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, b)
	}
	for i, in := range inputs {
		std, fast, stdErr, fastErr := decodeBoth(in)
		if stdErr != nil || fastErr != nil {
			t.Fatalf("input %d: encoding/json err %v, fast err %v", i, stdErr, fastErr)
		}
		if diff := cmp.Diff(std, fast); diff != "" {
			t.Fatalf("input %d decodes differently (-encoding/json +fast):\n%s\n%s", i, diff, in)
		}
	}
}

func TestDecodeRejectsWhatEncodingJSONRejects(t *testing.T) {
	t.Parallel()
	cases := []string{
		`{"time_entries":[{"id":1,}]}`,
		`{"time_entries":[{"id":"1"}]}`,
		`{"time_entries":[{"id":1.5}]}`,
		`{"time_entries":[{"hours":01}]}`,
		`{"time_entries":[{"hours":"abc"}]}`,
		`{"time_entries":[{"notes":"a` + "\x01" + `"}]}`,
		`{"time_entries":[{"notes":"\q"}]}`,
		`{"time_entries":[{"spent_date":"2026-13-01"}]}`,
		`{"time_entries":[{"created_at":"yesterday"}]}`,
		`{"time_entries":[{"is_closed":"true"}]}`,
		`{"time_entries":[],"links":{"next":5}}`,
		`{"time_entries":[]} x`,
		`{"time_entries":[{"extra":[1,2,{"a":tru}]}]}`,
		`{"time_entries":[`,
	}
	for _, c := range cases {
		_, _, stdErr, fastErr := decodeBoth([]byte(c))
		if stdErr == nil || fastErr == nil {
			t.Errorf("%s: encoding/json err %v, fast err %v; want both to fail", c, stdErr, fastErr)
		}
	}
}

func FuzzDecodeTimeEntries(f *testing.F) {
	fixture, err := os.ReadFile(filepath.Join("testdata", "time_entries.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(fixture)
	f.Add([]byte(`{"time_entries":null,"page":null,"links":null}`))
	f.Add([]byte(`{"time_entries":[{"notes":"\u00e9\ud83d\ude00","hours":"1.5","user_assignment":{"project":null}}]}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		std, fast, stdErr, fastErr := decodeBoth(in)
		if fastErr == nil && stdErr != nil {
			t.Fatalf("fast decoder accepted what encoding/json rejects (%v):\n%q", stdErr, in)
		}
		// encoding/json also matches keys case-insensitively (with Unicode
		// folding); Harvest writes them exactly, and so does the fast path.
		if stdErr == nil && fastErr == nil && !hasFoldableKeys(in) {
			if diff := cmp.Diff(std, fast); diff != "" {
				t.Fatalf("decodes differently (-encoding/json +fast):\n%s\n%q", diff, in)
			}
		}
	})
}

func hasFoldableKeys(in []byte) bool {
	for _, c := range in {
		if 'A' <= c && c <= 'Z' || c >= 0x80 || c == '\\' {
			return true
		}
	}
	return false
}

// randomPage builds a page with awkward values: nulls, escapes, unicode,
// large numbers.
func randomPage(rng *rand.Rand) TimeEntriesPage {
	strs := []string{"", "plain", "quote \" and \\ backslash", "tab\tnew\nline", "é ünïcödé 😀", "<html>&amp;", "\u2028"}
	s := func() string { return strs[rng.IntN(len(strs))] }
	num := func() json.Number {
		return json.Number([]string{"0", "1.5", "100.0", "-2", "187.50", "1e3", "0.3333"}[rng.IntN(7)])
	}
	ts := time.Date(2026, 3, rng.IntN(28)+1, rng.IntN(24), rng.IntN(60), rng.IntN(60), 0, time.UTC)
	var p TimeEntriesPage
	for i := range rng.IntN(5) {
		e := TimeEntry{
			ID: rng.Int64(), SpentDate: billing.DateOf(ts), User: IDName{int64(i), s()},
			Client: ClientRef{rng.Int64N(1e9), s(), []string{"", "USD"}[rng.IntN(2)]}, Project: ProjectRef{1, s(), s()},
			Task: IDName{2, s()}, Hours: num(), HoursWithoutTimer: num(), RoundedHours: num(), Notes: s(),
			IsLocked: rng.IntN(2) == 0, LockedReason: s(), IsClosed: rng.IntN(2) == 0, IsBilled: rng.IntN(2) == 0,
			IsRunning: rng.IntN(2) == 0, Billable: rng.IntN(2) == 0, Budgeted: rng.IntN(2) == 0,
			BillableRate: num(), CostRate: num(), CreatedAt: ts, UpdatedAt: ts.Add(time.Hour), StartedTime: s(),
		}
		if rng.IntN(2) == 0 {
			e.UserAssignment = &UserAssignment{ID: 3, HourlyRate: num(), CreatedAt: ts, UpdatedAt: ts, IsActive: true}
			e.TaskAssignment = &TaskAssignment{ID: 4, Billable: true, HourlyRate: num(), Budget: num(), CreatedAt: ts, UpdatedAt: ts,
				Task: &IDName{5, s()}}
			e.Invoice = &InvoiceRef{ID: 6, Number: s()}
			e.ExternalReference = &ExternalReference{ID: s(), Permalink: s()}
			tt := ts.Add(90 * time.Minute)
			e.TimerStartedAt = &tt
		}
		p.TimeEntries = append(p.TimeEntries, e)
	}
	p.PerPage, p.TotalPages, p.TotalEntries = 2000, rng.IntN(10), rng.IntN(20000)
	if rng.IntN(2) == 0 {
		n := rng.IntN(9) + 1
		p.Page, p.NextPage = &n, &n
	}
	p.Links = Links{First: "https://api.harvestapp.com/v2/time_entries?page=1&per_page=2000", Next: s() + strconv.Itoa(rng.IntN(9))}
	return p
}

func BenchmarkDecodeTimeEntriesPage(b *testing.B) {
	fixture, err := os.ReadFile(filepath.Join("testdata", "time_entries.json"))
	if err != nil {
		b.Fatal(err)
	}
	var one TimeEntriesPage
	if err := json.Unmarshal(fixture, &one); err != nil {
		b.Fatal(err)
	}
	for len(one.TimeEntries) < 2000 {
		one.TimeEntries = append(one.TimeEntries, one.TimeEntries[:3]...)
	}
	page, _ := json.Marshal(one)
	b.Run("encoding/json", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		for b.Loop() {
			var p TimeEntriesPage
			if err := json.NewDecoder(bytes.NewReader(page)).Decode(&p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("fast", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		for b.Loop() {
			var p TimeEntriesPage
			if err := p.decodeFrom(page); err != nil {
				b.Fatal(err)
			}
		}
	})
}
