package workflow_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestWorkflowImportsNoSlack keeps the use cases free of Slack: what billbot
// says in Slack goes through the Notifier (internal/notify), so neither the
// Slack client nor the Block Kit renderers may be among workflow's
// dependencies, direct or not.
func TestWorkflowImportsNoSlack(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to list the package's dependencies")
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.Contains(pkg, "slack-go") || pkg == "billbot/internal/slackui" || pkg == "billbot/bot" || pkg == "billbot/internal/chat" {
			t.Errorf("internal/workflow depends on %s: say things in Slack through the Notifier instead", pkg)
		}
	}
}
