package archtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
)

const module = "billbot"

// layers are billbot's packages from the bottom up. A package may import
// packages of its own layer or of lower ones, never of a higher one. A
// pattern ending in "/..." also names the packages under it.
var layers = [][]string{
	// 0: leaves that know nothing of billing
	{"internal/money", "internal/clock", "internal/secrets", "internal/chat", "internal/metrics/...", "internal/retry", "internal/httpx", "internal/ratelimit", "internal/oauthstore", "internal/priority", "internal/jsonnum", "internal/pipeline"},
	// 1: the pure billing engine
	{"internal/billing"},
	// 2: configuration, storage, the vendors' clients and their sandboxes,
	// rendering
	{
		"internal/config", "internal/shadow", "internal/invoicedetail", "store/...",
		"internal/harvest/...", "internal/timecsv", "internal/timesync", "internal/qbo/...", "internal/toggl/...", "internal/qbtime/...", "internal/xero/...", "internal/slackui", "internal/slacksandbox",
		"internal/server", "internal/setup/...", "internal/view", "internal/notify", "internal/chart",
		"internal/answers",
	},
	// 3: the use cases, which declare what they need of the vendors
	{"internal/workflow/..."},
	// 4: the vendors' adapters: each implements the use cases' interfaces
	// over one vendor's client (QuickBooks as the ledger, Harvest as the
	// time source); internal/app wires them in
	{"internal/ledger/...", "internal/timesource/..."},
	// 5: what drives the use cases: Slack commands, interactions and
	// transport, scheduled jobs
	{"commands", "interactions", "bot", "jobs"},
	// 6: billbot assembled
	{"internal/app"},
	// 7: harnesses that run an assembled billbot
	{"internal/demo", "internal/loadtest", "internal/reliability", "internal/timeworld"},
	// 8: the command line
	{"internal/cli"},
	// 9: the program, and this test
	{"", "internal/archtest"},
}

// workflowSlackAllowList are the imports of a Slack package (the Slack
// SDK, billbot's Slack transport, Block Kit rendering, Slack request
// shapes, the Slack sandbox) that the use cases still have, as
// "importer -> imported". The use cases are to reach Slack only through a
// notifier they are given; empty this list as the imports go. A new one
// fails the test.
var workflowSlackAllowList = []string{}

type pkg struct {
	ImportPath string
	Standard   bool
	Module     *struct{ Path string }
	Imports    []string
	Error      *struct{ Err string }
}

var (
	listOnce sync.Once
	listed   map[string]pkg
	listErr  error
)

// graph returns every package of the module and of its dependencies, by
// import path, as `go list -deps` gives them (listed once per run).
func graph(t *testing.T) map[string]pkg {
	t.Helper()
	listOnce.Do(func() { listed, listErr = list() })
	if listErr != nil {
		t.Fatal(listErr)
	}
	return listed
}

func list() (map[string]pkg, error) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		return nil, err
	}
	// go list reads the sources in another process, which go test's result
	// cache does not see: stat them here so that a changed import re-runs
	// the test instead of replaying a cached pass.
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") && path != root {
			return filepath.SkipDir
		}
		if !d.IsDir() && (strings.HasSuffix(path, ".go") || d.Name() == "go.mod") {
			_, err = os.Stat(path)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("go", "list", "-deps", "-json", "./...")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %v\n%s", err, stderr.String())
	}
	pkgs := map[string]pkg{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, err
		}
		if p.Error != nil {
			return nil, fmt.Errorf("go list: %s: %s", p.ImportPath, p.Error.Err)
		}
		pkgs[p.ImportPath] = p
	}
	if _, ok := pkgs[module+"/internal/workflow"]; !ok {
		return nil, fmt.Errorf("go list found no %s/internal/workflow: run from the module", module)
	}
	return pkgs, nil
}

func ours(path string) bool { return path == module || strings.HasPrefix(path, module+"/") }

// layerOf returns path's layer, -1 when no layer names it.
func layerOf(path string) int {
	rel := strings.TrimPrefix(strings.TrimPrefix(path, module), "/")
	for i, pats := range layers {
		for _, pat := range pats {
			if base, ok := strings.CutSuffix(pat, "/..."); ok {
				if rel == base || strings.HasPrefix(rel, base+"/") {
					return i
				}
			} else if rel == pat {
				return i
			}
		}
	}
	return -1
}

// TestLayers: every package has a layer, and no package imports one of a
// higher layer.
func TestLayers(t *testing.T) {
	pkgs := graph(t)
	var paths []string
	for path := range pkgs {
		if ours(path) {
			paths = append(paths, path)
		}
	}
	sort.Strings(paths)
	for _, path := range paths {
		from := layerOf(path)
		if from < 0 {
			t.Errorf("%s has no layer: add it to layers in internal/archtest (and a line to the README's Layout)", path)
			continue
		}
		for _, imp := range pkgs[path].Imports {
			if !ours(imp) {
				continue
			}
			if to := layerOf(imp); to > from {
				t.Errorf("%s (layer %d) imports %s (layer %d): an arrow may not point up", path, from, imp, to)
			}
		}
	}
}

