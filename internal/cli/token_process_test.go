package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"billbot/internal/qbo"
	"billbot/internal/qbo/qbosandbox"
	"billbot/internal/secrets"
	"billbot/store"
)

// buildBillbot builds the billbot binary for tests that run it as separate
// processes. BILLBOT_TEST_BINARY names a prebuilt one instead (to run these
// tests against another version of billbot).
func buildBillbot(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the billbot binary")
	}
	if bin := os.Getenv("BILLBOT_TEST_BINARY"); bin != "" {
		return bin
	}
	bin := filepath.Join(t.TempDir(), "billbot")
	out, err := exec.CommandContext(t.Context(), "go", "build", "-o", bin, "billbot").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// envList turns an environment map into exec's form.
func envList(m map[string]string) []string {
	out := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	return out
}

// shortTokenQBO swaps the world's QuickBooks sandbox for one whose access
// tokens live ttl, and bootstraps billbot with a refresh token of it
// (QBO_REFRESH_TOKEN), as a headless install does.
func shortTokenQBO(w *e2eWorld, ttl time.Duration) {
	w.qbo.Close()
	w.qbo = qbosandbox.New(qbosandbox.Options{RealmID: e2eQBORealm, ClientID: e2eQBOClientID, ClientSecret: e2eQBOSecret,
		HomeCurrency: "USD", CompanyName: "Alder & Birch CPAs", AccessTokenTTL: ttl, MaxConcurrent: -1, PerWindow: -1, BatchPerWindow: -1})
	w.t.Cleanup(w.qbo.Close)
	for _, c := range e2eClients {
		w.qbo.SeedCustomer(qbosandbox.Customer{DisplayName: c, CompanyName: c, Email: e2eEmail(c)})
	}
	for _, it := range []string{"Services", "Tax Preparation", "Bookkeeping"} {
		w.qbo.SeedItem(qbosandbox.Item{Name: it})
	}
	w.env["QBO_API_URL"], w.env["QBO_AUTH_URL"], w.env["QBO_TOKEN_URL"] = w.qbo.URL(), w.qbo.AuthURL(), w.qbo.TokenURL()
	_, rt := w.qbo.MintTokens()
	w.env["QBO_REFRESH_TOKEN"] = rt
}

// paymentWebhook is a signed Intuit webhook naming a payment: serve answers
// it by reading QuickBooks' changes (a QBO call, so a token).
// tokenSoak is how long TestTokenSharedAcrossProcesses keeps the processes
// busy; `go test -run TestTokenSharedAcrossProcesses -soak 5m .` runs it for
// minutes.
var tokenSoak = flag.Duration("soak", 20*time.Second, "how long the shared-token test keeps two serve processes and the CLI busy")

// paymentWebhooks numbers the payments paymentWebhook names.
var paymentWebhooks atomic.Int64

func paymentWebhook(t *testing.T, base string) int {
	// Each call names another payment: serve takes an event once, so a
	// repeat of the same delivery would (rightly) read nothing.
	body := []byte(fmt.Sprintf(`{"eventNotifications":[{"realmId":%q,"dataChangeEvent":{"entities":[{"name":"Payment","id":"%d","operation":"Create","lastUpdated":%q}]}}]}`,
		e2eQBORealm, paymentWebhooks.Add(1), time.Now().UTC().Format(time.RFC3339)))
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/webhooks/qbo", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("intuit-signature", qbosandbox.Sign(body, e2eQBOVerifier))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestTokenSharedAcrossProcesses runs two `billbot serve` processes and,
// beside them, `billbot doctor` and `billbot draft --dry-run` over and
// over, all on one Postgres, while the QuickBooks sandbox's access tokens
// expire every second and every refresh rotates the refresh token (a
// superseded one is refused with invalid_grant). For a bounded while every
// process keeps working: no invalid_grant at all, every CLI run succeeds,
// both replicas stay ready.
func TestTokenSharedAcrossProcesses(t *testing.T) {
	bin := buildBillbot(t)
	w := newE2EWorld(t)
	shortTokenQBO(w, time.Second)
	w.env["LOG_FORMAT"], w.env["LOG_LEVEL"] = "text", "warn"

	type proc struct {
		base string
		logs *e2eBuffer
		cmd  *exec.Cmd
	}
	var procs []*proc
	for i := range 2 {
		env := maps.Clone(w.env)
		addr := e2eFreeAddr(t)
		env["LISTEN_ADDR"] = addr
		p := &proc{base: "http://" + addr, logs: &e2eBuffer{}}
		p.cmd = exec.Command(bin, "serve")
		p.cmd.Env, p.cmd.Stdout, p.cmd.Stderr = envList(env), p.logs, p.logs
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_ = p.cmd.Process.Signal(os.Interrupt)
			done := make(chan error, 1)
			go func() { done <- p.cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				_ = p.cmd.Process.Kill()
				<-done
			}
			if t.Failed() {
				t.Logf("serve %d log:\n%s", i, p.logs.String())
			}
		})
		procs = append(procs, p)
		w.base = p.base
		w.eventually(fmt.Sprintf("serve %d ready", i), func() (bool, error) {
			resp, err := w.http.Get(p.base + "/readyz")
			if err != nil {
				return false, nil
			}
			resp.Body.Close()
			return resp.StatusCode == http.StatusOK, nil
		})
	}

	cli := func(args ...string) error {
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Env = envList(w.env)
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("billbot %s: %w\n%s", strings.Join(args, " "), err, out)
		}
		return nil
	}

	runFor := *tokenSoak
	stop := time.Now().Add(runFor)
	var wg sync.WaitGroup
	var cliRuns, hooks atomic.Int64
	for _, args := range [][]string{{"doctor"}, {"draft", "--dry-run"}} {
		wg.Go(func() {
			for time.Now().Before(stop) && !t.Failed() {
				if err := cli(args...); err != nil {
					t.Error(err)
					return
				}
				cliRuns.Add(1)
			}
		})
	}
	for _, p := range procs {
		wg.Go(func() {
			for time.Now().Before(stop) && !t.Failed() {
				if status := paymentWebhook(t, p.base); status != http.StatusOK {
					t.Errorf("webhook to %s: HTTP %d", p.base, status)
					return
				}
				hooks.Add(1)
				time.Sleep(150 * time.Millisecond)
			}
		})
	}
	wg.Wait()

	if n := w.qbo.InvalidGrants(); n != 0 {
		t.Errorf("the token endpoint answered invalid_grant %d times, want 0", n)
	}
	// Bounded and self-stopping; and it did exercise rotation.
	if r := w.qbo.Refreshes(); r < 5 {
		t.Errorf("%d refreshes in %s, want several (tokens live 1 s)", r, runFor)
	}
	for i, p := range procs {
		resp, err := w.http.Get(p.base + "/readyz")
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Errorf("serve %d /readyz after the run: %v %v", i, resp, err)
		} else {
			resp.Body.Close()
		}
		if l := p.logs.String(); strings.Contains(l, "invalid_grant") || strings.Contains(l, "refresh access token") {
			t.Errorf("serve %d logged a refresh failure", i)
		}
	}
	t.Logf("%d CLI runs, %d webhooks, %d refreshes, %d QBO calls", cliRuns.Load(), hooks.Load(), w.qbo.Refreshes(), w.qbo.TotalCalls())
}

