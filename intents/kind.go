package intents

import (
	"slices"
	"sort"
	"strings"
)

// Kind names one thing oktabot can do. Its string form is stable: it is used
// in JSON output, in tests and by the model's tool names.
type Kind string

// The kinds; Catalogue below describes each.
const (
	Unknown Kind = "unknown"

	Help   Kind = "help"
	Status Kind = "status"

	ListUsers   Kind = "list_users"
	UserDetails Kind = "user_details"

	ListGroups   Kind = "list_groups"
	GroupMembers Kind = "group_members"
	GroupApps    Kind = "group_apps"

	ListApps       Kind = "list_apps"
	AppDetails     Kind = "app_details"
	AppAssignments Kind = "app_assignments"

	ListPolicies Kind = "list_policies"
	PolicyRules  Kind = "policy_rules"

	Logs           Kind = "logs"
	AdminActions   Kind = "admin_actions"
	SecurityEvents Kind = "security_events"

	FailedLogins     Kind = "failed_logins"
	SuspiciousLogins Kind = "suspicious_logins"
	LoginHistory     Kind = "login_history"
	Investigate      Kind = "investigate"
	Threats          Kind = "threats"
	MFAStatus        Kind = "mfa_status"

	SuspendUser    Kind = "suspend_user"
	UnsuspendUser  Kind = "unsuspend_user"
	ClearSessions  Kind = "clear_sessions"
	CreateUser     Kind = "create_user"
	UpdateUser     Kind = "update_user"
	ActivateUser   Kind = "activate_user"
	DeactivateUser Kind = "deactivate_user"
	UnlockUser     Kind = "unlock_user"
	ResetFactors   Kind = "reset_factors"
	ExpirePassword Kind = "expire_password"
	ResetPassword  Kind = "reset_password"

	CreateGroup       Kind = "create_group"
	UpdateGroup       Kind = "update_group"
	DeleteGroup       Kind = "delete_group"
	AddGroupMember    Kind = "add_group_member"
	RemoveGroupMember Kind = "remove_group_member"

	CreateApp     Kind = "create_app"
	UpdateApp     Kind = "update_app"
	ActivateApp   Kind = "activate_app"
	DeactivateApp Kind = "deactivate_app"

	CreatePolicy         Kind = "create_policy"
	UpdatePolicy         Kind = "update_policy"
	ActivatePolicy       Kind = "activate_policy"
	DeactivatePolicy     Kind = "deactivate_policy"
	CreatePolicyRule     Kind = "create_policy_rule"
	UpdatePolicyRule     Kind = "update_policy_rule"
	ActivatePolicyRule   Kind = "activate_policy_rule"
	DeactivatePolicyRule Kind = "deactivate_policy_rule"

	Pending      Kind = "pending"
	ShowProposal Kind = "proposal"
	Suppressions Kind = "suppressions"
)

// Area groups kinds for help text and for choosing the adapter that serves
// them.
type Area string

// The areas.
const (
	AreaHelp          Area = "help"
	AreaUsers         Area = "users"
	AreaGroups        Area = "groups"
	AreaApps          Area = "applications"
	AreaPolicies      Area = "policies"
	AreaSystemLog     Area = "system log"
	AreaInvestigation Area = "investigation"
	AreaUserActions   Area = "user actions"
	AreaGroupActions  Area = "group actions"
	AreaAppActions    Area = "app actions"
	AreaPolicyActions Area = "policy actions"
	AreaApprovals     Area = "approvals"
)

// Arg names one argument of an Intent. Its string form is the Intent's JSON
// key and the `key:` prefix of the slash grammar.
type Arg string

// The arguments the catalogue's kinds take.
const (
	ArgUser       Arg = "user"
	ArgGroup      Arg = "group"
	ArgApp        Arg = "app"
	ArgPolicy     Arg = "policy"
	ArgRule       Arg = "rule"
	ArgPolicyType Arg = "policy_type"
	ArgWindow     Arg = "window"
	ArgEventType  Arg = "event_type"
	ArgOutcome    Arg = "outcome"
	ArgStatus     Arg = "status"
	ArgQuery      Arg = "query"
	ArgCountries  Arg = "countries"
	ArgReason     Arg = "reason"
	ArgFields     Arg = "fields"
	ArgBody       Arg = "body"
	ArgLimit      Arg = "limit"
	ArgID         Arg = "id"
	// ArgSince and ArgUntil bound a window by the clock (since:, until:);
	// every kind that takes a window takes them.
	ArgSince Arg = "since"
	ArgUntil Arg = "until"
)

