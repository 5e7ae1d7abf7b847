package jsonnum_test

import (
	"testing"

	"billbot/internal/jsonnum"
)

func TestMarshal(t *testing.T) {
	for _, tt := range []struct{ text, want, wantErr string }{
		{"", "null", ""},
		{"1861.08", "1861.08", ""},
		{"-0.50", "-0.50", ""},
		{"1,5", "", `acme: decimal "1,5" is not a JSON number`},
		{`"1"`, "", `acme: decimal "\"1\"" is not a JSON number`},
	} {
		got, err := jsonnum.Marshal(tt.text, "acme")
		if string(got) != tt.want || (err == nil) != (tt.wantErr == "") || err != nil && err.Error() != tt.wantErr {
			t.Errorf("Marshal(%q) = %s, %v; want %s, %s", tt.text, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestUnmarshal(t *testing.T) {
	for _, tt := range []struct{ in, want, wantErr string }{
		{"null", "", ""},
		{" 1861.08 ", "1861.08", ""},
		{`"95.0000"`, "95.0000", ""},
		{"1e3", "1e3", ""},
		{`"abc"`, "", `acme: decimal "abc": invalid character 'a' looking for beginning of value`},
		{`"1`, "", "acme: decimal: unexpected end of JSON input"},
	} {
		got, err := jsonnum.Unmarshal([]byte(tt.in), "acme")
		if got != tt.want || (err == nil) != (tt.wantErr == "") || err != nil && err.Error() != tt.wantErr {
			t.Errorf("Unmarshal(%s) = %q, %v; want %q, %s", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}
