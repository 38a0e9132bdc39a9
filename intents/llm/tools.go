package llm

import (
	"encoding/json"
	"slices"
	"strings"

	openai "github.com/sashabaranov/go-openai"

	"github.com/oktabot/oktabot/intents"
)

// SystemPrompt is the whole of what the model is told besides the message
// and the tools.
const SystemPrompt = `You read a message that a security analyst wrote to oktabot, a Slack bot for Okta, and answer by calling the tool whose description matches its request.

Rules:
- Call one tool for each request the message makes, each once: one call for most messages; one for each when it makes several ("suspend john@company.com and clear his sessions" is suspend_user and clear_sessions, both for john@company.com). Do not answer in text.
- Use only values written in the request. Never invent users, groups, applications, policies, rules or proposal ids; leave out every argument the request does not give.
- A user is a login or email exactly as written, an Okta user id (00u…) or a Slack mention such as <@U024BE7LH>.
- A window is a duration back from now: 30m, 24h, 7d or 2w, at most 90d. When the request names a day instead ("yesterday", "since Monday"), leave the window out.
- Countries are names or ISO codes as written; leave them out for "suspicious countries", which means the configured watch list.
- Tools that change Okta (suspend, deactivate, reset factors, add to a group …) only become proposals that a person approves. Choose one only when the request explicitly tells oktabot to make that change; for questions, worries, advice or vague wishes choose a query, or unknown. Put the reason the request gives in reason.
- If the request fits no tool, or could mean several, call unknown.
- You see only the request. You know nothing about the organization's users, groups or applications.`

// unknownTool is the tool for requests that fit no kind.
const unknownTool = "unknown"

// schema is the part of JSON Schema the tools use.
type schema struct {
	Type                 string             `json:"type,omitempty"`
	Description          string             `json:"description,omitempty"`
	Properties           map[string]*schema `json:"properties,omitempty"`
	Required             []string           `json:"required,omitempty"`
	AdditionalProperties any                `json:"additionalProperties,omitempty"`
	Items                *schema            `json:"items,omitempty"`
	Enum                 []string           `json:"enum,omitempty"`
	Pattern              string             `json:"pattern,omitempty"`
	MinLength            int                `json:"minLength,omitempty"`
	MaxLength            int                `json:"maxLength,omitempty"`
	Minimum              int                `json:"minimum,omitempty"`
	Maximum              int                `json:"maximum,omitempty"`
	MaxItems             int                `json:"maxItems,omitempty"`
}

// parameters is a tool's top-level schema: "properties" is always present.
type parameters struct {
	Type                 string             `json:"type"`
	Properties           map[string]*schema `json:"properties"`
	Required             []string           `json:"required,omitempty"`
	AdditionalProperties bool               `json:"additionalProperties"`
}

// Tools returns one function tool per catalogue kind, named as the kind and
// described by its summary, with a JSON schema of the arguments it takes
// (required ones required, no others allowed), and a last tool, "unknown",
// for requests that fit none.
func Tools() []openai.Tool {
	tools := make([]openai.Tool, 0, len(intents.Catalogue)+1)
	for _, info := range intents.Catalogue {
		tools = append(tools, tool(string(info.Kind), describe(info), paramsOf(info)))
	}
	return append(tools, tool(unknownTool, "The request fits none of the other tools, or could mean several of them.",
		parameters{Type: "object", Properties: map[string]*schema{}}))
}

func tool(name, description string, p parameters) openai.Tool {
	raw, err := json.Marshal(p)
	if err != nil {
		panic("llm: tool schema: " + err.Error()) // static data: cannot happen
	}
	return openai.Tool{Type: openai.ToolTypeFunction, Function: &openai.FunctionDefinition{
		Name: name, Description: description, Parameters: json.RawMessage(raw),
	}}
}

// describe is a tool's description: the summary, for actions that they
// need an explicit request and become proposals, and the catalogue's
// idioms for the kind as examples of how people ask for it.
func describe(info intents.KindInfo) string {
	d := info.Summary + "."
	if info.Action {
		d += " Changes Okta: only when the request explicitly asks for this change; it becomes a proposal that an approver must approve."
	}
	if len(info.Idioms) > 0 {
		d += " People also ask for it as: " + idiomExamples(info) + "."
	}
	if info.DefaultWindow > 0 {
		d += " Without a window it covers the last " + info.DefaultWindow.Human() + "."
	}
	return d + " Slash form: " + info.Example
}