// KindInfo describes one kind. Every field is data that the parser, help,
// the tool schemas, the Slack blocks and the bot read; nothing else describes
// a kind.
type KindInfo struct {
	Kind Kind
	Area Area
	// Verbs are the slash verbs, the first canonical. The kind's own name
	// (with _ or -) is accepted too.
	Verbs []string
	// Said are the plain-language verbs that ask for an action in free
	// text ("suspend", "log out", "add"): free text, and a model reading
	// it, may choose the action only when the request's one imperative
	// verb is one of them. A word stands for the words the free-text
	// vocabulary reads as it ("clear" also for "kill", "revoke"); which of
	// its actions a verb makes is then up to the context ("remove … from
	// a group", "remove … mfa"). Every action has at least one.
	Said []string
	// Idioms are the other ways people ask for the kind in free text,
	// from help-desk runbooks and admin forums: "lock down", "freeze",
	// "take … out of", "who has". Each is a phrase of words; "…" stands
	// for the target ("let … back in"), which otherwise follows the
	// phrase. For an action, an idiom whose first word already asks for
	// some user action ("drop", "wipe") is read as that word is; any
	// other makes the kind for a user target ("freeze jdoe"), and is read
	// as the kind's narrowest Said word otherwise ("turn off the Zoom
	// app" as "disable"). A query's idiom followed by a name asks for the
	// kind about that name ("who has Salesforce?"). A model is shown them
	// as examples.
	Idioms []string
	// Summary is one line of help.
	Summary string
	// Positional lists, in order, the arguments that may be given without a
	// key. Required ones come first.
	Positional []Arg
	// Required arguments must be present for the intent to be valid.
	Required []Arg
	// Optional arguments may be given as key:value (or, for window, as a
	// bare duration such as 48h or 7d).
	Optional []Arg
	// Example is a full slash command.
	Example string
	// Action is true for kinds that change Okta; they only ever become
	// proposals.
	Action bool
	// BotAnswers is true for the reads the bot answers itself, without
	// Okta: its help text and the proposals in its own store. They have no
	// Okta query and are laid out by blocks of their own.
	BotAnswers bool
	// Scope is the OAuth scope Okta requires for the kind.
	Scope string
	// DefaultWindow applies to kinds that read the System Log.
	DefaultWindow Duration
	// Undo is the kind that reverses this action, if any.
	Undo Kind
	// Title names an action in a proposal: "Suspend john@company.com",
	// "Add john@company.com to Engineering". Every action has one.
	Title Title
	// Form says whether the action's bare verb ("/okta create-user") opens
	// a form in Slack. Every action states it.
	Form Form
	// StepUp says whether, by default, approving the action must be
	// confirmed in the approver's Okta Verify (OKTABOT_STEP_UP unset).
	StepUp StepUp
}

// StepUp is an action's default need for an Okta Verify step-up.
type StepUp string

// The default step-up rules.
const (
	// StepUpNone: no step-up by default.
	StepUpNone StepUp = ""
	// StepUpAlways: every approval steps up by default.
	StepUpAlways StepUp = "always"
	// StepUpAdminGroups: membership changes step up by default where a
	// group can grant admin roles. oktabot refuses to touch such groups
	// unless OKTABOT_ALLOW_ADMIN_TARGETS, so the default steps up these
	// kinds exactly when admin targets are allowed.
	StepUpAdminGroups StepUp = "admin-groups"
)

// DefaultStepUp lists the actions that step up by default: those marked
// StepUpAlways, and, when adminTargets (groups granting admin roles may
// be changed), those marked StepUpAdminGroups; in catalogue order.
func DefaultStepUp(adminTargets bool) []Kind {
	var out []Kind
	for _, k := range Catalogue {
		if k.StepUp == StepUpAlways || (adminTargets && k.StepUp == StepUpAdminGroups) {
			out = append(out, k.Kind)
		}
	}
	return out
}

// Form is an action's decision about a form.
type Form string

// The form decisions.
const (
	// FormNone: the action is given in one line; its bare verb is an
	// incomplete command.
	FormNone Form = "none"
	// FormOpen: the bare verb opens a form (creating and updating users and
	// groups is a form; apps, policies and rules take Okta's JSON in a
	// modal).
	FormOpen Form = "form"
)

// Title is how a proposal names an action: Verb and the action's Target,
// then, when the action has a second target, Link and Second.
type Title struct {
	Verb   string
	Target Arg
	Link   string
	Second Arg
}

// Accepts reports whether the kind takes argument a at all.
func (k KindInfo) Accepts(a Arg) bool {
	if a == ArgSince || a == ArgUntil {
		a = ArgWindow // a window's start and end, by the clock
	}
	return slices.Contains(k.Positional, a) || slices.Contains(k.Required, a) || slices.Contains(k.Optional, a)
}

