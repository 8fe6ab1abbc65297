package nativehost

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"strings"
)

// Windows finds host manifests through the registry: the default value of
// HKCU\<browser key>\dev.tabtap.host is the manifest's path. reg.exe is used
// rather than a registry package so the module gains no dependency.

// hostKey is the full key name of the host's registration under key.
func hostKey(key string) string { return `HKCU\` + key + `\` + HostName }

// regSet makes key's default value path.
func regSet(ctx context.Context, env Env, key, path string) error {
	out, err := env.Reg(ctx, "add", hostKey(key), "/ve", "/t", "REG_SZ", "/d", path, "/f")
	if err != nil {
		return fmt.Errorf("reg add %s: %w: %s", hostKey(key), err, bytes.TrimSpace(out))
	}
	return nil
}

// regGet returns key's default value; ok is false when the key (or its
// default value) does not exist.
func regGet(ctx context.Context, env Env, key string) (value string, ok bool) {
	out, err := env.Reg(ctx, "query", hostKey(key), "/ve")
	if err != nil {
		return "", false
	}
	// The line looks like "    (Default)    REG_SZ    C:\path"; the name of
	// the default value is localized, the type is not.
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if _, after, found := strings.Cut(sc.Text(), "REG_SZ"); found {
			return strings.TrimSpace(after), true
		}
	}
	return "", false
}

// regDelete removes the host's key under key.
func regDelete(ctx context.Context, env Env, key string) error {
	out, err := env.Reg(ctx, "delete", hostKey(key), "/f")
	if err != nil {
		return fmt.Errorf("reg delete %s: %w: %s", hostKey(key), err, bytes.TrimSpace(out))
	}
	return nil
}
