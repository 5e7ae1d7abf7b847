package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"billbot/internal/secrets"
)

// newKeyEnv names the variable that carries the new key of 'secrets
// rotate-key': the environment, not a flag, so the key never shows in ps.
const newKeyEnv = "BILLBOT_NEW_ENCRYPTION_KEY"

func secretsRotateKeyCommand() command {
	return command{
		name: "secrets rotate-key",
		summary: "Re-encrypt every stored secret (the QuickBooks and Xero tokens) under the key in " + newKeyEnv +
			", in one transaction, and record the new key's fingerprint. BILLBOT_ENCRYPTION_KEY is the current key. " +
			"Safe to run again: secrets already under the new key are left as they are.",
		run: func(ctx context.Context, c *cli, fs *flag.FlagSet) error {
			if fs.NArg() > 0 {
				return usagef("secrets rotate-key takes no arguments: the new key comes from %s", newKeyEnv)
			}
			return c.rotateKey(ctx)
		},
	}
}

func (c *cli) rotateKey(ctx context.Context) error {
	oldBox, err := c.secretBox()
	if err != nil {
		return err
	}
	raw := c.getenv(newKeyEnv)
	if raw == "" {
		return usagef("%s is not set: put the new key there (generate one with 'openssl rand -base64 32'); it is read from the environment so that it does not show in ps", newKeyEnv)
	}
	newBox, err := secrets.NewBox(raw)
	if err != nil {
		return fmt.Errorf("%s: %w", newKeyEnv, err)
	}
	st, err := c.store(ctx)
	if err != nil {
		return err
	}
	fp, err := st.KeyFingerprint(ctx)
	if err != nil {
		return err
	}
	if fp != "" && fp != oldBox.Fingerprint() && fp != newBox.Fingerprint() {
		return errors.New("neither BILLBOT_ENCRYPTION_KEY nor " + newKeyEnv + " is the key this database's secrets were encrypted with; nothing was changed: set BILLBOT_ENCRYPTION_KEY to the current key")
	}
	already := 0
	n, err := st.ResealSecrets(ctx, newBox.Fingerprint(), func(name string, ct []byte) ([]byte, error) {
		if _, err := newBox.Open(ct, name); err == nil {
			already++ // a run before this one got here
			return nil, nil
		}
		pt, err := oldBox.Open(ct, name)
		if err != nil {
			return nil, fmt.Errorf("secret %q opens with neither BILLBOT_ENCRYPTION_KEY nor %s; nothing was changed", name, newKeyEnv)
		}
		return newBox.Seal(pt, name)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "re-encrypted %d secret(s) under the new key (%d already were); the database now expects the new key.\n", n, already)
	fmt.Fprintf(c.stdout, "next: set BILLBOT_ENCRYPTION_KEY to the new key (the value of %s) wherever billbot runs, remove %s, and restart every billbot process (each serve replica, scheduled CLI runs); until then they cannot read the ledger's token and /readyz fails.\n", newKeyEnv, newKeyEnv)
	return nil
}