// Catalogue is every kind oktabot knows, in help order.
var Catalogue = []KindInfo{
	{Kind: Help, Area: AreaHelp, Verbs: []string{"help", "?"}, Summary: "Show what oktabot can do", Positional: []Arg{ArgQuery}, Optional: []Arg{ArgQuery}, Example: "/okta help", BotAnswers: true},
	{Kind: Status, Area: AreaHelp, Verbs: []string{"status", "doctor", "ping"}, Summary: "Check the Okta connection, granted scopes and admin role", Example: "/okta status"},

	{Kind: ListUsers, Area: AreaUsers, Verbs: []string{"users", "list-users", "find-users"}, Summary: "List users, optionally matching a name or with a status", Positional: []Arg{ArgQuery}, Optional: []Arg{ArgQuery, ArgStatus, ArgLimit}, Example: "/okta users status:SUSPENDED", Scope: ScopeUsersRead},
	{Kind: UserDetails, Area: AreaUsers, Verbs: []string{"user", "whois", "show-user"}, Summary: "A user's profile, status, last login, factors, groups and apps", Positional: []Arg{ArgUser}, Required: []Arg{ArgUser}, Example: "/okta user john@company.com", Scope: ScopeUsersRead},

	{Kind: ListGroups, Area: AreaGroups, Verbs: []string{"groups", "list-groups"}, Summary: "List groups, optionally matching a name", Positional: []Arg{ArgQuery}, Optional: []Arg{ArgQuery, ArgLimit}, Example: "/okta groups eng", Scope: ScopeGroupsRead},
	{Kind: GroupMembers, Area: AreaGroups, Verbs: []string{"members", "group-members"}, Summary: "Members of a group", Positional: []Arg{ArgGroup}, Required: []Arg{ArgGroup}, Optional: []Arg{ArgLimit}, Example: `/okta members "Engineering"`, Scope: ScopeGroupsRead},
	{Kind: GroupApps, Area: AreaGroups, Verbs: []string{"group-apps"}, Summary: "Applications assigned to a group", Positional: []Arg{ArgGroup}, Required: []Arg{ArgGroup}, Optional: []Arg{ArgLimit}, Example: "/okta group-apps Engineering", Scope: ScopeGroupsRead},

	{Kind: ListApps, Area: AreaApps, Verbs: []string{"apps", "list-apps", "applications"}, Summary: "List applications, optionally matching a name or with a status", Positional: []Arg{ArgQuery}, Optional: []Arg{ArgQuery, ArgStatus, ArgLimit}, Example: "/okta apps sales", Scope: ScopeAppsRead},
	{Kind: AppDetails, Area: AreaApps, Verbs: []string{"app", "application"}, Summary: "An application's settings and status", Positional: []Arg{ArgApp}, Required: []Arg{ArgApp}, Example: "/okta app Salesforce", Scope: ScopeAppsRead},
	{Kind: AppAssignments, Area: AreaApps, Verbs: []string{"assignments", "app-assignments", "app-users"}, Idioms: []string{"who has", "who can get into", "who can access", "who can use", "who can log into", "has access to", "have access to"}, Summary: "Users and groups assigned to an application", Positional: []Arg{ArgApp}, Required: []Arg{ArgApp}, Optional: []Arg{ArgLimit}, Example: "/okta assignments Salesforce", Scope: ScopeAppsRead},

	{Kind: ListPolicies, Area: AreaPolicies, Verbs: []string{"policies", "list-policies"}, Summary: "Policies of a type (" + strings.Join(PolicyTypes(), ", ") + ")", Positional: []Arg{ArgPolicyType}, Optional: []Arg{ArgPolicyType}, Example: "/okta policies OKTA_SIGN_ON", Scope: ScopePoliciesRead},
	{Kind: PolicyRules, Area: AreaPolicies, Verbs: []string{"rules", "policy-rules"}, Summary: "Rules of a policy", Positional: []Arg{ArgPolicy}, Required: []Arg{ArgPolicy}, Example: `/okta rules "Default Policy"`, Scope: ScopePoliciesRead},

	{Kind: Logs, Area: AreaSystemLog, Verbs: []string{"logs", "events", "log"}, Summary: "System Log events, filtered by window, type, user, outcome or text", Positional: []Arg{ArgWindow}, Optional: []Arg{ArgWindow, ArgEventType, ArgUser, ArgOutcome, ArgQuery, ArgLimit}, Example: "/okta logs 48h type:user.session.start outcome:FAILURE", Scope: ScopeLogsRead, DefaultWindow: Day},
	{Kind: AdminActions, Area: AreaSystemLog, Verbs: []string{"admin-actions", "admin"}, Summary: "Who changed what: lifecycle, membership, policy and privilege events", Positional: []Arg{ArgWindow}, Optional: []Arg{ArgWindow, ArgUser, ArgLimit}, Example: "/okta admin-actions 48h", Scope: ScopeLogsRead, DefaultWindow: Day},
	{Kind: SecurityEvents, Area: AreaSystemLog, Verbs: []string{"security-events", "security"}, Summary: "Threat, risk and lockout events", Positional: []Arg{ArgWindow}, Optional: []Arg{ArgWindow, ArgUser, ArgLimit}, Example: "/okta security-events 24h", Scope: ScopeLogsRead, DefaultWindow: Day},

	{Kind: FailedLogins, Area: AreaInvestigation, Verbs: []string{"failed-logins", "failures"}, Summary: "Failed sign-ins, grouped by user and IP", Positional: []Arg{ArgWindow}, Optional: []Arg{ArgWindow, ArgUser, ArgLimit}, Example: "/okta failed-logins 24h", Scope: ScopeLogsRead, DefaultWindow: Day},
	{Kind: SuspiciousLogins, Area: AreaInvestigation, Verbs: []string{"suspicious-logins", "suspicious"}, Summary: "Sign-ins from watch-listed countries or anonymizing proxies", Positional: []Arg{ArgWindow}, Optional: []Arg{ArgWindow, ArgCountries, ArgUser, ArgLimit}, Example: "/okta suspicious-logins 24h countries:RU,KP", Scope: ScopeLogsRead, DefaultWindow: Day},
	{Kind: LoginHistory, Area: AreaInvestigation, Verbs: []string{"login-history", "logins"}, Summary: "A user's sign-ins: time, IP, place, client, outcome", Positional: []Arg{ArgUser, ArgWindow}, Required: []Arg{ArgUser}, Optional: []Arg{ArgWindow, ArgLimit}, Example: "/okta login-history john@company.com 7d", Scope: ScopeLogsRead, DefaultWindow: Week},
	{Kind: Investigate, Area: AreaInvestigation, Verbs: []string{"investigate", "inv"}, Summary: "Everything about one user's recent activity, scored, with proposed fixes", Positional: []Arg{ArgUser, ArgWindow}, Required: []Arg{ArgUser}, Optional: []Arg{ArgWindow}, Example: "/okta investigate john@company.com 7d", Scope: ScopeLogsRead, DefaultWindow: Week},
	{Kind: Threats, Area: AreaInvestigation, Verbs: []string{"threats", "sweep"}, Summary: "Every detection over the whole org, grouped by user, worst first", Positional: []Arg{ArgWindow}, Optional: []Arg{ArgWindow}, Example: "/okta threats 7d", Scope: ScopeLogsRead, DefaultWindow: Day},
	{Kind: MFAStatus, Area: AreaInvestigation, Verbs: []string{"mfa-status", "mfa", "no-mfa"}, Summary: "Active users with no (or only weak) MFA factor", Optional: []Arg{ArgLimit}, Example: "/okta mfa-status", Scope: ScopeUsersRead},

	{Kind: SuspendUser, Area: AreaUserActions, Verbs: []string{"suspend"}, Said: []string{"suspend"}, Idioms: []string{"freeze", "lock down", "block", "cut off", "pause access for", "pause"}, Summary: "Suspend a user (ACTIVE → SUSPENDED)", Positional: []Arg{ArgUser}, Required: []Arg{ArgUser}, Optional: []Arg{ArgReason}, Example: "/okta suspend john@company.com reason: tor login", Action: true, Scope: ScopeUsersManage, Undo: UnsuspendUser, Title: Title{Verb: "Suspend", Target: ArgUser}, Form: FormNone},
	{Kind: UnsuspendUser, Area: AreaUserActions, Verbs: []string{"unsuspend"}, Said: []string{"unsuspend"}, Idioms: []string{"re-enable", "restore access for", "restore", "let … back in", "unfreeze", "unblock", "resume access for"}, Summary: "Unsuspend a user (SUSPENDED → ACTIVE)", Positional: []Arg{ArgUser}, Required: []Arg{ArgUser}, Optional: []Arg{ArgReason}, Example: "/okta unsuspend john@company.com", Action: true, Scope: ScopeUsersManage, Undo: SuspendUser, Title: Title{Verb: "Unsuspend", Target: ArgUser}, Form: FormNone},
	{Kind: ClearSessions, Area: AreaUserActions, Verbs: []string{"clear-sessions", "logout", "kill-sessions"}, Said: []string{"log out", "clear", "remove"}, Idioms: []string{"sign … out", "log … out", "kick … out", "boot … out", "sign … out of everything"}, Summary: "End all of a user's sessions and revoke their OAuth tokens", Positional: []Arg{ArgUser}, Required: []Arg{ArgUser}, Optional: []Arg{ArgReason}, Example: "/okta clear-sessions john@company.com reason: stolen laptop", Action: true, Scope: ScopeUsersManage, Title: Title{Verb: "Clear the sessions of", Target: ArgUser}, Form: FormNone},
	{Kind: CreateUser, Area: AreaUserActions, Verbs: []string{"create-user"}, Said: []string{"create"}, Idioms: []string{"onboard"}, Summary: "Create a user (login, email, firstName, lastName …)", Positional: []Arg{ArgUser}, Required: []Arg{ArgUser}, Optional: []Arg{ArgFields, ArgReason}, Example: "/okta create-user jane@company.com firstName:Jane lastName:Doe", Action: true, Scope: ScopeUsersManage, Title: Title{Verb: "Create user", Target: ArgUser}, Form: FormOpen, StepUp: StepUpAlways},
	{Kind: UpdateUser, Area: AreaUserActions, Verbs: []string{"update-user"}, Said: []string{"update", "set"}, Idioms: []string{"change", "edit", "modify"}, Summary: "Change profile attributes of a user", Positional: []Arg{ArgUser}, Required: []Arg{ArgUser, ArgFields}, Optional: []Arg{ArgReason}, Example: "/okta update-user jane@company.com department:Finance", Action: true, Scope: ScopeUsersManage, Title: Title{Verb: "Update user", Target: ArgUser}, Form: FormOpen},
	{Kind: ActivateUser, Area: AreaUserActions, Verbs: []string{"activate-user"}, Said: []string{"activate"}, Idioms: []string{"reactivate", "reinstate", "bring … back"}, Summary: "Activate a STAGED or PROVISIONED user, or reactivate a DEPROVISIONED one", Positional: []Arg{ArgUser}, Required: []Arg{ArgUser}, Optional: []Arg{ArgReason}, Example: "/okta activate-user jane@company.com", Action: true, Scope: ScopeUsersManage, Undo: DeactivateUser, Title: Title{Verb: "Activate user", Target: ArgUser}, Form: FormNone},
	{Kind: DeactivateUser, Area: AreaUserActions, Verbs: []string{"deactivate-user", "deprovision"}, Said: []string{"deactivate"}, Idioms: []string{"offboard", "deprovision"}, Summary: "Deactivate a user (→ DEPROVISIONED): removes app access", Positional: []Arg{ArgUser}, Required: []Arg{ArgUser}, Optional: []Arg{ArgReason}, Example: "/okta deactivate-user john@company.com reason: left the company", Action: true, Scope: ScopeUsersManage, Undo: ActivateUser, Title: Title{Verb: "Deactivate user", Target: ArgUser}, Form: FormNone, StepUp: StepUpAlways},
	{Kind: UnlockUser, Area: AreaUserActions, Verbs: []string{"unlock"}, Said: []string{"unlock"}, Idioms: []string{"unlock the account of", "unlock account for"}, Summary: "Unlock a LOCKED_OUT user", Positional: []Arg{ArgUser}, Required: []Arg{ArgUser}, Optional: []Arg{ArgReason}, Example: "/okta unlock john@company.com", Action: true, Scope: ScopeUsersManage, Title: Title{Verb: "Unlock", Target: ArgUser}, Form: FormNone},
	{Kind: ResetFactors, Area: AreaUserActions, Verbs: []string{"reset-factors", "reset-mfa"}, Said: []string{"reset", "remove", "clear"}, Idioms: []string{"wipe mfa for", "reset 2fa for", "reset authenticators for", "reset multifactor for", "clear mfa for", "remove mfa for"}, Summary: "Remove all of a user's enrolled MFA factors", Positional: []Arg{ArgUser}, Required: []Arg{ArgUser}, Optional: []Arg{ArgReason}, Example: "/okta reset-factors john@company.com reason: push fatigue accepted", Action: true, Scope: ScopeUsersManage, Title: Title{Verb: "Reset the MFA factors of", Target: ArgUser}, Form: FormNone, StepUp: StepUpAlways},
	{Kind: ExpirePassword, Area: AreaUserActions, Verbs: []string{"expire-password", "expire-pw"}, Said: []string{"expire"}, Idioms: []string{"expire the password of", "expire the password for"}, Summary: "Expire a user's password (ACTIVE → PASSWORD_EXPIRED): at the next sign-in the current password still works, once, to choose a new one", Positional: []Arg{ArgUser}, Required: []Arg{ArgUser}, Optional: []Arg{ArgReason}, Example: "/okta expire-password john@company.com reason: reused password", Action: true, Scope: ScopeUsersManage, Title: Title{Verb: "Expire the password of", Target: ArgUser}, Form: FormNone, StepUp: StepUpAlways},
	{Kind: ResetPassword, Area: AreaUserActions, Verbs: []string{"reset-password", "reset-pw"}, Said: []string{"reset"}, Idioms: []string{"send … a password reset email", "send … a reset password email", "send … a password reset link"}, Summary: "Email a user a password-reset link (→ RECOVERY): the current password stops working until they set a new one", Positional: []Arg{ArgUser}, Required: []Arg{ArgUser}, Optional: []Arg{ArgReason}, Example: "/okta reset-password john@company.com reason: password phished", Action: true, Scope: ScopeUsersManage, Title: Title{Verb: "Reset the password of", Target: ArgUser}, Form: FormNone, StepUp: StepUpAlways},

	{Kind: CreateGroup, Area: AreaGroupActions, Verbs: []string{"create-group"}, Said: []string{"create"}, Idioms: []string{"make", "spin up"}, Summary: "Create an Okta group", Positional: []Arg{ArgGroup}, Required: []Arg{ArgGroup}, Optional: []Arg{ArgFields, ArgReason}, Example: `/okta create-group "Incident Responders" description:"IR on-call"`, Action: true, Scope: ScopeGroupsManage, Title: Title{Verb: "Create group", Target: ArgGroup}, Form: FormOpen, StepUp: StepUpAlways},
	{Kind: UpdateGroup, Area: AreaGroupActions, Verbs: []string{"update-group"}, Said: []string{"update", "set", "rename"}, Idioms: []string{"rename", "change"}, Summary: "Change a group's name or description", Positional: []Arg{ArgGroup}, Required: []Arg{ArgGroup, ArgFields}, Optional: []Arg{ArgReason}, Example: `/okta update-group Engineering description:"All engineers"`, Action: true, Scope: ScopeGroupsManage, Title: Title{Verb: "Update group", Target: ArgGroup}, Form: FormOpen},
	{Kind: DeleteGroup, Area: AreaGroupActions, Verbs: []string{"delete-group"}, Said: []string{"delete"}, Idioms: []string{"destroy", "erase", "get rid of the group"}, Summary: "Delete an Okta group", Positional: []Arg{ArgGroup}, Required: []Arg{ArgGroup}, Optional: []Arg{ArgReason}, Example: `/okta delete-group "Old Contractors"`, Action: true, Scope: ScopeGroupsManage, Title: Title{Verb: "Delete group", Target: ArgGroup}, Form: FormNone, StepUp: StepUpAlways},
	{Kind: AddGroupMember, Area: AreaGroupActions, Verbs: []string{"add-member", "add"}, Said: []string{"add"}, Idioms: []string{"put", "put … in", "put … into"}, Summary: "Add a user to a group", Positional: []Arg{ArgUser, ArgGroup}, Required: []Arg{ArgUser, ArgGroup}, Optional: []Arg{ArgReason}, Example: "/okta add-member john@company.com Engineering", Action: true, Scope: ScopeGroupsManage, Undo: RemoveGroupMember, Title: Title{Verb: "Add", Target: ArgUser, Link: "to", Second: ArgGroup}, Form: FormNone, StepUp: StepUpAdminGroups},
	{Kind: RemoveGroupMember, Area: AreaGroupActions, Verbs: []string{"remove-member", "remove"}, Said: []string{"remove"}, Idioms: []string{"take … out of", "pull … out of", "drop", "kick"}, Summary: "Remove a user from a group", Positional: []Arg{ArgUser, ArgGroup}, Required: []Arg{ArgUser, ArgGroup}, Optional: []Arg{ArgReason}, Example: "/okta remove-member john@company.com Admins reason: no longer on call", Action: true, Scope: ScopeGroupsManage, Undo: AddGroupMember, Title: Title{Verb: "Remove", Target: ArgUser, Link: "from", Second: ArgGroup}, Form: FormNone, StepUp: StepUpAdminGroups},

	{Kind: CreateApp, Area: AreaAppActions, Verbs: []string{"create-app"}, Said: []string{"create"}, Idioms: []string{"make"}, Summary: "Create an application from Okta's app JSON", Required: []Arg{ArgBody}, Optional: []Arg{ArgReason}, Example: `/okta create-app {"name":"bookmark","label":"Wiki","signOnMode":"BOOKMARK","settings":{"app":{"url":"https://wiki.company.com"}}}`, Action: true, Scope: ScopeAppsManage, Title: Title{Verb: "Create app", Target: ArgApp}, Form: FormOpen, StepUp: StepUpAlways},
	{Kind: UpdateApp, Area: AreaAppActions, Verbs: []string{"update-app"}, Said: []string{"update"}, Idioms: []string{"change", "edit"}, Summary: "Replace an application's settings with Okta's app JSON", Positional: []Arg{ArgApp}, Required: []Arg{ArgApp, ArgBody}, Optional: []Arg{ArgReason}, Example: `/okta update-app Wiki {"label":"Team Wiki"}`, Action: true, Scope: ScopeAppsManage, Title: Title{Verb: "Update app", Target: ArgApp}, Form: FormOpen},
	{Kind: ActivateApp, Area: AreaAppActions, Verbs: []string{"activate-app"}, Said: []string{"activate", "enable"}, Idioms: []string{"turn on", "switch on", "re-enable"}, Summary: "Activate an application", Positional: []Arg{ArgApp}, Required: []Arg{ArgApp}, Optional: []Arg{ArgReason}, Example: "/okta activate-app Salesforce", Action: true, Scope: ScopeAppsManage, Undo: DeactivateApp, Title: Title{Verb: "Activate app", Target: ArgApp}, Form: FormNone},
	{Kind: DeactivateApp, Area: AreaAppActions, Verbs: []string{"deactivate-app"}, Said: []string{"deactivate", "disable"}, Idioms: []string{"turn off", "switch off", "shut off", "disable"}, Summary: "Deactivate an application: nobody can sign in to it", Positional: []Arg{ArgApp}, Required: []Arg{ArgApp}, Optional: []Arg{ArgReason}, Example: "/okta deactivate-app Salesforce reason: vendor breach", Action: true, Scope: ScopeAppsManage, Undo: ActivateApp, Title: Title{Verb: "Deactivate app", Target: ArgApp}, Form: FormNone, StepUp: StepUpAlways},

	{Kind: CreatePolicy, Area: AreaPolicyActions, Verbs: []string{"create-policy"}, Said: []string{"create"}, Idioms: []string{"make"}, Summary: "Create a policy from Okta's policy JSON", Required: []Arg{ArgBody}, Optional: []Arg{ArgReason}, Example: `/okta create-policy {"type":"OKTA_SIGN_ON","name":"Contractors"}`, Action: true, Scope: ScopePoliciesManage, Title: Title{Verb: "Create policy", Target: ArgPolicy}, Form: FormOpen, StepUp: StepUpAlways},
	{Kind: UpdatePolicy, Area: AreaPolicyActions, Verbs: []string{"update-policy"}, Said: []string{"update"}, Idioms: []string{"change", "edit"}, Summary: "Replace a policy with Okta's policy JSON", Positional: []Arg{ArgPolicy}, Required: []Arg{ArgPolicy, ArgBody}, Optional: []Arg{ArgReason}, Example: `/okta update-policy Contractors {"description":"Contractor sign-on"}`, Action: true, Scope: ScopePoliciesManage, Title: Title{Verb: "Update policy", Target: ArgPolicy}, Form: FormOpen},
	{Kind: ActivatePolicy, Area: AreaPolicyActions, Verbs: []string{"activate-policy"}, Said: []string{"activate", "enable"}, Idioms: []string{"turn on", "switch on", "re-enable"}, Summary: "Activate a policy", Positional: []Arg{ArgPolicy}, Required: []Arg{ArgPolicy}, Optional: []Arg{ArgReason}, Example: "/okta activate-policy Contractors", Action: true, Scope: ScopePoliciesManage, Undo: DeactivatePolicy, Title: Title{Verb: "Activate policy", Target: ArgPolicy}, Form: FormNone},
	{Kind: DeactivatePolicy, Area: AreaPolicyActions, Verbs: []string{"deactivate-policy"}, Said: []string{"deactivate", "disable"}, Idioms: []string{"turn off", "switch off"}, Summary: "Deactivate a policy", Positional: []Arg{ArgPolicy}, Required: []Arg{ArgPolicy}, Optional: []Arg{ArgReason}, Example: "/okta deactivate-policy Contractors", Action: true, Scope: ScopePoliciesManage, Undo: ActivatePolicy, Title: Title{Verb: "Deactivate policy", Target: ArgPolicy}, Form: FormNone, StepUp: StepUpAlways},
	{Kind: CreatePolicyRule, Area: AreaPolicyActions, Verbs: []string{"create-rule"}, Said: []string{"create"}, Idioms: []string{"make"}, Summary: "Add a rule to a policy from Okta's rule JSON", Positional: []Arg{ArgPolicy}, Required: []Arg{ArgPolicy, ArgBody}, Optional: []Arg{ArgReason}, Example: `/okta create-rule Contractors {"name":"Require MFA","type":"SIGN_ON"}`, Action: true, Scope: ScopePoliciesManage, Title: Title{Verb: "Create rule", Target: ArgRule, Link: "in policy", Second: ArgPolicy}, Form: FormOpen, StepUp: StepUpAlways},
	{Kind: UpdatePolicyRule, Area: AreaPolicyActions, Verbs: []string{"update-rule"}, Said: []string{"update"}, Idioms: []string{"change", "edit"}, Summary: "Replace a policy rule with Okta's rule JSON", Positional: []Arg{ArgPolicy, ArgRule}, Required: []Arg{ArgPolicy, ArgRule, ArgBody}, Optional: []Arg{ArgReason}, Example: `/okta update-rule Contractors "Require MFA" {"name":"Require MFA always"}`, Action: true, Scope: ScopePoliciesManage, Title: Title{Verb: "Update rule", Target: ArgRule, Link: "of policy", Second: ArgPolicy}, Form: FormOpen},
	{Kind: ActivatePolicyRule, Area: AreaPolicyActions, Verbs: []string{"activate-rule"}, Said: []string{"activate", "enable"}, Idioms: []string{"turn on", "switch on", "re-enable"}, Summary: "Activate a policy rule", Positional: []Arg{ArgPolicy, ArgRule}, Required: []Arg{ArgPolicy, ArgRule}, Optional: []Arg{ArgReason}, Example: `/okta activate-rule Contractors "Require MFA"`, Action: true, Scope: ScopePoliciesManage, Undo: DeactivatePolicyRule, Title: Title{Verb: "Activate rule", Target: ArgRule, Link: "of policy", Second: ArgPolicy}, Form: FormNone},
	{Kind: DeactivatePolicyRule, Area: AreaPolicyActions, Verbs: []string{"deactivate-rule"}, Said: []string{"deactivate", "disable"}, Idioms: []string{"turn off", "switch off"}, Summary: "Deactivate a policy rule", Positional: []Arg{ArgPolicy, ArgRule}, Required: []Arg{ArgPolicy, ArgRule}, Optional: []Arg{ArgReason}, Example: `/okta deactivate-rule Contractors "Require MFA"`, Action: true, Scope: ScopePoliciesManage, Undo: ActivatePolicyRule, Title: Title{Verb: "Deactivate rule", Target: ArgRule, Link: "of policy", Second: ArgPolicy}, Form: FormNone, StepUp: StepUpAlways},

	{Kind: Pending, Area: AreaApprovals, Verbs: []string{"pending", "proposals"}, Summary: "Open proposals waiting for a decision", Example: "/okta pending", BotAnswers: true},
	{Kind: ShowProposal, Area: AreaApprovals, Verbs: []string{"proposal"}, Summary: "One proposal and its history", Positional: []Arg{ArgID}, Required: []Arg{ArgID}, Example: "/okta proposal p-7Q2M", BotAnswers: true},
	{Kind: Suppressions, Area: AreaApprovals, Verbs: []string{"suppressions", "false-positives"}, Summary: "The watcher's false-positive marks, each with Remove", Example: "/okta suppressions", BotAnswers: true},
}

