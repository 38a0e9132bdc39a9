package oktasim

import (
	"fmt"
	"net/http"
)

// Blocks: with "Block suspicious password attempts from unknown devices"
// on, too many wrong passwords from a device Okta does not know lock the
// user out of unknown devices only. The user stays ACTIVE and signs in
// from known devices; the System Log says "Account Locked from New Devices
// - Max sign-in attempts exceeded."; GET /api/v1/users/{id}/blocks lists
// the block; POST …/lifecycle/unlock clears it (Okta: "unlocks a user with
// a LOCKED_OUT status or unlocks a user with an ACTIVE status that is
// blocked from unknown devices").
//
// A fixture user gets such a block with "_blocks", a list of Okta's
// UserBlock objects: [{"type": "DEVICE_BASED", "appliesTo":
// "UNKNOWN_DEVICES"}], on an ACTIVE user. A LOCKED_OUT user is blocked
// from every device: its blocks list that without being told.

const (
	blockDeviceBased    = "DEVICE_BASED"
	blockUnknownDevices = "UNKNOWN_DEVICES"
	blockAnyDevices     = "ANY_DEVICES"

	// NewDeviceLockMessage is the displayMessage of the user.account.lock
	// event of a block from unknown devices.
	NewDeviceLockMessage = "Account Locked from New Devices - Max sign-in attempts exceeded."
)

// takeBlocks removes a fixture user's "_blocks" and checks them.
func takeBlocks(obj Object) (blocked bool, err error) {
	v, ok := obj["_blocks"]
	delete(obj, "_blocks")
	if !ok || v == nil {
		return false, nil
	}
	list, ok := v.([]any)
	if !ok {
		return false, fmt.Errorf("_blocks is %T, want a list of UserBlock objects", v)
	}
	for _, b := range list {
		m, _ := b.(map[string]any)
		if m["type"] != blockDeviceBased || m["appliesTo"] != blockUnknownDevices {
			return false, fmt.Errorf("_blocks: %v: want {\"type\": %q, \"appliesTo\": %q} (a block from every device is status LOCKED_OUT)",
				b, blockDeviceBased, blockUnknownDevices)
		}
	}
	if len(list) > 0 && obj["status"] != statusActive {
		return false, fmt.Errorf("_blocks on a %v user: only ACTIVE users are blocked from unknown devices", obj["status"])
	}
	return len(list) > 0, nil
}

// blockLocked blocks user id from unknown devices. Callers hold o.mu for
// writing.
func (o *org) blockLocked(id string) {
	if o.blocked == nil {
		o.blocked = map[string]bool{}
	}
	o.blocked[id] = true
}

// unblockLocked clears user id's block from unknown devices and reports
// whether there was one. Callers hold o.mu for writing.
func (o *org) unblockLocked(id string) bool {
	was := o.blocked[id]
	delete(o.blocked, id)
	return was
}

// blocksOf is the UserBlock list of u. Callers hold o.mu.
func (o *org) blocksOf(u *entity) []Object {
	out := []Object{}
	switch {
	case u.str("status") == statusLockedOut:
		out = append(out, Object{"type": blockDeviceBased, "appliesTo": blockAnyDevices})
	case o.blocked[u.id]:
		out = append(out, Object{"type": blockDeviceBased, "appliesTo": blockUnknownDevices})
	}
	return out
}

// listBlocks is GET /api/v1/users/{id}/blocks.
func (s *Server) listBlocks(w http.ResponseWriter, r *http.Request, _ *caller) error {
	s.org.mu.RLock()
	defer s.org.mu.RUnlock()
	u, err := s.org.userOr404(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.org.blocksOf(u))
	return nil
}

// unlockOp is the unlock operation for u: an ACTIVE user blocked from
// unknown devices is unlocked (the block cleared, the status unchanged)
// like a LOCKED_OUT one. Callers hold o.mu for writing.
func (o *org) unlockOp(u *entity, op userOp) userOp {
	if o.unblockLocked(u.id) && u.str("status") == statusActive {
		op.from, op.to = []string{statusActive}, ""
	}
	return op
}

// BlockedFromNewDevices reports whether a user (by id or login) is ACTIVE
// and blocked from unknown devices.
func (s *Server) BlockedFromNewDevices(user string) bool {
	o := s.org
	o.mu.RLock()
	defer o.mu.RUnlock()
	u := o.user(user)
	return u != nil && u.str("status") == statusActive && o.blocked[u.id]
}
