package okta

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/oktabot/oktabot/intents"
)

func TestMergeAndDescribe(t *testing.T) {
	cur, err := parseObject([]byte(`{"id":"0oa1","label":"Wiki","status":"ACTIVE","priority":12345678901234567,
		"settings":{"app":{"url":"https://a","requestIntegration":false},"notes":{"admin":null}},"visibility":{"hide":{"iOS":false}}}`))
	if err != nil {
		t.Fatal(err)
	}
	body, err := parseBody("update app", []byte(`{"label":"Team Wiki","settings":{"app":{"url":"https://b"},"notes":{}},"visibility":null}`))
	if err != nil {
		t.Fatal(err)
	}
	merged := merge(cur, body)
	got, _ := json.Marshal(withoutReadOnly(merged))
	want := `{"label":"Team Wiki","priority":12345678901234567,"settings":{"app":{"requestIntegration":false,"url":"https://b"},"notes":{"admin":null}}}`
	if string(got) != want {
		t.Errorf("merge() =\n%s\nwant\n%s", got, want)
	}
	if cur["label"] != "Wiki" {
		t.Error("merge() changed its input")
	}
	paths := leafPaths(body)
	if diff := cmp.Diff([][]string{{"label"}, {"settings", "app", "url"}, {"settings", "notes"}, {"visibility"}}, paths); diff != "" {
		t.Errorf("leafPaths() (-want +got):\n%s", diff)
	}
	if got, want := describe(cur, paths), `label="Wiki"; settings.app.url="https://a"; settings.notes={"admin":null}; visibility={"hide":{"iOS":false}}`; got != want {
		t.Errorf("describe(current) = %s, want %s", got, want)
	}
	if got, want := describe(merged, paths), `label="Team Wiki"; settings.app.url="https://b"; settings.notes={"admin":null}; visibility=(unset)`; got != want {
		t.Errorf("describe(merged) = %s, want %s", got, want)
	}
	if got := describe(cur, [][]string{{"nope", "deeper"}}); got != "nope.deeper=(unset)" {
		t.Errorf("describe(missing) = %s", got)
	}
}

func TestParseBody(t *testing.T) {
	for _, bad := range []string{``, `[]`, `"x"`, `{}`, `{"a":1} {"b":2}`, `{"id":"0oa1"}`, `{"_links":{}}`, `{"status":"ACTIVE"}`, `{`} {
		if _, err := parseBody("op", []byte(bad)); !errors.Is(err, intents.ErrInvalid) {
			t.Errorf("parseBody(%q) error = %v, want ErrInvalid", bad, err)
		}
	}
}