// The OAuth scopes oktabot asks for.
const (
	ScopeUsersRead      = "okta.users.read"
	ScopeUsersManage    = "okta.users.manage"
	ScopeGroupsRead     = "okta.groups.read"
	ScopeGroupsManage   = "okta.groups.manage"
	ScopeAppsRead       = "okta.apps.read"
	ScopeAppsManage     = "okta.apps.manage"
	ScopeLogsRead       = "okta.logs.read"
	ScopePoliciesRead   = "okta.policies.read"
	ScopePoliciesManage = "okta.policies.manage"
	// ScopeRolesRead reads admin role assignments: oktabot checks that an
	// action's target holds no admin role, and which groups grant an
	// approver theirs.
	ScopeRolesRead = "okta.roles.read"
)

// DefaultScopes are requested when OKTA_SCOPES is not set.
var DefaultScopes = []string{ScopeUsersRead, ScopeUsersManage, ScopeGroupsRead, ScopeAppsRead, ScopeLogsRead, ScopePoliciesRead, ScopeRolesRead}

var byKind = func() map[Kind]int {
	m := make(map[Kind]int, len(Catalogue))
	for i, k := range Catalogue {
		if _, dup := m[k.Kind]; dup {
			panic("intents: duplicate kind " + string(k.Kind))
		}
		m[k.Kind] = i
	}
	return m
}()

