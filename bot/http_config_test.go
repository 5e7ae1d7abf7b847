package bot

import (
	"strings"
	"testing"
)

// TestNewHTTPNamesTheSetting: without a signing secret the error names the
// environment variable a person sets, not a Go field.
func TestNewHTTPNamesTheSetting(t *testing.T) {
	_, err := NewHTTP(HTTPConfig{})
	if err == nil || strings.Contains(err.Error(), "SigningSecret") || !strings.Contains(err.Error(), "SLACK_SIGNING_SECRET") {
		t.Errorf("err = %v, want one naming SLACK_SIGNING_SECRET and no Go field", err)
	}
}