// TestBillingImportsOnlyMoney: the billing engine is pure; it reads no
// store, vendor or configuration.
func TestBillingImportsOnlyMoney(t *testing.T) {
	pkgs := graph(t)
	for _, imp := range pkgs[module+"/internal/billing"].Imports {
		if imp == module+"/internal/money" || pkgs[imp].Standard {
			continue
		}
		t.Errorf("internal/billing imports %s; it may import only %s/internal/money and the standard library", imp, module)
	}
}

// slackPackage reports whether path speaks Slack.
func slackPackage(path string) bool {
	return path == "github.com/slack-go/slack" || strings.HasPrefix(path, "github.com/slack-go/slack/") ||
		slices.Contains([]string{module + "/bot", module + "/internal/slackui", module + "/internal/slacksandbox", module + "/internal/chat"}, path)
}

// TestWorkflowImportsNoSlack: the use cases import no Slack package, but
// for the ones workflowSlackAllowList still lists.
func TestWorkflowImportsNoSlack(t *testing.T) {
	pkgs := graph(t)
	var found []string
	for path, p := range pkgs {
		if path != module+"/internal/workflow" && !strings.HasPrefix(path, module+"/internal/workflow/") {
			continue
		}
		for _, imp := range p.Imports {
			if slackPackage(imp) {
				found = append(found, path+" -> "+imp)
			}
		}
	}
	sort.Strings(found)
	for _, f := range found {
		if !slices.Contains(workflowSlackAllowList, f) {
			t.Errorf("new Slack import in the use cases: %s (reach Slack through the notifier instead)", f)
		}
	}
	for _, a := range workflowSlackAllowList {
		if !slices.Contains(found, a) {
			t.Logf("workflowSlackAllowList lists %s, which is gone: remove it from the list", a)
		}
	}
}

// vendorClients are the packages that speak a vendor's API. The use cases
// reach a vendor only through the interfaces they declare, implemented by
// an adapter (layer 4), so that another ledger or time source plugs in
// without touching them.
var vendorClients = []string{"internal/qbo/...", "internal/harvest/..."}

func vendorClient(path string) bool {
	rel := strings.TrimPrefix(strings.TrimPrefix(path, module), "/")
	for _, pat := range vendorClients {
		base, _ := strings.CutSuffix(pat, "/...")
		if ours(path) && (rel == base || strings.HasPrefix(rel, base+"/")) {
			return true
		}
	}
	return false
}

// TestWorkflowImportsNoVendorClient: no package of the use cases imports a
// vendor's client, directly or through another package.
func TestWorkflowImportsNoVendorClient(t *testing.T) {
	pkgs := graph(t)
	for path := range pkgs {
		if path != module+"/internal/workflow" && !strings.HasPrefix(path, module+"/internal/workflow/") {
			continue
		}
		// Breadth first from path, remembering how each package was reached.
		via := map[string]string{path: ""}
		queue := []string{path}
		for len(queue) > 0 {
			cur := queue[0]
			queue = queue[1:]
			for _, imp := range pkgs[cur].Imports {
				if _, seen := via[imp]; seen || !ours(imp) {
					continue
				}
				via[imp] = cur
				if vendorClient(imp) {
					chain := imp
					for p := cur; p != ""; p = via[p] {
						chain = p + " -> " + chain
					}
					t.Errorf("the use cases reach a vendor's client: %s (declare an interface in internal/workflow and implement it in an adapter)", chain)
					continue
				}
				queue = append(queue, imp)
			}
		}
	}
}

// TestVendorClient pins the vendor client lookup.
func TestVendorClient(t *testing.T) {
	for path, want := range map[string]bool{
		"billbot/internal/qbo":                    true,
		"billbot/internal/qbo/qbosandbox":         true,
		"billbot/internal/harvest":                true,
		"billbot/internal/harvest/csvimport":      true,
		"billbot/internal/harvestless":            false,
		"billbot/internal/ledger/qbobooks":        false,
		"billbot/internal/timesource/harvesttime": false,
		"github.com/example/internal/qbo":         false,
	} {
		if got := vendorClient(path); got != want {
			t.Errorf("vendorClient(%s) = %v, want %v", path, got, want)
		}
	}
}

// TestLayerOf pins the layer lookup the tests above rest on.
func TestLayerOf(t *testing.T) {
	for path, want := range map[string]int{
		"billbot":                                 9,
		"billbot/internal/money":                  0,
		"billbot/internal/billing":                1,
		"billbot/store/storetest":                 2,
		"billbot/internal/qbo/qbosandbox":         2,
		"billbot/internal/workflow":               3,
		"billbot/internal/ledger/qbobooks":        4,
		"billbot/internal/timesource/harvesttime": 4,
		"billbot/jobs":                            5,
		"billbot/internal/app":                    6,
		"billbot/internal/cli":                    8,
		"billbot/internal/moneyx":                 -1,
		"billbot/internal/harvestless/something":  -1,
	} {
		if got := layerOf(path); got != want {
			t.Errorf("layerOf(%s) = %d, want %d", path, got, want)
		}
	}
}
