package slackfake

import (
	"crypto/subtle"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// tokenKind says which token a Web API method accepts.
type tokenKind int

const (
	botToken tokenKind = iota
	appToken
)

// apiMethod is one Web API method.
type apiMethod struct {
	token  tokenKind
	handle func(s *Server, req *apiRequest) (map[string]any, error)
}

// apiMethods is the Web API the fake speaks. Anything else answers
// unknown_method and is recorded in UnknownCalls.
func apiMethods() map[string]apiMethod {
	return map[string]apiMethod{
		"auth.test":                    {botToken, (*Server).authTest},
		"apps.connections.open":        {appToken, (*Server).connectionsOpen},
		"chat.postMessage":             {botToken, (*Server).chatPostMessage},
		"chat.update":                  {botToken, (*Server).chatUpdate},
		"chat.postEphemeral":           {botToken, (*Server).chatPostEphemeral},
		"chat.delete":                  {botToken, (*Server).chatDelete},
		"files.getUploadURLExternal":   {botToken, (*Server).filesGetUploadURL},
		"files.completeUploadExternal": {botToken, (*Server).filesCompleteUpload},
		"users.info":                   {botToken, (*Server).usersInfo},
		"users.lookupByEmail":          {botToken, (*Server).usersLookupByEmail},
		"conversations.info":           {botToken, (*Server).conversationsInfoAsBot},
		"usergroups.users.list":        {botToken, (*Server).usergroupsUsersList},
		"conversations.members":        {botToken, (*Server).conversationsMembers},
		"views.open":                   {botToken, (*Server).viewsOpen},
		"views.push":                   {botToken, (*Server).viewsPush},
		"views.update":                 {botToken, (*Server).viewsUpdate},
		"views.publish":                {botToken, (*Server).viewsPublish},
		"conversations.history":        {botToken, (*Server).conversationsHistory},
		"conversations.replies":        {botToken, (*Server).conversationsReplies},
	}
}

// apiError is a Web API failure: {"ok":false,"error":Code} with optional
// response_metadata.messages, and needed and provided for missing_scope.
type apiError struct {
	Code     string
	Messages []string
	Status   int // HTTP status; 0 means 200 as Slack answers most errors

	Needed, Provided string
}

func (e *apiError) Error() string { return "slackfake: " + e.Code }

func fail(code string) error { return &apiError{Code: code} }

// apiRequest is a decoded Web API call: a form post (slack-go's usual
// shape) or a JSON body (views.*, apps.connections.open).
type apiRequest struct {
	method string
	token  string
	form   url.Values
	json   map[string]json.RawMessage
}

// arg returns a string argument from the form or the JSON body. A JSON value
// that is not a string is returned as its raw JSON text.
func (r *apiRequest) arg(name string) string {
	if v, ok := r.form[name]; ok && len(v) > 0 {
		return v[0]
	}
	raw, ok := r.json[name]
	if !ok {
		return ""
	}
	var str string
	if json.Unmarshal(raw, &str) == nil {
		return str
	}
	if string(raw) == "null" {
		return ""
	}
	return string(raw)
}

// raw returns a JSON-valued argument: the raw JSON of a JSON body field, or
// the text of a form field (slack-go sends blocks and files JSON-encoded).
func (r *apiRequest) raw(name string) json.RawMessage {
	if v, ok := r.form[name]; ok && len(v) > 0 {
		return json.RawMessage(v[0])
	}
	return r.json[name]
}

func (s *Server) handleAPI(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/api/")
	req, err := parseAPIRequest(r, name)

	s.mu.Lock()
	s.calls[name]++
	m, known := s.methods[name]
	if !known {
		s.unknown = append(s.unknown, name)
	}
	s.notifyLocked()
	s.mu.Unlock()

	if !known {
		s.opts.Logger.Error("slackfake: unknown Web API method called", "method", name)
		writeAPI(w, nil, fail("unknown_method"))
		return
	}
	if err != nil {
		writeAPI(w, nil, fail("invalid_form_data"))
		return
	}
	if err := s.checkToken(req.token, m.token); err != nil {
		writeAPI(w, nil, err)
		return
	}
	if m.token == botToken {
		w.Header().Set("X-OAuth-Scopes", strings.Join(s.opts.Scopes, ","))
		if err := s.needScope(methodScopes[name]...); err != nil {
			writeAPI(w, nil, err)
			return
		}
	}
	if err := s.injectedFailure(name); err != nil {
		writeAPI(w, nil, err)
		return
	}
	out, err := m.handle(s, req)
	writeAPI(w, out, err)
}

func parseAPIRequest(r *http.Request, name string) (*apiRequest, error) {
	req := &apiRequest{method: name, form: url.Values{}}
	if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") {
		req.token = strings.TrimPrefix(auth, "Bearer ")
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
		if err != nil {
			return req, err
		}
		if len(strings.TrimSpace(string(body))) > 0 {
			if err := json.Unmarshal(body, &req.json); err != nil {
				return req, err
			}
		}
		req.form = r.URL.Query()
	case "multipart/form-data":
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			return req, err
		}
		req.form = r.Form
	default:
		if err := r.ParseForm(); err != nil {
			return req, err
		}
		req.form = r.Form
	}
	if req.token == "" {
		req.token = req.form.Get("token")
	}
	return req, nil
}

