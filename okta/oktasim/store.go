package oktasim

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// entity is one stored Okta object (user, group, app, policy, rule, factor).
// obj is Okta's JSON without "_links" (made per request, since hrefs carry
// the host the client used) and without fixture-only keys; raw is obj
// encoded, so pages are written without re-marshalling.
type entity struct {
	id  string
	seq int64 // creation order: list order and paging cursor
	obj Object
	raw []byte
}

// set replaces the object and its encoding. Callers hold org.mu for writing.
func (e *entity) set(obj Object) {
	e.obj = obj
	b, err := json.Marshal(obj)
	if err != nil {
		// Objects only ever hold JSON values (they come from JSON or from
		// deepCopy), so this cannot happen; keep the entity readable anyway.
		b = []byte(`{"id":` + strconv.Quote(e.id) + `}`)
	}
	e.raw = b
}

func (e *entity) str(path ...string) string {
	v, _ := lookup(e.obj, path...)
	s, _ := v.(string)
	return s
}

// collection is an ordered, indexed set of entities.
type collection struct {
	list []*entity // by seq
	byID map[string]*entity
}

func newCollection() *collection { return &collection{byID: map[string]*entity{}} }

func (c *collection) add(e *entity) {
	c.list = append(c.list, e)
	c.byID[e.id] = e
}

func (c *collection) remove(id string) {
	if _, ok := c.byID[id]; !ok {
		return
	}
	delete(c.byID, id)
	for i, e := range c.list {
		if e.id == id {
			c.list = append(c.list[:i], c.list[i+1:]...)
			return
		}
	}
}

// org is the simulated org's state.
type org struct {
	mu        sync.RWMutex
	seq       int64            // last seq handed out
	idn       int64            // last generated id number
	seqOf     map[string]int64 // every id ever seen → seq (cursors survive deletes)
	users     *collection
	logins    map[string]*entity // lower-cased login → user
	groups    *collection
	apps      *collection
	policies  *collection
	rules     map[string]*collection     // policy id → rules
	members   map[string]map[string]bool // group id → user ids
	appGroups map[string]map[string]bool // app id → group ids
	appUsers  map[string]map[string]bool // app id → directly assigned user ids
	factors   map[string]*collection     // user id → factors
	sessions  map[string]int             // user id → open sessions
	resets    map[string]int             // user id → password-reset emails sent (passwords.go)
	blocked   map[string]bool            // user id → blocked from unknown devices (blocks.go)
	roles     map[string][]role          // user or group id → admin roles assigned to it (roles.go)
	logs      logStore
	dialect   string // DialectOIE or DialectClassic

	policyOrg policyFeatures // the org's features and the policy types they bring
}

// classic reports whether the org is a Classic Engine org.
func (o *org) classic() bool { return o.dialect == DialectClassic }

func newOrg() *org {
	return &org{
		seqOf:     map[string]int64{},
		users:     newCollection(),
		logins:    map[string]*entity{},
		groups:    newCollection(),
		apps:      newCollection(),
		policies:  newCollection(),
		rules:     map[string]*collection{},
		members:   map[string]map[string]bool{},
		appGroups: map[string]map[string]bool{},
		appUsers:  map[string]map[string]bool{},
		factors:   map[string]*collection{},
		sessions:  map[string]int{},
	}
}

// newEntity makes an entity for obj, giving it an id with prefix when it has
// none. Callers hold o.mu for writing (or own o exclusively).
func (o *org) newEntity(prefix string, obj Object) (*entity, error) {
	id, _ := obj["id"].(string)
	if id == "" {
		id = o.newID(prefix)
		obj["id"] = id
	}
	if _, dup := o.seqOf[id]; dup {
		return nil, fmt.Errorf("duplicate id %q", id)
	}
	o.seq++
	o.seqOf[id] = o.seq
	e := &entity{id: id, seq: o.seq}
	e.set(obj)
	return e, nil
}

// newID makes an Okta-like 20-character id: a 3-character type prefix
// (00u user, 00g group, 0oa app, 00p policy, 0pr rule) and 17 more.
func (o *org) newID(prefix string) string {
	for {
		o.idn++
		n := strconv.FormatInt(o.idn, 36)
		id := prefix + "sim" + strings.Repeat("0", max(0, 14-len(n))) + n
		if _, taken := o.seqOf[id]; !taken {
			return id
		}
	}
}

// user finds a user by id or login (case-insensitive), as Okta's
// /api/v1/users/{idOrLogin} does.
func (o *org) user(idOrLogin string) *entity {
	if e := o.users.byID[idOrLogin]; e != nil {
		return e
	}
	return o.logins[strings.ToLower(idOrLogin)]
}

// sortedUsers lists the users of a set of ids, by seq.
func (o *org) sortedUsers(ids map[string]bool) []*entity {
	out := make([]*entity, 0, len(ids))
	for id := range ids {
		if e := o.users.byID[id]; e != nil {
			out = append(out, e)
		}
	}
	sortBySeq(out)
	return out
}

func sortBySeq(es []*entity) {
	sort.Slice(es, func(i, j int) bool { return es[i].seq < es[j].seq })
}

// groupMembers is the set of a group's members; the BUILT_IN Everyone group
// holds every user.
func (o *org) groupMembers(g *entity) map[string]bool {
	if g.str("type") == "BUILT_IN" {
		all := make(map[string]bool, len(o.users.list))
		for _, u := range o.users.list {
			all[u.id] = true
		}
		return all
	}
	return o.members[g.id]
}

// userGroups lists the groups a user is in, by seq.
func (o *org) userGroups(uid string) []*entity {
	var out []*entity
	for _, g := range o.groups.list {
		if g.str("type") == "BUILT_IN" || o.members[g.id][uid] {
			out = append(out, g)
		}
	}
	return out
}

// userApps lists the apps assigned to a user directly or through a group.
func (o *org) userApps(uid string) []*entity {
	groups := o.userGroups(uid)
	var out []*entity
	for _, a := range o.apps.list {
		if o.appUsers[a.id][uid] {
			out = append(out, a)
			continue
		}
		for _, g := range groups {
			if o.appGroups[a.id][g.id] {
				out = append(out, a)
				break
			}
		}
	}
	return out
}

func (o *org) sessionCount(idOrLogin string) int {
	o.mu.RLock()
	defer o.mu.RUnlock()
	if u := o.user(idOrLogin); u != nil {
		return o.sessions[u.id]
	}
	return 0
}

func addTo(m map[string]map[string]bool, k, v string) bool {
	set := m[k]
	if set == nil {
		set = map[string]bool{}
		m[k] = set
	}
	if set[v] {
		return false
	}
	set[v] = true
	return true
}
