package main

import (
	"io"
	"os"
	"runtime"
	"strings"
)

// readKeyFile reads OKTA_PRIVATE_KEY_FILE. The key signs every call to
// Okta as an administrator, so a file that group or others may read (or
// write) is refused, with the command that fixes it. The mode is read from
// the opened file, so it is the file whose content is used.
func readKeyFile(file string) ([]byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, badf("OKTA_PRIVATE_KEY_FILE %s cannot be read (%v): point it at the JWK or PEM file you saved from Okta", file, pathErr(err))
	}
	defer func() { _ = f.Close() }() // opened read-only: a close error loses nothing
	info, err := f.Stat()
	if err != nil {
		return nil, badf("OKTA_PRIVATE_KEY_FILE %s cannot be read (%v)", file, pathErr(err))
	}
	if !info.Mode().IsRegular() {
		return nil, badf("OKTA_PRIVATE_KEY_FILE %s is not a file: point it at the JWK or PEM file you saved from Okta", file)
	}
	if mode := info.Mode().Perm(); mode&0o077 != 0 && runtime.GOOS != "windows" {
		who := "readable by others"
		if mode&0o044 == 0 {
			who = "writable by others"
		}
		return nil, badf("OKTA_PRIVATE_KEY_FILE %s is %s: run chmod 600 %s (it is %#o; the key signs oktabot's calls to Okta as an administrator)", file, who, shellQuote(file), mode)
	}
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, badf("OKTA_PRIVATE_KEY_FILE %s cannot be read (%v)", file, pathErr(err))
	}
	return b, nil
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./+:@%,=") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