// TestWrongKeyChangesNothing starts the real binary with a well-formed but
// wrong BILLBOT_ENCRYPTION_KEY while QBO_REFRESH_TOKEN is still set: it must
// exit non-zero with one line naming BILLBOT_ENCRYPTION_KEY, and the stored
// (current) token must stay byte for byte as it was — never replaced by the
// stale bootstrap token. Both a database that records the key's fingerprint
// and one from before fingerprints are tried.
func TestWrongKeyChangesNothing(t *testing.T) {
	bin := buildBillbot(t)
	keyA := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0xa}, 32))
	keyB := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0xb}, 32))
	for _, fingerprinted := range []bool{false, true} {
		t.Run(fmt.Sprintf("fingerprint=%v", fingerprinted), func(t *testing.T) {
			ctx := t.Context()
			dir := t.TempDir()
			st, err := store.Open(ctx, "", dir, nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = st.Close() })
			if _, err := st.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			box, _ := secrets.NewBox(keyA)
			ts := qbo.NewEncryptedTokenStore(st, box, qbo.WithNotFound(func(err error) bool { return errors.Is(err, store.ErrNotFound) }))
			if err := ts.Save(ctx, &oauth2.Token{AccessToken: "at-current", RefreshToken: "rt-current", Expiry: time.Now().Add(time.Hour)}, e2eQBORealm); err != nil {
				t.Fatal(err)
			}
			if fingerprinted {
				if err := checkKey(ctx, st, box); err != nil {
					t.Fatal(err)
				}
			}
			before, err := st.Secret(ctx, qbo.DefaultTokenSecretName)
			if err != nil {
				t.Fatal(err)
			}
			env := map[string]string{
				"BILLBOT_DATA_DIR": dir, "BILLBOT_ENCRYPTION_KEY": keyB, "LOG_LEVEL": "error", "LISTEN_ADDR": e2eFreeAddr(t),
				"QBO_CLIENT_ID": "id", "QBO_CLIENT_SECRET": "secret", "QBO_REDIRECT_URL": "http://127.0.0.1/oauth/qbo/callback",
				"QBO_REFRESH_TOKEN": "rt-bootstrap-stale", "QBO_REALM_ID": e2eQBORealm,
			}
			for _, args := range [][]string{{"serve"}, {"draft", "--dry-run"}, {"doctor"}} {
				runCtx, cancel := context.WithTimeout(ctx, time.Minute)
				cmd := exec.CommandContext(runCtx, bin, args...)
				cmd.Env = envList(env)
				var stdout, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				err := cmd.Run()
				cancel()
				var ee *exec.ExitError
				if !errors.As(err, &ee) || ee.ExitCode() <= 0 {
					t.Errorf("billbot %s with a wrong key: %v, want a non-zero exit", args[0], err)
				}
				lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
				if args[0] == "doctor" {
					// doctor reports on stdout, one line per check.
					if !strings.Contains(stdout.String(), "FAIL  secrets    BILLBOT_ENCRYPTION_KEY is not the key") {
						t.Errorf("doctor does not say the key is wrong:\n%s", stdout.String())
					}
				} else if len(lines) != 1 || !strings.Contains(lines[0], "BILLBOT_ENCRYPTION_KEY") {
					t.Errorf("billbot %s stderr = %q, want one line naming BILLBOT_ENCRYPTION_KEY", args[0], stderr.String())
				}
				after, err := st.Secret(ctx, qbo.DefaultTokenSecretName)
				if err != nil || !bytes.Equal(before, after) {
					t.Fatalf("after billbot %s the stored token changed (%v)", args[0], err)
				}
			}
			tok, _, err := ts.Load(ctx)
			if err != nil || tok.RefreshToken != "rt-current" {
				t.Errorf("stored token = %v, %v; want the current one", tok, err)
			}
		})
	}
}
