package oktasim

import (
	"reflect"
)

// changeDetails is a System Log target's changeDetails for an object that
// went from before to after: {"from": {...}, "to": {...}} holding only
// the fields that changed, nested as in the object
// ({"actions":{"signon":{"requireFactor":true}}}), as okta-sdk-golang's
// LogTargetChangeDetails carries them. A field missing on one side is
// missing from that side. Bookkeeping fields (lastUpdated, created,
// _links) are left out. nil when nothing changed.
func changeDetails(before, after Object) Object {
	from, to := Object{}, Object{}
	diffInto(from, to, before, after, true)
	if len(from) == 0 && len(to) == 0 {
		return nil
	}
	return Object{"from": from, "to": to}
}

// diffInto adds the fields where a and b differ to from and to; objects
// are compared field by field, anything else (arrays included) as a whole.
func diffInto(from, to, a, b Object, top bool) {
	seen := map[string]bool{}
	keys := make([]string, 0, len(a)+len(b))
	for _, m := range []Object{a, b} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	for _, k := range keys {
		if top && (k == "lastUpdated" || k == "created" || k == "_links") {
			continue
		}
		va, inA := a[k]
		vb, inB := b[k]
		oa, aObj := va.(Object)
		ob, bObj := vb.(Object)
		if aObj && bObj {
			f, t := Object{}, Object{}
			diffInto(f, t, oa, ob, false)
			if len(f) > 0 {
				from[k] = f
			}
			if len(t) > 0 {
				to[k] = t
			}
			continue
		}
		if inA == inB && reflect.DeepEqual(va, vb) {
			continue
		}
		if inA && va != nil {
			from[k] = va
		}
		if inB && vb != nil {
			to[k] = vb
		}
	}
}

// withChanges is target with the changeDetails of before → after, when
// anything changed.
func withChanges(target, before, after Object) Object {
	if cd := changeDetails(before, after); cd != nil {
		target["changeDetails"] = cd
	}
	return target
}
