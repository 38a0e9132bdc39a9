package oktasim

// snapshot deep-copies the org into fixture shape.
func (o *org) snapshot() *Fixture {
	o.mu.RLock()
	defer o.mu.RUnlock()
	fx := &Fixture{
		Users:    make([]Object, 0, len(o.users.list)),
		Groups:   make([]Object, 0, len(o.groups.list)),
		Apps:     make([]Object, 0, len(o.apps.list)),
		Policies: make([]Object, 0, len(o.policies.list)),
		Factors:  map[string][]Object{},
		Logs:     make([]Object, 0, len(o.logs.events)),
	}
	for _, u := range o.users.list {
		obj := mustCopy(u.obj)
		if rs := o.rolesOut(u.id); rs != nil {
			obj["_roles"] = rs
		}
		fx.Users = append(fx.Users, obj)
	}
	for _, g := range o.groups.list {
		obj := mustCopy(g.obj)
		obj["members"] = idList(o.sortedUsers(o.members[g.id]))
		var apps []*entity
		for _, a := range o.apps.list {
			if o.appGroups[a.id][g.id] {
				apps = append(apps, a)
			}
		}
		obj["apps"] = idList(apps)
		if rs := o.rolesOut(g.id); rs != nil {
			obj["_roles"] = rs
		}
		fx.Groups = append(fx.Groups, obj)
	}
	for _, a := range o.apps.list {
		obj := mustCopy(a.obj)
		obj["users"] = idList(o.sortedUsers(o.appUsers[a.id]))
		var groups []*entity
		for gid := range o.appGroups[a.id] {
			if g := o.groups.byID[gid]; g != nil {
				groups = append(groups, g)
			}
		}
		sortBySeq(groups)
		obj["groups"] = idList(groups)
		fx.Apps = append(fx.Apps, obj)
	}
	for _, p := range o.policies.list {
		obj := mustCopy(p.obj)
		rules := make([]any, 0, len(o.rules[p.id].list))
		for _, r := range o.rules[p.id].list {
			rules = append(rules, mustCopy(r.obj))
		}
		obj["rules"] = rules
		fx.Policies = append(fx.Policies, obj)
	}
	for uid, fs := range o.factors {
		if len(fs.list) == 0 {
			continue
		}
		list := make([]Object, 0, len(fs.list))
		for _, f := range fs.list {
			list = append(list, mustCopy(f.obj))
		}
		fx.Factors[uid] = list
	}
	for _, e := range o.logs.events {
		fx.Logs = append(fx.Logs, mustCopy(e.obj))
	}
	return fx
}

func idList(es []*entity) []any {
	out := make([]any, len(es))
	for i, e := range es {
		out[i] = e.id
	}
	return out
}
