package billing

import (
	"fmt"
	"testing"
	"time"
)

func TestDateString(t *testing.T) {
	for _, tc := range []struct {
		d    Date
		want string
	}{
		{Date{}, ""},
		{Date{2026, time.October, 5}, "2026-10-05"},
		{Date{2000, time.January, 1}, "2000-01-01"},
		{Date{999, time.December, 31}, "0999-12-31"},
		{Date{9999, time.December, 31}, "9999-12-31"},
		{Date{10000, time.January, 1}, "10000-01-01"},
		{Date{-1, time.January, 1}, "-001-01-01"},
	} {
		if got := tc.d.String(); got != tc.want {
			t.Errorf("%#v.String() = %q, want %q", tc.d, got, tc.want)
		}
		if !tc.d.IsZero() {
			if want := fmt.Sprintf("%04d-%02d-%02d", tc.d.Year, tc.d.Month, tc.d.Day); tc.d.String() != want {
				t.Errorf("%#v.String() = %q, fmt gives %q", tc.d, tc.d.String(), want)
			}
		}
	}
}