// checkToken answers like Slack: not_authed without a token, invalid_auth
// for an unknown one, not_allowed_token_type for the other kind.
func (s *Server) checkToken(token string, want tokenKind) error {
	eq := func(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
	switch {
	case token == "":
		return fail("not_authed")
	case eq(token, s.opts.BotToken):
		if want != botToken {
			return fail("not_allowed_token_type")
		}
	case eq(token, s.opts.AppToken):
		if want != appToken {
			return fail("not_allowed_token_type")
		}
	default:
		return fail("invalid_auth")
	}
	return nil
}

func (s *Server) injectedFailure(method string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.failures[method]
	if len(q) == 0 {
		return nil
	}
	code := q[0]
	s.failures[method] = q[1:]
	if code == "ratelimited" {
		return &apiError{Code: code, Status: http.StatusTooManyRequests}
	}
	return fail(code)
}

// writeAPI writes a Web API answer.
func writeAPI(w http.ResponseWriter, out map[string]any, err error) {
	status := http.StatusOK
	if err != nil {
		ae, ok := err.(*apiError)
		if !ok {
			ae = &apiError{Code: "internal_error", Status: http.StatusInternalServerError}
		}
		out = map[string]any{"ok": false, "error": ae.Code}
		if len(ae.Messages) > 0 {
			out["response_metadata"] = map[string]any{"messages": ae.Messages}
		}
		if ae.Needed != "" {
			out["needed"], out["provided"] = ae.Needed, ae.Provided
		}
		if ae.Status != 0 {
			status = ae.Status
		}
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "1")
		}
	} else {
		if out == nil {
			out = map[string]any{}
		}
		out["ok"] = true
	}
	writeJSON(w, status, out)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) authTest(*apiRequest) (map[string]any, error) {
	return map[string]any{
		"url":                   "https://" + s.opts.TeamDomain + ".slack.com/",
		"team":                  s.opts.TeamDomain,
		"user":                  "oktabot",
		"team_id":               s.opts.TeamID,
		"user_id":               s.opts.BotUserID,
		"bot_id":                s.opts.BotID,
		"is_enterprise_install": false,
	}, nil
}

// connectionsOpen issues a single-use websocket URL on the fake.
func (s *Server) connectionsOpen(*apiRequest) (map[string]any, error) {
	s.mu.Lock()
	ticket := s.nextIDLocked("ticket-")
	s.tickets[ticket] = true
	s.mu.Unlock()
	u := "ws" + strings.TrimPrefix(s.base, "http") + "/link/?ticket=" + ticket + "&app_id=" + s.opts.AppID
	return map[string]any{"url": u}, nil
}
