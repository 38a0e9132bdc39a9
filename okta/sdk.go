package okta

import (
	"context"
	"encoding/json"
	"io"
	"net/http"

	oktasdk "github.com/okta/okta-sdk-golang/v5/okta"
)

// placeholderToken fills the SDK's Bearer header; the transport always
// replaces it with a real token.
const placeholderToken = "replaced-by-oktabot-transport"

// newSDK builds the SDK's client by hand rather than with
// oktasdk.NewConfiguration, which reads ~/.okta/okta.yaml, the project's
// .okta.yaml and OKTA_* variables, and keeps only the hostname of the org
// URL (calls would go to port 443/80 whatever the org's port). Here the
// host keeps its port, authentication is a placeholder the transport
// replaces, the SDK's GET cache is off (drift checks must see fresh state)
// and so are its 429 retries and request timeout: the transport owns both.
func newSDK(s *settings, hc *http.Client) *oktasdk.APIClient {
	cfg := &oktasdk.Configuration{
		Host:          s.org.Host,
		Scheme:        s.org.Scheme,
		DefaultHeader: map[string]string{},
		UserAgent:     userAgent,
		Servers: oktasdk.ServerConfigurations{
			{URL: s.org.String(), Description: "the Okta org"},
		},
		OperationServers: map[string]oktasdk.ServerConfigurations{},
		HTTPClient:       hc,
		Context:          context.Background(),
	}
	cfg.Okta.Client.OrgUrl = s.org.String()
	cfg.Okta.Client.AuthorizationMode = "Bearer"
	cfg.Okta.Client.Token = placeholderToken
	cfg.Okta.Client.Cache.Enabled = false
	cfg.Okta.Client.RateLimit.MaxRetries = 0
	cfg.Okta.Client.RateLimit.MaxBackoff = 0
	cfg.Okta.Client.RateLimit.Enable = false
	cfg.Okta.Client.RequestTimeout = 0
	return oktasdk.NewAPIClient(cfg)
}

// sdkCall runs one SDK request with a call state in its context and
// returns the response and its raw body on success. The raw body is what
// this package decodes: the SDK has already replaced the response body with
// an in-memory copy, so reading it costs nothing, and it holds every field
// even where an SDK model dropped one. An SDK decoding error on a 2xx answer
// is logged, not returned: the raw body decodes.
func (c *Client) sdkCall(ctx context.Context, op, scope string, fn func(ctx context.Context) (*oktasdk.APIResponse, error)) (*http.Response, []byte, error) {
	st := &callState{}
	resp, err := fn(withCallState(ctx, st))
	var hr *http.Response
	if resp != nil {
		hr = resp.Response
	}
	if hr != nil && hr.StatusCode >= 200 && hr.StatusCode < 300 {
		if err != nil {
			c.log.Debug("okta: okta-sdk-golang could not decode the answer; decoding the raw body", "op", op, "err", err)
		}
		body, rerr := io.ReadAll(hr.Body)
		_ = hr.Body.Close() // the body is done with; a close error changes nothing
		if rerr != nil {
			return hr, nil, c.translate(ctx, op, scope, st, hr, nil, rerr)
		}
		return hr, body, nil
	}
	var body []byte
	if hr != nil && hr.Body != nil {
		body, _ = io.ReadAll(io.LimitReader(hr.Body, 1<<20))
		_ = hr.Body.Close() // the body is done with; a close error changes nothing
	}
	return hr, nil, c.translate(ctx, op, scope, st, hr, body, err)
}

// actualInstancer is an SDK oneOf model.
type actualInstancer interface {
	GetActualInstance() interface{}
}

// emptyOneOfs counts the items an SDK oneOf list decoded to an empty
// object without an error (a signOnMode, rule or factor type its
// discriminator does not know).
func emptyOneOfs[T any, PT interface {
	*T
	actualInstancer
}](items []T) int {
	n := 0
	for i := range items {
		if PT(&items[i]).GetActualInstance() == nil {
			n++
		}
	}
	return n
}

// noteDropped logs that the SDK silently dropped n of the answer's items,
// which this package recovers from the raw body.
func (c *Client) noteDropped(op string, n int) {
	if n > 0 {
		c.log.Debug("okta: okta-sdk-golang decoded items to empty objects; using the raw body", "op", op, "items", n)
	}
}

// decodeList decodes a JSON array answer into raw items.
func decodeList(body []byte) ([]json.RawMessage, error) {
	var items []json.RawMessage
	if len(body) == 0 {
		return nil, nil
	}
	if err := json.Unmarshal(body, &items); err != nil {
		return nil, err
	}
	return items, nil
}
