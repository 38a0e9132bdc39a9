package okta

import (
	"context"
	"encoding/json"
	"iter"
	"sync"

	oktasdk "github.com/okta/okta-sdk-golang/v5/okta"

	"github.com/oktabot/oktabot/intents"
)

// listMax is the largest page of users, groups and apps.
const listMax = 200

// UserQuery selects users for Users. The zero value lists every user.
type UserQuery struct {
	// Text matches the start of a login, email, first or last name.
	Text string
	// Status keeps users in one status (ACTIVE, SUSPENDED …).
	Status string
	// After continues from a page request: an Okta next link (path and
	// query), as given.
	After string
	// PageSize is the page size to ask for; 0 or more than 200: 200.
	PageSize int
}

// Users streams the users matching q, page by page, so that memory stays
// flat however large the org. When the org seems to have no users at all
// the stream ends with intents.ErrNoAdminRole: that is how Okta answers a
// service app without an admin role.
func (c *Client) Users(ctx context.Context, q UserQuery) iter.Seq2[intents.User, error] {
	return func(yield func(intents.User, error) bool) {
		n := 0
		for u, err := range items(c.userPages(ctx, q)) {
			if err != nil {
				yield(intents.User{}, err)
				return
			}
			n++
			if !yield(u, nil) {
				return
			}
		}
		if n == 0 && q.After == "" {
			if err := c.checkAdminRole(ctx, "list users"); err != nil {
				yield(intents.User{}, err)
			}
		}
	}
}

func (c *Client) userPages(ctx context.Context, q UserQuery) iter.Seq2[page[intents.User], error] {
	search := userSearch(q.Text, q.Status)
	size := pageSize(q.PageSize, listMax)
	return listPages(ctx, c, "list users", intents.ScopeUsersRead, q.After, func(ctx context.Context) (*oktasdk.APIResponse, error) {
		r := c.api.UserAPI.ListUsers(ctx).Limit(size)
		if search != "" {
			r = r.Search(search)
		}
		_, resp, err := r.Execute()
		return resp, err
	}, decodeUser)
}

// getUser reads one user by id or login.
func (c *Client) getUser(ctx context.Context, idOrLogin string) (intents.User, error) {
	_, body, err := c.sdkCall(ctx, "get user "+idOrLogin, intents.ScopeUsersRead, func(ctx context.Context) (*oktasdk.APIResponse, error) {
		_, resp, err := c.api.UserAPI.GetUser(ctx, idOrLogin).Execute()
		return resp, err
	})
	if err != nil {
		return intents.User{}, err
	}
	return decodeUser(body)
}

// Factors lists a user's enrolled (and pending) factors. It decodes the
// raw answer: the SDK decodes some factor types (signed_nonce, i.e.
// FastPass) to empty objects.
func (c *Client) Factors(ctx context.Context, userID string) ([]intents.Factor, error) {
	op := "list factors of " + userID
	_, body, err := c.sdkCall(ctx, op, intents.ScopeUsersRead, func(ctx context.Context) (*oktasdk.APIResponse, error) {
		fs, resp, err := c.api.UserFactorAPI.ListFactors(ctx, userID).Execute()
		c.noteDropped(op, emptyOneOfs(fs))
		return resp, err
	})
	if err != nil {
		return nil, err
	}
	raws, err := decodeList(body)
	if err != nil {
		return nil, &intents.Error{Err: intents.ErrUnavailable, Op: "okta: " + op, Detail: "Okta's answer is not a JSON list"}
	}
	out := make([]intents.Factor, 0, len(raws))
	for _, raw := range raws {
		f, err := decodeFactor(raw)
		if err != nil {
			return nil, &intents.Error{Err: intents.ErrUnavailable, Op: "okta: " + op, Detail: err.Error()}
		}
		out = append(out, f)
	}
	return out, nil
}

// userGroups lists the groups a user belongs to.
func (c *Client) userGroups(ctx context.Context, userID string) ([]intents.Group, error) {
	var out []intents.Group
	for g, err := range items(listPages(ctx, c, "list groups of "+userID, intents.ScopeUsersRead, "", func(ctx context.Context) (*oktasdk.APIResponse, error) {
		r := c.api.UserAPI.ListUserGroups(ctx, userID).Limit(listMax)
		_, resp, err := r.Execute()
		return resp, err
	}, decodeGroup)) {
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

// userApps lists the apps a user can sign in to (their app links).
func (c *Client) userApps(ctx context.Context, userID string) ([]intents.App, error) {
	op := "list apps of " + userID
	_, body, err := c.sdkCall(ctx, op, intents.ScopeUsersRead, func(ctx context.Context) (*oktasdk.APIResponse, error) {
		_, resp, err := c.api.UserAPI.ListAppLinks(ctx, userID).Execute()
		return resp, err
	})
	if err != nil {
		return nil, err
	}
	return decodeAll(op, body, decodeAppLink)
}

// decodeAll decodes every item of a JSON list answer.
func decodeAll[T any](op string, body []byte, conv func(json.RawMessage) (T, error)) ([]T, error) {
	raws, err := decodeList(body)
	if err != nil {
		return nil, &intents.Error{Err: intents.ErrUnavailable, Op: "okta: " + op, Detail: "Okta's answer is not a JSON list"}
	}
	out := make([]T, 0, len(raws))
	for _, raw := range raws {
		v, err := conv(raw)
		if err != nil {
			return nil, &intents.Error{Err: intents.ErrUnavailable, Op: "okta: " + op, Detail: err.Error()}
		}
		out = append(out, v)
	}
	return out, nil
}

// userProfile reads everything user_details shows, the factors, groups
// and apps concurrently.
func (c *Client) userProfile(ctx context.Context, who string) (*intents.UserProfile, error) {
	u, err := c.ResolveUser(ctx, who)
	if err != nil {
		return nil, err
	}
	p := &intents.UserProfile{User: u}
	var (
		wg   sync.WaitGroup
		errs [4]error
	)
	wg.Go(func() { p.Blocks, errs[3] = c.userBlocks(ctx, u.ID) })
	wg.Go(func() { p.Factors, errs[0] = c.Factors(ctx, u.ID) })
	wg.Go(func() { p.Groups, errs[1] = c.userGroups(ctx, u.ID) })
	wg.Go(func() { p.Apps, errs[2] = c.userApps(ctx, u.ID) })
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return p, nil
}
