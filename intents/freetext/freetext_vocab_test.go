package freetext

import (
	"testing"
	"time"
)

// TestTypos checks the typo correction: a word that is not in the
// vocabulary is read as the one vocabulary word within one edit (words of
// up to six letters) or two (longer words) that starts with the same
// letter; a word of the vocabulary is never read as another, and a word
// two meanings are equally near is read as neither.
func TestTypos(t *testing.T) {
	tests := []struct {
		typed, want string
	}{
		{"suspnd", "suspend"},
		{"supsend", "suspend"}, //nolint:misspell // the typo is the test
		{"invesigate", "investigate"},
		{"investgte", "investigate"},
		{"unsuspnd", "unsuspend"},
		{"unlcok", "unlock"},
		{"unfreze", "unfreeze"},      // an idiom of the catalogue
		{"deactvate", "deactivate"},  // two edits in a long word
		{"unlcko", ""},               // two edits in a short word
		{"invstgte", ""},             // three edits
		{"uspend", ""},               // another first letter
		{"unlock", "unlock"},         // a word of the vocabulary: not "unblock"
		{"unblock", "unblock"},       // nor the other way round
		{"block", "block"},           // not "locked", not "blocked"
		{"blocked", "blocked"},       // a status, not the verb
		{"restore", "restore"},       // not "reset"
		{"night", "night"},           // a time word
		{"logan", "logan"},           // a login after a verb is a name
		{"Suspnd", "suspend"},        // the first word of a sentence
		{"Salesfroce", "salesfroce"}, // a capitalized name is no typo
		{"suspending", "suspending"}, // too far from every word
		{"activatd", ""},             // as near "activate" as "activated": neither
		{"lgoins", "logins"},
	}
	for _, tt := range tests {
		text, i := tt.typed+" jdoe", 0
		if tt.typed == "logan" || tt.typed == "Salesfroce" {
			text, i = "investigate "+tt.typed, 1
		}
		sc := newScan(text, time.Date(2026, 11, 25, 14, 30, 0, 0, time.UTC))
		if got := sc.toks[i].norm; got != tt.want && !(tt.want == "" && got == sc.toks[i].low) {
			t.Errorf("%q in %q reads as %q, want %q", tt.typed, text, got, tt.want)
		}
	}
}