// Lookup returns the catalogue entry of k.
func Lookup(k Kind) (KindInfo, bool) {
	i, ok := byKind[k]
	if !ok {
		return KindInfo{}, false
	}
	return Catalogue[i], true
}

// Info returns the catalogue entry of k, or the zero KindInfo.
func (k Kind) Info() KindInfo {
	info, _ := Lookup(k)
	return info
}

// IsAction reports whether k changes Okta.
func (k Kind) IsAction() bool { return k.Info().Action }

// Kinds lists every kind in catalogue order.
func Kinds() []Kind {
	out := make([]Kind, len(Catalogue))
	for i, k := range Catalogue {
		out[i] = k.Kind
	}
	return out
}

// Areas lists the areas in catalogue order.
func Areas() []Area {
	var out []Area
	for _, k := range Catalogue {
		if !slices.Contains(out, k.Area) {
			out = append(out, k.Area)
		}
	}
	return out
}

// InArea lists the catalogue entries of one area.
func InArea(a Area) []KindInfo {
	var out []KindInfo
	for _, k := range Catalogue {
		if k.Area == a {
			out = append(out, k)
		}
	}
	return out
}

// ScopesFor returns the sorted, de-duplicated scopes the given kinds need.
func ScopesFor(kinds ...Kind) []string {
	var out []string
	for _, k := range kinds {
		if s := k.Info().Scope; s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}