// paramsOf is the schema of a kind's arguments.
func paramsOf(info intents.KindInfo) parameters {
	p := parameters{Type: "object", Properties: map[string]*schema{}}
	for _, list := range [][]intents.Arg{info.Positional, info.Required, info.Optional} {
		for _, a := range list {
			p.Properties[string(a)] = argSchema(info.Kind, a)
		}
	}
	for _, a := range info.Required {
		if !slices.Contains(p.Required, string(a)) {
			p.Required = append(p.Required, string(a))
		}
	}
	return p
}

// Enumerations the validators accept (their canonical forms).
var (
	policyTypes = intents.PolicyTypes()
	outcomes    = intents.Outcomes()
)

// argSchema is the schema of one argument of kind k.
func argSchema(k intents.Kind, a intents.Arg) *schema {
	name := func(what string) *schema {
		return &schema{Type: "string", MinLength: 1, MaxLength: 255, Description: "The " + what + "'s name exactly as the request writes it."}
	}
	switch a {
	case intents.ArgUser:
		return &schema{Type: "string", MinLength: 1, MaxLength: 100, Pattern: `^\S+$`,
			Description: "The user exactly as the request writes it: a login or email, an Okta user id (00u…) or a Slack mention such as <@U024BE7LH>."}
	case intents.ArgGroup:
		return name("group")
	case intents.ArgApp:
		return name("application")
	case intents.ArgPolicy:
		return name("policy")
	case intents.ArgRule:
		return name("policy rule")
	case intents.ArgPolicyType:
		return &schema{Type: "string", Enum: policyTypes, Description: "The policy type."}
	case intents.ArgWindow:
		return &schema{Type: "string", Pattern: `^[1-9][0-9]{0,3}[mhdw]$`,
			Description: "How far back from now: 30m, 24h, 7d or 2w; at most 90d. Leave out when the request gives none or names a day."}
	case intents.ArgEventType:
		return &schema{Type: "string", MaxLength: 100, Pattern: `^[A-Za-z0-9_]+(\.[A-Za-z0-9_*]+)+$`,
			Description: "An Okta System Log event type, e.g. user.session.start, or a pattern such as user.authentication.*."}
	case intents.ArgOutcome:
		return &schema{Type: "string", Enum: outcomes, Description: "The System Log outcome."}
	case intents.ArgStatus:
		if k == intents.ListApps {
			return &schema{Type: "string", Enum: intents.Statuses(k), Description: "The application status."}
		}
		return &schema{Type: "string", Enum: intents.Statuses(k), Description: "The Okta user status."}
	case intents.ArgQuery:
		return &schema{Type: "string", MinLength: 1, MaxLength: 255, Description: "Text to search for, as the request writes it."}
	case intents.ArgCountries:
		return &schema{Type: "array", MaxItems: 50, Items: &schema{Type: "string", MinLength: 2, MaxLength: 60},
			Description: "Country names or ISO codes as the request writes them. Leave out to use the configured watch list."}
	case intents.ArgReason:
		return &schema{Type: "string", MaxLength: 500, Description: "Why, in the request's words."}
	case intents.ArgFields:
		return &schema{Type: "object", AdditionalProperties: &schema{Type: "string"},
			Description: "Okta profile attributes to set, by their Okta names (firstName, lastName, email, department, title …)."}
	case intents.ArgBody:
		return &schema{Type: "object", Description: "Okta's API JSON for the object, as the request gives it."}
	case intents.ArgLimit:
		return &schema{Type: "integer", Minimum: 1, Maximum: 1000, Description: "At most this many results."}
	case intents.ArgID:
		return &schema{Type: "string", Pattern: `^[A-Za-z0-9_-]{1,64}$`, Description: "The proposal id, such as p-7Q2MXK."}
	}
	return &schema{Type: "string", Description: strings.ReplaceAll(string(a), "_", " ")}
}

// idiomExamples writes the kind's idioms as requests, "…" (or the end of
// the idiom) standing for the target: "freeze …", "let … back in".
func idiomExamples(info intents.KindInfo) string {
	out := make([]string, len(info.Idioms))
	for i, id := range info.Idioms {
		if !strings.Contains(id, "…") {
			id += " …"
		}
		out[i] = `"` + id + `"`
	}
	return strings.Join(out, ", ")
}
