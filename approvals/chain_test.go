package approvals_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp/cmpopts"
	bolt "go.etcd.io/bbolt"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/intents"
)

// ignoreChain leaves the chain's hashes out of a comparison of records.
var ignoreChain = cmpopts.IgnoreFields(intents.AuditRecord{}, "PrevHash", "Hash")

// chainedStore fills a store with five proposals in different states:
// 14 audit records. It returns their ids.
func chainedStore(t *testing.T) (*TestStore, []string) {
	t.Helper()
	ts := MustOpen(t)
	var ids []string
	for i, state := range []intents.State{intents.StateExecuted, intents.StatePending, intents.StateFailed, intents.StateApproved} {
		id := ts.MustCreate(suspendUser(i)).ID
		ids = append(ids, id)
		if state == intents.StatePending {
			continue
		}
		if _, err := ts.Decide(approve(id, approver), policy()); err != nil {
			t.Fatal(err)
		}
		if state == intents.StateApproved {
			continue
		}
		if _, err := ts.BeginExecute(id); err != nil {
			t.Fatal(err)
		}
		var err error
		if state == intents.StateExecuted {
			_, err = ts.Finish(id, outcome(), nil)
		} else {
			_, err = ts.Finish(id, nil, fmt.Errorf("okta: suspend: \xff bad byte <&> from Okta"))
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	// A refusal, and a rejection with a reason that is not valid UTF-8.
	id := ts.MustCreate(suspendUser(9)).ID
	ids = append(ids, id)
	if _, err := ts.Decide(approve(id, outsider), policy()); err == nil {
		t.Fatal("an outsider's approval was accepted")
	}
	if _, err := ts.Decide(reject(id, approver, "dup \xfe\xff of INC-1 <b>"), policy()); err != nil {
		t.Fatal(err)
	}
	if n := len(ts.AllRecords()); n != 14 {
		t.Fatalf("chainedStore wrote %d records, want 14", n)
	}
	return ts, ids
}

func mustVerify(t *testing.T, ts *TestStore) approvals.ChainReport {
	t.Helper()
	rep, err := ts.Verify()
	if err != nil {
		t.Fatalf("Verify() = %v", err)
	}
	return rep
}

func TestVerifyIntact(t *testing.T) {
	ts, _ := chainedStore(t)
	rep := mustVerify(t, ts)
	recs := ts.AllRecords()
	if rep.Break != nil || rep.Records != 14 || rep.Legacy != 0 || rep.Head != recs[13].Hash {
		t.Errorf("Verify() = %+v (break %v), want 14 records, none legacy, head %s", rep, rep.Break, recs[13].Hash)
	}
	// Each record's Hash is the SHA-256 of its JSON without "hash", and
	// the first chains from the genesis value.
	prev := approvals.Genesis
	for _, r := range recs {
		if r.PrevHash != prev || r.Hash != hashOf(t, r) {
			t.Errorf("record %d: PrevHash %.12s Hash %.12s, want PrevHash %.12s and Hash %.12s", r.Seq, r.PrevHash, r.Hash, prev, hashOf(t, r))
		}
		prev = r.Hash
	}
	ts.Reopen()
	if rep := mustVerify(t, ts); rep.Break != nil {
		t.Errorf("Verify() after reopening = %v", rep.Break)
	}
}

// hashOf is a record's hash computed here, independently of the package.
func hashOf(t *testing.T, r intents.AuditRecord) string {
	t.Helper()
	r.Hash = ""
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// editFile opens the closed store's file with bbolt itself, as someone
// with access to the file would, and runs fn on its audit bucket.
func editFile(t *testing.T, path string, fn func(audit, meta *bolt.Bucket) error) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }() // teardown; a close error here decides nothing the test checks
	if err := db.Update(func(tx *bolt.Tx) error {
		return fn(tx.Bucket([]byte("audit")), tx.Bucket([]byte("meta")))
	}); err != nil {
		t.Fatal(err)
	}
}

func key(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

// rewrite decodes record seq, lets edit change it and stores it back,
// re-hashed when rehash is set (as a forger who knows the scheme would).
func rewrite(t *testing.T, audit *bolt.Bucket, seq uint64, rehash bool, edit func(*intents.AuditRecord)) {
	t.Helper()
	var r intents.AuditRecord
	if err := json.Unmarshal(audit.Get(key(seq)), &r); err != nil {
		t.Fatal(err)
	}
	edit(&r)
	if rehash {
		r.Hash = hashOf(t, r)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := audit.Put(key(seq), b); err != nil {
		t.Fatal(err)
	}
}

// Verify names the first record that was altered, removed, moved or added
// by writing to the file directly.
func TestVerifyFindsTampering(t *testing.T) {
	// Records (see chainedStore): 1-4 proposal 0 (requested, approved,
	// executing, executed), 5 proposal 1 requested, 6-9 proposal 2, 10-11
	// proposal 3, 12 proposal 4 requested, 13 refused, 14 rejected.
	tests := []struct {
		name    string
		edit    func(t *testing.T, audit, meta *bolt.Bucket)
		seq     uint64
		idx     int // which proposal the broken record belongs to; -1 for none
		problem string
		detail  string
	}{
		{"approver changed", func(t *testing.T, a, _ *bolt.Bucket) {
			rewrite(t, a, 7, false, func(r *intents.AuditRecord) { r.Approver = "U_MALLORY" })
		}, 7, 2, approvals.BrokenHash, "content was changed"},
		{"approver changed and re-hashed", func(t *testing.T, a, _ *bolt.Bucket) {
			rewrite(t, a, 7, true, func(r *intents.AuditRecord) { r.Approver = "U_MALLORY" })
		}, 7, 2, approvals.BrokenLink, "record 8 keeps"},
		{"last record changed and re-hashed", func(t *testing.T, a, _ *bolt.Bucket) {
			rewrite(t, a, 14, true, func(r *intents.AuditRecord) { r.Detail = "" })
		}, 14, 4, approvals.BrokenLink, "chain head keeps"},
		{"record deleted", func(t *testing.T, a, _ *bolt.Bucket) {
			if err := a.Delete(key(6)); err != nil {
				t.Fatal(err)
			}
		}, 6, 2, approvals.BrokenMissing, "from 5 to 7"},
		{"last record deleted", func(t *testing.T, a, _ *bolt.Bucket) {
			if err := a.Delete(key(14)); err != nil {
				t.Fatal(err)
			}
		}, 14, 4, approvals.BrokenMissing, "removed from the end"},
		{"two records swapped", func(t *testing.T, a, _ *bolt.Bucket) {
			r3, r4 := bytes.Clone(a.Get(key(3))), bytes.Clone(a.Get(key(4)))
			if err := a.Put(key(3), r4); err != nil {
				t.Fatal(err)
			}
			if err := a.Put(key(4), r3); err != nil {
				t.Fatal(err)
			}
		}, 3, 0, approvals.BrokenOrder, "says it is record 4"},
		{"field added", func(t *testing.T, a, _ *bolt.Bucket) {
			v := a.Get(key(2))
			if err := a.Put(key(2), append([]byte(`{"note":"x",`), v[1:]...)); err != nil {
				t.Fatal(err)
			}
		}, 2, 0, approvals.BrokenForm, "fields added"},
		{"hash removed", func(t *testing.T, a, _ *bolt.Bucket) {
			rewrite(t, a, 10, false, func(r *intents.AuditRecord) { r.Hash, r.PrevHash = "", "" })
		}, 10, 3, approvals.BrokenForm, "no hash"},
		{"record appended", func(t *testing.T, a, _ *bolt.Bucket) {
			var last intents.AuditRecord
			if err := json.Unmarshal(a.Get(key(14)), &last); err != nil {
				t.Fatal(err)
			}
			forged := last
			forged.Seq, forged.PrevHash, forged.Event = 15, last.Hash, "approved"
			forged.Hash = hashOf(t, forged)
			b, _ := json.Marshal(forged)
			if err := a.Put(key(15), b); err != nil {
				t.Fatal(err)
			}
		}, 15, -1, approvals.BrokenForm, "records were added"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, ids := chainedStore(t)
			ts.Close()
			editFile(t, ts.Path, func(a, m *bolt.Bucket) error { tt.edit(t, a, m); return nil })
			ts.open()
			rep := mustVerify(t, ts)
			b := rep.Break
			if b == nil {
				t.Fatalf("Verify() found nothing wrong: %+v", rep)
			}
			t.Logf("Verify() = %v", b)
			wantProposal := ""
			if tt.idx >= 0 {
				wantProposal = ids[tt.idx]
			}
			if b.Seq != tt.seq || b.Proposal != wantProposal || b.Problem != tt.problem || !strings.Contains(b.Detail, tt.detail) {
				t.Errorf("Verify() = %v\nwant record %d (proposal %q): %s: …%s…", b, tt.seq, wantProposal, tt.problem, tt.detail)
			}
		})
	}
}

// Appends from many goroutines at once each chain from the one before.
func TestChainConcurrentAppends(t *testing.T) {
	ts := MustOpen(t)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 10 {
				p, err := ts.Create(suspendUser(g*100 + i))
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := ts.Decide(reject(p.ID, approver, "no"), policy()); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	rep := mustVerify(t, ts)
	if rep.Break != nil || rep.Records != 160 {
		t.Errorf("Verify() after 160 concurrent appends = %d records, %v; want 160 and an intact chain", rep.Records, rep.Break)
	}
}

// legacyStore is a store as an oktabot before the chain wrote it: schema
// 1, records without hashes, no chain head. It holds 3 records.
func legacyStore(t *testing.T) (*TestStore, string) {
	t.Helper()
	ts := MustOpen(t)
	id := ts.MustCreate(suspendUser(1)).ID
	if _, err := ts.Decide(reject(id, approver, "not now"), policy()); err != nil {
		t.Fatal(err)
	}
	ts.MustCreate(suspendUser(2))
	ts.Close()
	editFile(t, ts.Path, func(a, m *bolt.Bucket) error {
		for seq := uint64(1); seq <= 3; seq++ {
			rewrite(t, a, seq, false, func(r *intents.AuditRecord) { r.Hash, r.PrevHash, r.Via = "", "", "" })
		}
		if err := m.Delete([]byte("auditHead")); err != nil {
			return err
		}
		if err := m.Delete([]byte("auditChainFrom")); err != nil {
			return err
		}
		return m.Put([]byte("schema"), []byte("1"))
	})
	return ts, id
}

// A store written before the chain: its records are sealed when it is
// opened, verify says they predate the chain, and a later change to one
// of them, or to a chained record, is still found.
func TestVerifyLegacyStore(t *testing.T) {
	ts, id := legacyStore(t)
	var logs bytes.Buffer
	s, err := approvals.Open(ts.Path, approvals.Options{Timeout: time.Second, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts.Store = s
	if !strings.Contains(logs.String(), "hash-chained") || !strings.Contains(logs.String(), "records=3") {
		t.Errorf("upgrade log = %q, want it to say 3 records were sealed", logs.String())
	}
	reach(t, ts, intents.StateExecuted) // records 4-7, chained
	rep := mustVerify(t, ts)
	if rep.Break != nil || rep.Legacy != 3 || rep.Records != 7 {
		t.Fatalf("Verify() = %+v, %v; want 7 records, 1-3 legacy, intact", rep, rep.Break)
	}
	recs := ts.AllRecords()
	if recs[0].Hash != "" || recs[3].PrevHash == approvals.Genesis || recs[3].PrevHash == "" {
		t.Errorf("legacy record 1 hash %q, first chained record's PrevHash %q; want none and the seal", recs[0].Hash, recs[3].PrevHash)
	}
	ts.Reopen()
	if rep := mustVerify(t, ts); rep.Break != nil || rep.Legacy != 3 {
		t.Fatalf("Verify() after a second open = %+v, %v", rep, rep.Break)
	}

	for _, tt := range []struct {
		name          string
		seq           uint64
		rehash        bool
		edit          func(*intents.AuditRecord)
		wantSeq       uint64
		problem, text string
	}{
		{"legacy record changed", 2, false, func(r *intents.AuditRecord) { r.Approver = "U_MALLORY" }, 3, approvals.BrokenLink, "records 1–3, written before the chain"},
		{"chained record changed", 5, false, func(r *intents.AuditRecord) { r.Approver = "U_MALLORY" }, 5, approvals.BrokenHash, "content was changed"},
		{"chained record passed off as legacy", 5, false, func(r *intents.AuditRecord) { r.Hash, r.PrevHash = "", "" }, 5, approvals.BrokenForm, "no hash"},
		{"legacy record given a hash", 1, true, func(r *intents.AuditRecord) { r.PrevHash = approvals.Genesis }, 1, approvals.BrokenForm, "predate the chain"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := t.TempDir() + "/copy.db"
			ts.Close()
			copyFile(t, ts.Path, path)
			ts.open()
			editFile(t, path, func(a, _ *bolt.Bucket) error {
				rewrite(t, a, tt.seq, tt.rehash, tt.edit)
				return nil
			})
			s, err := approvals.Open(path, approvals.Options{Timeout: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = s.Close() }() // teardown; a close error here decides nothing the test checks
			rep, err := s.Verify()
			if err != nil {
				t.Fatal(err)
			}
			b := rep.Break
			if b == nil || b.Seq != tt.wantSeq || b.Problem != tt.problem || !strings.Contains(b.Detail, tt.text) {
				t.Errorf("Verify() = %v, want record %d: %s: …%s…", b, tt.wantSeq, tt.problem, tt.text)
			}
		})
	}
	_ = id
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// Decisions record where they were made: the command line with its OS
// user and host, a Slack click as Slack; refusals too.
func TestDecisionOrigin(t *testing.T) {
	ts := MustOpen(t)
	cli := ts.MustCreate(suspendUser(1)).ID
	slack := ts.MustCreate(suspendUser(2)).ID
	byCLI := func(d approvals.Decision) approvals.Decision {
		d.Channel, d.Via, d.OSUser, d.Host = "", intents.ViaCLI, "ana", "sec-laptop"
		return d
	}
	if _, err := ts.Decide(byCLI(approve(cli, outsider)), policy()); err == nil {
		t.Fatal("an outsider's approval was accepted")
	}
	if _, err := ts.Decide(byCLI(approve(cli, approver)), policy()); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Decide(reject(slack, approver, "no"), policy()); err != nil {
		t.Fatal(err)
	}
	type origin struct{ event, via, user, host string }
	var got []origin
	for _, id := range []string{cli, slack} {
		h, err := ts.History(id)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range h[1:] {
			got = append(got, origin{r.Event, r.Via, r.OSUser, r.Host})
		}
	}
	want := []origin{
		{"refused", "cli", "ana", "sec-laptop"},
		{"approved", "cli", "ana", "sec-laptop"},
		{"rejected", "slack", "", ""},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("decision records = %v, want %v", got, want)
	}
}

// The store file is 0600 whatever created it: a looser file is tightened,
// and the log says so.
func TestOpenTightensMode(t *testing.T) {
	ts := MustOpen(t)
	ts.Close()
	if err := os.Chmod(ts.Path, 0o644); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	s, err := approvals.Open(ts.Path, approvals.Options{Timeout: time.Second, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Close() // teardown; a close error here decides nothing the test checks
	info, err := os.Stat(ts.Path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("mode after Open = %#o, want 0600", mode)
	}
	if !strings.Contains(logs.String(), "made it 0600") || !strings.Contains(logs.String(), "0644") {
		t.Errorf("log = %q, want it to say the file was 0644 and is now 0600", logs.String())
	}
}
