package approvals

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// bucketSame indexes pending proposals by what they do: SameKey → id. It
// is not in allBuckets so that files written before it open; initSchema
// creates and fills it.
var bucketSame = []byte("same")

// SameKey names the change an action makes: its kind, its resolved objects
// (the user, and the group of a membership change, …) by Okta id, or by
// name for one not created yet (create_user), and its fields and body.
// Two actions with the same key are the same request.
func SameKey(a intents.Action) []byte {
	refs := make([]string, 0, 5)
	for _, r := range a.Targets() {
		k := r.Type + ":" + r.ID
		if r.ID == "" {
			k = r.Type + ":name:" + strings.ToLower(r.Name)
		}
		refs = append(refs, k)
	}
	keys := make([]string, 0, len(a.Fields))
	for k := range a.Fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	fields := make([]string, 0, 2*len(keys))
	for _, k := range keys {
		fields = append(fields, k, a.Fields[k])
	}
	var body bytes.Buffer
	if len(a.Body) > 0 && json.Compact(&body, a.Body) != nil {
		body.Reset()
		body.Write(a.Body)
	}
	data, _ := json.Marshal([]any{a.Kind, refs, fields, body.String()}) // strings only: never fails
	sum := sha256.Sum256(data)
	return sum[:]
}

// pendingSame returns the pending, unexpired proposal that makes the same
// change as a, if any.
func (t *txn) pendingSame(a intents.Action, now time.Time) (intents.Proposal, bool, error) {
	if t.same == nil {
		return intents.Proposal{}, false, nil
	}
	id := t.same.Get(SameKey(a))
	if id == nil {
		return intents.Proposal{}, false, nil
	}
	p, err := t.load(string(id))
	if err != nil {
		return intents.Proposal{}, false, err
	}
	if !BlocksSame(p, now) {
		return intents.Proposal{}, false, nil
	}
	return p, true, nil
}

// indexSame records p, now pending, as the proposal for its change.
func (t *txn) indexSame(p *intents.Proposal) error {
	if t.same == nil {
		return nil
	}
	return t.same.Put(SameKey(p.Preview.Action), []byte(p.ID))
}

// unindexSame forgets p, no longer pending, unless a newer proposal for the
// same change took its place.
func (t *txn) unindexSame(p *intents.Proposal) error {
	if t.same == nil {
		return nil
	}
	k := SameKey(p.Preview.Action)
	if string(t.same.Get(k)) != p.ID {
		return nil
	}
	return t.same.Delete(k)
}

// initSame creates the index in a file that has none and fills it from the
// pending proposals.
func (t *txn) initSame() error {
	if t.tx.Bucket(bucketSame) != nil {
		return nil
	}
	if _, err := t.tx.CreateBucket(bucketSame); err != nil {
		return err
	}
	t.bind()
	c := t.pending.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		p, err := t.load(pendingID(k))
		if err != nil {
			return err
		}
		if err := t.indexSame(&p); err != nil {
			return err
		}
	}
	return nil
}
